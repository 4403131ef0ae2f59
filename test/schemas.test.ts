// The JSON Schemas: well-formed draft 2020-12, accepting SPEC's own examples, in step with the
// WebAssembly catalogue, and the generated files in step with them.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as gen from "../bindings/gen/zod";
import { validatePassport } from "../bindings/validate";

const ROOT = join(import.meta.dirname, "..");
const SCHEMAS = join(ROOT, "schemas");
type Json = Record<string, unknown>;
const files = readdirSync(SCHEMAS)
  .filter((f) => f.endsWith(".schema.json"))
  .sort();
const load = (file: string): Json => JSON.parse(readFileSync(join(SCHEMAS, file), "utf8")) as Json;

/** Every object node of a schema, with its JSON pointer. */
function* nodes(node: unknown, pointer = ""): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, n] of node.entries()) yield* nodes(n, `${pointer}/${i}`);
  } else if (node !== null && typeof node === "object") {
    yield [pointer, node as Json];
    for (const [k, v] of Object.entries(node)) if (k !== "enum" && k !== "const") yield* nodes(v, `${pointer}/${k}`);
  }
}

function resolve(ref: string, from: string): Json {
  const [where, pointer = ""] = ref.split("#");
  let node: unknown = load(where === "" ? from : where!);
  for (const part of pointer.split("/").slice(1)) node = (node as Json | undefined)?.[part];
  if (node === undefined) throw new Error(`${from}: $ref ${ref} points at nothing`);
  return node as Json;
}

describe("schema files", () => {
  it("are the seven data shapes and the HTTP request bodies", () => {
    expect(files).toEqual([
      "constraints.schema.json",
      "counters.schema.json",
      "dashboard-action.schema.json", // request bodies (server/openapi.ts embeds them; the routes validate with them)
      "dashboard-login.schema.json",
      "dashboard-stop.schema.json",
      "decision.schema.json",
      "enforce-request.schema.json",
      "fixture.schema.json",
      "json-rpc.schema.json",
      "modei-window-reset.schema.json",
      "new-approver.schema.json",
      "passport.schema.json",
      "proxy-config.schema.json",
      "reissue.schema.json",
      "report.schema.json",
      "request.schema.json",
      "slack-block-actions.schema.json",
      "slack-interactivity.schema.json",
      "sms-reply.schema.json",
      "twilio-inbound.schema.json",
      "window-reset.schema.json",
    ]);
  });

  it.each(files)("%s is draft 2020-12 with an $id, a title and a description", (file) => {
    const schema = load(file);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toBe(`https://agent-warden.dev/schemas/${file}`);
    expect(typeof schema.title).toBe("string");
    expect(typeof schema.description).toBe("string");
    expect(schema).not.toHaveProperty("definitions"); // 2020-12 says $defs
  });

  it.each(files)("%s: every $ref resolves and every property is described", (file) => {
    for (const [pointer, node] of nodes(load(file))) {
      if (typeof node.$ref === "string") expect(() => resolve(node.$ref as string, file), pointer).not.toThrow();
      for (const [name, prop] of Object.entries((node.properties ?? {}) as Record<string, Json | boolean>)) {
        if (typeof prop === "boolean") continue; // `true`: anything goes
        // Its own words: what the field means here, not only what its type is (docs/constraints.md is made of them).
        const described = typeof prop.description === "string" && prop.description.trim() !== "";
        expect(described, `${file}${pointer}/properties/${name}`).toBe(true);
      }
    }
  });
});

// SPEC §1, with the // comments removed. Its `"...": "..."` stands for "more constraints": it is an
// elision, not a key, and validatePassport rightly reports it (below).
const SPEC_PASSPORT = {
  id: "pass_01J...",
  agent_id: "my-agent-001",
  agent_name: "Autonomous Research Agent",
  issuer_id: "iss_...",
  permissions: ["web:search", "web:fetch", "documents:read"],
  trust_tier: "L1",
  issued_at: "2026-02-01T00:00:00Z",
  not_before: null,
  expires_at: "2026-03-03T00:00:00Z",
  status: "active",
  currency: "USD",
  constraints: { "core:cost:max_per_action": 500, "...": "..." },
};

// SPEC §9, the two examples (YAML written as JSON).
const SPEC_FIXTURES = [
  {
    name: "daily cap blocks the action that would cross it",
    passport: "../passports/research-agent.json",
    now: "2026-02-24T15:00:00Z",
    counters: { spent_today_cents: 9990 },
    request: { action: "web:search", cost_cents: 20, target: "serpapi.com", context: {} },
    expect: { decision: "block", reason: "cost_limit_exceeded", rule: "core:cost:max_per_day" },
  },
  {
    name: "a held flight is approved",
    passport: { id: "pass_demo", constraints: { "core:cost:approval_threshold": 2000 } },
    steps: [
      {
        at: "2026-02-24T10:00:00Z",
        enforce: { action: "travel:book", cost_cents: 35000 },
        expect: { decision: "request_hold", holds: ["core:cost:approval_threshold"] },
      },
      { at: "2026-02-24T10:01:00Z", approve: "last", expect: { status: "approved", permit: true } },
      { at: "2026-02-24T10:02:00Z", state: {}, expect: { spent_today_cents: 35000, held_cents: 0 } },
    ],
  },
];

// SPEC §8.
const SPEC_DECISION = {
  decision: "block",
  reason: "cost_limit_exceeded",
  rule: "core:cost:max_per_day",
  detail: "projected daily spend 10020 > limit 10000 (spent 9990, held 0, this action 30)",
  limit: 10000,
  observed: 10020,
  retryable: false,
  holds: [],
  warnings: [],
  suggestions: ["keep this action at or under 10 cents today"],
  evaluated: [{ rule: "core:scope:domain_allowlist", outcome: "pass" }],
};

describe("the generated zod accepts SPEC's own examples", () => {
  it("the passport of §1", () => {
    const { "...": elision, ...constraints } = SPEC_PASSPORT.constraints;
    expect(elision).toBe("...");
    expect(gen.passportSchema.safeParse({ ...SPEC_PASSPORT, constraints }).error).toBeUndefined();
    expect(() => validatePassport({ ...SPEC_PASSPORT, constraints })).not.toThrow();
  });

  it("the passport of §1 as written: only the elision is reported", () => {
    try {
      validatePassport(SPEC_PASSPORT);
      expect.unreachable();
    } catch (err) {
      expect((err as { problems: unknown[] }).problems).toEqual([expect.objectContaining({ code: "unknown_constraint", path: 'constraints["..."]' })]);
    }
  });

  it.each(SPEC_FIXTURES.map((f) => [f.name, f]))("the fixture of §9: %s", (_name, fixture) => {
    expect(gen.fixtureSchema.safeParse(fixture).error).toBeUndefined();
  });

  it("a fixture file with cases sharing a passport, and YAML anchors under x- keys", () => {
    const [one, two] = SPEC_FIXTURES;
    const suite = { passport: two!.passport, "x-defaults": { now: one!.now }, cases: [{ ...one, passport: undefined }, { ...two }] };
    expect(gen.fixtureSchema.safeParse(JSON.parse(JSON.stringify(suite))).error).toBeUndefined();
  });

  it("rejects a fixture with a misspelled field", () => {
    expect(gen.fixtureSchema.safeParse({ ...SPEC_FIXTURES[0], expcet: {} }).success).toBe(false);
    const step = { at: "2026-02-24T10:00:00Z", enforce: { action: "a" }, expect: { decison: "allow" } };
    expect(gen.fixtureSchema.safeParse({ name: "x", steps: [step] }).success).toBe(false);
  });

  it("the decision of §8", () => {
    expect(gen.decisionSchema.safeParse(SPEC_DECISION).error).toBeUndefined();
    const enforced = { ...SPEC_DECISION, decision_id: "dec_1", passport_id: "pass_1", action_id: "a1", at: "2026-02-24T15:00:00Z", signature: "sig" };
    expect(gen.decisionSchema.safeParse(enforced).error).toBeUndefined();
  });

  it("the counter snapshot of §6", () => {
    const snapshot = {
      spent_today_cents: 0,
      spent_week_cents: 0,
      spent_month_cents: 0,
      spent_total_cents: 0,
      held_cents: 0,
      actions_last_minute: 0,
      actions_last_5_minutes: 0,
      actions_last_30_minutes: 0,
      actions_last_hour: 0,
      actions_today: 0,
      last_action_at: null,
      last_heartbeat_at: null,
      pending_approval_id: null,
      emergency_stopped: false,
      enforcement_paused: false,
    };
    expect(gen.countersSchema.safeParse(snapshot).error).toBeUndefined();
  });
});

/** The strings of `const NAME: string[] = [...]` in the WebAssembly catalogue. */
function catalogue(name: string): string[] {
  const source = readFileSync(join(ROOT, "assembly", "catalogue.ts"), "utf8");
  const body = new RegExp(`const ${name}: string\\[\\] = \\[([^\\]]*)\\]`).exec(source)?.[1];
  if (body === undefined) throw new Error(`${name} not found in assembly/catalogue.ts`);
  return [...body.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
}

describe("schemas and the WebAssembly catalogue name the same things", () => {
  const decision = load("decision.schema.json").$defs as Record<string, { enum: string[] }>;
  it("constraint keys", () => expect([...gen.coreConstraintKeys]).toEqual(catalogue("KEY_NAMES")));
  it("reason codes", () => expect(decision.ReasonCode!.enum).toEqual(catalogue("REASON_NAMES")));
  it("rule names", () => expect(decision.RuleName!.enum).toEqual(catalogue("RULE_NAMES")));
});

describe("scripts/gen-types.mjs", () => {
  const script = join(ROOT, "scripts", "gen-types.mjs");
  const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });

  it("is deterministic, matches the checked-in files, and --check names a stale file", () => {
    const out = mkdtempSync(join(tmpdir(), "warden-gen-"));
    try {
      execFileSync(process.execPath, [script, "--out", out]);
      for (const name of ["types.ts", "zod.ts"]) {
        const text = readFileSync(join(out, name), "utf8");
        expect(text.startsWith("// generated — do not edit.")).toBe(true);
        expect(text).toBe(readFileSync(join(ROOT, "bindings", "gen", name), "utf8"));
      }
      expect(run("--check", "--out", out).status).toBe(0);
      writeFileSync(join(out, "zod.ts"), "// edited by hand\n");
      const stale = run("--check", "--out", out);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain("zod.ts is stale");
      expect(stale.stderr).not.toContain("types.ts");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
