// warden replay (issue 22): recorded traffic through a changed passport in time order, with the
// counter state rebuilt by the module from the replayed decisions, against a baseline passport or
// the recorded decisions; attestation exports, gateway logs and plain JSON Lines; exit codes.
import { describe, expect, it } from "vitest";
import { Enforcer, MemoryStore, type AuditRecord } from "../enforcer/index";
import { loadEngine } from "../bindings/index";
import { Replay } from "../bindings/replay";
import { parseRecording } from "../cli/replay/input";
import { replay } from "../cli/replay/run";
import { tree, warden } from "./cli-helpers";

const T0 = Date.parse("2026-02-24T10:00:00Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const line = (o: object) => JSON.stringify(o);
const jsonl = (lines: object[]) => lines.map(line).join("\n") + "\n";
const passport = (constraints: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ id: "pass_r", constraints, ...extra });

async function run(files: Record<string, string>, args: string[]) {
  const dir = tree(files);
  const r = await warden(args, dir);
  return { ...r, json: r.code !== 2 && args.includes("--json") ? JSON.parse(r.stdout) : undefined };
}

describe("Replay lanes (bindings/replay.ts)", () => {
  it("rebuild the counters from the replayed decisions: a lower daily cap flips the requests after it is reached", async () => {
    const engine = await loadEngine();
    const policy = engine.compile({ constraints: { "core:cost:max_per_day": 100 } });
    const r = new Replay(engine, [policy]);
    const verdicts = [0, 1, 2, 3, 4].map((i) => r.step(0, { action: "a", cost_cents: 30 }, T0 + i * 1000).verdict);
    // 30 + 30 + 30 = 90; the fourth would make 120: blocked, and a block counts nothing, so the fifth too.
    expect(verdicts).toEqual([0, 0, 0, 2, 2]);
    expect(r.ruleName(r.last.rule)).toBe("core:cost:max_per_day");
    expect(r.reasonName(r.last.reason)).toBe("cost_limit_exceeded");
    // A stateless evaluation of the same request decides allow: the counters are what makes it block.
    expect(policy.evaluate({ action: "a", cost_cents: 30 }, {}, { now: T0 + 4000 }).decision).toBe("allow");
    // The next day the window rolled in the module.
    expect(r.step(0, { action: "a", cost_cents: 30 }, T0 + 86_400_000).verdict).toBe(0);
  });

  it("count rate windows, and a hold approved at once counts like an allow; a hold left to the caller counts nothing", async () => {
    const engine = await loadEngine();
    const policy = engine.compile({ constraints: { "core:rate:max_per_minute": 2, "core:approval:required": true } });
    const r = new Replay(engine, [policy, policy]);
    expect([0, 1, 2].map((i) => r.step(0, { action: "a" }, T0 + i * 1000).verdict)).toEqual([1, 1, 2]);
    expect(r.ruleName(r.last.rule)).toBe("core:rate:max_per_minute");
    expect([0, 1, 2].map((i) => r.step(1, { action: "a" }, T0 + i * 1000, "caller").verdict)).toEqual([1, 1, 1]);
    // A reservation the caller keeps pending turns the next hold into approval_already_pending.
    expect(r.op(1, "reserve", T0 + 3000, { cost: 0, id: "apr_x" })).toBe("ok");
    expect(r.step(1, { action: "a" }, T0 + 4000, "caller")).toMatchObject({ verdict: 2 });
    expect(r.reasonName(r.last.reason)).toBe("approval_already_pending");
    expect(r.op(1, "approve", T0 + 5000, { id: "apr_x" })).toBe("ok");
    expect(r.op(1, "approve", T0 + 5000, { id: "apr_x" })).toBe("no_such_approval");
  });

  it("refuses more lanes than the module keeps, and a bad op argument, with typed errors", async () => {
    const engine = await loadEngine();
    const p = engine.compile({});
    expect(() => new Replay(engine, Array(9).fill(p))).toThrow(/1 to 8 policies/);
    const r = new Replay(engine, [p]);
    expect(() => r.op(0, "reserve", T0, { cost: 0 })).toThrow(/valid counter-state op/); // no id
    expect(r.step(0, { action: "a" }, T0).verdict).toBe(0); // the lane still works
  });

  it("after a trap the module restarts with empty lanes: the replay refuses to go on rather than decide on lost counters", async () => {
    const engine = await loadEngine();
    const p = engine.compile({ constraints: { "core:cost:max_per_day": 50 } });
    const r = new Replay(engine, [p]);
    expect(r.step(0, { action: "a", cost_cents: 40 }, T0).verdict).toBe(0);
    expect(() => engine.trapForTest()).toThrow();
    expect(() => r.step(0, { action: "a", cost_cents: 40 }, T0 + 1)).toThrow(/replay lanes are gone/);
    // A new replay starts from empty lanes and decides again.
    expect(new Replay(engine, [p]).step(0, { action: "a", cost_cents: 40 }, T0).verdict).toBe(0);
  });
});

describe("warden replay", () => {
  const OLD = passport({ "core:cost:max_per_day": 1000, "core:rate:max_per_minute": 10 });
  const NEW = passport({ "core:cost:max_per_day": 100, "core:rate:max_per_minute": 10, "core:scope:domain_blocklist": ["evil.com"] });
  const TRAFFIC = jsonl([
    ...[0, 1, 2, 3, 4].map((i) => ({ at: at(i * 60_000), action: "web:search", cost_cents: 30, target: "serpapi.com" })),
    { at: at(600_000), action: "web:fetch", target: "https://evil.com/x" },
  ]);

  it("reports totals, flips by from→to, by rule and the first examples with their time (--json)", async () => {
    const r = await run({ "old.json": OLD, "new.json": NEW, "t.jsonl": TRAFFIC }, [
      "replay",
      "--passport",
      "new.json",
      "--baseline",
      "old.json",
      "t.jsonl",
      "--json",
    ]);
    expect(r.code).toBe(1);
    expect(Object.keys(r.json)).toEqual(["total", "changed", "flips", "by_rule", "examples"]);
    expect(r.json).toMatchObject({
      total: 6,
      changed: 3,
      flips: { "allow→block": 3 },
      by_rule: { "core:cost:max_per_day": 2, "core:scope:domain_blocklist": 1 },
    });
    expect(r.json.examples.map((e: { at: string; source: string }) => [e.at, e.source])).toEqual([
      [at(180_000), "t.jsonl:4"],
      [at(240_000), "t.jsonl:5"],
      [at(600_000), "t.jsonl:6"],
    ]);
    expect(r.json.examples[0]).toMatchObject({
      flip: "allow→block",
      baseline: { decision: "allow" },
      replayed: { decision: "block", rule: "core:cost:max_per_day", reason: "cost_limit_exceeded" },
    });
  });

  it("the pretty report says the same in words; exit 0 when nothing changes", async () => {
    const files = { "old.json": OLD, "new.json": NEW, "t.jsonl": TRAFFIC };
    const r = await run(files, ["replay", "--passport", "new.json", "--baseline", "old.json", "t.jsonl"]);
    expect(r.stdout).toContain("3 changed (50.0%)");
    expect(r.stdout).toMatch(/allow→block\s+3/);
    expect(r.stdout).toMatch(/core:cost:max_per_day\s+2/);
    expect(r.stdout).toContain(`${at(180_000)}  allow→block`);
    const same = await run(files, ["replay", "--passport", "old.json", "--baseline", "old.json", "t.jsonl"]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("0 changed");
  });

  it("replays in time order whatever the order of the lines and files", async () => {
    const lines = TRAFFIC.trim().split("\n");
    const files = {
      "old.json": OLD,
      "new.json": NEW,
      "a.jsonl": [lines[5], lines[3], lines[1]].join("\n"),
      "b.jsonl": [lines[4], lines[0], lines[2]].join("\n"),
    };
    const r = await run(files, ["replay", "--passport", "new.json", "--baseline", "old.json", "a.jsonl", "b.jsonl", "--json"]);
    expect(r.json).toMatchObject({ total: 6, changed: 3, by_rule: { "core:cost:max_per_day": 2 } });
    expect(r.json.examples.map((e: { at: string }) => e.at)).toEqual([at(180_000), at(240_000), at(600_000)]);
  });

  it("without --baseline compares with the recorded decisions, and needs them on every request", async () => {
    const recorded = jsonl([
      { at: at(0), action: "a", cost_cents: 60, decision: "allow" },
      { at: at(1000), action: "a", cost_cents: 60, decision: "allow" },
    ]);
    const r = await run({ "new.json": passport({ "core:cost:max_per_day": 100 }), "t.jsonl": recorded }, [
      "replay",
      "--passport",
      "new.json",
      "t.jsonl",
      "--json",
    ]);
    expect(r.json).toMatchObject({ total: 2, changed: 1, flips: { "allow→block": 1 } });
    const missing = await run({ "new.json": passport({}), "t.jsonl": jsonl([{ at: at(0), action: "a" }]) }, ["replay", "--passport", "new.json", "t.jsonl"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("t.jsonl:1: no recorded decision");
  });

  it("a hold is taken as approved (its cost counts), or as recorded: a denied hold counts nothing", async () => {
    const NEWP = passport({ "core:cost:approval_threshold": 50, "core:cost:max_per_day": 150 });
    const approved = jsonl([
      { at: at(0), action: "a", cost_cents: 100, decision: "allow" },
      { at: at(1000), action: "a", cost_cents: 60, decision: "allow" },
    ]);
    const r1 = await run({ "n.json": NEWP, "t.jsonl": approved }, ["replay", "--passport", "n.json", "t.jsonl", "--json"]);
    // The first is held and approved at once: 100 counts, so 60 more crosses 150.
    expect(r1.json.flips).toEqual({ "allow→request_hold": 1, "allow→block": 1 });
    const denied = jsonl([
      { at: at(0), action: "a", cost_cents: 100, decision: "request_hold", approval: "denied" },
      { at: at(1000), action: "a", cost_cents: 60, decision: "request_hold" },
    ]);
    const r2 = await run({ "n.json": NEWP, "t.jsonl": denied }, ["replay", "--passport", "n.json", "t.jsonl", "--json"]);
    expect(r2.json).toMatchObject({ total: 2, changed: 0 });
  });

  it("an answer recorded later keeps the hold pending until then (another hold meanwhile is approval_already_pending)", async () => {
    const P = passport({ "core:approval:required": true });
    const t = jsonl([
      { at: at(0), action: "a", decision: "request_hold", approval: "approved", approval_at: at(120_000) },
      { at: at(60_000), action: "a", decision: "block", reason: "approval_already_pending" },
      { at: at(180_000), action: "a", decision: "request_hold" },
    ]);
    const r = await run({ "p.json": P, "t.jsonl": t }, ["replay", "--passport", "p.json", "t.jsonl", "--json"]);
    expect(r.json).toMatchObject({ total: 3, changed: 0 });
  });

  it("a repeated action_id is answered with its first decision and counts nothing twice (SPEC §7)", async () => {
    const t = jsonl([
      { at: at(0), action: "a", cost_cents: 60, action_id: "x1" },
      { at: at(1000), action: "a", cost_cents: 60, action_id: "x1" },
      { at: at(2000), action: "a", cost_cents: 30 },
    ]);
    const r = await run({ "o.json": passport({}), "n.json": passport({ "core:cost:max_per_day": 100 }), "t.jsonl": t }, [
      "replay",
      "--passport",
      "n.json",
      "--baseline",
      "o.json",
      "t.jsonl",
      "--json",
    ]);
    expect(r.json).toMatchObject({ total: 3, changed: 0 });
  });

  it("reads gateway logs: tool and server give the action when it is absent, arguments the context", async () => {
    const t = jsonl([
      { at: at(0), server: "github", tool: "delete_repo", arguments: { repo: "x" }, decision: "allow" },
      { at: at(1000), action: "gh:read", tool: "get_file", server: "github", arguments: { token: "ghp_" + "a".repeat(36) }, decision: "allow" },
    ]);
    const n = passport({ "core:scope:action_blocklist": ["github:delete*"], "core:data:no_secrets_export": true });
    const r = await run({ "n.json": n, "g.jsonl": t }, ["replay", "--passport", "n.json", "g.jsonl", "--json"]);
    expect(r.json).toMatchObject({ total: 2, changed: 2, by_rule: { "core:scope:action_blocklist": 1, "core:data:no_secrets_export": 1 } });
  });

  it("replaying an enforcer's own attestation export through the same passport changes nothing", async () => {
    const constraints = {
      "core:cost:max_per_day": 500,
      "core:cost:approval_threshold": 150,
      "core:rate:max_per_minute": 3,
      "core:safety:anomaly_suspend": true,
      "core:scope:domain_allowlist": ["serpapi.com"],
    };
    let now = T0;
    const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: () => now, timers: false });
    await enforcer.register({ id: "pass_r", constraints });
    const holds: string[] = [];
    for (let i = 0; i < 60; i++) {
      now += 4_000 + (i % 5) * 3_000; // a clock that only moves forward, as real ones do
      const cost = [10, 200, 40, 90, 160][i % 5]!;
      const target = i % 11 === 0 ? "evil.com" : "serpapi.com";
      const d = await enforcer.enforce({ passport_id: "pass_r", action: "web:search", cost_cents: cost, target });
      if (d.decision === "request_hold") holds.push(d.approval_request_id!);
      // Answer some holds a little later, deny others, leave the rest to expire.
      if (holds.length > 0 && i % 4 === 0) {
        now += 20_000;
        const id = holds.shift()!;
        if (i % 8 === 0) await enforcer.approve(id);
        else await enforcer.deny(id);
      }
    }
    now += 86_400_000;
    await enforcer.resetWindow("pass_r", "daily");
    await enforcer.enforce({ passport_id: "pass_r", action: "web:search", cost_cents: 450, target: "serpapi.com" });
    const records: AuditRecord[] = [];
    for await (const rec of enforcer.auditLog("pass_r")) records.push(rec);
    const text = records.map((rec) => JSON.stringify(rec)).join("\n");
    const events = parseRecording(text, "export.jsonl");
    expect(events.filter((e) => e.kind === "request").length).toBe(61);
    const engine = await loadEngine();
    const policy = engine.compile({ id: "pass_r", constraints });
    const report = replay(
      engine,
      [...events].sort((a, b) => a.at - b.at || a.order - b.order),
      policy,
      null,
    );
    const kinds = new Set(records.filter((r) => r.type === "decision").map((r) => r.reason));
    expect(kinds).toEqual(expect.objectContaining(new Set(["allowed", "cost_requires_approval", "approval_already_pending", "domain_not_allowed"])));
    expect(report).toMatchObject({ total: 61, changed: 0 });
    // And a tighter passport on the same export does change things.
    const tighter = engine.compile({ id: "pass_r", constraints: { ...constraints, "core:cost:max_per_day": 100 } });
    expect(replay(engine, events, tighter, null).changed).toBeGreaterThan(0);
  });

  it("bad input is exit 2 with the file, line and field; a misspelt field has a did-you-mean", async () => {
    const P = passport({});
    const cases: [string, RegExp][] = [
      [line({ at: at(0), action: "a", cost_cent: 5 }), /t\.jsonl:1: cost_cent: unknown field; did you mean "cost_cents"\?/],
      [line({ action: "a" }), /t\.jsonl:1: at: is required/],
      [line({ at: "yesterday", action: "a" }), /t\.jsonl:1: at: not a valid time/],
      [line({ at: at(0), action: "a", cost_cents: -1 }), /t\.jsonl:1: cost_cents: invalid request/],
      ["{not json", /t\.jsonl:1: not JSON/],
      [`${line({ at: at(0), action: "a", decision: "allow" })}\n[1]`, /t\.jsonl:2: expected a JSON object/],
      [line({ at: at(0), action: "a", decision: "maybe" }), /t\.jsonl:1: decision: expected one of allow, request_hold, block/],
      [line({ type: "decision", seq: 1, at: at(0), request: { action: "" }, decision: "allow" }), /t\.jsonl:1: request.action: invalid request/],
    ];
    for (const [text, message] of cases) {
      const r = await run({ "p.json": P, "t.jsonl": text }, ["replay", "--passport", "p.json", "t.jsonl"]);
      expect(r.code, text).toBe(2);
      expect(r.stderr, text).toMatch(message);
    }
  });

  it("usage errors exit 2: no --passport, no input, a missing file, an unknown option", async () => {
    const P = passport({});
    for (const args of [
      ["replay", "t.jsonl"],
      ["replay", "--passport", "p.json"],
      ["replay", "--passport", "p.json", "nope.jsonl"],
      ["replay", "--passport", "p.json", "--bogus", "t.jsonl"],
    ]) {
      const r = await run({ "p.json": P, "t.jsonl": "" }, args);
      expect(r.code, args.join(" ")).toBe(2);
    }
    const bad = await run({ "p.json": passport({ "core:cost:max_per_dya": 1 }), "t.jsonl": "" }, ["replay", "--passport", "p.json", "t.jsonl"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("core:cost:max_per_day");
  });

  it("a recording is data, never instructions: an agent-written context or action only reaches the module as a request", async () => {
    // The agent controls what it sent (action, target, context); none of it can name a field of the
    // replay itself or escape validation.
    const t = jsonl([
      { at: at(0), action: "a", context: { decision: "allow", __proto__: { polluted: true }, at: 0 }, decision: "allow" },
      { at: at(1000), action: "a".repeat(2000), decision: "allow" },
    ]);
    const r = await run({ "p.json": passport({}), "t.jsonl": t }, ["replay", "--passport", "p.json", "t.jsonl", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t\.jsonl:2: action/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
