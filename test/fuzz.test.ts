// Fuzzing the boundary (issue 5): random and mutated passports, requests, counter snapshots,
// options and counter-state bytes. None may crash the process or leak anything but the typed
// errors of bindings/errors.ts (a user's input is a PassportError or RequestError; an EngineError
// means a trap, i.e. a bug), and none may corrupt later results: after every bad input a
// known-good case still gives its known answer, byte for byte. FC_SEED replays a run.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { EngineError, loadEngine, PassportError, RequestError, type Engine, type Policy } from "../bindings/index";
import { CounterStates } from "../bindings/state";
import { caseSpecArb, passportSpecArb, resolveCase, resolvePassport } from "./property/arbitraries";
import { SEED } from "./property/run";
import type { Counters as CounterSnapshot, EvalRequest, Passport } from "../bindings/gen/types";

const NOW = "2026-02-24T15:00:00Z";
const BASE = Date.parse(NOW);
const KNOWN_PASSPORT = {
  id: "pass_known",
  status: "active",
  permissions: ["web:*", "travel:*"],
  constraints: {
    "core:cost:max_per_day": 10_000,
    "core:cost:approval_threshold": 2000,
    "core:rate:max_per_minute": 60,
    "core:scope:domain_allowlist": ["serpapi.com", "*.example.com"],
    "core:data:no_pii_export": true,
    "core:time:operating_hours": { timezone: "Europe/Berlin", start: "08:00", end: "20:00" },
    "acme:region": "eu",
  },
};
const KNOWN_REQUEST = { action: "travel:book", cost_cents: 2500, target: "https://api.example.com/v1", context: { note: "window seat" } };
const KNOWN_COUNTERS = { spent_today_cents: 7000, actions_last_minute: 3, last_heartbeat_at: "2026-02-24T14:59:00Z" };

let engine: Engine;
let known: Policy;
let answer: string;
const knownAnswer = (p: Policy) => JSON.stringify(p.evaluate(KNOWN_REQUEST, KNOWN_COUNTERS, { now: NOW, explain: true }));

beforeAll(async () => {
  engine = await loadEngine();
  known = engine.compile(KNOWN_PASSPORT as Passport);
  answer = knownAnswer(known);
  expect(JSON.parse(answer)).toMatchObject({ decision: "request_hold", rule: "core:cost:approval_threshold" });
});

/** Runs `fn`; a thrown error must be a user-input error of bindings/errors.ts. */
function typed(fn: () => unknown): "ok" | "rejected" {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (err instanceof PassportError || err instanceof RequestError) return "rejected";
    const kind = err instanceof EngineError ? `EngineError ${err.code} (a trap on user input)` : `untyped ${(err as Error)?.constructor?.name}`;
    throw new Error(`${kind}: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** The known-good case still gives its known answer, from the live policy and from a fresh one. */
function intact(fresh = false): void {
  expect(knownAnswer(known)).toBe(answer);
  if (fresh) {
    const p = engine.compile(KNOWN_PASSPORT as Passport);
    expect(knownAnswer(p)).toBe(answer);
    p.dispose();
  }
}

// ---- hostile values ----------------------------------------------------------------------------

const LONE = ["\ud800", "\udfff", "a\ud800b", "\udc00\ud800", "x".repeat(10) + "\ud83d"];
const hostileScalar = fc.oneof(
  fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -0, 2 ** 53, 2 ** 64, 1e308, -1, 1.5, Number.MIN_VALUE, 0x7fffffff + 1, -(2 ** 31)),
  fc.constantFrom<unknown>(
    ...LONE,
    "",
    " ",
    "core:cost:max_per_day",
    "24:00",
    "25:61",
    "2026-02-30T00:00:00Z",
    "2026-02-24T23:59:60Z",
    "Etc/Nowhere",
    "*",
    "\u0000",
    "null",
  ),
  fc.constantFrom<unknown>(
    null,
    undefined,
    true,
    false,
    10n,
    Symbol("s"),
    () => 1,
    new Date(NaN),
    new Date(0),
    new Map([[1, 2]]),
    new Set([1]),
    new Uint8Array(3),
    /re/,
    Object.create(null),
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.integer(),
  fc.double(),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  {
    weight: 2,
    arbitrary: fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      withTypedArray: true,
    }),
  },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "core:x", "toString")), hostileScalar, { maxKeys: 4 }),
  },
);

/** Every [container, key] of a JSON-like tree, so a mutation can pick one. */
function slots(root: unknown): [Record<PropertyKey, unknown>, PropertyKey][] {
  const out: [Record<PropertyKey, unknown>, PropertyKey][] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== "object") return;
    for (const k of Object.keys(v)) {
      out.push([v as Record<PropertyKey, unknown>, Array.isArray(v) ? Number(k) : k]);
      walk((v as Record<string, unknown>)[k]);
    }
  };
  walk(root);
  return out;
}

type Mutation = "replace" | "delete" | "wrap" | "stringify" | "add";
/** A deep copy of `doc` with one slot replaced, deleted, wrapped in a list, turned into text, or a key added. */
function mutate(doc: unknown, at: number, how: Mutation, value: unknown): unknown {
  const copy = structuredClone(doc);
  const all = slots(copy);
  if (all.length === 0) return value;
  const [container, key] = all[at % all.length]!;
  switch (how) {
    case "replace":
      container[key] = value;
      break;
    case "delete":
      delete container[key];
      break;
    case "wrap":
      container[key] = [container[key]];
      break;
    case "stringify":
      container[key] = JSON.stringify(container[key]) ?? "undefined";
      break;
    case "add":
      container[typeof value === "string" ? value : "core:unknown"] = value;
      break;
  }
  return copy;
}
const mutation = fc.record({ at: fc.nat(), how: fc.constantFrom<Mutation>("replace", "replace", "delete", "wrap", "stringify", "add"), value: hostileValue });

const validPassport = passportSpecArb.map((spec) => resolvePassport(spec, BASE));
const mutatedPassport = fc.tuple(validPassport, mutation).map(([p, m]) => mutate(p, m.at, m.how, m.value));
const validCase = fc.tuple(validPassport, caseSpecArb).map(([p, c]) => resolveCase(c, p, BASE));

/** Text near JSON: a valid passport's JSON with a few characters cut, doubled or replaced. */
const mangledJson = fc
  .tuple(
    validPassport,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("cut", "dup", "sub")), { minLength: 1, maxLength: 3 }),
    fc.string({ unit: "binary", maxLength: 2 }),
  )
  .map(([p, edits, ins]) => {
    let s = JSON.stringify(p);
    for (const [at, op] of edits) {
      const i = at % Math.max(1, s.length);
      s = op === "cut" ? s.slice(0, i) + s.slice(i + 1) : op === "dup" ? s.slice(0, i) + s[i] + s.slice(i) : s.slice(0, i) + ins + s.slice(i + 1);
    }
    return s;
  });

const params = (numRuns: number) => ({ numRuns, seed: SEED });

/**
 * Known bindings bug steered around until fixed (see known-divergences.test.ts): a constraint whose
 * value is `undefined` passes validation, then encodePassport throws a TypeError (lists, schedules)
 * or compiles it as 0 (numbers, flags). Such constraints are dropped here, as JSON would drop them.
 */
export const AVOID_FUZZ = { undefinedConstraint: true };
function withoutUndefinedConstraints(doc: unknown): unknown {
  if (!AVOID_FUZZ.undefinedConstraint || doc === null || typeof doc !== "object") return doc;
  const c = (doc as { constraints?: unknown }).constraints;
  if (c !== null && typeof c === "object")
    for (const k of Object.keys(c)) if ((c as Record<string, unknown>)[k] === undefined) delete (c as Record<string, unknown>)[k];
  return doc;
}

describe(`fuzzing the boundary (seed ${SEED})`, () => {
  it("passports: random, mutated and mangled JSON are compiled or rejected with a PassportError", () => {
    fc.assert(
      fc.property(fc.oneof(mutatedPassport, mutatedPassport, hostileValue, mangledJson).map(withoutUndefinedConstraints), (doc) => {
        let policy: Policy | undefined;
        if (
          typed(() => {
            policy = engine.compile(doc as Passport);
          }) === "ok"
        ) {
          typed(() => policy!.evaluate(KNOWN_REQUEST, KNOWN_COUNTERS, { now: NOW }));
          policy!.dispose();
        }
        intact();
      }),
      params(3000),
    );
    intact(true);
  }, 120_000);

  it("requests, counters and options: mutated or random, decided or rejected with a RequestError", () => {
    const docs = fc.record({ c: validCase, part: fc.constantFrom("request", "counters", "now", "all"), m: mutation, raw: fc.boolean() });
    fc.assert(
      fc.property(docs, validPassport.map(withoutUndefinedConstraints), ({ c, part, m, raw }, passport) => {
        let policy: Policy | undefined;
        if (
          typed(() => {
            policy = engine.compile(passport as Passport);
          }) !== "ok"
        )
          return;
        const request = part === "request" || part === "all" ? (raw ? m.value : mutate(c.request, m.at, m.how, m.value)) : c.request;
        const counters = part === "counters" || part === "all" ? (raw ? m.value : mutate(c.counters, m.at, m.how, m.value)) : c.counters;
        const now = part === "now" || part === "all" ? m.value : c.now;
        typed(() => policy!.evaluate(request as EvalRequest, counters as CounterSnapshot, { now: now as number, explain: m.at % 2 === 0 }));
        typed(() => policy!.evaluate(request as EvalRequest, counters as CounterSnapshot, m.value as never));
        policy!.dispose();
        intact();
      }),
      params(3000),
    );
    intact(true);
  }, 120_000);

  it("huge values, huge lists, deep nesting and malformed UTF-16 are decided or rejected", () => {
    const deep = (n: number, leaf: unknown): unknown => {
      let v = leaf;
      for (let i = 0; i < n; i++) v = i % 2 ? { k: v } : [v];
      return v;
    };
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const big = 100_000;
    const inputs: [string, () => unknown][] = [
      ["100,000-level context", () => known.evaluate({ action: "web:search", context: { a: deep(big, "jane@example.com") } }, {}, { now: NOW })],
      [
        "1,000,000-element context list",
        () => known.evaluate({ action: "web:search", context: { a: Array.from({ length: 1_000_000 }, (_, i) => i) } }, {}, { now: NOW }),
      ],
      [
        "200,000 context keys",
        () =>
          known.evaluate(
            { action: "web:search", context: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, `v${i}`])) },
            {},
            { now: NOW },
          ),
      ],
      ["10 MB context string", () => known.evaluate({ action: "web:search", context: { a: "ab ".repeat(3_500_000) } }, {}, { now: NOW })],
      ["5 MB target", () => known.evaluate({ action: "web:search", target: "https://" + "a.".repeat(2_500_000) + "example.com" }, {}, { now: NOW })],
      ["circular context", () => known.evaluate({ action: "a", context: circular }, {}, { now: NOW })],
      ["BigInt in context", () => known.evaluate({ action: "a", context: { n: 10n } }, {}, { now: NOW })],
      ["class instance in context", () => known.evaluate({ action: "a", context: { d: new Date(0), m: new Map() } }, {}, { now: NOW })],
      ["__proto__ key in context", () => known.evaluate({ action: "a", context: JSON.parse('{"__proto__": {"x": "jane@example.com"}}') }, {}, { now: NOW })],
      [
        "lone surrogates in action, target, context key and value",
        () => {
          for (const s of LONE) {
            typed(() => known.evaluate({ action: s }, {}, { now: NOW }));
            typed(() => known.evaluate({ action: "a", target: s }, {}, { now: NOW }));
            typed(() => known.evaluate({ action: "a", context: { [s]: s } }, {}, { now: NOW }));
          }
        },
      ],
      [
        "action of 1024 and 1025 UTF-8 bytes",
        () => {
          expect(typed(() => known.evaluate({ action: "é".repeat(512) }, {}, { now: NOW }))).toBe("ok");
          expect(typed(() => known.evaluate({ action: "é".repeat(512) + "x" }, {}, { now: NOW }))).toBe("rejected");
        },
      ],
      [
        "100,000-entry lists in a passport",
        () => {
          const p = engine.compile({
            permissions: Array.from({ length: big }, (_, i) => `p${i}:*`),
            constraints: {
              "core:scope:domain_blocklist": Array.from({ length: big }, (_, i) => `h${i}.example.org`),
              "core:scope:action_blocklist": Array.from({ length: big }, (_, i) => `a${i}:*`),
              "core:approval:for_actions": Array.from({ length: big }, (_, i) => `x${i}*`),
              "core:time:blackout_windows": Array.from({ length: 10_000 }, (_, i) => ({
                start: new Date(i * 60_000).toISOString(),
                end: new Date(i * 60_000 + 1000).toISOString(),
              })),
            },
          });
          expect(p.evaluate({ action: "p99999:x", target: "h99999.example.org" }, {}, { now: NOW }).reason).toBe("domain_blocked");
          p.dispose();
        },
      ],
      ["a 1 MB passport of garbage text", () => engine.compile("{".repeat(500_000) + "}".repeat(500_000))],
      [
        "counters at and past their bounds",
        () => {
          for (const c of [
            { spent_today_cents: Number.MAX_SAFE_INTEGER, held_cents: Number.MAX_SAFE_INTEGER },
            { last_action_at: 8.64e15 },
            { last_action_at: 8.64e15 + 1 },
            { actions_today: -1 },
            { last_heartbeat_at: "0000-01-01T00:00:00Z" },
          ]) {
            typed(() => known.evaluate({ action: "a", cost_cents: Number.MAX_SAFE_INTEGER }, c, { now: NOW }));
          }
        },
      ],
      [
        "now at and past the ends of time",
        () => {
          for (const now of [8.64e15, -8.64e15, 8.64e15 + 1, "9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", new Date(8.64e15)])
            typed(() => known.evaluate(KNOWN_REQUEST, KNOWN_COUNTERS, { now }));
        },
      ],
    ];
    for (const [name, run] of inputs) {
      try {
        typed(run);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`);
      }
      intact();
    }
    intact(true);
  }, 120_000);

  it("counter states: random, truncated and bit-flipped bytes are refused as bad_state, never trapped", () => {
    const cs = new CounterStates(engine);
    const t = Date.parse("2026-02-24T10:00:00Z");
    let good = cs.fresh();
    good = cs.commit(good, t, 700).state;
    good = cs.reserve(good, t + 1000, 300, "apr_known").state;
    const knownState = () => JSON.stringify(cs.snapshot(good, t + 2000).snapshot);
    const expected = knownState();
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 800 }),
      fc.tuple(fc.nat(), fc.nat(7), fc.nat()).map(([i, bit, n]) => {
        const b = good.slice();
        for (let k = 0; k <= n % 4; k++) b[(i + k * 97) % b.length]! ^= 1 << bit;
        return b;
      }),
      fc.nat().map((n) => good.slice(0, n % good.length)),
      fc.uint8Array({ minLength: 1, maxLength: 16 }).map((tail) => {
        const b = new Uint8Array(good.length + tail.length);
        b.set(good);
        b.set(tail, good.length);
        return b;
      }),
    );
    fc.assert(
      fc.property(bytes, fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.nat(11), (state, now, op) => {
        const run = [
          () => cs.snapshot(state, now),
          () => cs.commit(state, now, 5),
          () => cs.reserve(state, now, 5, "apr_x"),
          () => cs.approve(state, now, "apr_known"),
          () => cs.release(state, now, "apr_known"),
          () => cs.reset(state, now, "all"),
          () => cs.trueUp(state, now, now - 1, 0, 5, 0),
          () => cs.heartbeat(state, now),
          () => cs.pause(state, now),
          () => cs.emergencyStop(state, now),
          () => cs.resume(state, now),
          () => cs.windowResets(now),
        ][op]!;
        typed(run);
        expect(knownState()).toBe(expected);
        intact();
      }),
      params(3000),
    );
  }, 120_000);
});
