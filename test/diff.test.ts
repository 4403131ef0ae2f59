// warden diff (issue 22): classes of request two passports decide differently, each with a concrete
// request, counter snapshot and time confirmed in the module, and the interval of each numeric input
// over which it holds; exit 0 when equivalent, 1 when not, 2 on usage errors.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadEngine } from "../bindings/index";
import { diffPolicies, type DiffClass, type DiffReport } from "../cli/commands/diff";
import { tree, warden } from "./cli-helpers";
import { SENTINELS } from "./reference/match";

async function diff(old: object, neu: object): Promise<{ code: number; report: DiffReport; stdout: string }> {
  const dir = tree({ "old.json": JSON.stringify(old), "new.json": JSON.stringify(neu) });
  const r = await warden(["diff", "old.json", "new.json", "--json"], dir);
  return { code: r.code, report: JSON.parse(r.stdout), stdout: r.stdout };
}
const P = (constraints: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: "pass_d", permissions: ["web:*"], constraints, ...extra });
const cls = (r: DiffReport, rule: string, from: string, to: string): DiffClass | undefined =>
  r.classes.find((c) => c.rule === rule && c.old_outcome === from && c.new_outcome === to);

/** Every example of the report, evaluated again in the module with both passports: verdicts as reported, and different. */
async function confirm(old: object, neu: object, report: DiffReport): Promise<void> {
  const engine = await loadEngine();
  const a = engine.compile(old),
    b = engine.compile(neu);
  for (const c of report.classes) {
    for (const f of c.flips) {
      const { request, counters, now } = f.example;
      expect([a.evaluate(request, counters, { now }).decision, b.evaluate(request, counters, { now }).decision]).toEqual([f.from, f.to]);
    }
  }
}

describe("warden diff", () => {
  it("the same passport, reordered lists and another spelling of a host are equivalent (exit 0)", async () => {
    const old = P({ "core:scope:domain_blocklist": ["evil.com", "bad.org"], "core:cost:max_per_day": 100 });
    const neu = P({ "core:scope:domain_blocklist": ["BAD.org.", "evil.com"], "core:cost:max_per_day": 100, "core:data:redact_pii_in_logs": true });
    const { code, report } = await diff(old, neu);
    expect(code).toBe(0);
    expect(report.equivalent).toBe(true);
    expect(report.classes).toEqual([]);
    // What changed is still listed, though no decision changes.
    expect(report.changed_keys).toEqual(["constraints.core:data:redact_pii_in_logs", "constraints.core:scope:domain_blocklist"]);
  });

  it("a lower daily cap: pass → block where the projected spend lies between the two caps, with its edges found in the module", async () => {
    const old = P({ "core:cost:max_per_day": 10000 }),
      neu = P({ "core:cost:max_per_day": 5000 });
    const { code, report } = await diff(old, neu);
    expect(code).toBe(1);
    const c = cls(report, "core:cost:max_per_day", "pass", "block")!;
    expect(c.change).toEqual({ old: 10000, new: 5000 });
    expect(report.classes.map((x) => x.rule)).toEqual(["core:cost:max_per_day"]);
    const f = c.flips.find((x) => x.from === "allow" && x.to === "block")!;
    expect(f.new).toMatchObject({ decision: "block", reason: "cost_limit_exceeded" });
    // The range of the cost (others held): projected spend in (5000, 10000] — `>` against each cap.
    const spent = ["spent_today_cents", "held_cents"].reduce((n, k) => n + ((f.example.counters[k] as number | undefined) ?? 0), 0);
    expect(f.region).toContainEqual({ field: "cost_cents", from: 5001 - spent, to: 10000 - spent });
    await confirm(old, neu, report);
  });

  it("a domain added to the blocklist, a blackout window, a detection switch, narrower permissions, a new approval threshold", async () => {
    const old = P({ "core:scope:domain_blocklist": ["pastebin.com"] });
    const neu = P(
      {
        "core:scope:domain_blocklist": ["pastebin.com", "evil.com"],
        "core:time:blackout_windows": [{ start: "2026-03-01T00:00:00Z", end: "2026-03-02T00:00:00Z", reason: "freeze" }],
        "core:data:no_secrets_export": true,
        "core:cost:approval_threshold": 500,
      },
      { permissions: ["web:*", "docs:read"] },
    );
    const { report } = await diff({ ...old, permissions: ["web:*", "docs:*"] }, neu);
    const domain = cls(report, "core:scope:domain_blocklist", "pass", "block")!;
    expect(domain.change.added).toEqual(["evil.com"]);
    expect(domain.change.removed).toEqual([]);
    expect(domain.flips[0]!.example.request.target).toMatch(/evil\.com$/);
    const blackout = cls(report, "core:time:blackout_windows", "pass", "block")!;
    expect(blackout.flips[0]!.region).toContainEqual({ field: "now", from: "2026-03-01T00:00:00.000Z", to: "2026-03-01T23:59:59.999Z" });
    const secrets = cls(report, "core:data:no_secrets_export", "pass", "block")!;
    expect(secrets.change).toEqual({ old: null, new: true });
    expect(JSON.stringify(secrets.flips[0]!.example.request.context)).toContain("sk-");
    const perms = cls(report, "passport:permissions", "pass", "block")!;
    expect(perms.change.removed).toEqual(["docs:*"]);
    expect(perms.flips[0]!.example.request.action.toLowerCase()).toMatch(/^docs:(?!read$)/);
    const hold = cls(report, "core:cost:approval_threshold", "pass", "hold")!;
    expect(hold.flips.map((f) => `${f.from}→${f.to}`)).toContain("allow→request_hold");
    expect(hold.flips.find((f) => f.from === "allow")!.region).toContainEqual({ field: "cost_cents", from: 501, to: "∞" });
    await confirm({ ...old, permissions: ["web:*", "docs:*"] }, neu, report);
  });

  it("on the examples: research-agent → research-agent-v2, each change has its class (pretty report)", async () => {
    const r = await warden(["diff", "examples/passports/research-agent.json", "examples/passports/research-agent-v2.json"]);
    expect(r.code).toBe(1);
    for (const line of [
      "core:scope:domain_allowlist: pass → block",
      "core:scope:domain_allowlist: block → pass",
      "core:time:operating_hours: pass → block",
      "core:cost:max_per_day: pass → block",
      "core:rate:max_per_minute: pass → block",
      "core:cost:approval_threshold: pass → hold",
    ])
      expect(r.stdout).toContain(line);
    expect(r.stdout).toContain('removed: "arxiv.org"');
    expect(r.stdout).toContain('added:   "api.semanticscholar.org"');
  });

  it("100,000-entry allowlists that differ in one entry: that entry's class, without probing every shared entry", async () => {
    const hosts = Array.from({ length: 100_000 }, (_, i) => `h${i}.example.net`);
    const old = P({ "core:scope:domain_allowlist": hosts });
    const neu = P({ "core:scope:domain_allowlist": hosts.filter((h) => h !== "h4242.example.net") });
    const engine = await loadEngine();
    const report = diffPolicies(engine, engine.compile(old), engine.compile(neu), { samples: 2000 });
    expect(report.classes.map((c) => `${c.rule} ${c.old_outcome}→${c.new_outcome}`)).toEqual(["core:scope:domain_allowlist pass→block"]);
    const c = report.classes[0]!;
    expect(c.change.removed).toEqual(["h4242.example.net"]);
    expect(c.flips[0]!.example.request.target).toMatch(/h4242\.example\.net$/);
  });

  it("sentinels: the module's catalogue (table 5) lists the expansions the reference model has, and diff probes them", async () => {
    const engine = await loadEngine();
    expect(Object.fromEntries(engine.core.catalogue.sentinels)).toEqual(Object.fromEntries(Object.entries(SENTINELS).map(([k, v]) => [k, [...v]])));
    const { report } = await diff(P({}, { permissions: [] }), P({ "core:approval:for_actions": ["sensitive_data"] }, { permissions: [] }));
    const c = cls(report, "core:approval:for_actions", "pass", "hold")!;
    const action = c.flips[0]!.example.request.action.toLowerCase();
    expect(SENTINELS.sensitive_data!.some((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(action))).toBe(true);
  });

  it("is deterministic: the same passports give the same report", async () => {
    const engine = await loadEngine();
    const old = JSON.parse(readFileSync("examples/passports/research-agent.json", "utf8"));
    const neu = JSON.parse(readFileSync("examples/passports/research-agent-v2.json", "utf8"));
    const once = () => diffPolicies(engine, engine.compile(old), engine.compile(neu), { samples: 2000 });
    expect(JSON.stringify(once())).toBe(JSON.stringify(once()));
  });

  it("usage errors and unusable passports exit 2", async () => {
    const dir = tree({ "a.json": JSON.stringify(P({})), "bad.json": JSON.stringify(P({ "core:cost:max_per_dya": 1 })) });
    expect((await warden(["diff", "a.json"], dir)).code).toBe(2);
    expect((await warden(["diff", "a.json", "a.json", "a.json"], dir)).code).toBe(2);
    expect((await warden(["diff", "a.json", "missing.json"], dir)).code).toBe(2);
    const bad = await warden(["diff", "a.json", "bad.json"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("core:cost:max_per_day");
  });
});
