// SPEC §11 from the attacker's side: what a prompt-injected agent can do through the agent channel
// of the embedded Enforcer (reports, heartbeats, operator acts), and what the operator still can.
import { describe, expect, it } from "vitest";
import { Enforcer, EnforcerError, MemoryStore, requestDigest, type AuditRecord, type EnforcerEvent } from "../enforcer/index";

const T0 = Date.parse("2026-02-24T10:00:00Z");
const AGENT = { channel: "agent" } as const;

async function setup(constraints: Record<string, unknown>) {
  let now = T0;
  const clock = {
    advance: (ms: number) => {
      now += ms;
    },
  };
  const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: () => now, timers: false });
  await enforcer.register({ id: "pass_1", constraints });
  const events: EnforcerEvent[] = [];
  enforcer.onEvent((e) => events.push(e));
  return { enforcer, clock, events };
}

const collect = async (it: AsyncIterable<AuditRecord>) => {
  const out: AuditRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

describe("agent-channel reports (SPEC §11)", () => {
  it("an agent reporting actual 0 cannot refund itself under its cap: ten $9 actions through a $10 cap → one allowed", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    const decisions: string[] = [];
    for (let i = 0; i < 10; i++) {
      const d = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 900 }, AGENT);
      decisions.push(d.decision);
      if (d.permit_token) {
        const r = await enforcer.report({ permit_token: d.permit_token, success: true, actual_cost_cents: 0 }, AGENT);
        expect(r).toEqual({ accepted: true, claimed_actual_cost_cents: 0 });
      }
    }
    expect(decisions).toEqual(["allow", ...Array(9).fill("block")]);
    expect((await enforcer.state("pass_1", AGENT)).spent_today_cents).toBe(900);
    const report = (await collect(enforcer.auditLog("pass_1"))).find((r) => r.type === "permit_report")!;
    expect(report).toMatchObject({ claimed_actual_cost_cents: 0, actual_cost_cents: null, committed_cost_cents: 900, channel: "agent" });
  });

  it("an agent's report may raise the committed cost (the true-up applies)", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 100 }, AGENT);
    expect(await enforcer.report({ permit_token: d.permit_token!, success: true, actual_cost_cents: 700 }, AGENT)).toEqual({ accepted: true });
    expect((await enforcer.state("pass_1")).spent_today_cents).toBe(700);
  });

  it("the same report of 0 from the operator channel (the default) still refunds", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 900 });
    expect(await enforcer.report({ permit_token: d.permit_token!, success: true, actual_cost_cents: 0 })).toEqual({ accepted: true });
    expect((await enforcer.state("pass_1")).spent_today_cents).toBe(0);
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 900 })).decision).toBe("allow");
  });
});

describe("operator acts refuse the agent channel (SPEC §11)", () => {
  it("approve, deny, pause, emergency stop, resume, reset and register throw forbidden_channel and change nothing", async () => {
    const { enforcer } = await setup({ "core:cost:approval_threshold": 100 });
    const hold = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 500 }, AGENT);
    const id = hold.approval_request_id!;
    const acts: [string, () => Promise<unknown>][] = [
      ["approve", () => enforcer.approve(id, AGENT)],
      ["deny", () => enforcer.deny(id, AGENT)],
      ["pause", () => enforcer.pause("pass_1", AGENT)],
      ["emergencyStop", () => enforcer.emergencyStop("pass_1", AGENT)],
      ["resume", () => enforcer.resume("pass_1", AGENT)],
      ["resetWindow", () => enforcer.resetWindow("pass_1", "all", AGENT)],
      ["register", () => enforcer.register({ id: "pass_1", constraints: {} }, AGENT)],
      ["listPendingApprovals (all passports)", () => enforcer.listPendingApprovals(undefined, AGENT)],
    ];
    for (const [name, act] of acts) {
      const err = await act().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(EnforcerError);
      expect((err as EnforcerError).code, name).toBe("forbidden_channel");
    }
    // Nothing moved: the approval is still pending, the passport still holds above 100.
    expect(await enforcer.getApproval(id, AGENT)).toMatchObject({ status: "pending" });
    expect(await enforcer.listPendingApprovals("pass_1", AGENT)).toHaveLength(1);
    const s = await enforcer.state("pass_1", AGENT);
    expect(s).toMatchObject({ held_cents: 500, emergency_stopped: false, enforcement_paused: false });
    expect((await enforcer.policy("pass_1")).passport.constraints).toEqual({ "core:cost:approval_threshold": 100 });
  });

  it("an unknown channel is a RequestError naming the option", async () => {
    const { enforcer } = await setup({});
    await expect(enforcer.enforce({ passport_id: "pass_1", action: "a" }, { channel: "root" as never })).rejects.toMatchObject({
      code: "invalid_value",
      path: "channel",
    });
  });
});

describe("pauses (SPEC §11)", () => {
  it("a heartbeat never lifts an operator's pause; only the operator's resume does", async () => {
    const { enforcer } = await setup({});
    await enforcer.pause("pass_1");
    expect(await enforcer.heartbeat("pass_1", AGENT)).toEqual({ ok: true });
    expect(await enforcer.heartbeat("pass_1")).toEqual({ ok: true });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT);
    expect(d).toMatchObject({ decision: "block", reason: "enforcement_paused", suggestions: ["an operator must resume enforcement"] });
    expect(await enforcer.state("pass_1", AGENT)).toMatchObject({ enforcement_paused: true, paused_by: "operator" });
    await enforcer.resume("pass_1");
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT)).decision).toBe("allow");
  });

  it("a fail-closed trip pauses with paused_by fail_closed, notifies once, and a fresh heartbeat lifts it", async () => {
    const { enforcer, clock, events } = await setup({ "core:safety:fail_closed": true });
    for (let i = 0; i < 3; i++) {
      expect(await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT)).toMatchObject({ decision: "block", reason: "enforcement_paused" });
    }
    expect(await enforcer.state("pass_1")).toMatchObject({ enforcement_paused: true, paused_by: "fail_closed" });
    const trips = events.filter((e) => e.type === "pause");
    expect(trips).toHaveLength(1);
    expect(trips[0]).toMatchObject({ paused_by: "fail_closed" });
    await enforcer.heartbeat("pass_1", AGENT);
    expect(await enforcer.state("pass_1")).toMatchObject({ enforcement_paused: false, paused_by: null });
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT)).decision).toBe("allow");
    // Stale again: a second trip, a second notice.
    clock.advance(121_000);
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT)).decision).toBe("block");
    expect(events.filter((e) => e.type === "pause")).toHaveLength(2);
  });

  it("an operator pause over a fail-closed one is not lifted by a heartbeat", async () => {
    const { enforcer } = await setup({ "core:safety:fail_closed": true });
    await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT);
    await enforcer.pause("pass_1");
    await enforcer.heartbeat("pass_1", AGENT);
    expect(await enforcer.state("pass_1")).toMatchObject({ enforcement_paused: true, paused_by: "operator" });
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT)).decision).toBe("block");
    await enforcer.resume("pass_1");
    await enforcer.heartbeat("pass_1", AGENT);
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" }, AGENT)).decision).toBe("allow");
  });
});

describe("approvals are bound to the exact request (SPEC §11)", () => {
  it("the approval and its permit carry the digest of the held request; another request's digest differs", async () => {
    const { enforcer } = await setup({ "core:cost:approval_threshold": 100 });
    const held = { action: "payments:transfer", cost_cents: 500, target: "bank.example", context: { to: "acct_1" } };
    const hold = await enforcer.enforce({ passport_id: "pass_1", ...held }, AGENT);
    const digest = await requestDigest(held);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await enforcer.getApproval(hold.approval_request_id!, AGENT))!.request_digest).toBe(digest);
    const answer = await enforcer.approve(hold.approval_request_id!);
    expect(answer).toMatchObject({ status: "approved", permit: true, request_digest: digest });
    // The attacker swaps the payee or the amount after approval: the gateway's comparison fails.
    for (const other of [
      { ...held, context: { to: "acct_attacker" } },
      { ...held, cost_cents: 50_000 },
      { ...held, target: "evil.example" },
      { ...held, action: "payments:refund" },
    ]) {
      expect(await requestDigest(other)).not.toBe(answer.request_digest);
    }
    // Key order does not matter (canonical JSON).
    expect(await requestDigest({ context: { to: "acct_1" }, target: "bank.example", cost_cents: 500, action: "payments:transfer" })).toBe(digest);
  });
});
