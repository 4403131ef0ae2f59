// Modei compatibility (issue 19): the documentation's client code, unchanged but for its base URL and
// key, against a real `warden serve`; Modei's paths reuse our handlers and auth; the numbers come from the module.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createPrivateKey } from "node:crypto";
import { loadEngine } from "../bindings/index";
import { dailyLimits } from "./reference/model";
import { expiryAfterDays } from "./reference/time";
import { api, runWarden, startServer, type ServerProcess } from "./server-harness";

const ISSUER = "iss_your_issuer_id";
/** Debian's Python, where python3-httpx lives (scripts/test-setup.mjs installs it); a pyenv shim may shadow it on PATH. */
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

describe("the module's numbers for the Modei fields match the reference model", () => {
  it("daily caps and expiry dates", async () => {
    const engine = await loadEngine();
    const cap = fc.option(fc.integer({ min: 0, max: 2 ** 40 }), { nil: undefined });
    fc.assert(
      fc.property(cap, cap, cap, fc.option(fc.constantFrom("daily", "weekly", "monthly", "total"), { nil: undefined }), (day, cum, rate, window) => {
        const constraints: Record<string, unknown> = {};
        if (day !== undefined) constraints["core:cost:max_per_day"] = day;
        if (cum !== undefined) constraints["core:cost:max_cumulative"] = cum;
        if (rate !== undefined) constraints["core:rate:max_per_day"] = rate;
        if (window !== undefined) constraints["core:cost:cumulative_window"] = window;
        const p = engine.compile({ constraints });
        expect(p.evaluate({ action: "a", target: null }, {}, { now: 0 })).toEqual(p.evaluate({ action: "a" }, {}, { now: 0 }));
        try {
          expect(p.dailyLimits()).toEqual(dailyLimits({ constraints }));
        } finally {
          p.dispose();
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 0, max: 36_500 }), (at, days) => {
        expect(engine.expiryAfterDays(at, days)).toBe(expiryAfterDays(at, days));
      }),
      { numRuns: 300 },
    );
  });
});

describe("a Modei client against warden serve", () => {
  let dir: string, server: ServerProcess, key: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "warden-modei-"));
    const store = `sqlite:${join(dir, "w.db")}`;
    key = (await runWarden(["keys", "create", "--issuer", ISSUER, "--store", store]))
      .trim()
      .split(/\s+/)
      .find((w) => w.startsWith("wk_"))!;
    server = await startServer(store);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = () => ({ ...process.env, MODEI_API_URL: `${server.url}/api/v1`, MODEI_API_KEY: key, MODEI_ISSUER_ID: ISSUER });

  it("runs the documented TypeScript fetch code in Node", () => {
    const out = JSON.parse(execFileSync(process.execPath, ["test/modei-clients/fetch-client.mjs"], { env: env(), encoding: "utf8" }));
    expect(out.passport.id).toMatch(/^pass_/);
    expect(out.passport.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPrivateKey(out.passport.private_key).asymmetricKeyType).toBe("ed25519"); // PKCS#8 that Node reads
    expect(out.decision).toMatchObject({ decision: "allow", passport_id: out.passport.id });
    expect(out.state).toMatchObject({
      daily_cost_cents: 250,
      daily_cost_limit_cents: 1000,
      daily_requests: 1,
      daily_request_limit: null,
      spent_today_cents: 250,
    });
  });

  it("runs the documented Python httpx code (Debian's python3-httpx)", () => {
    const out = JSON.parse(execFileSync(PYTHON, ["test/modei-clients/passport_only.py"], { env: env(), encoding: "utf8" }));
    const p = out.passport;
    expect(p).toMatchObject({ agent_id: "my-agent-001", trust_tier: "L1", issuer_id: ISSUER, passport: { id: p.id } });
    // 30 days from issue, computed by the module.
    const issuedWindow = Date.parse(p.expires_at) - 30 * 86_400_000;
    expect(Math.abs(issuedWindow - Date.now())).toBeLessThan(120_000);
    expect(out.first).toMatchObject({ decision: "allow" });
    expect(out.second).toMatchObject({ decision: "block", reason: "cost_per_action_exceeded" });
    expect(out.state).toMatchObject({ daily_cost_cents: 30, daily_cost_limit_cents: 10000, daily_requests: 1, daily_request_limit: 1000 });
    expect(out.state.window_resets_at).toBe(out.state.window_resets.daily);
    expect(out.reset_status).toBe(200);
  });

  it("target: null is the same request as no target (same idempotency fingerprint)", async () => {
    const created = await api(server.url, "POST", "/api/v1/passports", {
      key,
      body: { agent_id: "a", constraints: { "core:scope:domain_allowlist": ["x.com"] } },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const a = await api(server.url, "POST", "/api/enforce", { key, body: { passport_id: id, action: "web:search", target: null, action_id: "t1" } });
    expect(a.body).toMatchObject({ decision: "allow" });
    const b = await api(server.url, "POST", "/v1/enforce", { key, body: { passport_id: id, action: "web:search", action_id: "t1" } });
    expect(b.status).toBe(200);
    expect(b.body.decision_id).toBe(a.body.decision_id);
  });

  it("Modei's paths need the same API key as ours, keep our typed errors, and are documented", async () => {
    for (const [m, p] of [
      ["POST", "/api/v1/passports"],
      ["POST", "/api/v1/enforce"],
      ["POST", "/api/enforce"],
      ["GET", "/api/passports/x/state"],
      ["GET", "/api/v1/passports/x/state"],
      ["POST", "/api/v1/passports/x/state/reset"],
    ] as const) {
      expect((await api(server.url, m, p)).status, `${m} ${p}`).toBe(401);
    }
    const bad = await api(server.url, "POST", "/api/v1/passports", { key, body: { expires_in_days: 0 } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "invalid_value", path: "expires_in_days" } } });
    const typo = await api(server.url, "POST", "/api/v1/passports", { key, body: { constraints: { "cost:max_per_day": 5 } } });
    expect(typo.status).toBe(400);
    expect(typo.body.error.path).toContain("cost:max_per_day");
    const other = await api(server.url, "GET", "/api/passports/pass_nope/state", { key });
    expect(other).toMatchObject({ status: 404, body: { error: { code: "passport_not_found" } } });
    const doc = (await api(server.url, "GET", "/v1/openapi.json")).body;
    expect(doc.paths["/api/mcp/supravision"]?.post).toBeDefined();
  });

  it("MCP answers at /api/mcp/supravision exactly as at /mcp", async () => {
    const created = await api(server.url, "POST", "/api/v1/passports", { key, body: { agent_id: "m", constraints: { "core:cost:max_per_day": 700 } } });
    const rpc = (path: string, headers: Record<string, string>) =>
      api(server.url, "POST", path, {
        headers: { accept: "application/json, text/event-stream", ...headers },
        body: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "get_passport_status", arguments: {} } },
      });
    const viaModei = await rpc("/api/mcp/supravision", { "x-passport-id": created.body.id });
    expect(viaModei.status).toBe(200);
    expect(viaModei.body.result.structuredContent.constraints).toEqual({ "core:cost:max_per_day": 700 });
    const nullTarget = await api(server.url, "POST", "/api/mcp/supravision", {
      headers: { accept: "application/json, text/event-stream", "x-passport-id": created.body.id },
      body: { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "enforce_action", arguments: { action: "web:search", target: null } } },
    });
    expect(nullTarget.body.result.isError ?? false).toBe(false);
    expect(nullTarget.body.result.structuredContent).toMatchObject({ decision: "allow" });
    // No credential: refused the same way on both paths.
    const a = await rpc("/api/mcp/supravision", {}),
      b = await rpc("/mcp", {});
    expect([a.status, a.body]).toEqual([b.status, b.body]);
    expect(a.status).toBe(401);
  });
});
