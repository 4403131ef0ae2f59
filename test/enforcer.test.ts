// The stateful enforcer (SPEC §7) with an injected clock: commits, holds, approvals, permits,
// idempotency, emergency stop, heartbeats, resets, signatures and the audit log.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Enforcer, MemoryStore, verifyAuditLog, verifyCompact, canonicalJson, generateSigningKey, type AuditRecord, type Store } from "../enforcer/index";
import { randomId } from "../enforcer/ids";
import { SqliteStore } from "../enforcer/sqlite-store";

const T0 = Date.parse("2026-02-24T10:00:00Z");

async function setup(constraints: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  let now = T0;
  const clock = {
    set: (iso: string) => {
      now = Date.parse(iso);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
  const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: () => now, timers: false });
  await enforcer.register({ id: "pass_1", agent_name: "Travel bot", constraints, ...extra });
  return { enforcer, clock };
}

const collect = async (it: AsyncIterable<AuditRecord>) => {
  const out: AuditRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

describe("Enforcer", () => {
  it("commits allowed spend and blocks the action that would cross the daily cap", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 100 });
    const a = await enforcer.enforce({ passport_id: "pass_1", action: "web:search", cost_cents: 60 });
    expect(a.decision).toBe("allow");
    expect(a.permit_token).toMatch(/^pmt_[0-9a-f]{32}$/);
    const b = await enforcer.enforce({ passport_id: "pass_1", action: "web:search", cost_cents: 41 });
    expect(b).toMatchObject({ decision: "block", observed: 101 });
    const s = await enforcer.state("pass_1");
    expect(s).toMatchObject({ spent_today_cents: 60, actions_today: 1, actions_last_minute: 1, held_cents: 0 });
    expect(s.window_resets_at).toEqual({ daily: "2026-02-25T00:00:00.000Z", weekly: "2026-03-02T00:00:00.000Z", monthly: "2026-03-01T00:00:00.000Z" });
  });

  it("every decision is signed over its canonical JSON", async () => {
    const { enforcer } = await setup({});
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "a" });
    const { signature, ...body } = d;
    const payload = await verifyCompact(signature, enforcer.publicJwk);
    expect(canonicalJson(payload)).toBe(canonicalJson(body));
  });

  it("a hold reserves, approval commits at approval time and issues a permit", async () => {
    const { enforcer, clock } = await setup({ "core:cost:approval_threshold": 2000, "core:cost:max_per_day": 50000 });
    clock.set("2026-02-24T23:57:00Z");
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "travel:book", cost_cents: 35000 });
    expect(d).toMatchObject({ decision: "request_hold", holds: [{ rule: "core:cost:approval_threshold" }] });
    expect((await enforcer.state("pass_1")).held_cents).toBe(35000);
    // A second hold while one is pending is a retryable block.
    const again = await enforcer.enforce({ passport_id: "pass_1", action: "travel:book", cost_cents: 3000 });
    expect(again).toMatchObject({ decision: "block", reason: "approval_already_pending", retryable: true });
    // The reservation weighs on the cap meanwhile.
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "x", cost_cents: 15001 })).reason).toBe("cost_limit_exceeded");
    expect(await enforcer.listPendingApprovals("pass_1")).toHaveLength(1);
    clock.set("2026-02-25T00:01:00Z"); // approved after midnight: counts toward the new day
    const ans = await enforcer.approve(d.approval_request_id!);
    expect(ans).toMatchObject({ status: "approved", permit: true });
    expect(await enforcer.approve(d.approval_request_id!)).toMatchObject({ status: "approved", permit: false });
    const s = await enforcer.state("pass_1");
    expect(s).toMatchObject({ spent_today_cents: 35000, held_cents: 0, pending_approval_id: null, actions_today: 1 });
    expect(await enforcer.report({ permit_token: ans.permit_token!, success: true, actual_cost_cents: 30000 })).toEqual({ accepted: true });
    expect((await enforcer.state("pass_1")).spent_today_cents).toBe(30000);
    expect(await enforcer.report({ permit_token: ans.permit_token!, success: true })).toEqual({ accepted: false, reason: "unknown_or_used_permit" });
  });

  it("deny releases; no answer within 5 minutes expires (exactly at created + 300 s)", async () => {
    const { enforcer, clock } = await setup({ "core:approval:required": true });
    const d1 = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 10 });
    expect(await enforcer.deny(d1.approval_request_id!)).toMatchObject({ status: "denied", permit: false });
    expect((await enforcer.state("pass_1")).held_cents).toBe(0);
    const d2 = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 10 });
    clock.advance(299_999);
    expect((await enforcer.getApproval(d2.approval_request_id!))?.status).toBe("pending");
    clock.advance(1);
    expect((await enforcer.getApproval(d2.approval_request_id!))?.status).toBe("expired");
    expect(await enforcer.approve(d2.approval_request_id!)).toMatchObject({ status: "expired", permit: false });
    expect((await enforcer.state("pass_1")).held_cents).toBe(0);
    expect(await enforcer.approve("apr_nope")).toEqual({ status: "not_found", permit: false });
  });

  it("approval re-checks revocation-free stop: an emergency stop denies the pending approval", async () => {
    const { enforcer } = await setup({ "core:approval:required": true });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 10 });
    await enforcer.emergencyStop("pass_1");
    expect((await enforcer.getApproval(d.approval_request_id!))?.status).toBe("denied");
    expect(await enforcer.approve(d.approval_request_id!)).toMatchObject({ status: "denied", permit: false });
    expect(await enforcer.enforce({ passport_id: "pass_1", action: "a" })).toMatchObject({ decision: "block", reason: "emergency_stopped" });
    await enforcer.resume("pass_1");
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).decision).toBe("request_hold");
    const log = await collect(enforcer.auditLog("pass_1"));
    expect(log.map((r) => r.type)).toContain("panic");
    expect(log.map((r) => r.type)).toContain("resume");
  });

  it("permits expire 30 s after issue, exactly", async () => {
    const { enforcer, clock } = await setup({});
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 5 });
    clock.advance(30_000);
    expect(await enforcer.report({ permit_token: d.permit_token!, success: true })).toEqual({ accepted: false, reason: "permit_expired" });
    const d2 = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 5 });
    clock.advance(29_999);
    expect(await enforcer.report({ permit_token: d2.permit_token!, success: false })).toEqual({ accepted: true });
  });

  it("a permit is bound to its passport and action, and single-use", async () => {
    const { enforcer } = await setup({});
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "files:read", cost_cents: 5 });
    expect(await enforcer.report({ permit_token: d.permit_token!, success: true, action: "files:delete" })).toEqual({
      accepted: false,
      reason: "permit_mismatch",
    });
    const d2 = await enforcer.enforce({ passport_id: "pass_1", action: "files:read", cost_cents: 5 });
    expect(await enforcer.report({ permit_token: d2.permit_token!, success: true, passport_id: "pass_1", action: "files:read" })).toEqual({ accepted: true });
    expect(await enforcer.report({ permit_token: d2.permit_token!, success: true })).toEqual({ accepted: false, reason: "unknown_or_used_permit" });
  });

  it("a repeated action_id returns the first decision and counts once; a different request is a conflict", async () => {
    const { enforcer } = await setup({ "core:rate:max_per_minute": 5 });
    const a = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 3, action_id: "x1" });
    const b = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 3, action_id: "x1" });
    expect(b).toEqual(a);
    expect((await enforcer.state("pass_1")).actions_last_minute).toBe(1);
    await expect(enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 4, action_id: "x1" })).rejects.toMatchObject({
      code: "action_id_conflict",
    });
  });

  it("fail_closed: no heartbeat blocks, a heartbeat opens, an operator's pause blocks until resumed", async () => {
    const { enforcer, clock } = await setup({ "core:safety:fail_closed": true });
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).reason).toBe("enforcement_paused");
    await enforcer.heartbeat("pass_1");
    clock.advance(120_000);
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).decision).toBe("allow");
    clock.advance(1);
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).reason).toBe("enforcement_paused");
    await enforcer.heartbeat("pass_1");
    await enforcer.pause("pass_1");
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).reason).toBe("enforcement_paused");
    await enforcer.heartbeat("pass_1");
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).reason).toBe("enforcement_paused");
    await enforcer.resume("pass_1");
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).decision).toBe("allow");
  });

  it("resetWindow zeroes the chosen window", async () => {
    const { enforcer } = await setup({});
    await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 70 });
    await enforcer.resetWindow("pass_1", "daily");
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 0, spent_week_cents: 70, spent_total_cents: 70 });
    await enforcer.resetWindow("pass_1", "all");
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_week_cents: 0, spent_month_cents: 0, spent_total_cents: 0 });
  });

  it("a report after a reset of the permit's window leaves that window alone (allow and approval permits)", async () => {
    const store = new MemoryStore();
    let now = T0;
    const enforcer = await Enforcer.create({ store, clock: () => now, timers: false });
    await enforcer.register({ id: "pass_1", constraints: { "core:cost:approval_threshold": 500 } });
    const a = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 100 });
    const permit = JSON.parse((await store.getDoc("permits", a.permit_token!))!.json);
    expect(permit).toMatchObject({ committed_at: T0, committed_resets: 0 });
    await enforcer.resetWindow("pass_1", "daily");
    now += 1000;
    await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 50 });
    expect(await enforcer.report({ permit_token: a.permit_token!, success: true, actual_cost_cents: 0 })).toEqual({ accepted: true });
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 50, spent_week_cents: 50, spent_total_cents: 50 });
    // An approved hold records the generation at approval time.
    const hold = await enforcer.enforce({ passport_id: "pass_1", action: "b", cost_cents: 600 });
    const ans = await enforcer.approve(hold.approval_request_id!);
    expect(JSON.parse((await store.getDoc("permits", ans.permit_token!))!.json)).toMatchObject({ committed_resets: 1 });
    await enforcer.resetWindow("pass_1", "all");
    expect(await enforcer.report({ permit_token: ans.permit_token!, success: true, actual_cost_cents: 900 })).toEqual({ accepted: true });
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 0, spent_week_cents: 0, spent_total_cents: 0 });
    enforcer.close();
  });

  it("a permit written before reset generations (no committed_resets) trues up as before", async () => {
    const store = new MemoryStore();
    const enforcer = await Enforcer.create({ store, clock: () => T0, timers: false });
    await enforcer.register({ id: "pass_1", constraints: {} });
    const a = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 100 });
    const { committed_resets: _, ...old } = JSON.parse((await store.getDoc("permits", a.permit_token!))!.json);
    await store.putDoc("permits", a.permit_token!, JSON.stringify(old), { ttlMs: 3600_000, now: T0 });
    await enforcer.resetWindow("pass_1", "daily");
    await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 50 });
    expect(await enforcer.report({ permit_token: a.permit_token!, success: true, actual_cost_cents: 0 })).toEqual({ accepted: true });
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 0, spent_week_cents: 50, spent_total_cents: 50 });
    enforcer.close();
  });

  it("1,000 concurrent enforce calls never pass the cap and lose no update", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 40 });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: i % 50 === 0 ? 45 : 7 })),
    );
    const allowed = results.filter((d) => d.decision === "allow");
    const committed = allowed.reduce((sum, d) => sum + (d.observed ?? 0), 0);
    const s = await enforcer.state("pass_1");
    const expectedSpend = results.reduce((sum, d, i) => sum + (d.decision === "allow" ? (i % 50 === 0 ? 45 : 7) : 0), 0);
    expect(s.spent_today_cents).toBe(expectedSpend);
    expect(s.spent_today_cents + s.held_cents).toBeLessThanOrEqual(5000);
    expect(s.actions_today).toBe(allowed.length);
    expect(allowed.length).toBeGreaterThan(600);
    expect(committed).toBe(0); // allows carry no limit/observed
  });

  it("the audit log verifies, redacts secrets always and PII only when asked", async () => {
    const { enforcer } = await setup({ "core:data:redact_pii_in_logs": true });
    const secret = "ghp_" + "a".repeat(36);
    await enforcer.enforce({ passport_id: "pass_1", action: "mail:send", context: { to: "jane@example.com", token: secret } });
    const log = await collect(enforcer.auditLog("pass_1"));
    expect(await verifyAuditLog(log, enforcer.publicJwk)).toEqual({ ok: true });
    const text = JSON.stringify(log);
    expect(text).not.toContain(secret);
    expect(text).toContain("[REDACTED:github_token]");
    expect(text).toContain("[REDACTED:email]");
    const tampered = log.map((r, i) => (i === 0 ? { ...r, request: { action: "other" } } : r));
    expect((await verifyAuditLog(tampered, enforcer.publicJwk)).ok).toBe(false);

    const plain = await setup({});
    await plain.enforcer.enforce({ passport_id: "pass_1", action: "a", context: { to: "jane@example.com", token: secret } });
    const text2 = JSON.stringify(await collect(plain.enforcer.auditLog("pass_1")));
    expect(text2).toContain("jane@example.com");
    expect(text2).not.toContain(secret);
  });

  it("unknown passports are typed errors", async () => {
    const { enforcer } = await setup({});
    await expect(enforcer.enforce({ passport_id: "nope", action: "a" })).rejects.toMatchObject({ code: "passport_not_found" });
  });
});

describe("Enforcer decisions match schemas/decision.schema.json", () => {
  it("allow, hold and block all validate", async () => {
    const { decisionSchema } = await import("../bindings/gen/zod");
    const { enforcer } = await setup({ "core:cost:approval_threshold": 10, "core:cost:max_per_action": 100 });
    const ds = [
      await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 1, action_id: "x" }),
      await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 20 }),
      await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 200 }),
    ];
    expect(ds.map((d) => d.decision)).toEqual(["allow", "request_hold", "block"]);
    for (const d of ds) expect(decisionSchema.safeParse(d).error).toBeUndefined();
  });
});

describe("redaction shares the input area with evaluation", () => {
  it("a large audited context (area grows) leaves later evaluations and redactions correct", async () => {
    const { enforcer } = await setup({ "core:data:redact_pii_in_logs": true });
    const big = "x ".repeat(300_000) + "jane@example.com";
    await enforcer.enforce({ passport_id: "pass_1", action: "a", context: { big } });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "b", cost_cents: 3, context: { to: "bob@example.com" } });
    expect(d.decision).toBe("allow");
    const text = JSON.stringify(await collect(enforcer.auditLog("pass_1")));
    expect(text).not.toContain("jane@example.com");
    expect(text).not.toContain("bob@example.com");
    expect(text).toContain('"action":"b"');
  });
});

describe("two enforcers on one store (two nodes)", () => {
  const stores: [string, () => Promise<{ stores: [Store, Store]; close: () => Promise<void> }>][] = [
    [
      "MemoryStore",
      async () => {
        const s = new MemoryStore();
        return { stores: [s, s], close: async () => undefined };
      },
    ],
    [
      "SqliteStore, two connections to one file",
      async () => {
        const dir = mkdtempSync(join(tmpdir(), "warden-nodes-"));
        const a = SqliteStore.open(join(dir, "w.db")),
          b = SqliteStore.open(join(dir, "w.db"));
        return {
          stores: [a, b],
          close: async () => {
            await a.close();
            await b.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    ],
  ];
  for (const [name, open] of stores) {
    it(`${name}: a revocation through one is enforced by the other at its next request`, async () => {
      const {
        stores: [sa, sb],
        close,
      } = await open();
      const key = await generateSigningKey();
      const [a, b] = await Promise.all([
        Enforcer.create({ store: sa, timers: false, signingKey: key }),
        Enforcer.create({ store: sb, timers: false, signingKey: key }),
      ]);
      const passport = { id: "pass_1", constraints: { "core:cost:max_per_day": 1000 } };
      await a.register(passport);
      // B compiles and remembers the passport while it is active.
      expect((await b.enforce({ passport_id: "pass_1", action: "a", cost_cents: 1 })).decision).toBe("allow");
      expect((await b.enforce({ passport_id: "pass_1", action: "a", cost_cents: 1 })).decision).toBe("allow");
      await a.register({ ...passport, status: "revoked" });
      expect(await b.enforce({ passport_id: "pass_1", action: "a", cost_cents: 1 })).toMatchObject({ decision: "block", reason: "passport_revoked" });
      // Both appended to one chain (each from its own remembered head): it verifies and has no gap.
      const records = await collect(a.auditLog("pass_1"));
      expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(await a.enforce({ passport_id: "pass_1", action: "a", cost_cents: 1 })).toMatchObject({ reason: "passport_revoked" });
      const all = await collect(b.auditLog("pass_1"));
      expect(all.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
      expect(await verifyAuditLog(all, key.publicJwk)).toEqual({ ok: true });
      a.close();
      b.close();
      await close();
    });
  }
});

describe("randomId", () => {
  it("gives 128 random bits in hex, distinct across many refills of its pool", () => {
    const ids = Array.from({ length: 2000 }, () => randomId("x"));
    expect(ids.every((id) => /^x_[0-9a-f]{32}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(2, 4))).size).toBeGreaterThan(200); // first bytes spread over 0..255
  });
});
