// warden check's cross-field warnings (bindings/lint.ts): each rule fires where it should, --strict
// fails on it, and each rule's claim about what the engine does is checked against the module.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type Engine, loadEngine } from "../bindings/index";
import type { Passport } from "../bindings/gen/types";
import { lintPassport } from "../bindings/lint";
import { tree, warden } from "./cli-helpers";

const NOW = "2026-02-24T15:00:00Z";
let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const codes = (c: Passport["constraints"]): string[] => lintPassport({ id: "p", constraints: c }).map((p) => p.code);

describe("the rules", () => {
  it("a threshold at or above a cap, a per-action cap at or above a spending cap, a cap under a dollar", () => {
    expect(codes({ "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 5000 })).toEqual(["threshold_unreachable"]);
    expect(codes({ "core:cost:max_per_action": 300, "core:cost:approval_threshold": 400 })).toEqual(["threshold_unreachable"]);
    expect(codes({ "core:cost:max_per_week": 20000, "core:cost:max_per_action": 20000 })).toEqual(["per_action_not_below_cap"]);
    expect(codes({ "core:cost:max_per_day": 5 })).toEqual(["cents_look_like_dollars"]);
  });
  it("a sensible passport, a zero cap (no spending at all) and foreign keys give nothing", () => {
    expect(codes({ "core:cost:max_per_day": 10000, "core:cost:max_per_action": 2500, "core:cost:approval_threshold": 300 })).toEqual([]);
    expect(codes({ "core:cost:max_per_day": 0 })).toEqual([]);
    expect(codes({ "acme:cost": 1 } as Passport["constraints"])).toEqual([]);
  });
  it("names the path and says what to write", () => {
    const [p] = lintPassport({ id: "p", constraints: { "core:cost:max_per_day": 5 } });
    expect(p).toMatchObject({ path: 'constraints["core:cost:max_per_day"]', hint: "if you meant $5.00, write 500" });
    const [t] = lintPassport({ id: "p", constraints: { "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 6000 } });
    expect(t).toMatchObject({ path: 'constraints["core:cost:approval_threshold"]', hint: "set the threshold below 5000 cents, or raise the cap" });
  });
});

describe("each claim holds in the module", () => {
  const spend = fc.record({ spent_today_cents: fc.nat(20000), spent_week_cents: fc.nat(40000) });
  it("threshold_unreachable: with the threshold at or above a cap, no cost is ever held for approval", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10000 }), fc.nat(3000), fc.nat(30000), spend, (cap, over, cost, counters) => {
        const c = { "core:cost:max_per_day": cap, "core:cost:approval_threshold": cap + over };
        expect(codes(c)).toContain("threshold_unreachable");
        const d = engine.compile({ id: "p", constraints: c }).evaluate({ action: "a:b", cost_cents: cost }, { ...counters, spent_week_cents: 0 }, { now: NOW });
        expect(d.holds.map((h) => h.rule)).not.toContain("core:cost:approval_threshold");
        expect(d.rule).not.toBe("core:cost:approval_threshold");
      }),
      { numRuns: 300 },
    );
  });
  it("per_action_not_below_cap: dropping such a per-action cap never turns a block into an allow", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10000 }), fc.nat(3000), fc.nat(30000), spend, (cap, over, cost, counters) => {
        const both = { "core:cost:max_per_day": cap, "core:cost:max_per_action": cap + over };
        expect(codes(both)).toContain("per_action_not_below_cap");
        const req = { action: "a:b", cost_cents: cost };
        const a = engine.compile({ id: "p", constraints: both }).evaluate(req, counters, { now: NOW });
        const b = engine.compile({ id: "p", constraints: { "core:cost:max_per_day": cap } }).evaluate(req, counters, { now: NOW });
        expect(a.decision).toBe(b.decision);
      }),
      { numRuns: 300 },
    );
  });
});

describe("warden check", () => {
  const dir = () =>
    tree({
      "dollars.json": JSON.stringify({ id: "p1", constraints: { "core:cost:max_per_day": 5 } }, null, 2),
      "fine.json": JSON.stringify({ id: "p2", constraints: { "core:cost:max_per_day": 500 } }, null, 2),
    });
  it("prints the warnings with file, line, path and hint, and passes", async () => {
    const r = await warden(["check", "."], dir());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '  warning dollars.json:4 constraints["core:cost:max_per_day"]: 5 cents is $0.05: cost amounts are in cents; if you meant $5.00, write 500',
    );
  });
  it("--strict fails on them; --json lists them", async () => {
    const d = dir();
    const strict = await warden(["check", "--strict", "."], d);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("FAIL dollars.json: 1 warning (--strict)");
    expect(strict.stdout).toContain("ok   fine.json");
    const json = JSON.parse((await warden(["check", "--json", "."], d)).stdout) as { passports: { file: string; lint: { code: string; line: number }[] }[] };
    expect(json.passports.find((p) => p.file.endsWith("dollars.json"))!.lint).toMatchObject([{ code: "cents_look_like_dollars", line: 4 }]);
  });
  it("a misspelled time zone and a host written as a URL are errors with did-you-mean", async () => {
    const d = tree({
      "tz.json": JSON.stringify({ id: "p", constraints: { "core:time:operating_hours": { timezone: "Europe/Berln", start: "09:00", end: "17:00" } } }),
      "url.json": JSON.stringify({ id: "q", constraints: { "core:scope:domain_allowlist": ["https://serpapi.com/search"] } }),
    });
    const r = await warden(["check", d]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('did you mean "Europe/Berlin"?');
    expect(r.stdout).toContain('write the host only: "serpapi.com"');
  });
});
