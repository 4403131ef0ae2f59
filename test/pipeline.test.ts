// SPEC §2 "Pipeline order": first block wins, holds are collected, a pending approval turns a hold into a block.
import { describe, expect, it } from "vitest";
import { NOW, policy } from "./helpers";

describe("pipeline", () => {
  it("the first block in pipeline order ends evaluation and later rules are skipped", async () => {
    const p = await policy({
      "core:cost:max_per_action": 10,
      "core:scope:action_blocklist": ["web:*"],
      "core:rate:max_per_minute": 1,
    });
    const d = p.evaluate({ action: "web:search", cost_cents: 50 }, { actions_last_minute: 5 }, { now: NOW, explain: true });
    expect(d).toMatchObject({ decision: "block", rule: "core:scope:action_blocklist" });
    expect(d.evaluated).toEqual([
      { rule: "core:safety:emergency_stop", outcome: "pass" },
      { rule: "core:safety:fail_closed", outcome: "pass" },
      { rule: "passport:status", outcome: "pass" },
      { rule: "core:scope:action_blocklist", outcome: "block" },
      { rule: "core:cost:max_per_action", outcome: "skipped" },
      { rule: "core:rate:max_per_minute", outcome: "skipped" },
    ]);
  });

  it("a block after holds wins over the holds", async () => {
    const p = await policy({ "core:approval:required": true, "core:cost:max_per_action": 10 });
    expect(p.evaluate({ action: "a", cost_cents: 11 }, {}, { now: NOW })).toMatchObject({ decision: "block", rule: "core:cost:max_per_action" });
  });

  it("every hold is listed; the first in pipeline order names the decision", async () => {
    const p = await policy({
      "core:safety:anomaly_suspend": true,
      "core:cost:approval_threshold": 100,
      "core:approval:for_actions": ["travel:*"],
      "core:approval:required": true,
    });
    const d = p.evaluate({ action: "travel:book", cost_cents: 500 }, { actions_last_5_minutes: 20 }, { now: NOW, explain: true });
    expect(d).toMatchObject({ decision: "request_hold", rule: "core:approval:required", reason: "approval_required" });
    expect(d.holds.map((h) => h.rule)).toEqual([
      "core:approval:required",
      "core:approval:for_actions",
      "core:cost:approval_threshold",
      "core:safety:anomaly_suspend",
    ]);
    expect(d.evaluated?.filter((e) => e.outcome === "hold")).toHaveLength(4);
  });

  it("a hold while an approval is pending becomes a retryable block that still lists the holds", async () => {
    const p = await policy({ "core:cost:approval_threshold": 100 });
    const d = p.evaluate({ action: "x", cost_cents: 500 }, { pending_approval_id: "apr_1" }, { now: NOW });
    expect(d).toMatchObject({
      decision: "block",
      reason: "approval_already_pending",
      rule: "core:approval:pending",
      retryable: true,
      holds: [{ rule: "core:cost:approval_threshold", reason: "cost_requires_approval" }],
    });
    expect(p.evaluate({ action: "x", cost_cents: 50 }, { pending_approval_id: "apr_1" }, { now: NOW }).decision).toBe("allow");
  });

  it("an allow carries no rule, no limit and the compile-time warnings", async () => {
    const p = await policy({ "acme:region": "eu" });
    const d = p.evaluate({ action: "a" }, undefined, { now: NOW });
    expect(d).toEqual({
      decision: "allow",
      reason: "allowed",
      rule: null,
      detail: "allowed: 3 rules passed",
      retryable: false,
      holds: [],
      warnings: ["ignored_key:acme:region"],
      suggestions: [],
    });
  });

  it("is deterministic: same inputs, byte-identical decision JSON", async () => {
    const p = await policy({ "core:cost:max_per_day": 100, "core:data:no_pii_export": true });
    const run = () =>
      JSON.stringify(p.evaluate({ action: "a", cost_cents: 200, context: { a: [1, "x@y.io"] } }, { spent_today_cents: 5 }, { now: NOW, explain: true }));
    expect(run()).toBe(run());
  });
});

describe("trace", () => {
  it("lists flags set to false as passing, and core:approval:pending when a hold is checked", async () => {
    const off = await policy({ "core:approval:required": false, "core:data:read_only": false });
    const d = off.evaluate({ action: "files:write" }, {}, { now: NOW, explain: true });
    expect(d.decision).toBe("allow");
    expect(d.evaluated).toContainEqual({ rule: "core:approval:required", outcome: "pass" });
    expect(d.evaluated).toContainEqual({ rule: "core:data:read_only", outcome: "pass" });
    const on = await policy({ "core:approval:required": true });
    expect(on.evaluate({ action: "a" }, {}, { now: NOW, explain: true }).evaluated?.at(-1)).toEqual({ rule: "core:approval:pending", outcome: "pass" });
    expect(on.evaluate({ action: "a" }, { pending_approval_id: "apr_1" }, { now: NOW, explain: true }).evaluated?.at(-1)).toEqual({
      rule: "core:approval:pending",
      outcome: "block",
    });
  });
});
