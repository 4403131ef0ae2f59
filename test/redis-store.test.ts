// Runs the Store contract on RedisStore against a private redis-server on loopback, and checks that
// every key of one passport shares its hash tag (one Redis Cluster slot).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RedisStore } from "../enforcer/redis-store";
import { runStoreSuite } from "./store-suite";
import { Enforcer } from "../enforcer/enforcer";
import { REDIS_MISSING, REQUIRE_SUITES, type RedisProcess, redisCliPath, redisServerPath, startRedis, startRedisCluster } from "./server-harness";

const installed = redisServerPath() !== null;
if (!installed) console.warn(REDIS_MISSING);

describe.skipIf(!installed && !REQUIRE_SUITES)("RedisStore", () => {
  let redis: RedisProcess;
  let n = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  runStoreSuite("RedisStore", async () => RedisStore.connect(redis.url, { prefix: `t${n++}:` }));

  it("keeps every key of one passport in one hash-tag slot", async () => {
    const store = await RedisStore.connect(redis.url, { prefix: "slots:" });
    await store.casState("pass_a", null, new Uint8Array([1]));
    await store.appendAudit("pass_a", 1, "{}", "h");
    await store.putDoc("idempotency", "pass_a/act_1", "{}", { ttlMs: 60_000, now: Date.now() });
    await store.putDoc("pop_nonces", "pass_a/n1", "{}");
    expect(
      await store.commit("pass_a", {
        state: { expectedVersion: 1, bytes: new Uint8Array([2]) },
        docs: [{ ns: "idempotency", key: "pass_a/act_2", json: "{}", opts: { ifAbsent: true, ttlMs: 60_000, now: Date.now() } }],
        audit: { seq: 2, json: "{}", hash: "h2" },
      }),
    ).toEqual({ ok: true });
    const client = new Redis(redis.url);
    const keys = (await client.keys("slots:*")).filter((k) => !k.includes("{ns%3A"));
    const tags = new Set(keys.map((k) => /\{([^}]*)\}/.exec(k)![1]));
    expect(keys.length).toBeGreaterThanOrEqual(6);
    expect([...tags]).toEqual(["pass_a"]);
    client.disconnect();
    await store.close();
  });

  it("a passport id with braces cannot move a key to another slot", async () => {
    const store = await RedisStore.connect(redis.url, { prefix: "braces:" });
    await store.casState("we}ird{id", null, new Uint8Array([1]));
    await store.appendAudit("we}ird{id", 1, "{}", "h");
    const client = new Redis(redis.url);
    const keys = await client.keys("braces:*");
    expect(new Set(keys.map((k) => /\{([^}]*)\}/.exec(k)![1]))).toEqual(new Set(["we%7Dird%7Bid"]));
    client.disconnect();
    await store.close();
  });

  it("two enforcers (two nodes) deciding the same action_ids at once count each once", async () => {
    const [sa, sb] = await Promise.all([RedisStore.connect(redis.url, { prefix: "nodes:" }), RedisStore.connect(redis.url, { prefix: "nodes:" })]);
    const [a, b] = await Promise.all([Enforcer.create({ store: sa, timers: false }), Enforcer.create({ store: sb, timers: false })]);
    await a.register({ id: "pass_n", constraints: {} });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        Promise.all([
          a.enforce({ passport_id: "pass_n", action: "a", cost_cents: 2, action_id: `k${i}` }),
          b.enforce({ passport_id: "pass_n", action: "a", cost_cents: 2, action_id: `k${i}` }),
        ]),
      ),
    );
    for (const [x, y] of answers) expect(y.decision_id).toBe(x.decision_id);
    expect(await b.state("pass_n")).toMatchObject({ spent_today_cents: 60, actions_today: 30 });
    const decisions: unknown[] = [];
    for await (const r of a.auditLog("pass_n")) if (r.type === "decision") decisions.push(r);
    expect(decisions).toHaveLength(30);
    a.close();
    b.close();
    await sa.close();
    await sb.close();
  });

  it("reports an unreachable server clearly", async () => {
    await expect(RedisStore.connect("redis://127.0.0.1:1", { redis: { retryStrategy: () => null } })).rejects.toThrow(/cannot reach Redis/);
  });
});

const cliInstalled = redisCliPath() !== null;
if (installed && !cliInstalled) console.warn("redis-cli is not installed (Debian's redis-tools): the Redis Cluster tests are skipped");

describe.skipIf((!installed || !cliInstalled) && !REQUIRE_SUITES)("RedisStore on a 3-node Redis Cluster", () => {
  let cluster: { nodes: string[]; stop(): Promise<void> };
  let n = 0;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  runStoreSuite("RedisStore (cluster)", async () => RedisStore.connectCluster(cluster.nodes, { prefix: `c${n++}:` }));

  it("an enforcer on the cluster never passes a cap under 300 concurrent requests", async () => {
    const store = await RedisStore.connectCluster(cluster.nodes, { prefix: "enf:" });
    const enforcer = await Enforcer.create({ store, timers: false });
    await enforcer.register({ id: "pass_c", constraints: { "core:cost:max_per_day": 500 } });
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => enforcer.enforce({ passport_id: "pass_c", action: "a", cost_cents: (i % 3) + 1, action_id: `a${i}` })),
    );
    const spent = results.reduce((sum, d, i) => sum + (d.decision === "allow" ? (i % 3) + 1 : 0), 0);
    const state = await enforcer.state("pass_c");
    expect(spent).toBeLessThanOrEqual(500);
    expect(state.spent_today_cents).toBe(spent);
    expect(state.actions_today).toBe(results.filter((d) => d.decision === "allow").length);
    enforcer.close();
    await store.close();
  }, 60_000);
});
