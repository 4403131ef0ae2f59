// The fail-closed timer of `warden serve` (SPEC §11): an agent that stops sending heartbeats is paused
// with `paused_by: fail_closed` even if it sends nothing more, and the operator is told exactly once —
// across ticks, and across processes sharing one SQLite file or one Redis.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Store } from "../enforcer/store";
import { MemoryStore } from "../enforcer/memory-store";
import { SqliteStore } from "../enforcer/sqlite-store";
import { RedisStore } from "../enforcer/redis-store";
import { createWardenServer, type WardenServer } from "../server/server";
import { RecordingNotifier, SMS_SECRET, manualClock, travelPassport } from "./hitl-helpers";
import { redisServerPath, startRedis, type RedisProcess } from "./server-harness";

const STALE_AFTER = 120_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serverOn(store: Store, clock: () => number) {
  const notifier = new RecordingNotifier();
  const server = await createWardenServer({
    store,
    storeKind: "test",
    clock,
    failClosedIntervalMs: 0,
    log: () => undefined,
    hitl: { smsSecret: SMS_SECRET, notifier, publicUrl: () => "http://127.0.0.1:1" },
  });
  cleanups.push(() => server.close());
  return { server, notifier };
}

const failClosedPassport = () => travelPassport({ constraints: { "core:cost:max_per_day": 50000, "core:safety:fail_closed": true } });
const pauses = (n: RecordingNotifier) => n.outcomes.filter((o) => o.kind === "enforcement_paused");
const settle = () => new Promise((ok) => setTimeout(ok, 150));

async function auditTypes(server: WardenServer, pid: string) {
  const out: Array<Record<string, unknown>> = [];
  for await (const r of server.enforcer.auditLog(pid)) out.push(r as unknown as Record<string, unknown>);
  return out;
}

describe("fail-closed timer", () => {
  it("trips a silent agent once: two ticks → one pause record and one notice; an operator resume re-arms it", async () => {
    const clock = manualClock();
    const { server, notifier } = await serverOn(new MemoryStore(), clock.now);
    const passport = failClosedPassport();
    const pid = passport.id as string;
    await server.enforcer.register(passport);
    await server.enforcer.heartbeat(pid, { channel: "agent" });

    // Exactly 120 s old is still fresh (SPEC §10): nothing to trip.
    clock.advance(STALE_AFTER);
    expect(await server.failClosed.tick()).toEqual([]);
    clock.advance(1);
    expect(await server.failClosed.tick()).toEqual([pid]);
    clock.advance(30_000);
    expect(await server.failClosed.tick()).toEqual([]);
    await vi.waitFor(() => expect(pauses(notifier)).toHaveLength(1));
    await settle();
    expect(pauses(notifier)).toHaveLength(1);
    expect(pauses(notifier)[0]!.passport_id).toBe(pid);

    const state = await server.enforcer.state(pid);
    expect(state).toMatchObject({ enforcement_paused: true, paused_by: "fail_closed" });
    const records = await auditTypes(server, pid);
    expect(records.filter((r) => r.type === "pause")).toEqual([expect.objectContaining({ paused_by: "fail_closed", reason: "heartbeat_stale" })]);
    // The agent is blocked meanwhile, and its request does not notify a second time.
    const blocked = await server.enforcer.enforce({ passport_id: pid, action: "travel:search" }, { channel: "agent" });
    expect(blocked).toMatchObject({ decision: "block", reason: "enforcement_paused" });
    await settle();
    expect(pauses(notifier)).toHaveLength(1);

    // An operator resume lifts it; the agent stays silent, so the next tick trips it again — a second notice.
    await server.enforcer.resume(pid);
    clock.advance(1);
    expect(await server.failClosed.tick()).toEqual([pid]);
    await vi.waitFor(() => expect(pauses(notifier)).toHaveLength(2));

    // A heartbeat lifts the fail-closed pause (SPEC §11), and a fresh heartbeat is not tripped.
    await server.enforcer.heartbeat(pid, { channel: "agent" });
    expect(await server.enforcer.state(pid)).toMatchObject({ enforcement_paused: false });
    expect(await server.failClosed.tick()).toEqual([]);
  });

  it("leaves alone passports without fail_closed, never heartbeated, paused by an operator, or revoked", async () => {
    const clock = manualClock();
    const { server, notifier } = await serverOn(new MemoryStore(), clock.now);
    const plain = travelPassport();
    const never = failClosedPassport();
    const operatorPaused = failClosedPassport();
    const revoked: Record<string, unknown> = { ...failClosedPassport(), status: "revoked" };
    for (const p of [plain, never, operatorPaused, revoked]) await server.enforcer.register(p);
    for (const p of [plain, operatorPaused, revoked]) await server.enforcer.heartbeat(p.id as string, { channel: "agent" });
    await server.enforcer.pause(operatorPaused.id as string);
    await settle();
    // The operator's own pause has its notice (humans/outcomes.ts); the timer adds none.
    const before = pauses(notifier).length;
    clock.advance(10 * STALE_AFTER);
    expect(await server.failClosed.tick()).toEqual([]);
    // An operator's pause stays the operator's: a later heartbeat does not lift it.
    expect(await server.enforcer.state(operatorPaused.id as string)).toMatchObject({ enforcement_paused: true, paused_by: "operator" });
    await settle();
    expect(pauses(notifier)).toHaveLength(before);
    expect(pauses(notifier).map((n) => n.passport_id)).toEqual([operatorPaused.id]);
  });

  it("the agent cannot trip or untrip by itself beyond SPEC §11: a heartbeat from the agent channel lifts only the fail-closed kind", async () => {
    const clock = manualClock();
    const { server } = await serverOn(new MemoryStore(), clock.now);
    const passport = failClosedPassport();
    const pid = passport.id as string;
    await server.enforcer.register(passport);
    await server.enforcer.heartbeat(pid, { channel: "agent" });
    clock.advance(STALE_AFTER + 1);
    await server.failClosed.tick();
    await server.enforcer.pause(pid); // the operator takes it over
    await server.enforcer.heartbeat(pid, { channel: "agent" });
    expect(await server.enforcer.state(pid)).toMatchObject({ enforcement_paused: true, paused_by: "operator" });
  });

  it("two processes on one SQLite file tick at once: one trip, one notice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-failclosed-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "warden.db");
    const clock = manualClock();
    const a = await serverOn(SqliteStore.open(file), clock.now);
    const b = await serverOn(SqliteStore.open(file), clock.now);
    await oneNoticeAcross(a, b, clock);
  });

  it.skipIf(!redisServerPath())("two processes on one Redis tick at once: one trip, one notice", async () => {
    const redis: RedisProcess = await startRedis();
    cleanups.push(() => redis.stop());
    const clock = manualClock();
    const a = await serverOn(await RedisStore.connect(redis.url), clock.now);
    const b = await serverOn(await RedisStore.connect(redis.url), clock.now);
    await oneNoticeAcross(a, b, clock);
  });
});

type Side = Awaited<ReturnType<typeof serverOn>>;

async function oneNoticeAcross(a: Side, b: Side, clock: ReturnType<typeof manualClock>) {
  const passport = failClosedPassport();
  const pid = passport.id as string;
  await a.server.enforcer.register(passport);
  await b.server.enforcer.heartbeat(pid, { channel: "agent" });
  clock.advance(STALE_AFTER + 1);
  for (let round = 0; round < 3; round++) {
    const [ta, tb] = await Promise.all([a.server.failClosed.tick(), b.server.failClosed.tick(), a.server.failClosed.tick()]);
    if (round === 0) expect([...ta, ...tb]).toEqual([pid]);
    else expect([...ta, ...tb]).toEqual([]);
  }
  await vi.waitFor(() => expect(pauses(a.notifier).length + pauses(b.notifier).length).toBe(1));
  await settle();
  expect(pauses(a.notifier).length + pauses(b.notifier).length).toBe(1);
  expect((await auditTypes(a.server, pid)).filter((r) => r.type === "pause")).toHaveLength(1);
}
