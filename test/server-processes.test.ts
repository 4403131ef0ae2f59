// Real `warden serve` processes: two servers sharing one Redis never pass a cap nor count an action
// twice; a SQLite server killed with SIGKILL mid-load loses no answered allow and keeps a valid
// audit chain; SIGTERM finishes requests in flight, closes the store and exits 0.

import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditLog, type AuditRecord } from "../enforcer/audit";
import {
  REDIS_MISSING,
  REQUIRE_SUITES,
  type RedisProcess,
  type ServerProcess,
  api,
  redisServerPath,
  runLoad,
  runWarden,
  startRedis,
  startServer,
  waitFor,
} from "./server-harness";

const dir = mkdtempSync(join(tmpdir(), "warden-serve-"));
const started: ServerProcess[] = [];
afterAll(async () => {
  for (const s of started) await s.stop("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

async function serve(store: string): Promise<ServerProcess> {
  // Redis has no "beside the database": every node gets the same key file (made by the first).
  const s = await startServer(store, store.startsWith("redis") ? ["--signing-key", join(dir, "redis-signing.key")] : []);
  started.push(s);
  return s;
}

async function newKey(store: string, issuer: string): Promise<string> {
  const key = (await runWarden(["keys", "create", "--issuer", issuer, "--store", store])).trim();
  expect(key).toMatch(/^wk_[0-9a-f]{16}_[0-9a-f]{64}$/);
  return key;
}

async function auditOf(base: string, key: string, pid: string): Promise<AuditRecord[]> {
  const r = await api(base, "GET", `/v1/passports/${pid}/attestations`, { key });
  expect(r.status).toBe(200);
  return (r.body as string)
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as AuditRecord);
}

async function verifyChain(base: string, key: string, pid: string): Promise<AuditRecord[]> {
  const records = await auditOf(base, key, pid);
  const jwks = (await api(base, "GET", "/.well-known/jwks.json")).body;
  expect(await verifyAuditLog(records, jwks.keys[0])).toEqual({ ok: true });
  return records;
}

/** Fires 600 requests (costs 1–5) at one passport through `bases`; checks the cap and the counts, returns the allows. */
async function capHolds(bases: string[], key: string, pid: string, cap: number) {
  const cost = (i: number) => (i % 5) + 1;
  const results = await runLoad({
    bases,
    path: "/v1/enforce",
    key,
    count: 600,
    concurrency: 16,
    timeoutMs: 60_000,
    makeBody: (i) => ({ passport_id: pid, action: "api:call", cost_cents: cost(i) }),
  });
  expect(results).toHaveLength(600);
  expect(results.filter((r) => r.status !== 200)).toEqual([]);
  const allowed = results.filter((r) => r.body.decision === "allow");
  const blocked = results.filter((r) => r.body.decision === "block");
  expect(allowed.length + blocked.length).toBe(600);
  expect(new Set(blocked.map((r) => r.body.reason))).toEqual(new Set(["cost_limit_exceeded"]));
  const allowedSpend = allowed.reduce((sum, r) => sum + cost(r.i), 0);
  expect(allowedSpend).toBeLessThanOrEqual(cap);
  expect(allowedSpend).toBeGreaterThan(cap - 5);
  for (const base of bases) {
    const state = (await api(base, "GET", `/v1/passports/${pid}/state`, { key })).body;
    expect(state).toMatchObject({ spent_today_cents: allowedSpend, actions_today: allowed.length, held_cents: 0 });
  }
  const records = await verifyChain(bases[bases.length - 1]!, key, pid);
  expect(records.filter((r) => r.type === "decision")).toHaveLength(600);
  console.info(
    `${bases.length} servers: ${allowed.length} allowed (${allowed.filter((r) => r.server === 0).length} via the first), ${allowedSpend} of ${cap} cents`,
  );
  return allowed;
}

describe("SQLite server", () => {
  it("SIGKILL mid-load: every answered allow is still counted, nothing twice, the audit chain verifies", async () => {
    const db = `sqlite:${join(dir, "kill.db")}`;
    const key = await newKey(db, "iss_durable");
    let server = await serve(db);
    const pid = (await api(server.url, "POST", "/v1/passports", { key, body: { constraints: { "core:cost:max_per_day": 10_000_000 } } })).body.passport
      .id as string;
    let killed = false;
    const concurrency = 8;
    const load = runLoad({
      bases: [server.url],
      path: "/v1/enforce",
      key,
      count: 20_000,
      concurrency,
      timeoutMs: 60_000,
      stop: () => killed,
      makeBody: (i) => ({ passport_id: pid, action: "web:search", cost_cents: 1, action_id: `act-${i}` }),
    });
    await waitFor(async () => (await api(server.url, "GET", `/v1/passports/${pid}/state`, { key })).body.actions_today >= 400, "400 decisions", 30_000);
    server.child.kill("SIGKILL");
    killed = true;
    const results = await load;
    await waitFor(async () => server.child.exitCode !== null || server.child.signalCode !== null, "the killed server to exit");
    const answered = results.filter((r) => r.status === 200 && r.body.decision === "allow");
    const unanswered = results.filter((r) => r.status !== 200);
    expect(results.every((r) => r.status === 200 || r.status === null)).toBe(true);
    expect(answered.length).toBeGreaterThanOrEqual(400);

    server = await serve(db);
    const state = (await api(server.url, "GET", `/v1/passports/${pid}/state`, { key })).body;
    // Every answered allow is counted; at most the requests in flight at the kill were counted unanswered.
    expect(state.actions_today).toBeGreaterThanOrEqual(answered.length);
    expect(state.actions_today).toBeLessThanOrEqual(answered.length + Math.min(concurrency, unanswered.length));
    expect(state.spent_today_cents).toBe(state.actions_today);

    const records = await verifyChain(server.url, key, pid);
    const decided = records.filter((r) => r.type === "decision" && r.decision === "allow").map((r) => r.decision_id as string);
    expect(new Set(decided).size).toBe(decided.length);
    const inLog = new Set(decided);
    for (const a of answered) expect(inLog.has(a.body.decision_id)).toBe(true);
    // Each decision is one commit (cost, audit record, idempotency record): every counted allow has its record.
    expect(decided.length).toBe(state.actions_today);
    console.info(
      `SIGKILL: ${answered.length} answered allows, ${unanswered.length} unanswered, ${state.actions_today} counted, ${decided.length} allow records`,
    );

    // Retrying answered requests (same action_id) returns the first decision and counts nothing again.
    for (const a of answered.slice(0, 50)) {
      const again = await api(server.url, "POST", "/v1/enforce", {
        key,
        body: { passport_id: pid, action: "web:search", cost_cents: 1, action_id: `act-${a.i}` },
      });
      expect(again.body.decision_id).toBe(a.body.decision_id);
    }
    expect((await api(server.url, "GET", `/v1/passports/${pid}/state`, { key })).body.actions_today).toBe(state.actions_today);

    // Retrying the requests left unanswered: one committed before the kill returns its decision from
    // the log and counts nothing again; one that was not is decided now. Either way one count each.
    const retried: { decision_id: string }[] = [];
    for (const u of unanswered) {
      retried.push(
        (await api(server.url, "POST", "/v1/enforce", { key, body: { passport_id: pid, action: "web:search", cost_cents: 1, action_id: `act-${u.i}` } })).body,
      );
    }
    const recalled = retried.filter((d) => inLog.has(d.decision_id));
    const afterRetry = (await api(server.url, "GET", `/v1/passports/${pid}/state`, { key })).body;
    expect(afterRetry.actions_today).toBe(state.actions_today + retried.length - recalled.length);
    expect(state.actions_today - answered.length).toBe(recalled.length);
    expect(await server.stop("SIGTERM")).toBe(0);
  }, 120_000);

  it("SIGTERM finishes a request in flight, refuses new connections, closes the store and exits 0", async () => {
    const db = `sqlite:${join(dir, "term.db")}`;
    const key = await newKey(db, "iss_term");
    const server = await serve(db);
    const pid = (await api(server.url, "POST", "/v1/passports", { key, body: { constraints: {} } })).body.passport.id as string;
    const body = JSON.stringify({ passport_id: pid, action: "web:search", cost_cents: 7 });
    // A request whose body arrives in two halves, with the SIGTERM in between.
    const reply = new Promise<{ status: number; text: string }>((ok, fail) => {
      const req = request(
        `${server.url}/v1/enforce`,
        { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
        (res) => {
          let text = "";
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => ok({ status: res.statusCode!, text }));
        },
      );
      req.on("error", fail);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 200);
    });
    const exited = new Promise<number | null>((ok) => server.child.once("exit", (code) => ok(code)));
    await new Promise((r) => setTimeout(r, 400));
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow(); // no longer accepting
    const r = await reply;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).decision).toBe("allow");
    expect(await exited).toBe(0);
    expect(server.output()).toContain("stopped");
    // The answered allow was durably committed.
    const again = await serve(db);
    expect((await api(again.url, "GET", `/v1/passports/${pid}/state`, { key })).body.spent_today_cents).toBe(7);
    expect(await again.stop("SIGTERM")).toBe(0);
  }, 60_000);

  it("--workers 2 share one SQLite file: the cap holds and every allow is counted once", async () => {
    const db = `sqlite:${join(dir, "workers.db")}`;
    const key = await newKey(db, "iss_workers");
    const server = await startServer(db, ["--workers", "2"]);
    started.push(server);
    const pid = (await api(server.url, "POST", "/v1/passports", { key, body: { constraints: { "core:cost:max_per_day": 1000 } } })).body.passport.id as string;
    await capHolds([server.url, server.url], key, pid, 1000);
    expect(await server.stop("SIGTERM")).toBe(0);
    expect(server.output().match(/listening on/g)).toHaveLength(2);
  }, 120_000);
});

const redisInstalled = redisServerPath() !== null;
if (!redisInstalled) console.warn(REDIS_MISSING);

describe.skipIf(!redisInstalled && !REQUIRE_SUITES)("two servers on one Redis", () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("concurrent requests at one passport through both never pass the cap and count each allow once", async () => {
    const key = await newKey(redis.url, "iss_cluster");
    const [s1, s2] = await Promise.all([serve(redis.url), serve(redis.url)]);
    const pid = (await api(s1!.url, "POST", "/v1/passports", { key, body: { constraints: { "core:cost:max_per_day": 1000 } } })).body.passport.id as string;
    const allowed = await capHolds([s1!.url, s2!.url], key, pid, 1000);
    expect(new Set(allowed.map((r) => r.server))).toEqual(new Set([0, 1])); // both servers allowed some

    // Each action_id sent twice at once, once through each server (a retry landing on another node):
    // one decision per action_id, counted once, and both servers answer it.
    const pid2 = (await api(s1!.url, "POST", "/v1/passports", { key, body: { constraints: { "core:cost:max_per_day": 1_000_000 } } })).body.passport
      .id as string;
    const repeated = await runLoad({
      bases: [s1!.url, s2!.url],
      path: "/v1/enforce",
      key,
      count: 400,
      concurrency: 16,
      timeoutMs: 60_000,
      makeBody: (i) => ({ passport_id: pid2, action: "api:call", cost_cents: 3, action_id: `retry-${i >> 1}` }),
    });
    expect(repeated.filter((r) => r.status !== 200)).toEqual([]);
    const byId = new Map<string, Set<string>>();
    for (const r of repeated) {
      expect(r.body.decision).toBe("allow");
      const id = r.body.action_id as string;
      byId.set(id, (byId.get(id) ?? new Set()).add(r.body.decision_id as string));
    }
    expect(byId.size).toBe(200);
    expect([...byId.values()].every((ids) => ids.size === 1)).toBe(true);
    expect((await api(s2!.url, "GET", `/v1/passports/${pid2}/state`, { key })).body).toMatchObject({ spent_today_cents: 600, actions_today: 200 });
    expect((await verifyChain(s1!.url, key, pid2)).filter((r) => r.type === "decision")).toHaveLength(200);
    // A revocation through one server is seen by the other at once.
    await api(s1!.url, "POST", `/v1/passports/${pid}/revoke`, { key });
    expect((await api(s2!.url, "POST", "/v1/enforce", { key, body: { passport_id: pid, action: "api:call" } })).body.reason).toBe("passport_revoked");
    expect(await s1!.stop("SIGTERM")).toBe(0);
    expect(await s2!.stop("SIGTERM")).toBe(0);
  }, 120_000);
});
