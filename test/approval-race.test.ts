// SPEC §11 (issue 15, item 5): answering an approval is a compare-and-set on its record. Two
// enforcers (two processes' worth: separate stores) on one SQLite file, and on one Redis, answer the
// same approval at once, many times: one answer closes it, the other reports what the record says;
// nothing is ever written "expired" for an approval that was answered, nor twice.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Enforcer, generateSigningKey, type AuditRecord, type Store } from "../enforcer/index";
import { SqliteStore } from "../enforcer/sqlite-store";
import { RedisStore } from "../enforcer/redis-store";
import { REDIS_MISSING, REQUIRE_SUITES, type RedisProcess, redisServerPath, startRedis } from "./server-harness";

const ROUNDS = 25;

const collect = async (it: AsyncIterable<AuditRecord>) => {
  const out: AuditRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

async function race(stores: [Store, Store], tag: string): Promise<void> {
  const key = await generateSigningKey();
  const [a, b] = await Promise.all(stores.map((store) => Enforcer.create({ store, timers: false, signingKey: key })));
  for (let i = 0; i < ROUNDS; i++) {
    const pid = `pass_${tag}_${i}`;
    await a!.register({ id: pid, constraints: { "core:cost:approval_threshold": 100, "core:cost:max_per_day": 100_000 } });
    const hold = await a!.enforce({ passport_id: pid, action: "travel:book", cost_cents: 500 });
    expect(hold.decision).toBe("request_hold");
    const id = hold.approval_request_id!;
    // Even rounds: two approves. Odd rounds: an approve and a deny.
    const mixed = i % 2 === 1;
    const answers = await Promise.all([a!.approve(id), mixed ? b!.deny(id) : b!.approve(id)]);
    const record = (await a!.getApproval(id))!;
    expect(["approved", "denied"]).toContain(record.status);
    // Each caller is told the record's final status; exactly one answer carries the outcome's effect.
    for (const ans of answers) expect(ans.status, `round ${i}: ${JSON.stringify(answers)}`).toBe(record.status);
    expect(answers.filter((x) => x.permit)).toHaveLength(record.status === "approved" ? 1 : 0);
    const closes = (await collect(a!.auditLog(pid))).filter((r) => r.type === "approval");
    expect(closes.map((r) => r.status)).toEqual([record.status]); // one close, never "expired" first
    const state = await b!.state(pid);
    expect(state.spent_today_cents).toBe(record.status === "approved" ? 500 : 0);
    expect(state.pending_approval_id ?? null).toBeNull();
  }
  a!.close();
  b!.close();
}

describe("approvals answered at once from two processes (SPEC §11)", () => {
  it("on one SQLite file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-race-"));
    const stores: [Store, Store] = [SqliteStore.open(join(dir, "w.db")), SqliteStore.open(join(dir, "w.db"))];
    try {
      await race(stores, "sql");
    } finally {
      for (const s of stores) await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  const installed = redisServerPath() !== null;
  if (!installed) console.warn(REDIS_MISSING);
  describe.skipIf(!installed && !REQUIRE_SUITES)("on one Redis", () => {
    let redis: RedisProcess;
    beforeAll(async () => {
      redis = await startRedis();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    it("races many times", async () => {
      const stores: [Store, Store] = [await RedisStore.connect(redis.url, { prefix: "race:" }), await RedisStore.connect(redis.url, { prefix: "race:" })];
      try {
        await race(stores, "redis");
      } finally {
        for (const s of stores) await s.close();
      }
    }, 60_000);
  });
});
