// What people and agents are shown about a passport's limits comes from the module, once: the
// effective caps and headroom (against the reference model, and against what the pipeline lets
// through), the lifetimes, heartbeat freshness, the three views that show a daily limit (MCP, the
// approval page, the dashboard), and the enforcer's action comparison (the module's fold).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Enforcer } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { ApprovalDesk } from "../desk/desk";
import { createMcpServer, mcpInstructions } from "../mcp/server";
import { renderApprovalPage } from "../humans/pages/approval";
import { renderSummary } from "../humans/pages/dashboard";
import { classify } from "../desk/status";
import { FAIL_CLOSED_TRIPPED } from "../desk/status";
import { getEngine, NOW, passport, policy } from "./helpers";
import { spendCaps as modelSpendCaps } from "./reference/model";

const MAX = Number.MAX_SAFE_INTEGER;
const CAP_KEYS = [
  "core:cost:max_per_action",
  "core:cost:max_per_day",
  "core:cost:max_per_week",
  "core:cost:max_per_month",
  "core:cost:max_total",
  "core:cost:max_cumulative",
];
const amount = fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(0, 1, MAX - 1, MAX));
const caps = fc.record({
  caps: fc.dictionary(fc.constantFrom(...CAP_KEYS), amount),
  window: fc.option(fc.constantFrom("daily", "weekly", "monthly", "total"), { nil: undefined }),
});
const counters = fc.record({
  spent_today_cents: amount,
  spent_week_cents: amount,
  spent_month_cents: amount,
  spent_total_cents: amount,
  held_cents: amount,
});
const constraintsOf = (c: { caps: Record<string, number>; window?: string }): Record<string, unknown> => ({
  ...c.caps,
  ...(c.window !== undefined && { "core:cost:cumulative_window": c.window }),
});

describe("spend caps (module export spend_caps)", () => {
  it("agree with the reference model on every window, cap, rule and headroom", async () => {
    const engine = await getEngine();
    fc.assert(
      fc.property(caps, counters, (c, n) => {
        const constraints = constraintsOf(c);
        const p = engine.compile(passport(constraints));
        try {
          expect(p.spendCaps(n)).toEqual(modelSpendCaps(passport(constraints), n));
        } finally {
          p.dispose();
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("headroom is exactly what the pipeline's cost caps let through: that cost passes, one cent more is blocked", async () => {
    const engine = await getEngine();
    const windowCaps = fc.record({
      caps: fc.dictionary(fc.constantFrom(...CAP_KEYS.slice(1)), fc.integer({ min: 0, max: 5000 }), { minKeys: 1 }),
      window: fc.option(fc.constantFrom("daily", "weekly", "monthly", "total"), { nil: undefined }),
    });
    const small = fc.integer({ min: 0, max: 3000 });
    const n = fc.record({ spent_today_cents: small, spent_week_cents: small, spent_month_cents: small, spent_total_cents: small, held_cents: small });
    fc.assert(
      fc.property(windowCaps, n, (c, counts) => {
        const p = engine.compile(passport(constraintsOf(c)));
        try {
          const rooms = Object.values(p.spendCaps(counts).windows)
            .map((w) => w.headroom_cents)
            .filter((h): h is number => h !== null);
          const room = Math.min(...rooms);
          const at = (cost: number) => p.evaluate({ action: "a:b", cost_cents: cost }, counts, { now: NOW });
          // Headroom 0 can mean "already over": then nothing passes, not even a free action.
          const over = Object.values(p.spendCaps(counts).windows).some((w) => w.limit_cents !== null && w.spent_cents + w.held_cents > w.limit_cents);
          if (!over) expect(at(room).decision).toBe("allow");
          expect(at(room + 1)).toMatchObject({ decision: "block", reason: "cost_limit_exceeded" });
        } finally {
          p.dispose();
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("the daily limit is the tightest daily cap: max_cumulative counts when its window is daily (the default)", async () => {
    const daily = async (constraints: Record<string, unknown>) =>
      (await policy(constraints)).spendCaps({ spent_today_cents: 120, held_cents: 30 }).windows.daily;
    expect(await daily({ "core:cost:max_per_day": 500, "core:cost:max_cumulative": 300 })).toEqual({
      limit_cents: 300,
      rule: "core:cost:max_cumulative",
      spent_cents: 120,
      held_cents: 30,
      headroom_cents: 150,
    });
    expect(await daily({ "core:cost:max_per_day": 500, "core:cost:max_cumulative": 300, "core:cost:cumulative_window": "weekly" })).toMatchObject({
      limit_cents: 500,
      rule: "core:cost:max_per_day",
      headroom_cents: 350,
    });
    expect(await daily({ "core:cost:max_per_day": 300, "core:cost:max_cumulative": 300 })).toMatchObject({ rule: "core:cost:max_per_day" });
    expect(await daily({ "core:cost:max_per_day": 100 })).toMatchObject({ limit_cents: 100, headroom_cents: 0 });
    expect(await daily({})).toEqual({ limit_cents: null, rule: null, spent_cents: 120, held_cents: 30, headroom_cents: null });
  });
});

describe("lifetimes and heartbeat freshness (module export deadline)", () => {
  it("are SPEC's 5 minutes, 30 s and 120 s, read from the module", async () => {
    const engine = await getEngine();
    expect(engine.lifetimes).toEqual({ approval_ms: 300_000, permit_ms: 30_000, heartbeat_fresh_ms: 120_000 });
    expect(engine.deadline("heartbeat", 1_000)).toBe(121_001);
    expect(mcpInstructions(engine.lifetimes)).toContain("within 30 seconds");
  });

  it("a heartbeat exactly 120 s old is fresh (Active), 120.001 s old is stale (Disconnected), as fail_closed decides", async () => {
    let now = Date.parse("2026-02-24T10:00:00Z");
    const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: () => now, timers: false });
    const p = passport({ "core:safety:fail_closed": true, "core:cost:max_per_day": 100 }, { id: "pass_hb" });
    await enforcer.register(p);
    const engine = enforcer.engine;
    const info = {
      id: "pass_hb",
      agent_id: null,
      agent_name: "a",
      issuer_id: null,
      status: "active" as const,
      currency: "USD",
      expires_at: null,
      constraints: p.constraints as Record<string, unknown>,
      phones: [],
      emails: [],
    };
    await enforcer.heartbeat("pass_hb");
    const sent = now;
    for (const [age, fresh] of [
      [120_000, true],
      [120_001, false],
    ] as const) {
      now = sent + age;
      const limits = await enforcer.limits("pass_hb");
      expect(limits.heartbeat_fresh).toBe(fresh);
      expect(limits.heartbeat_stale_at).toBe(new Date(sent + 120_001).toISOString());
      const state = await enforcer.state("pass_hb");
      expect(classify(info, state, limits).label).toBe(fresh ? "Active" : "No heartbeat (enforcement still on)");
      // The same instant, as the pipeline sees it: fail_closed passes exactly when the badge says Active.
      const d = (await engine.compile(p)).evaluate({ action: "a:b" }, { last_heartbeat_at: sent }, { now });
      expect(d.decision).toBe(fresh ? "allow" : "block");
    }
    expect(classify(info, await enforcer.state("pass_hb"), await enforcer.limits("pass_hb")).detail).toBe(FAIL_CLOSED_TRIPPED);
    enforcer.close();
  });
});

describe("the three views of the daily limit agree (MCP, approval page, dashboard)", () => {
  it("show the same cap and spend, max_cumulative included", async () => {
    const now = Date.parse("2026-02-24T10:00:00Z");
    const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: () => now, timers: false });
    const pid = "pass_views_0123456789";
    await enforcer.register({
      id: pid,
      agent_name: "Bot",
      currency: "USD",
      constraints: {
        "core:cost:max_per_day": 50000,
        "core:cost:max_cumulative": 30000,
        "core:cost:max_per_week": 90000,
        "core:cost:approval_threshold": 10000,
      },
    });
    await enforcer.enforce({ passport_id: pid, action: "travel:search", cost_cents: 1234 });
    const hold = await enforcer.enforce({ passport_id: pid, action: "travel:book", cost_cents: 20000 });
    expect(hold.decision).toBe("request_hold");
    const limits = await enforcer.limits(pid);
    expect(limits.windows.daily).toEqual({ limit_cents: 30000, rule: "core:cost:max_cumulative", spent_cents: 1234, held_cents: 20000, headroom_cents: 8766 });

    // The agent: MCP get_cumulative_state.
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = createMcpServer({ enforcer, passportId: pid, heartbeats: false, clock: () => now });
    await server.connect(serverSide);
    const client = new Client({ name: "views", version: "1" });
    await client.connect(clientSide);
    const res = (await client.callTool({ name: "get_cumulative_state", arguments: {} })) as CallToolResult;
    const mcpText = (res.content[0] as { text: string }).text;
    await client.close();

    // The approver: the approval page.
    const desk = new ApprovalDesk(enforcer, () => now);
    const view = await desk.view((await enforcer.getApproval(hold.approval_request_id!))!);
    const pageHtml = renderApprovalPage(view, "CODE", now).html;

    // The operator: the dashboard card.
    const info = await desk.passport(pid);
    const state = await enforcer.state(pid);
    const summary = renderSummary({ info, state, limits, status: classify(info, state, limits), pending: null, recent: [] }, "csrf");

    expect(view).toMatchObject({ daily_limit_cents: 30000, spent_today_cents: 1234 });
    expect(mcpText).toContain("Spent today $12.34 of $300.00 daily limit");
    expect(pageHtml).toContain("$12.34 of $300.00 daily limit");
    expect(summary).toContain("Today: $12.34 of $300.00");
    expect(summary).toContain("This week: $12.34 of $900.00");
    enforcer.close();
  });
});

describe("the enforcer compares actions by the module's fold, not toLowerCase", () => {
  it("the fold is the module's: Σ → σ everywhere (toLowerCase gives final ς), İ stays İ (toLowerCase gives i + U+0307)", async () => {
    const engine = await getEngine();
    expect(engine.foldAction("DOC:AΣ")).toBe("doc:aσ");
    expect("DOC:AΣ".toLowerCase()).toBe("doc:aς");
    expect(engine.foldAction("x:İ")).toBe("x:İ");
    expect("x:İ".toLowerCase()).toBe("x:i\u0307");
    expect(engine.sameAction("Web:Search", "web:SEARCH")).toBe(true);
    expect(engine.sameAction("a:\ud800", "a:\ufffd")).toBe(false);
  });

  it("a report naming the permit's action in another case is accepted exactly when the module folds them equal", async () => {
    const enforcer = await Enforcer.create({ store: new MemoryStore(), timers: false });
    await enforcer.register({ id: "pass_fold", constraints: {} });
    const report = async (action: string, reported: string) => {
      const d = await enforcer.enforce({ passport_id: "pass_fold", action });
      return enforcer.report({ permit_token: d.permit_token!, passport_id: "pass_fold", action: reported, success: true });
    };
    // toLowerCase would refuse this one (ς ≠ σ) ...
    expect(await report("doc:aΣ", "DOC:Aσ")).toEqual({ accepted: true });
    // ... and accept this one (both lower to i + U+0307), which the module's matching treats as another action.
    expect(await report("x:İ", "x:i\u0307")).toEqual({ accepted: false, reason: "permit_mismatch" });
    expect(await report("Files:Read", "files:READ")).toEqual({ accepted: true });
    expect(await report("files:read", "files:write")).toEqual({ accepted: false, reason: "permit_mismatch" });
    enforcer.close();
  });
});
