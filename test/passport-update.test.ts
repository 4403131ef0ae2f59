// Updating a passport in place and re-issuing it with a new key (docs/decisions.md "Passport updates"):
// in the enforcer on every store, over HTTP, from the agent's side (HTTP agent key, MCP, agent channel),
// the signed audit record of each change, no partial effect of a failed update, and a pending approval
// re-checked against the new limits.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Enforcer, EnforcerError } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { SqliteStore } from "../enforcer/sqlite-store";
import { RedisStore } from "../enforcer/redis-store";
import { verifyAuditLog, type AuditRecord } from "../enforcer/audit";
import type { Store } from "../enforcer/store";
import { PassportError } from "../bindings/errors";
import { createApiKey } from "../server/auth";
import { createWardenServer, type WardenServer } from "../server/server";
import { signPop } from "../server/pop";
import { REDIS_MISSING, REQUIRE_SUITES, api, redisServerPath, startRedis, type RedisProcess } from "./server-harness";

const T0 = Date.parse("2026-02-24T10:00:00Z");
const DAY = 'constraints["core:cost:max_per_day"]';

const collect = async (it: AsyncIterable<AuditRecord>) => {
  const out: AuditRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

const redisInstalled = redisServerPath() !== null;
if (!redisInstalled) console.warn(REDIS_MISSING);
let redis: RedisProcess | undefined;
let redisN = 0;
beforeAll(async () => {
  if (redisInstalled) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

const STORES: Array<[string, () => Promise<Store>, boolean]> = [
  ["MemoryStore", async () => new MemoryStore(), true],
  ["SqliteStore", async () => SqliteStore.open(":memory:"), true],
  ["RedisStore", async () => RedisStore.connect(redis!.url, { prefix: `upd${redisN++}:` }), redisInstalled || REQUIRE_SUITES],
];

describe.each(STORES)("Enforcer.updatePassport on %s", (_name, open, run) => {
  async function setup(constraints: Record<string, unknown>) {
    let now = T0;
    const store = await open();
    const enforcer = await Enforcer.create({ store, clock: () => now, timers: false });
    await enforcer.register({ id: "pass_1", issuer_id: "iss_a", agent_name: "Bot", constraints });
    return { enforcer, store, advance: (ms: number) => (now += ms) };
  }

  it.runIf(run)("makes a new version, keeps the counters, and signs an audit record naming what changed", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 900 })).decision).toBe("allow");
    const up = await enforcer.updatePassport(
      "pass_1",
      { agent_name: "Bot", constraints: { "core:cost:max_per_day": 1500 } },
      { actor: { by: "alice", channel: "api" } },
    );
    expect(up).toMatchObject({ version: 2, previous_version: 1, changed: [DAY] });
    expect(up.passport).toMatchObject({ id: "pass_1", issuer_id: "iss_a", version: 2 });
    // Spent today stays spent under the new limit: 900 + 700 > 1500, 900 + 600 ≤ 1500.
    expect((await enforcer.state("pass_1")).spent_today_cents).toBe(900);
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 700 })).reason).toBe("cost_limit_exceeded");
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 600 })).decision).toBe("allow");
    const records = await collect(enforcer.auditLog("pass_1"));
    const update = records.find((r) => r.type === "update")!;
    expect(update).toMatchObject({ from_version: 1, to_version: 2, changed: [DAY], by: "alice", channel: "api", released_approval_id: null });
    expect(await verifyAuditLog(records, enforcer.publicJwk)).toEqual({ ok: true });
    // A second update counts on; removing a key and changing a field are both listed.
    const again = await enforcer.updatePassport("pass_1", { agent_name: "Shopper", constraints: {} });
    expect(again).toMatchObject({ version: 3, previous_version: 2, changed: ["agent_name", DAY] });
  });

  it.runIf(run)("validates exactly like registration; a failed update changes nothing", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    const before = await collect(enforcer.auditLog("pass_1"));
    const bad = await enforcer.updatePassport("pass_1", { constraints: { "core:cost:max_per_dya": 5 } }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(PassportError);
    expect((bad as PassportError).problems[0]).toMatchObject({ path: 'constraints["core:cost:max_per_dya"]', hint: 'did you mean "core:cost:max_per_day"?' });
    for (const [patch, code] of [
      [{ id: "pass_2" }, "immutable_field"],
      [{ issuer_id: "iss_b" }, "immutable_field"],
      [{ trust_tier: "L3" }, "immutable_field"],
      [{ version: 7 }, "version_conflict"],
    ] as const) {
      const err = await enforcer.updatePassport("pass_1", { ...patch, constraints: { "core:cost:max_per_day": 1 } }).catch((e: unknown) => e);
      expect((err as EnforcerError).code, JSON.stringify(patch)).toBe(code);
    }
    expect((await enforcer.policy("pass_1")).passport).toEqual({
      id: "pass_1",
      issuer_id: "iss_a",
      agent_name: "Bot",
      constraints: { "core:cost:max_per_day": 1000 },
    });
    expect(await collect(enforcer.auditLog("pass_1"))).toEqual(before);
    // The version the caller edited is accepted.
    expect((await enforcer.updatePassport("pass_1", { version: 1, constraints: {} })).version).toBe(2);
  });

  it.runIf(run)("refuses the agent channel and a revoked passport", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    const err = await enforcer.updatePassport("pass_1", { constraints: { "core:cost:max_per_day": 1_000_000 } }, { channel: "agent" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "forbidden_channel" });
    const reissue = await enforcer
      .reissuePassport("pass_1", { key_thumbprint: "x", previous_key_thumbprint: null }, { channel: "agent" })
      .catch((e: unknown) => e);
    expect(reissue).toMatchObject({ code: "forbidden_channel" });
    expect((await enforcer.policy("pass_1")).passport.constraints).toEqual({ "core:cost:max_per_day": 1000 });
    await enforcer.register({ id: "pass_1", issuer_id: "iss_a", status: "revoked", constraints: {} });
    const revoked = await enforcer.updatePassport("pass_1", { status: "active", constraints: {} }).catch((e: unknown) => e);
    expect(revoked).toMatchObject({ code: "passport_revoked" });
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "a" })).reason).toBe("passport_revoked");
  });

  it.runIf(run)("a hold made under the old limits is released when the limits change: the agent asks again under the new ones", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 1000 });
    const held = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 2000 });
    expect(held.decision).toBe("request_hold");
    expect((await enforcer.state("pass_1")).pending_approval_id).toBe(held.approval_request_id);
    const up = await enforcer.updatePassport("pass_1", {
      agent_name: "Bot",
      constraints: { "core:cost:max_per_day": 1500, "core:cost:approval_threshold": 1000 },
    });
    expect(up.changed).toEqual([DAY]);
    const records = await collect(enforcer.auditLog("pass_1"));
    expect(records.find((r) => r.type === "update")).toMatchObject({ released_approval_id: held.approval_request_id });
    expect(records.at(-1)).toMatchObject({ type: "approval", approval_id: held.approval_request_id, status: "denied", reason: "passport_updated" });
    // Approving it now is too late, and nothing was counted.
    expect(await enforcer.approve(held.approval_request_id!)).toMatchObject({ status: "denied", permit: false, reason: "passport_updated" });
    const state = await enforcer.state("pass_1");
    expect(state.spent_today_cents).toBe(0);
    expect(state.pending_approval_id).toBeNull();
    // Asked again, the module decides under the new version: 2000 > 1500 is blocked.
    expect((await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 2000 })).reason).toBe("cost_limit_exceeded");
  });

  it.runIf(run)("a change the engine does not decide on (agent_name, metadata) leaves a pending hold alone", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 1000 });
    const held = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 2000 });
    const up = await enforcer.updatePassport("pass_1", {
      agent_name: "Shopper",
      metadata: { team: "a" },
      constraints: { "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 1000 },
    });
    expect(up.changed).toEqual(["agent_name", "metadata"]);
    expect(await enforcer.approve(held.approval_request_id!)).toMatchObject({ status: "approved", permit: true });
    expect((await enforcer.state("pass_1")).spent_today_cents).toBe(2000);
  });

  it.runIf(run)("a change to a foreign namespace the module ignores leaves a pending hold alone; one to a permission releases it", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 1000 });
    const held = await enforcer.enforce({ passport_id: "pass_1", action: "shop:buy", cost_cents: 2000 });
    const foreign = await enforcer.updatePassport("pass_1", {
      agent_name: "Bot",
      constraints: { "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 1000, "acme:review:team": "payments" },
    });
    expect(foreign.changed).toEqual(['constraints["acme:review:team"]']);
    expect((await enforcer.state("pass_1")).pending_approval_id).toBe(held.approval_request_id);
    const narrowed = await enforcer.updatePassport("pass_1", {
      agent_name: "Bot",
      permissions: ["shop:buy"],
      constraints: { "core:cost:max_per_day": 5000, "core:cost:approval_threshold": 1000, "acme:review:team": "payments" },
    });
    expect(narrowed.changed).toEqual(["permissions"]);
    expect(await enforcer.approve(held.approval_request_id!)).toMatchObject({ status: "denied", reason: "passport_updated" });
  });

  it.runIf(run)("a re-issue keeps constraints and counters and records the key thumbprints", async () => {
    const { enforcer } = await setup({ "core:cost:max_per_day": 1000 });
    await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 300 });
    const done = await enforcer.reissuePassport("pass_1", { key_thumbprint: "new", previous_key_thumbprint: "old" });
    expect(done).toMatchObject({ version: 2, previous_version: 1, changed: [] });
    expect((await enforcer.state("pass_1")).spent_today_cents).toBe(300);
    const rec = (await collect(enforcer.auditLog("pass_1"))).find((r) => r.type === "reissue")!;
    expect(rec).toMatchObject({ from_version: 1, to_version: 2, key_thumbprint: "new", previous_key_thumbprint: "old" });
  });
});

describe("over HTTP", () => {
  let server: WardenServer;
  let base = "";
  let operator = "";
  let agentKey = "";
  let otherIssuer = "";

  beforeAll(async () => {
    server = await createWardenServer({ store: new MemoryStore(), storeKind: "memory", log: () => undefined, hitl: { notifier: null } });
    base = `http://127.0.0.1:${(await server.listen(0, "127.0.0.1")).port}`;
    operator = (await createApiKey(server.store, "iss_a")).key;
    agentKey = (await createApiKey(server.store, "iss_a", "agent", "agent")).key;
    otherIssuer = (await createApiKey(server.store, "iss_b")).key;
  });
  afterAll(async () => {
    await server?.close();
  });

  async function issue(passport: Record<string, unknown>) {
    const r = await api(base, "POST", "/v1/passports", { key: operator, body: passport });
    expect(r.status).toBe(201);
    return r.body as { passport: { id: string }; private_key_jwk: Record<string, string> };
  }

  it("PUT updates in place: a new version, counters kept, an audit record in the attestations", async () => {
    const { passport } = await issue({ agent_name: "Bot", constraints: { "core:cost:max_per_day": 1000 } });
    const id = passport.id;
    await api(base, "POST", "/v1/enforce", { key: operator, body: { passport_id: id, action: "a", cost_cents: 800 } });
    const r = await api(base, "PUT", `/v1/passports/${id}`, { key: operator, body: { agent_name: "Bot", constraints: { "core:cost:max_per_day": 900 } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, previous_version: 1, changed: [DAY], passport: { id, issuer_id: "iss_a", version: 2 } });
    expect((await api(base, "GET", `/v1/passports/${id}`, { key: operator })).body.passport.version).toBe(2);
    const blocked = await api(base, "POST", "/v1/enforce", { key: operator, body: { passport_id: id, action: "a", cost_cents: 200 } });
    expect(blocked.body).toMatchObject({ decision: "block", reason: "cost_limit_exceeded" });
    const lines = (await api(base, "GET", `/v1/passports/${id}/attestations`, { key: operator })).body as string;
    const update = lines
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditRecord)
      .find((rec) => rec.type === "update")!;
    expect(update).toMatchObject({ from_version: 1, to_version: 2, changed: [DAY], by: "iss_a", channel: "api" });
    expect(typeof update.signature).toBe("string");
  });

  it("a bad body answers 400 with paths and hints, and changes nothing", async () => {
    const { passport } = await issue({ constraints: { "core:cost:max_per_day": 1000 } });
    const r = await api(base, "PUT", `/v1/passports/${passport.id}`, {
      key: operator,
      body: { constraints: { "core:cost:max_per_dya": 5, "core:rate:max_per_minute": "ten" } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'constraints["core:cost:max_per_dya"]', hint: 'did you mean "core:cost:max_per_day"?' })]),
    );
    expect((await api(base, "PUT", `/v1/passports/${passport.id}`, { key: operator, body: { issuer_id: "iss_b", constraints: {} } })).body.error.code).toBe(
      "issuer_mismatch",
    );
    expect((await api(base, "PUT", `/v1/passports/${passport.id}`, { key: operator, body: { version: 9, constraints: {} } })).status).toBe(409);
    expect((await api(base, "PUT", `/v1/passports/${passport.id}`, { key: operator, body: "[1]" })).status).toBe(400);
    const got = await api(base, "GET", `/v1/passports/${passport.id}`, { key: operator });
    expect(got.body.passport.constraints).toEqual({ "core:cost:max_per_day": 1000 });
    expect(got.body.passport.version).toBeUndefined();
    const types = ((await api(base, "GET", `/v1/passports/${passport.id}/attestations`, { key: operator })).body as string).trim();
    expect(types).toBe("");
  });

  it("the agent cannot raise its own limits: agent key 403, another issuer 404, MCP has no such tool", async () => {
    const { passport } = await issue({ constraints: { "core:cost:max_per_day": 100 } });
    const raise = { constraints: { "core:cost:max_per_day": 1_000_000 } };
    const asAgent = await api(base, "PUT", `/v1/passports/${passport.id}`, { key: agentKey, body: raise });
    expect(asAgent).toMatchObject({ status: 403, body: { error: { code: "operator_only" } } });
    expect((await api(base, "POST", `/v1/passports/${passport.id}/reissue`, { key: agentKey })).status).toBe(403);
    expect((await api(base, "PUT", `/v1/passports/${passport.id}`, { key: otherIssuer, body: raise })).status).toBe(404);
    expect((await api(base, "PUT", `/v1/passports/${passport.id}`, { body: raise })).status).toBe(401);

    const client = new Client({ name: "attacker", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { "x-passport-id": passport.id } } }));
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toContain("enforce_action");
    expect(tools.filter((t) => /update|register|reissue|create|set_|limit|reset|approve|revoke/.test(t))).toEqual([]);
    const call = await client
      .callTool({ name: "update_passport", arguments: { passport_id: passport.id, ...raise } })
      .catch((e: unknown) => ({ isError: true, e }));
    expect(call.isError).toBe(true);
    await client.close();
    expect((await server.enforcer.policy(passport.id)).passport.constraints).toEqual({ "core:cost:max_per_day": 100 });
  });

  it("re-issue with a new key: the old key's proof is refused at once, counters kept, audit record", async () => {
    const created = await issue({ trust_tier: "L3", constraints: { "core:cost:max_per_day": 1000 } });
    const id = created.passport.id;
    const enforce = async (jwk: Record<string, string>, cost: number) => {
      const body = JSON.stringify({ passport_id: id, action: "a", cost_cents: cost });
      const pop = await signPop(jwk, { method: "POST", path: "/v1/enforce", body });
      return api(base, "POST", "/v1/enforce", { key: agentKey, body, headers: { "warden-pop": pop } });
    };
    expect((await enforce(created.private_key_jwk, 300)).body.decision).toBe("allow");
    const r = await api(base, "POST", `/v1/passports/${id}/reissue`, { key: operator });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, previous_version: 1, changed: [], public_key_jwk: { kty: "OKP", crv: "Ed25519" } });
    expect(r.body.private_key_jwk.d).toEqual(expect.any(String));
    expect(await enforce(created.private_key_jwk, 1)).toMatchObject({ status: 401, body: { error: { code: "pop_invalid" } } });
    const ok = await enforce(r.body.private_key_jwk, 800);
    expect(ok.body).toMatchObject({ decision: "block", reason: "cost_limit_exceeded" }); // 300 spent before stays spent
    expect((await server.enforcer.state(id)).spent_today_cents).toBe(300);
    expect((await api(base, "GET", `/v1/passports/${id}`, { key: operator })).body.public_key_jwk.x).toBe(r.body.public_key_jwk.x);
    const rec = (await collect(server.enforcer.auditLog(id))).find((x) => x.type === "reissue")!;
    expect(rec).toMatchObject({ from_version: 1, to_version: 2, by: "iss_a", channel: "api" });
    expect(rec.key_thumbprint).not.toBe(rec.previous_key_thumbprint);
  });

  it("re-issue with the caller's public key; a private key or a wrong key type is refused", async () => {
    const { passport } = await issue({ trust_tier: "L3", constraints: {} });
    const { generateKeyPair, exportJWK } = await import("jose");
    const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const pub = await exportJWK(pair.publicKey);
    const priv = await exportJWK(pair.privateKey);
    expect((await api(base, "POST", `/v1/passports/${passport.id}/reissue`, { key: operator, body: { public_key_jwk: priv } })).body.error.path).toBe(
      "public_key_jwk.d",
    );
    expect((await api(base, "POST", `/v1/passports/${passport.id}/reissue`, { key: operator, body: { public_key_jwk: { kty: "RSA" } } })).status).toBe(400);
    expect((await api(base, "POST", `/v1/passports/${passport.id}/reissue`, { key: operator, body: { extra: 1 } })).body.error.code).toBe("unknown_field");
    const r = await api(base, "POST", `/v1/passports/${passport.id}/reissue`, { key: operator, body: { public_key_jwk: pub } });
    expect(r.status).toBe(200);
    expect(r.body.private_key_jwk).toBeUndefined();
    const body = JSON.stringify({ passport_id: passport.id, action: "a" });
    const pop = await signPop(priv as Record<string, string>, { method: "POST", path: "/v1/enforce", body });
    expect((await api(base, "POST", "/v1/enforce", { key: agentKey, body, headers: { "warden-pop": pop } })).body.decision).toBe("allow");
  });

  it("both routes are in the OpenAPI document", async () => {
    const doc = (await api(base, "GET", "/v1/openapi.json")).body;
    expect(doc.paths["/v1/passports/{id}"].put.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Passport" });
    expect(doc.paths["/v1/passports/{id}/reissue"].post.summary).toBeDefined();
  });
});
