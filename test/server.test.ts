// The HTTP API in process (MemoryStore, injected clock): routes, API keys and issuer isolation,
// proof of possession for L3, errors and their statuses, OpenAPI, JWKS, metrics and events.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportJWK, generateKeyPair } from "jose";
import { MemoryStore } from "../enforcer/memory-store";
import { verifyAuditLog, type AuditRecord } from "../enforcer/audit";
import { canonicalJson, verifyCompact } from "../enforcer/signing";
import { createApiKey } from "../server/auth";
import { createWardenServer, type WardenServer } from "../server/server";
import { signPop } from "../server/pop";
import { ServerMetrics } from "../server/metrics";
import { enforceRequestSchema as enforceRequestZod } from "../bindings/gen/zod";
import type { DecisionEvent } from "../server/context";
import { api } from "./server-harness";
import { signIn } from "./hitl-helpers";

const SCHEMAS_DIR = join(import.meta.dirname, "../schemas");
let now = Date.parse("2026-02-24T10:00:00Z");
let server: WardenServer;
let base: string;
let keyA: string;
let keyB: string;
let agentKeyA: string;
const decisions: DecisionEvent[] = [];

beforeAll(async () => {
  const store = new MemoryStore();
  keyA = (await createApiKey(store, "iss_a")).key;
  keyB = (await createApiKey(store, "iss_b")).key;
  agentKeyA = (await createApiKey(store, "iss_a", "agent", "agent")).key;
  server = await createWardenServer({ store, storeKind: "memory", clock: () => now, maxBodyBytes: 64 * 1024, rateLimit: 0, log: () => undefined });
  server.events.on("decision", (e) => decisions.push(e));
  const addr = await server.listen(0);
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => {
  await server.close();
});

async function issue(key: string, passport: Record<string, unknown>) {
  const r = await api(base, "POST", "/v1/passports", { key, body: passport });
  expect(r.status).toBe(201);
  return r.body as { passport: { id: string }; private_key_jwk: Record<string, string>; public_key_jwk: Record<string, string>; warnings: string[] };
}

describe("passports", () => {
  it("issues a passport with a server id, the caller's issuer and a key pair returned once", async () => {
    const r = await api(base, "POST", "/v1/passports", {
      key: keyA,
      body: { id: "pass_mine", agent_name: "Bot", constraints: { "core:cost:max_per_day": 100 } },
    });
    expect(r.status).toBe(201);
    expect(r.body.passport.id).toMatch(/^pass_[0-9a-f]{32}$/);
    expect(r.body.passport.issuer_id).toBe("iss_a");
    expect(r.body.warnings[0]).toMatch(/replaced/);
    expect(r.body.private_key_jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(typeof r.body.private_key_jwk.d).toBe("string");
    expect(r.headers.get("location")).toBe(`/v1/passports/${r.body.passport.id}`);
    const got = await api(base, "GET", `/v1/passports/${r.body.passport.id}`, { key: keyA });
    expect(got.status).toBe(200);
    expect(got.body.public_key_jwk.x).toBe(r.body.private_key_jwk.x);
    expect(JSON.stringify(got.body)).not.toContain(r.body.private_key_jwk.d); // never shown again
  });

  it("rejects an invalid passport with 400 and the path of each problem", async () => {
    const r = await api(base, "POST", "/v1/passports", { key: keyA, body: { constraints: { "core:cost:max_per_dya": 5, "core:rate:max_per_minute": "ten" } } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBeTypeOf("string");
    expect(r.body.error.path).toContain("core:");
    expect(r.body.error.problems.length).toBe(2);
  });

  it("refuses another issuer_id in the body", async () => {
    const r = await api(base, "POST", "/v1/passports", { key: keyA, body: { issuer_id: "iss_b", constraints: {} } });
    expect(r).toMatchObject({ status: 400, body: { error: { code: "issuer_mismatch", path: "issuer_id" } } });
  });

  it("revocation blocks every later request", async () => {
    const { passport } = await issue(keyA, { constraints: {} });
    expect((await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: passport.id, action: "a" } })).body.decision).toBe("allow");
    const r = await api(base, "POST", `/v1/passports/${passport.id}/revoke`, { key: keyA });
    expect(r.body.passport.status).toBe("revoked");
    expect((await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: passport.id, action: "a" } })).body.reason).toBe("passport_revoked");
  });
});

describe("API keys and issuer isolation", () => {
  let pid: string;
  let approvalId: string;
  let permit: string;
  beforeAll(async () => {
    pid = (await issue(keyA, { constraints: { "core:cost:approval_threshold": 1000 } })).passport.id;
    approvalId = (await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "travel:book", cost_cents: 5000 } })).body
      .approval_request_id;
    permit = (await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "web:search", cost_cents: 1 } })).body.permit_token;
  });

  it("requires a valid key on every /v1 route but health, JWKS and the API description", async () => {
    expect((await api(base, "GET", "/v1/passports")).body.error.code).toBe("missing_api_key");
    const bad = await api(base, "GET", "/v1/passports", { key: "wk_0000000000000000_" + "0".repeat(64) });
    expect(bad).toMatchObject({ status: 401, body: { error: { code: "invalid_api_key" } } });
    expect(bad.headers.get("www-authenticate")).toContain("Bearer");
    expect((await api(base, "GET", "/v1/passports", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    for (const r of server.router.list()) {
      if (r.auth === "none") continue;
      const res = await api(base, r.method, r.pattern.replace(/:id/g, "x"));
      expect(res.status, `${r.method} ${r.pattern}`).toBe(401);
    }
    for (const path of ["/healthz", "/v1/healthz", "/.well-known/jwks.json", "/v1/openapi.json", "/metrics"]) {
      expect((await api(base, "GET", path)).status, path).toBe(200);
    }
  });

  it("another issuer's passport, approval and permit are 404 (or unknown), never 403", async () => {
    const routes: [string, string, unknown?][] = [
      ["GET", `/v1/passports/${pid}`],
      ["POST", `/v1/passports/${pid}/revoke`],
      ["GET", `/v1/passports/${pid}/state`],
      ["POST", `/v1/passports/${pid}/state/reset`, { window_type: "all" }],
      ["POST", `/v1/passports/${pid}/heartbeat`],
      ["POST", `/v1/passports/${pid}/emergency-stop`],
      ["POST", `/v1/passports/${pid}/resume`],
      ["GET", `/v1/passports/${pid}/attestations`],
      ["POST", "/v1/enforce", { passport_id: pid, action: "a" }],
      ["GET", `/v1/approvals?passport_id=${pid}`],
      ["GET", `/v1/approvals/${approvalId}`],
      ["POST", `/v1/approvals/${approvalId}/approve`],
      ["POST", `/v1/approvals/${approvalId}/deny`],
    ];
    for (const [method, path, body] of routes) {
      const r = await api(base, method, path, { key: keyB, body });
      expect(r.status, `${method} ${path}`).toBe(404);
      const unknown = await api(base, method, path.replace(pid, "pass_nope").replace(approvalId, "apr_nope"), {
        key: keyB,
        body: body && JSON.parse(JSON.stringify(body).replace(pid, "pass_nope")),
      });
      const anonymous = (e: { message: string }) => ({ ...e, message: e.message.replace(/(pass|apr)_[0-9a-z]+/g, "<id>") });
      expect(anonymous(r.body.error), `${method} ${path} reads exactly like a missing one`).toEqual(anonymous(unknown.body.error));
    }
    expect((await api(base, "GET", "/v1/passports", { key: keyB })).body.passports.map((p: { id: string }) => p.id)).not.toContain(pid);
    expect((await api(base, "GET", "/v1/approvals", { key: keyB })).body.approvals).toEqual([]);
    const report = await api(base, "POST", "/v1/actions/report", { key: keyB, body: { permit_token: permit, success: true } });
    expect(report.body).toEqual({ accepted: false, reason: "unknown_or_used_permit" });
    // Nothing was touched: A still sees the approval pending and can use the permit.
    expect((await api(base, "GET", `/v1/approvals/${approvalId}`, { key: keyA })).body.status).toBe("pending");
    expect((await api(base, "POST", "/v1/actions/report", { key: keyA, body: { permit_token: permit, success: true } })).body).toEqual({ accepted: true });
  });
});

describe("enforce, approvals, state and attestations", () => {
  it("runs a hold through approval, report, state and a verifiable audit log", async () => {
    const { passport } = await issue(keyA, { agent_name: "Travel", constraints: { "core:cost:approval_threshold": 2000, "core:cost:max_per_day": 50000 } });
    const pid = passport.id;
    const hold = await api(base, "POST", "/v1/enforce", {
      key: keyA,
      body: { passport_id: pid, action: "travel:book", cost_cents: 35000, action_id: "trip-1" },
    });
    expect(hold.body).toMatchObject({ decision: "request_hold", passport_id: pid, action_id: "trip-1" });
    const again = await api(base, "POST", "/v1/enforce", {
      key: keyA,
      body: { passport_id: pid, action: "travel:book", cost_cents: 35000, action_id: "trip-1" },
    });
    expect(again.body).toEqual(hold.body);
    const conflict = await api(base, "POST", "/v1/enforce", {
      key: keyA,
      body: { passport_id: pid, action: "travel:book", cost_cents: 1, action_id: "trip-1" },
    });
    expect(conflict).toMatchObject({ status: 409, body: { error: { code: "action_id_conflict" } } });
    const list = await api(base, "GET", `/v1/approvals?passport_id=${pid}`, { key: keyA });
    expect(list.body.approvals.map((a: { id: string }) => a.id)).toEqual([hold.body.approval_request_id]);
    expect((await api(base, "GET", "/v1/approvals", { key: keyA })).body.approvals.map((a: { id: string }) => a.id)).toContain(hold.body.approval_request_id);
    expect((await api(base, "GET", `/v1/passports/${pid}/state`, { key: keyA })).body).toMatchObject({
      held_cents: 35000,
      pending_approval_id: hold.body.approval_request_id,
    });
    const yes = await api(base, "POST", `/v1/approvals/${hold.body.approval_request_id}/approve`, { key: keyA });
    expect(yes.body).toMatchObject({ status: "approved", permit: true });
    const twice = await api(base, "POST", `/v1/approvals/${hold.body.approval_request_id}/deny`, { key: keyA });
    expect(twice).toMatchObject({ status: 409, body: { error: { code: "approval_not_pending" } } });
    const rep = await api(base, "POST", "/v1/actions/report", {
      key: keyA,
      body: { permit_token: yes.body.permit_token, success: true, actual_cost_cents: 30000 },
    });
    expect(rep.body).toEqual({ accepted: true });
    expect((await api(base, "GET", `/v1/passports/${pid}/state`, { key: keyA })).body).toMatchObject({
      spent_today_cents: 30000,
      held_cents: 0,
      actions_today: 1,
    });

    const att = await api(base, "GET", `/v1/passports/${pid}/attestations`, { key: keyA });
    expect(att.status).toBe(200);
    expect(att.headers.get("content-type")).toContain("application/jsonl");
    const records = (att.body as string)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.type)).toEqual(["decision", "approval", "permit_report"]);
    const jwks = (await api(base, "GET", "/.well-known/jwks.json")).body;
    const [seq, hash] = att.headers.get("x-warden-audit-head")!.split(":");
    expect(await verifyAuditLog(records, jwks.keys[0], { expectedHead: { seq: Number(seq), hash: hash! } })).toEqual({ ok: true });
    const from2 = await api(base, "GET", `/v1/passports/${pid}/attestations?from_seq=2`, { key: keyA });
    expect((from2.body as string).trim().split("\n")).toHaveLength(2);
    expect((await api(base, "GET", `/v1/passports/${pid}/attestations?from_seq=0`, { key: keyA })).body.error.path).toBe("from_seq");
  });

  it("decisions are signed with the key the JWKS publishes", async () => {
    const { passport } = await issue(keyA, { constraints: {} });
    const d = (await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: passport.id, action: "a" } })).body;
    const { signature, ...rest } = d;
    const jwks = (await api(base, "GET", "/.well-known/jwks.json")).body;
    expect(canonicalJson(await verifyCompact(signature, jwks.keys[0]))).toBe(canonicalJson(rest));
  });

  it("emergency stop, resume, heartbeat, pause and reset act on the passport", async () => {
    const { passport } = await issue(keyA, { constraints: { "core:approval:required": true } });
    const pid = passport.id;
    const hold = (await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "a", cost_cents: 10 } })).body;
    expect((await api(base, "POST", `/v1/passports/${pid}/emergency-stop`, { key: keyA })).body).toEqual({ ok: true });
    expect((await api(base, "GET", `/v1/approvals/${hold.approval_request_id}`, { key: keyA })).body.status).toBe("denied");
    expect((await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "a" } })).body.reason).toBe("emergency_stopped");
    expect((await api(base, "POST", `/v1/passports/${pid}/resume`, { key: keyA })).body).toEqual({ ok: true });
    expect((await api(base, "POST", `/v1/passports/${pid}/pause`, { key: keyA })).body).toEqual({ ok: true });
    expect((await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "a" } })).body.reason).toBe("enforcement_paused");
    expect((await api(base, "POST", `/v1/passports/${pid}/heartbeat`, { key: keyA })).body).toEqual({ ok: true });
    // A heartbeat never lifts an operator's pause (SPEC §11); resume does.
    expect((await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "a" } })).body.reason).toBe("enforcement_paused");
    expect((await api(base, "POST", `/v1/passports/${pid}/resume`, { key: keyA })).body).toEqual({ ok: true });
    expect((await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: pid, action: "a" } })).body.decision).toBe("request_hold");
    expect((await api(base, "POST", `/v1/passports/${pid}/state/reset`, { key: keyA, body: { window_type: "all" } })).body).toEqual({ ok: true });
    const bad = await api(base, "POST", `/v1/passports/${pid}/state/reset`, { key: keyA, body: { window_type: "yearly" } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_value", path: "window_type" } } });
  });

  it("emits a decision event and counts decisions by outcome and rule in /metrics", async () => {
    const { passport } = await issue(keyA, { constraints: { "core:cost:max_per_action": 5 } });
    const before = decisions.length;
    await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: passport.id, action: "a", cost_cents: 9 } });
    expect(decisions.length).toBe(before + 1);
    expect(decisions.at(-1)).toMatchObject({ issuer_id: "iss_a", decision: { decision: "block", rule: "core:cost:max_per_action" } });
    const m = await api(base, "GET", "/metrics");
    expect(m.headers.get("content-type")).toContain("text/plain");
    expect(m.body).toMatch(/warden_decisions_total\{decision="block",rule="core:cost:max_per_action"\} [1-9]/);
    expect(m.body).toMatch(/warden_decisions_total\{decision="allow",rule="none"\} [1-9]/);
    expect(m.body).toMatch(/warden_enforce_duration_seconds_bucket\{le="0.005"\} [1-9]/);
    expect(m.body).toMatch(/warden_enforce_duration_seconds_count [1-9]/);
    expect(m.body).toMatch(/warden_http_requests_total\{route="\/v1\/enforce",method="POST",status="200"\} [1-9]/);
  });
});

describe("errors: JSON bodies with the right status, never a 500 for bad input", () => {
  const bad: [string, unknown, number, string, string?][] = [
    ["not JSON", "{nope", 400, "invalid_json"],
    ["an array", [], 400, "invalid_type"],
    ["no body", undefined, 400, "invalid_type"],
    ["no passport_id", { action: "a" }, 400, "invalid_type", "passport_id"],
    ["a number passport_id", { passport_id: 5, action: "a" }, 400, "invalid_type", "passport_id"],
    ["an unknown passport", { passport_id: "pass_nope", action: "a" }, 404, "passport_not_found"],
  ];
  for (const [what, body, status, code, path] of bad) {
    it(`POST /v1/enforce with ${what} → ${status} ${code}`, async () => {
      const r = await api(base, "POST", "/v1/enforce", { key: keyA, body });
      expect(r.status).toBe(status);
      expect(r.body.error.code).toBe(code);
      expect(r.body.error.message).toBeTypeOf("string");
      if (path) expect(r.body.error.path).toBe(path);
    });
  }

  it("request fields are validated with their path", async () => {
    const { passport } = await issue(keyA, { constraints: {} });
    const cases: [Record<string, unknown>, string][] = [
      [{ action: "" }, "action"],
      [{ action: "a", cost_cents: -1 }, "cost_cents"],
      [{ action: "a", cost_cents: 1.5 }, "cost_cents"],
      [{ action: "a", context: [] }, "context"],
      [{ action: "a", extra: 1 }, "extra"],
      [{ action: "x".repeat(1025) }, "action"],
    ];
    for (const [body, path] of cases) {
      const r = await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: passport.id, ...body } });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.path, JSON.stringify(body)).toBe(path);
    }
    const rep = await api(base, "POST", "/v1/actions/report", { key: keyA, body: { permit_token: "x", success: "yes" } });
    expect(rep.body.error).toMatchObject({ code: "invalid_type", path: "success" });
    const neg = await api(base, "POST", "/v1/actions/report", { key: keyA, body: { permit_token: "x", success: true, actual_cost_cents: -3 } });
    expect(neg.status).toBe(400);
  });

  it("404 for unknown routes, 405 with Allow for a wrong method", async () => {
    expect((await api(base, "GET", "/v2/nothing")).body.error.code).toBe("not_found");
    const r = await api(base, "DELETE", "/v1/enforce", { key: keyA });
    expect(r.status).toBe(405);
    expect(r.headers.get("allow")).toBe("POST");
  });

  it("413 for a body over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ passport_id: "p", action: "a", context: { x: "y".repeat(70 * 1024) } });
    const r = await api(base, "POST", "/v1/enforce", { key: keyA, body: big });
    expect(r).toMatchObject({ status: 413, body: { error: { code: "payload_too_large" } } });
    const chunked = new ReadableStream({
      start(c) {
        for (let i = 0; i < 70; i++) c.enqueue(new TextEncoder().encode("x".repeat(1024)));
        c.close();
      },
    });
    const res = await fetch(`${base}/v1/enforce`, {
      method: "POST",
      body: chunked,
      headers: { authorization: `Bearer ${keyA}` },
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("fuzzed bodies never produce a 500", async () => {
    const { passport } = await issue(keyA, { constraints: { "core:scope:domain_allowlist": ["example.com"] } });
    const values: unknown[] = [null, true, 0, -1, 1e300, "", "x", [], {}, [1], { a: { b: [null] } }, "\u0000", "https://[::1", 2 ** 53];
    const fields = ["passport_id", "action", "cost_cents", "target", "context", "action_id"];
    let n = 0;
    for (const f of fields) {
      for (const v of values) {
        const body: Record<string, unknown> = { passport_id: passport.id, action: "a", [f]: v };
        const r = await api(base, "POST", "/v1/enforce", { key: keyA, body });
        expect(r.status, `${f}=${JSON.stringify(v)}`).toBeLessThan(500);
        if (r.status >= 400) expect(r.body.error.code).toBeTypeOf("string");
        n++;
      }
    }
    expect(n).toBe(fields.length * values.length);
  });
});

describe("rate limits", () => {
  it("429 with Retry-After when one key floods; another key is unaffected", async () => {
    const store = new MemoryStore();
    const k1 = (await createApiKey(store, "iss_a")).key;
    const k2 = (await createApiKey(store, "iss_a")).key;
    const s = await createWardenServer({ store, rateLimit: 5, rateBurst: 5, clock: () => now, log: () => undefined });
    const { port } = await s.listen(0);
    const b = `http://127.0.0.1:${port}`;
    const codes = [];
    for (let i = 0; i < 8; i++) codes.push((await api(b, "GET", "/v1/passports", { key: k1 })).status);
    expect(codes.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await api(b, "GET", "/v1/passports", { key: k1 });
    expect(limited).toMatchObject({ status: 429, body: { error: { code: "rate_limited" } } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await api(b, "GET", "/v1/passports", { key: k2 })).status).toBe(200);
    now += 1000; // the bucket refills with the clock
    expect((await api(b, "GET", "/v1/passports", { key: k1 })).status).toBe(200);
    // Guessing keys from one address is limited too.
    const guesses = [];
    for (let i = 0; i < 12; i++) guesses.push((await api(b, "GET", "/v1/passports", { key: `wk_${"1".repeat(16)}_${"2".repeat(64)}` })).status);
    expect(guesses).toContain(429);
    await s.close();
  });
});

describe("proof of possession for trust_tier L3", () => {
  let pid: string;
  let privateJwk: Record<string, string>;
  const path = "/v1/enforce";
  beforeAll(async () => {
    const created = await issue(keyA, { trust_tier: "L3", constraints: {} });
    pid = created.passport.id;
    privateJwk = created.private_key_jwk;
  });
  const send = (body: string, pop?: string) => api(base, "POST", path, { key: keyA, body, headers: pop ? { "warden-pop": pop } : {} });

  it("accepts a request signed with the passport's key, once", async () => {
    const body = JSON.stringify({ passport_id: pid, action: "a" });
    const pop = await signPop(privateJwk, { method: "POST", path, body, now });
    const ok = await send(body, pop);
    expect(ok.status).toBe(200);
    expect(ok.body.decision).toBe("allow");
    const replay = await send(body, pop);
    expect(replay).toMatchObject({ status: 401, body: { error: { code: "pop_replayed" } } });
  });

  it("refuses unsigned, mis-signed, tampered, stale and mis-addressed requests with 401", async () => {
    const body = JSON.stringify({ passport_id: pid, action: "a" });
    const other = await exportJWK((await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).privateKey);
    const cases: [string, () => Promise<string | undefined>, string, string?][] = [
      ["unsigned", async () => undefined, "pop_required"],
      ["garbage", async () => "not.a.jws", "pop_invalid"],
      ["another key", () => signPop(other as Record<string, string>, { method: "POST", path, body, now }), "pop_invalid"],
      ["another body", () => signPop(privateJwk, { method: "POST", path, body: body.replace('"a"', '"b"'), now }), "pop_invalid"],
      ["another path", () => signPop(privateJwk, { method: "POST", path: "/v1/other", body, now }), "pop_invalid"],
      ["61 s old", () => signPop(privateJwk, { method: "POST", path, body, now: now - 61_000 }), "pop_stale"],
      ["61 s ahead", () => signPop(privateJwk, { method: "POST", path, body, now: now + 61_000 }), "pop_stale"],
      ["a short nonce", () => signPop(privateJwk, { method: "POST", path, body, now, nonce: "abc" }), "pop_invalid"],
    ];
    for (const [what, make, code] of cases) {
      const r = await send(body, await make());
      expect(r.status, what).toBe(401);
      expect(r.body.error.code, what).toBe(code);
    }
    // Nothing refused was counted.
    const state = (await api(base, "GET", `/v1/passports/${pid}/state`, { key: keyA })).body;
    expect(state.actions_today).toBe(1);
    // 60 s of skew either way is still fresh.
    for (const skew of [-60_000, 60_000]) {
      expect((await send(body, await signPop(privateJwk, { method: "POST", path, body, now: now + skew }))).status).toBe(200);
    }
  });

  it("passports below L3 need no proof", async () => {
    const { passport } = await issue(keyA, { trust_tier: "L2", constraints: {} });
    expect((await api(base, "POST", path, { key: keyA, body: { passport_id: passport.id, action: "a" } })).status).toBe(200);
  });
});

describe("OpenAPI 3.1", () => {
  it("documents every route the server has", async () => {
    const doc = (await api(base, "GET", "/v1/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    for (const r of server.router.list()) {
      const path = r.pattern.replace(/:([A-Za-z_]+)/g, "{$1}");
      const op = doc.paths[path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.pattern}`).toBeDefined();
      expect(op["x-undocumented"], `${r.method} ${r.pattern}`).toBeUndefined();
      expect(op.responses, `${r.method} ${r.pattern}`).toBeDefined();
      if (r.auth === "none") expect(op.security).toEqual([]);
    }
    expect(Object.keys(doc.paths).flatMap((p) => Object.keys(doc.paths[p])).length).toBe(server.router.list().length);
    // Every $ref into components resolves.
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
  });

  it("is built from the docs declared at registration: a route without one, or an inline JSON body outside the known list, fails", async () => {
    const undocumented = server.router
      .list()
      .filter((r) => r.doc === undefined)
      .map((r) => `${r.method} ${r.pattern}`);
    expect(undocumented).toEqual([]);
    const doc = (await api(base, "GET", "/v1/openapi.json")).body;
    // The data-shape components are the schemas/ files themselves, byte for byte: each component that
    // names a schemas/ file by its $id is that file as it is on disk.
    const FROM_SCHEMAS: Record<string, unknown> = {};
    for (const [name, component] of Object.entries(doc.components.schemas as Record<string, { $id?: string }>)) {
      const file = component.$id?.match(/^https:\/\/agent-warden\.dev\/schemas\/([a-z-]+\.schema\.json)$/)?.[1];
      if (file === undefined) continue;
      expect(component, name).toEqual(JSON.parse(readFileSync(join(SCHEMAS_DIR, file), "utf8")));
      FROM_SCHEMAS[name] = component;
    }
    // Every schemas/ file but the ones that are not HTTP bodies (counters, fixtures, the proxy config) is a component.
    const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith(".schema.json") && !["counters", "fixture", "proxy-config"].includes(f.split(".")[0]!));
    expect(Object.keys(FROM_SCHEMAS).length).toBe(files.length);
    // Every JSON request body names a schemas/ component by $ref; the bodies not yet moved to schemas/
    // are listed here, and the list can only shrink (a new inline body fails).
    const INLINE_BODIES = new Set<string>([]);
    // Every media type of every body counts (forms and webhooks too), and a body says its channel (SPEC §11).
    const inline: string[] = [];
    type Body = { description?: string; content: Record<string, { schema: unknown }> };
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { requestBody?: Body }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        if (op.requestBody === undefined) continue;
        const name = `${method.toUpperCase()} ${path}`;
        const schemas = Object.values(op.requestBody.content).map((c) => c.schema);
        expect(schemas.length, name).toBeGreaterThan(0);
        const fromSchemas = schemas.every((schema) => {
          const refs = (JSON.stringify(schema).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? []).map((r) => r.split("/").pop()!);
          return refs.some((r) => r in FROM_SCHEMAS);
        });
        if (!fromSchemas) inline.push(name);
        else if (!INLINE_BODIES.has(name)) expect(op.requestBody.description ?? "", name).toMatch(/^(Agent|Operator) channel/);
      }
    }
    expect(inline.sort()).toEqual([...INLINE_BODIES].sort());
  });
});

describe("request bodies are checked by their schemas/ component (the attacker's side)", () => {
  /** A 400 whose error names the path, says what was expected and, for a typo, the nearest field. */
  async function refused(method: string, path: string, key: string, body: unknown, want: { code: string; path: string; hint?: string; says?: RegExp }) {
    const r = await api(base, method, path, { key, body });
    expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
    expect(r.body.error, `${path} ${JSON.stringify(body)}`).toMatchObject({ code: want.code, path: want.path, ...(want.hint && { hint: want.hint }) });
    if (want.says) expect(r.body.error.message).toMatch(want.says);
    return r.body.error as { message: string };
  }

  it("POST /v1/enforce: the route accepts exactly the bodies its EnforceRequest schema accepts, and names the field it refuses", async () => {
    const { passport } = await issue(keyA, { constraints: {} });
    const pid = passport.id;
    const bodies: unknown[] = [
      { passport_id: pid, action: "web:search" },
      { passport_id: pid, action: "web:search", cost_cents: 5, target: null, context: { q: "x" }, action_id: "enf-schema-1" },
      { passport_id: pid, action: "web:search", target: "https://serpapi.com/search" },
      { action: "web:search" },
      { passport_id: 5, action: "web:search" },
      { passport_id: pid },
      { passport_id: pid, action: "" },
      { passport_id: pid, action: "web:search", colour: "red" },
      { passport_id: pid, action: "web:search", cost_cent: 5 },
      { passport_id: pid, action: "web:search", cost_cents: -1 },
      { passport_id: pid, action: "web:search", cost_cents: 1.5 },
      { passport_id: pid, action: "web:search", cost_cents: "5" },
      { passport_id: pid, action: "web:search", target: 5 },
      { passport_id: pid, action: "web:search", context: "ctx" },
      { passport_id: pid, action: "web:search", action_id: "" },
      [{ passport_id: pid, action: "web:search" }],
    ];
    for (const body of bodies) {
      const r = await api(base, "POST", "/v1/enforce", { key: agentKeyA, body });
      const valid = enforceRequestZod.safeParse(body);
      expect(r.status === 200, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`).toBe(valid.success);
      if (!valid.success) {
        expect(r.status, JSON.stringify(body)).toBe(400);
        // The route names the same field the schema finds wrong (the first issue's path).
        const where = valid.error.issues[0]!.path.join(".");
        expect(String(r.body.error.path ?? ""), JSON.stringify(body)).toContain(where === "" ? "" : where.split(".")[0]);
      }
    }
  });

  it("POST /v1/actions/report: an agent's wrong types, extra fields and typos are 400s naming the field, and the permit survives them", async () => {
    const { passport } = await issue(keyA, { constraints: {} });
    const allow = await api(base, "POST", "/v1/enforce", { key: agentKeyA, body: { passport_id: passport.id, action: "web:search", cost_cents: 5 } });
    const permit = allow.body.permit_token as string;
    const report = "/v1/actions/report";
    await refused(
      "POST",
      report,
      agentKeyA,
      { permit_token: permit, success: true, actual_cost_cents: "abc" },
      {
        code: "invalid_type",
        path: "actual_cost_cents",
        says: /actual_cost_cents: has the wrong type \(expected integer cents 0\.\.9007199254740991, found "abc"\)/,
      },
    );
    await refused("POST", report, agentKeyA, { permit_token: permit, success: true, cost_cents: 1 }, { code: "unknown_field", path: "cost_cents" });
    await refused(
      "POST",
      report,
      agentKeyA,
      { permit_token: permit, sucess: true },
      { code: "unknown_field", path: "sucess", hint: 'did you mean "success"?' },
    );
    await refused("POST", report, agentKeyA, { permit_token: permit }, { code: "missing_field", path: "success" });
    await refused("POST", report, agentKeyA, { permit_token: 7, success: true }, { code: "invalid_type", path: "permit_token" });
    await refused(
      "POST",
      report,
      agentKeyA,
      { permit_token: permit, success: true, actual_cost_cents: 1.5 },
      { code: "invalid_type", path: "actual_cost_cents" },
    );
    await refused("POST", report, agentKeyA, [{ permit_token: permit, success: true }], { code: "invalid_type", path: "", says: /a report object/ });
    // None of them consumed the permit.
    expect((await api(base, "POST", report, { key: agentKeyA, body: { permit_token: permit, success: true, result: { rows: 3 } } })).body).toEqual({
      accepted: true,
    });
  });

  it("POST …/state/reset and Modei's alias: a window that does not exist, an extra field or a typo is a 400 naming it; an agent key is refused first", async () => {
    const { passport } = await issue(keyA, { constraints: { "core:cost:max_per_day": 100 } });
    for (const path of [`/v1/passports/${passport.id}/state/reset`, `/api/v1/passports/${passport.id}/state/reset`]) {
      await refused(
        "POST",
        path,
        keyA,
        { window_type: "yearly" },
        { code: "invalid_value", path: "window_type", says: /one of daily, weekly, monthly, total, all/ },
      );
      await refused("POST", path, keyA, { window_type: "daily", also: "weekly" }, { code: "unknown_field", path: "also" });
      await refused("POST", path, keyA, { window_typ: "daily" }, { code: "unknown_field", path: "window_typ", hint: 'did you mean "window_type"?' });
      await refused("POST", path, keyA, { window_type: 1 }, { code: "invalid_value", path: "window_type" });
      await refused("POST", path, keyA, ["daily"], { code: "invalid_type", path: "", says: /a window reset object/ });
      // An agent may not reset its own windows, whatever the body (SPEC §11).
      expect((await api(base, "POST", path, { key: agentKeyA, body: { window_type: "all" } })).body.error.code).toBe("operator_only");
    }
    await refused("POST", `/v1/passports/${passport.id}/state/reset`, keyA, undefined, { code: "invalid_type", path: "" });
    // Modei's body may be empty or leave window_type out: the daily window.
    await api(base, "POST", "/v1/enforce", { key: keyA, body: { passport_id: passport.id, action: "a", cost_cents: 40 } });
    expect((await api(base, "POST", `/api/v1/passports/${passport.id}/state/reset`, { key: keyA })).body).toEqual({ ok: true });
    expect((await api(base, "GET", `/v1/passports/${passport.id}/state`, { key: keyA })).body.spent_today_cents).toBe(0);
    expect((await api(base, "POST", `/api/v1/passports/${passport.id}/state/reset`, { key: keyA, body: {} })).body).toEqual({ ok: true });
  });

  it("POST …/reissue: a misspelt field, a JWK of the wrong shape or a private key is a 400 naming its path, and the key stays", async () => {
    const { passport, public_key_jwk } = await issue(keyA, { trust_tier: "L3", constraints: {} });
    const path = `/v1/passports/${passport.id}/reissue`;
    const x = public_key_jwk.x;
    await refused(
      "POST",
      path,
      keyA,
      { public_key_jwt: { kty: "OKP", crv: "Ed25519", x } },
      { code: "unknown_field", path: "public_key_jwt", hint: 'did you mean "public_key_jwk"?' },
    );
    await refused("POST", path, keyA, { public_key_jwk: "abc" }, { code: "invalid_type", path: "public_key_jwk" });
    await refused(
      "POST",
      path,
      keyA,
      { public_key_jwk: { kty: "RSA", crv: "Ed25519", x } },
      { code: "invalid_value", path: "public_key_jwk.kty", says: /expected OKP/ },
    );
    await refused(
      "POST",
      path,
      keyA,
      { public_key_jwk: { kty: "OKP", crv: "Ed25519", x: "AAAA" } },
      { code: "invalid_format", path: "public_key_jwk.x", says: /43 characters/ },
    );
    await refused("POST", path, keyA, { public_key_jwk: { kty: "OKP", crv: "Ed25519" } }, { code: "missing_field", path: "public_key_jwk.x" });
    await refused("POST", path, keyA, { public_key_jwk: { kty: "OKP", crv: "Ed25519", x, d: x } }, { code: "invalid_value", path: "public_key_jwk.d" });
    // An agent may not swap its passport's key (SPEC §11).
    expect((await api(base, "POST", path, { key: agentKeyA, body: {} })).body.error.code).toBe("operator_only");
    expect((await api(base, "GET", `/v1/passports/${passport.id}`, { key: keyA })).body.public_key_jwk.x).toBe(x);
    expect((await api(base, "GET", `/v1/passports/${passport.id}`, { key: keyA })).body.passport.version ?? 1).toBe(1);
  });

  it("POST /v1/approvers: a misspelt field, a wrong type or two addresses is a 400 naming the path; an agent key may add no approver", async () => {
    await refused("POST", "/v1/approvers", keyA, { phon: "+15550100078" }, { code: "unknown_field", path: "phon", hint: 'did you mean "phone"?' });
    await refused("POST", "/v1/approvers", keyA, { phone: 15550100078 }, { code: "invalid_type", path: "phone", says: /expected a string, found 15550100078/ });
    await refused("POST", "/v1/approvers", keyA, { email: "" }, { code: "out_of_range", path: "email" });
    await refused("POST", "/v1/approvers", keyA, { phone: "+15550100078", email: "a@b.test" }, { code: "conflicting_fields", path: "email" });
    await refused("POST", "/v1/approvers", keyA, {}, { code: "missing_field", path: "phone" });
    await refused("POST", "/v1/approvers", keyA, ["+15550100078"], { code: "invalid_type", path: "", says: /an approver request object/ });
    // The attacker's side: an agent key cannot make its own phone an approver (SPEC §11).
    const agent = await api(base, "POST", "/v1/approvers", { key: agentKeyA, body: { phone: "+15550100079" } });
    expect(agent.body.error.code).toBe("operator_only");
    expect((await api(base, "GET", "/v1/approvers", { key: keyA })).body.approvers).toEqual([]);
  });

  it("POST /mcp and Modei's /api/mcp/supravision: a JSON-RPC envelope the schema refuses is an Invalid Request naming the path", async () => {
    const { passport } = await issue(keyA, { constraints: {} });
    for (const path of ["/mcp", "/api/mcp/supravision"]) {
      const r = await api(base, "POST", path, {
        body: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "enforce_action" }, extra: true },
        headers: { "x-passport-id": passport.id, accept: "application/json, text/event-stream" },
      });
      expect(r.status, path).toBe(400);
      expect(r.body.error, path).toMatchObject({ code: -32600, data: { code: "unknown_field", path: "extra" } });
    }
  });

  it("the dashboard's forms: a misspelt or extra field, or a confirm other than yes, is a 400 naming it; nothing is stopped", async () => {
    const form = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });
    const program = { accept: "application/json" };
    const typo = await form("/dashboard/login", `apikey=${keyA}`, program);
    expect(typo.status).toBe(400);
    expect((await typo.json()).error).toMatchObject({ code: "unknown_field", path: "apikey", hint: 'did you mean "api_key"?' });
    // A person at the form gets the sign-in page again, saying what is wrong; no session.
    const empty = await form("/dashboard/login", "api_key=");
    expect(empty.status).toBe(400);
    expect(empty.headers.get("set-cookie")).toBeNull();
    expect(await empty.text()).toContain("api_key: is out of range (expected at least 1 character");
    const extra = await form("/dashboard/login", `api_key=${keyA}&role=operator`);
    expect([extra.status, extra.headers.get("set-cookie")]).toEqual([400, null]);
    expect(await extra.text()).toContain("unknown field &quot;role&quot;");

    const { passport } = await issue(keyA, { constraints: {} });
    const { cookie, csrf } = await signIn(base, keyA);
    const stop = `/dashboard/passports/${passport.id}/emergency-stop`;
    const session = { cookie, "x-csrf-token": csrf, ...program };
    for (const [body, code, path] of [
      ["confirm=YES", "invalid_value", "confirm"],
      ["confirm=yes&force=1", "unknown_field", "force"],
      ["confirm=yes&confrim=yes", "unknown_field", "confrim"],
    ] as const) {
      const r = await form(stop, body, session);
      expect(r.status, body).toBe(400);
      expect((await r.json()).error, body).toMatchObject({ code, path });
    }
    const json = await fetch(`${base}${stop}`, {
      method: "POST",
      headers: { ...session, "content-type": "application/json" },
      body: JSON.stringify({ confirm: true }),
    });
    expect((await json.json()).error).toMatchObject({ code: "invalid_value", path: "confirm" });
    expect((await api(base, "GET", `/v1/passports/${passport.id}/state`, { key: keyA })).body.emergency_stopped).toBe(false);
    // Without the CSRF token the form is not even read.
    const forged = await form(stop, "confirm=YES", { cookie, ...program });
    expect((await forged.json()).error.code).toBe("bad_csrf_token");
    expect((await form(stop, "confirm=yes", session)).status).toBe(200);
    expect((await api(base, "GET", `/v1/passports/${passport.id}/state`, { key: keyA })).body.emergency_stopped).toBe(true);
    // The one-click acts (resume, approve, deny, sign out) take the CSRF token and nothing else.
    const resume = `/dashboard/passports/${passport.id}/resume`;
    for (const [body, code, path] of [
      ["confirm=yes", "unknown_field", "confirm"],
      ["csfr=x", "unknown_field", "csfr"],
    ] as const) {
      const r = await form(resume, body, session);
      expect(r.status, body).toBe(400);
      expect((await r.json()).error, body).toMatchObject({ code, path });
    }
    expect((await form("/dashboard/logout", "bye=1", session)).status).toBe(400);
    expect((await api(base, "GET", `/v1/passports/${passport.id}/state`, { key: keyA })).body.emergency_stopped).toBe(true);
    expect((await form(resume, `csrf=${encodeURIComponent(csrf)}`, { cookie, ...program })).status).toBe(200);
    expect((await api(base, "GET", `/v1/passports/${passport.id}/state`, { key: keyA })).body.emergency_stopped).toBe(false);
  });
});

describe("metrics", () => {
  it("one series per label set, whatever the order labels come in, and no two sets share one", async () => {
    const m = new ServerMetrics();
    const c = m.requests;
    c.inc({ route: "/v1/enforce", method: "POST", status: "200" });
    c.inc({ status: "200", method: "POST", route: "/v1/enforce" });
    c.inc({ route: "/v1/enforce", method: "POST", status: "2" }, 5);
    c.inc({ route: "/v1/enforce=2", method: "POST", status: "" }, 7);
    c.inc({ route: "1:b=1:c", method: "", status: "" }, 11);
    c.inc({ route: "1", method: "c", status: "" }, 13);
    const series = (await c.get()).values.map((v) => [v.labels, v.value]);
    expect(series).toHaveLength(5);
    expect(series).toContainEqual([{ route: "/v1/enforce", method: "POST", status: "200" }, 2]);
    expect(series).toContainEqual([{ route: "/v1/enforce", method: "POST", status: "2" }, 5]);
    expect(series).toContainEqual([{ route: "/v1/enforce=2", method: "POST", status: "" }, 7]);
    expect(series).toContainEqual([{ route: "1:b=1:c", method: "", status: "" }, 11]);
    expect(series).toContainEqual([{ route: "1", method: "c", status: "" }, 13]);
    // Two servers in one process keep their own series.
    expect((await new ServerMetrics().requests.get()).values).toHaveLength(0);
  });
});
