// The server's edge from the attacker's side (SPEC §11, issue 15): L3 proof of possession on /mcp,
// strict MCP tool arguments, Origin/Host checks on /mcp. Each test failed on the main of issue 15.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { MemoryStore } from "../enforcer/memory-store";
import { createApiKey } from "../server/auth";
import { signPop } from "../server/pop";
import { createWardenServer, type WardenServer } from "../server/server";
import { api } from "./server-harness";

const now = Date.parse("2026-02-24T10:00:00Z");
let server: WardenServer;
let base: string;
let key: string;

beforeAll(async () => {
  const store = new MemoryStore();
  key = (await createApiKey(store, "iss_a")).key;
  server = await createWardenServer({ store, storeKind: "memory", clock: () => now, rateLimit: 0, log: () => undefined, hitl: { notifier: null } });
  base = `http://127.0.0.1:${(await server.listen(0)).port}`;
});
afterAll(async () => {
  await server.close();
});

async function issue(passport: Record<string, unknown>) {
  const r = await api(base, "POST", "/v1/passports", { key, body: passport });
  expect(r.status).toBe(201);
  return r.body as { passport: { id: string }; private_key_jwk: Record<string, string> };
}

const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => ({ jsonrpc: "2.0", id, method, params });
const initialize = rpc(1, "initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "attacker", version: "1" } });
const enforceCall = (args: Record<string, unknown>) => rpc(2, "tools/call", { name: "enforce_action", arguments: args });

/** One raw JSON-RPC POST to /mcp, as any HTTP client can send it. */
async function mcp(body: unknown, headers: Record<string, string>) {
  const res = await fetch(`${base}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

async function records(pid: string): Promise<string[]> {
  const out: string[] = [];
  for await (const r of server.enforcer.auditLog(pid)) out.push(r.type);
  return out;
}

describe("L3 passports need the proof of possession on /mcp too", () => {
  let pid: string;
  let privateJwk: Record<string, string>;
  beforeAll(async () => {
    const created = await issue({ trust_tier: "L3", constraints: { "core:cost:max_per_day": 1000 } });
    pid = created.passport.id;
    privateJwk = created.private_key_jwk;
  });

  it("knowing the passport id is not enough: an unsigned tool call is refused and nothing is counted", async () => {
    for (const body of [initialize, enforceCall({ action: "payments:send", cost_cents: 900 })]) {
      const r = await mcp(body, { "x-passport-id": pid });
      expect(r.status).toBe(401);
      expect(r.body.error).toMatchObject({ code: -32001, data: { code: "pop_required" } });
    }
    expect((await server.enforcer.state(pid)).spent_today_cents).toBe(0);
    expect(await records(pid)).toEqual([]);
  });

  it("a proof for another body, another path, a stale one or a replayed one is refused", async () => {
    const body = JSON.stringify(enforceCall({ action: "payments:send", cost_cents: 900 }));
    const other = JSON.stringify(enforceCall({ action: "payments:send", cost_cents: 1 }));
    const cases: Array<[string, string, string]> = [
      ["another body", await signPop(privateJwk, { method: "POST", path: "/mcp", body: other, now }), "pop_invalid"],
      ["another path", await signPop(privateJwk, { method: "POST", path: "/v1/enforce", body, now }), "pop_invalid"],
      ["stale", await signPop(privateJwk, { method: "POST", path: "/mcp", body, now: now - 61_000 }), "pop_stale"],
      ["garbage", "a.b.c", "pop_invalid"],
    ];
    for (const [what, pop, code] of cases) {
      const r = await mcp(body, { "x-passport-id": pid, "warden-pop": pop });
      expect(r.status, what).toBe(401);
      expect(r.body.error.data.code, what).toBe(code);
    }
    const good = await signPop(privateJwk, { method: "POST", path: "/mcp", body, now });
    const first = await mcp(body, { "x-passport-id": pid, "warden-pop": good });
    expect(first.status).toBe(200);
    expect(first.body.result.structuredContent).toMatchObject({ decision: "allow", passport_id: pid });
    const replay = await mcp(body, { "x-passport-id": pid, "warden-pop": good });
    expect(replay.status).toBe(401);
    expect(replay.body.error.data.code).toBe("pop_replayed");
    expect((await server.enforcer.state(pid)).spent_today_cents).toBe(900);
    expect(await records(pid)).toEqual(["decision"]);
  });

  it("a passport below L3 still needs only its id", async () => {
    const { passport } = await issue({ constraints: {} });
    expect((await mcp(initialize, { "x-passport-id": passport.id })).status).toBe(200);
  });
});

describe("MCP tool arguments are checked as strictly as HTTP bodies", () => {
  let pid: string;
  let client: Client;
  beforeAll(async () => {
    pid = (await issue({ constraints: { "core:cost:max_per_day": 1000 } })).passport.id;
    client = new Client({ name: "agent", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { "x-passport-id": pid } } }));
  });
  afterAll(async () => {
    await client.close();
  });

  const errorOf = (res: CallToolResult) => JSON.parse((res.content[0] as { text: string }).text.split("\n")[1]!).error;

  it("a misnamed cost is unknown_field (with a did-you-mean hint when near), as on /v1/enforce, and counts nothing", async () => {
    for (const [field, hint] of [
      ["cost", undefined],
      ["costcents", 'did you mean "cost_cents"?'],
      ["cost_cent", 'did you mean "cost_cents"?'],
    ] as const) {
      const res = (await client.callTool({ name: "enforce_action", arguments: { action: "payments:send", [field]: 5000 } })) as CallToolResult;
      expect(res.isError).toBe(true);
      const viaMcp = errorOf(res);
      expect(viaMcp).toMatchObject({ code: "unknown_field", path: field });
      expect(viaMcp.hint).toBe(hint);
      const viaHttp = await api(base, "POST", "/v1/enforce", { key, body: { passport_id: pid, action: "payments:send", [field]: 5000 } });
      expect(viaHttp.status).toBe(400);
      expect({ code: viaHttp.body.error.code, path: viaHttp.body.error.path, hint: viaHttp.body.error.hint }).toEqual({
        code: viaMcp.code,
        path: viaMcp.path,
        hint,
      });
    }
    expect(await records(pid)).toEqual([]);
    expect((await server.enforcer.state(pid)).actions_today).toBe(0);
  });

  it("every tool refuses unknown fields, and tools/list says additionalProperties: false", async () => {
    const calls: Array<[string, Record<string, unknown>, string]> = [
      ["report_action_result", { permit_token: "pmt_x", success: true, actual_cost_cent: 0 }, "actual_cost_cents"],
      ["get_approval_status", { approval_id: "apr_x", approvalId: "apr_x" }, "approval_id"],
      ["get_cumulative_state", { passport_id: "pass_other" }, ""],
    ];
    for (const [name, args, near] of calls) {
      const e = errorOf((await client.callTool({ name, arguments: args })) as CallToolResult);
      expect(e.code, name).toBe("unknown_field");
      if (near) expect(e.hint, name).toBe(`did you mean "${near}"?`);
    }
    for (const t of (await client.listTools()).tools) expect(t.inputSchema.additionalProperties, t.name).toBe(false);
  });
});

describe("/mcp checks Origin and Host (DNS rebinding)", () => {
  let pid: string;
  beforeAll(async () => {
    pid = (await issue({ constraints: {} })).passport.id;
  });

  it("refuses a foreign Host or Origin with 403 before anything else, and serves its own", async () => {
    const port = new URL(base).port;
    const refused: Array<[Record<string, string>, string]> = [
      [{ host: "evil.example", origin: "http://evil.example" }, "host_not_allowed"],
      [{ host: `evil.example:${port}` }, "host_not_allowed"],
      [{ origin: "http://evil.example" }, "origin_not_allowed"],
      [{ origin: `http://localhost:${Number(port) + 1}` }, "origin_not_allowed"],
      [{ origin: "null" }, "origin_not_allowed"],
    ];
    for (const [headers, code] of refused) {
      const r = await rawPost(headers);
      expect(r.status, JSON.stringify(headers)).toBe(403);
      expect(r.body.error.data.code, JSON.stringify(headers)).toBe(code);
    }
    expect((await rawPost({ origin: base })).status).toBe(200);
    expect((await rawPost({ host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await rawPost({})).status).toBe(200); // no Origin: not a browser
  });

  it("an allow-listed origin is served", async () => {
    const store = new MemoryStore();
    const s = await createWardenServer({ store, rateLimit: 0, log: () => undefined, hitl: { notifier: null, mcpAllowedOrigins: ["https://agents.example"] } });
    await s.enforcer.register({ id: pid, constraints: {} });
    const b = `http://127.0.0.1:${(await s.listen(0)).port}`;
    const post = (headers: Record<string, string>) => rawPost(headers, b);
    expect((await post({ origin: "https://agents.example" })).status).toBe(200);
    expect((await post({ host: "agents.example", origin: "https://agents.example" })).status).toBe(200);
    expect((await post({ origin: "https://other.example" })).status).toBe(403);
    await s.close();
  });

  /** node:http lets us set Host (fetch does not). */
  async function rawPost(headers: Record<string, string>, at = base): Promise<{ status: number; body: any }> {
    const { request } = await import("node:http");
    const url = new URL(`${at}/mcp`);
    const body = JSON.stringify(initialize);
    return new Promise((ok, fail) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "x-passport-id": pid, ...headers },
        },
        (res) => {
          let text = "";
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => ok({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
        },
      );
      req.on("error", fail);
      req.end(body);
    });
  }
});

describe("`warden mcp` (stdio) for an L3 passport proves possession of its key", () => {
  it("refuses to serve without the key or with another key; with it, every tool call is signed and served", async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { PassThrough } = await import("node:stream");
    const { SqliteStore } = await import("../enforcer/sqlite-store");
    const { Enforcer } = await import("../enforcer/enforcer");
    const { Passports } = await import("../server/passports");
    const { mcpCommand } = await import("../cli/commands/mcp");
    const { exportJWK, generateKeyPair } = await import("jose");
    const dir = mkdtempSync(join(tmpdir(), "warden-l3-stdio-"));
    try {
      const db = join(dir, "w.db");
      let store = SqliteStore.open(db);
      let enforcer = await Enforcer.create({ store });
      const created = await new Passports(enforcer, store).create("iss_a", { trust_tier: "L3", constraints: {} });
      const pid = created.passport.id as string;
      enforcer.close();
      await store.close();
      const keyFile = join(dir, "key.json"),
        otherFile = join(dir, "other.json");
      writeFileSync(keyFile, JSON.stringify(created.private_key_jwk));
      writeFileSync(
        otherFile,
        JSON.stringify({ ...(await exportJWK((await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true })).privateKey)), alg: "EdDSA" }),
      );

      const run = async (extra: string[], lines: unknown[] = []) => {
        let err = "",
          out = "";
        const stdin = new PassThrough(),
          stdout = new PassThrough();
        stdout.on("data", (c) => {
          out += c;
        });
        const done = mcpCommand(
          ["--passport", pid, "--store", `sqlite:${db}`, "--notify", "none", ...extra],
          {
            stdout: () => undefined,
            stderr: (t) => {
              err += t;
            },
          },
          { stdin: stdin as unknown as typeof process.stdin, stdout: stdout as unknown as typeof process.stdout },
        );
        for (const l of lines) stdin.write(`${JSON.stringify(l)}\n`);
        // Wait until every request (with an id) has its answer, then hang up.
        const want = lines.filter((l) => (l as { id?: number }).id !== undefined).length;
        for (let i = 0; i < 200 && out.split("\n").filter(Boolean).length < want; i++) await new Promise((r) => setTimeout(r, 25));
        stdin.end();
        const code = await done;
        return {
          code,
          err,
          answers: out
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        };
      };
      const without = await run([]);
      expect(without.code).toBe(1);
      expect(without.err).toContain("pop_required");
      const other = await run(["--passport-key", otherFile]);
      expect(other.code).toBe(1);
      expect(other.err).toContain("pop_invalid");

      const served = await run(
        ["--passport-key", keyFile],
        [initialize, { jsonrpc: "2.0", method: "notifications/initialized" }, enforceCall({ action: "web:search", cost_cents: 7 })],
      );
      expect(served.code).toBe(0);
      expect(served.answers.find((a) => a.id === 2)?.result.structuredContent).toMatchObject({ decision: "allow", passport_id: pid });

      store = SqliteStore.open(db);
      enforcer = await Enforcer.create({ store });
      expect((await enforcer.state(pid)).spent_today_cents).toBe(7); // only the proven call counted
      enforcer.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("API keys have a role: an agent key may only enforce, heartbeat, report and read", () => {
  let agentKey: string;
  let pid: string;
  let approvalId: string;
  beforeAll(async () => {
    agentKey = (await createApiKey(server.store, "iss_a", "bot", "agent")).key;
    pid = (await issue({ constraints: { "core:cost:approval_threshold": 100, "core:cost:max_per_day": 1000 } })).passport.id;
  });

  it("the agent's own calls work", async () => {
    const allow = await api(base, "POST", "/v1/enforce", { key: agentKey, body: { passport_id: pid, action: "web:search", cost_cents: 5 } });
    expect(allow.body.decision).toBe("allow");
    expect((await api(base, "POST", "/v1/actions/report", { key: agentKey, body: { permit_token: allow.body.permit_token, success: true } })).body).toEqual({
      accepted: true,
    });
    const hold = await api(base, "POST", "/v1/enforce", { key: agentKey, body: { passport_id: pid, action: "travel:book", cost_cents: 500 } });
    expect(hold.body.decision).toBe("request_hold");
    approvalId = hold.body.approval_request_id;
    expect((await api(base, "GET", `/v1/approvals/${approvalId}`, { key: agentKey })).body.status).toBe("pending");
    expect((await api(base, "GET", `/v1/passports/${pid}/state`, { key: agentKey })).status).toBe(200);
    expect((await api(base, "POST", `/v1/passports/${pid}/heartbeat`, { key: agentKey })).status).toBe(200);
  });

  it("every operator act answers 403 operator_only and changes nothing", async () => {
    const before = await server.enforcer.state(pid);
    const acts: Array<[string, string, unknown?]> = [
      ["POST", `/v1/approvals/${approvalId}/approve`],
      ["POST", `/v1/approvals/${approvalId}/deny`],
      ["POST", `/v1/passports/${pid}/resume`],
      ["POST", `/v1/passports/${pid}/pause`],
      ["POST", `/v1/passports/${pid}/emergency-stop`],
      ["POST", `/v1/passports/${pid}/state/reset`, { window_type: "all" }],
      ["POST", `/v1/passports/${pid}/revoke`],
      ["POST", "/v1/passports", { constraints: {} }],
      ["GET", "/v1/passports"],
      ["GET", `/v1/passports/${pid}`],
      ["GET", "/v1/approvals"],
      ["GET", `/v1/passports/${pid}/attestations`],
      ["GET", "/v1/events"],
    ];
    for (const [method, path, body] of acts) {
      const r = await api(base, method, path, { key: agentKey, body });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.code, `${method} ${path}`).toBe("operator_only");
    }
    expect((await server.enforcer.getApproval(approvalId))?.status).toBe("pending");
    expect(await server.enforcer.state(pid)).toEqual(before);
  });

  it("an agent key cannot sign in to the dashboard", async () => {
    const res = await fetch(`${base}/dashboard/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `api_key=${agentKey}`,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("revoking a key ends its dashboard sessions and event streams within 5 s", () => {
  it("the cookie stops working and both streams close", async () => {
    const { revokeApiKey } = await import("../server/auth");
    const store = new MemoryStore();
    const made = await createApiKey(store, "iss_r");
    const s = await createWardenServer({ store, rateLimit: 0, log: () => undefined, hitl: { notifier: null } }); // the real clock
    const b = `http://127.0.0.1:${(await s.listen(0)).port}`;
    try {
      const login = await fetch(`${b}/dashboard/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `api_key=${made.key}`,
      });
      expect(login.status).toBe(303);
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const apiStream = await fetch(`${b}/v1/events`, { headers: { authorization: `Bearer ${made.key}` } });
      const dashStream = await fetch(`${b}/dashboard/events`, { headers: { cookie } });
      expect([apiStream.status, dashStream.status]).toEqual([200, 200]);
      const ended = (res: Response) =>
        (async () => {
          const r = res.body!.getReader();
          while (!(await r.read()).done) {
            /* drain */
          }
          return Date.now();
        })();
      const apiEnd = ended(apiStream),
        dashEnd = ended(dashStream);
      const revokedAt = Date.now();
      expect(await revokeApiKey(store, made.record.id)).toBe(true);
      const [a, d] = await Promise.all([apiEnd, dashEnd]);
      expect(a - revokedAt).toBeLessThan(5000);
      expect(d - revokedAt).toBeLessThan(5000);
      const page = await fetch(`${b}/dashboard`, { headers: { cookie } });
      expect(await page.text()).toContain("api_key"); // the sign-in form again
      const stop = await fetch(`${b}/dashboard/passports/pass_x/emergency-stop`, {
        method: "POST",
        headers: { cookie, accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
        body: "confirm=yes",
      });
      expect(stop.status).toBe(401);
    } finally {
      await s.close();
    }
  }, 15_000);
});

describe("event streams are capped per issuer", () => {
  it("one issuer cannot take every stream", async () => {
    const store = new MemoryStore();
    const a = (await createApiKey(store, "iss_a")).key,
      b2 = (await createApiKey(store, "iss_b")).key;
    const s = await createWardenServer({ store, rateLimit: 0, log: () => undefined, hitl: { notifier: null, maxStreams: 10 } });
    const b = `http://127.0.0.1:${(await s.listen(0)).port}`;
    const controllers: AbortController[] = [];
    const open = async (key: string) => {
      const c = new AbortController();
      controllers.push(c);
      return (await fetch(`${b}/v1/events`, { headers: { authorization: `Bearer ${key}` }, signal: c.signal })).status;
    };
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push(await open(a));
      expect(statuses).toEqual([200, 200, 503]);
      expect(await open(b2)).toBe(200);
    } finally {
      for (const c of controllers) c.abort();
      await s.close();
    }
  });
});

describe("a signed SMS reply is acted on once, by every worker and across restarts", () => {
  it("refuses the captured YES dressed up, sent to another worker, or after a restart", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { SqliteStore } = await import("../enforcer/sqlite-store");
    const { signatureHeaders } = await import("../humans/signature");
    const secret = "sms-secret";
    const dir = mkdtempSync(join(tmpdir(), "warden-sms-replay-"));
    const db = join(dir, "w.db");
    const start = async () => {
      const s = await createWardenServer({ store: SqliteStore.open(db), rateLimit: 0, log: () => undefined, hitl: { notifier: null, smsSecret: secret } });
      return { s, b: `http://127.0.0.1:${(await s.listen(0)).port}` };
    };
    const one = await start(),
      two = await start();
    try {
      const pid = `pass_${"r".repeat(24)}`;
      await one.s.enforcer.register({
        id: pid,
        issuer_id: "iss_a",
        constraints: { "core:cost:approval_threshold": 100 },
        metadata: { approver_phone: "+15550100009" },
      });
      const { ApprovalDesk } = await import("../desk/desk");
      const { confirmApprover } = await import("./hitl-helpers");
      await confirmApprover(new ApprovalDesk(one.s.enforcer), "iss_a", "phone", "+15550100009");
      const small = await one.s.enforcer.enforce({ passport_id: pid, action: "travel:book", cost_cents: 200 });
      const body = new URLSearchParams({ From: "+15550100009", Body: "YES" }).toString();
      const captured = signatureHeaders(secret, body);
      const post = (b: string, headers: Record<string, string>) =>
        fetch(`${b}/v1/sms/inbound`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body,
        });
      expect((await post(one.b, captured)).status).toBe(200);
      expect((await one.s.enforcer.getApproval(small.approval_request_id!))?.status).toBe("approved");

      const big = await one.s.enforcer.enforce({ passport_id: pid, action: "travel:book", cost_cents: 90_000 });
      const sig = captured["x-warden-signature"]!;
      const dressed = [`${sig},v1=00`, `${sig},${sig}`, ` ${sig}`, `${sig.toUpperCase()}`, `v1=00,${sig}`];
      for (const d of dressed) expect((await post(one.b, { ...captured, "x-warden-signature": d })).status, d).toBe(401);
      const other = await post(two.b, captured);
      expect(other.status).toBe(401);
      expect((await other.json()).error.message).toContain("replayed");
      await one.s.close();
      const three = await start();
      try {
        expect((await post(three.b, captured)).status).toBe(401);
        expect((await three.s.enforcer.getApproval(big.approval_request_id!))?.status).toBe("pending");
      } finally {
        await three.s.close();
      }
    } finally {
      await one.s.close();
      await two.s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
