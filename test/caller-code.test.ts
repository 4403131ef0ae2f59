// Code in the caller's objects that runs while the bindings read them: getters and proxies in a
// request, its context or a counter snapshot. A throw there is the caller's error, not a trap; a
// call back into the engine from there must fail loudly, never decide on a half-overwritten request.

import { beforeAll, describe, expect, it } from "vitest";
import { EngineError, loadEngine, RequestError, type Engine, type Policy } from "../bindings/index";

const AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
const NOW = "2026-02-24T15:00:00Z";

let engine: Engine;
let policy: Policy;
beforeAll(async () => {
  engine = await loadEngine();
  policy = engine.compile({ constraints: { "core:data:no_secrets_export": true, "core:scope:action_allowlist": ["web:*"] } });
});

/** `levels` nested objects around `leaf`: deeper than the in-place encoder goes, so the careful one runs. */
function nest(levels: number, leaf: object): object {
  let o: object = leaf;
  for (let i = 0; i < levels; i++) o = { n: o };
  return o;
}

describe("a getter or proxy that throws", () => {
  const boom = (): never => {
    throw new Error("boom");
  };
  const cases: [string, () => unknown][] = [
    [
      "in the context",
      () =>
        policy.evaluate(
          {
            action: "web:search",
            context: {
              a: 1,
              get q() {
                return boom();
              },
            },
          },
          {},
          { now: NOW },
        ),
    ],
    [
      "deep in the context (careful encoder)",
      () =>
        policy.evaluate(
          {
            action: "web:search",
            context: nest(40, {
              get q() {
                return boom();
              },
            }) as Record<string, unknown>,
          },
          {},
          { now: NOW },
        ),
    ],
    [
      "on the request",
      () =>
        policy.evaluate(
          {
            get action() {
              return boom();
            },
          },
          {},
          { now: NOW },
        ),
    ],
    [
      "in the counter snapshot",
      () =>
        policy.evaluate(
          { action: "web:search" },
          {
            get spent_today_cents() {
              return boom();
            },
          },
          { now: NOW },
        ),
    ],
    [
      "in the options",
      () =>
        policy.evaluate(
          { action: "web:search" },
          {},
          {
            get now() {
              return boom();
            },
          },
        ),
    ],
    ["as a proxy's ownKeys", () => policy.evaluate({ action: "web:search", context: new Proxy({}, { ownKeys: boom }) }, {}, { now: NOW })],
  ];
  for (const [where, run] of cases) {
    it(`${where}: a RequestError naming the caller's error, and the instance is not restarted`, () => {
      const generation = engine.core.generation;
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RequestError);
      expect(err).toMatchObject({ code: "unreadable_input" });
      expect((err as Error).message).toContain("boom");
      expect(engine.core.generation).toBe(generation);
      expect(policy.evaluate({ action: "web:search", context: { q: AWS_KEY } }, {}, { now: NOW }).reason).toBe("secret_detected");
    });
  }
});

describe("a call back into the engine while a request is being read", () => {
  const plain = { action: "web:search", context: { a: "x", b: "y", c: AWS_KEY } };

  it("from a context getter: both calls throw reentrant_call, nothing is decided on a mixed request", () => {
    let inner: unknown;
    const context = {
      a: "x",
      get b() {
        try {
          policy.evaluate({ action: "shell:rm" }, {}, { now: NOW });
        } catch (e) {
          inner = e;
          throw e;
        }
        return "y";
      },
      c: AWS_KEY,
    };
    let outer: unknown;
    try {
      policy.evaluate({ action: "web:search", context }, {}, { now: NOW });
    } catch (e) {
      outer = e;
    }
    expect(inner).toBeInstanceOf(EngineError);
    expect(inner).toMatchObject({ code: "reentrant_call" });
    expect(outer).toBe(inner);
    expect(policy.evaluate(plain, {}, { now: NOW }).reason).toBe("secret_detected");
  });

  it("a getter that swallows the refusal: the outer call decides on its own request, as with plain data", () => {
    const refusals: unknown[] = [];
    const context = {
      a: "x",
      get b() {
        try {
          policy.evaluate({ action: "shell:rm" }, {}, { now: NOW });
        } catch (e) {
          refusals.push(e);
        }
        return "y";
      },
      c: AWS_KEY,
    };
    expect(policy.evaluate({ action: "web:search", context }, {}, { now: NOW })).toEqual(policy.evaluate(plain, {}, { now: NOW }));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ code: "reentrant_call" });
  });

  it("from a counter-snapshot getter, and for compile, dispose and the enforcer's entry point too", () => {
    const other = engine.compile({ constraints: {} });
    const tries: [string, () => unknown][] = [
      ["evaluate", () => policy.evaluate({ action: "web:fetch" })],
      ["compile", () => engine.compile({ constraints: {} })],
      ["dispose", () => other.dispose()],
      ["evaluateValidated", () => policy.evaluateValidated({ action: "web:fetch" }, {}, Date.parse(NOW), false)],
      ["deadline", () => engine.deadline("permit", Date.parse(NOW))],
    ];
    for (const [name, call] of tries) {
      let seen: unknown;
      const counters = {
        get spent_today_cents() {
          try {
            call();
          } catch (e) {
            seen = e;
          }
          return 5;
        },
      };
      const d = policy.evaluate({ action: "web:search", context: { c: AWS_KEY } }, counters, { now: NOW });
      expect(seen, name).toMatchObject({ code: "reentrant_call" });
      expect(d.reason, name).toBe("secret_detected");
    }
    expect(other.evaluate({ action: "x" }, {}, { now: NOW }).decision).toBe("allow"); // dispose was refused
  });

  it("while the careful encoder reads a deep context, nothing is half-written: a nested call completes and both decide right", () => {
    let inner: unknown;
    // Read twice: by the in-place encoder (which gives up at depth 32, refusing the nested call), then by the careful one.
    const leaf = {
      get q() {
        try {
          inner = policy.evaluate({ action: "shell:rm" }, {}, { now: NOW });
        } catch {
          /* first read */
        }
        return AWS_KEY;
      },
    };
    const d = policy.evaluate({ action: "web:search", context: nest(40, leaf) as Record<string, unknown> }, {}, { now: NOW });
    expect(d.reason).toBe("secret_detected");
    expect(inner).toMatchObject({ decision: "block", reason: "action_not_allowed" });
  });
});
