// The MCP gateway (SPEC §12) with real downstream servers and the MCP SDK client as the (untrusted) agent.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { Enforcer } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { SqliteStore } from "../enforcer/sqlite-store";
import { serveHttp } from "../gateway/http";
import { Gateway } from "../gateway/gateway";
import { RemoteGuard } from "../gateway/remote";
import { createApiKey } from "../server/auth";
import { createWardenServer } from "../server/server";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { proxyConfigProblems } from "../gateway/config";
import { everythingServer, fsServer, gatewayPassport, sandboxDir, startGateway, textOf, type GatewayRig } from "./gateway-helpers";
import { startRig, type Rig } from "./hitl-helpers";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function enforcerWith(passport: Record<string, unknown>): Promise<Enforcer> {
  const enforcer = await Enforcer.create({ store: new MemoryStore() });
  await enforcer.register(passport);
  cleanups.push(async () => enforcer.close());
  return enforcer;
}

async function fsGateway(
  constraints: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Promise<GatewayRig & { enforcer: Enforcer; pid: string }> {
  const passport = gatewayPassport(constraints);
  const enforcer = await enforcerWith(passport);
  const sandbox = sandboxDir();
  const rig = await startGateway(enforcer, passport.id as string, { servers: { fs: fsServer(sandbox) }, ...config }, sandbox);
  cleanups.push(() => rig.close());
  return { ...rig, enforcer, pid: passport.id as string };
}

async function auditOf(enforcer: Enforcer, pid: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const r of enforcer.auditLog(pid)) out.push(r as unknown as Record<string, unknown>);
  return out;
}

const WRITE_MAP = { "fs:write_file": { action: "files:write", target: "/path" }, "fs:read*": { cost_cents: 1 } };

describe("warden proxy: allow and block", () => {
  it("a single server's tools keep their names; an allowed call is forwarded and its permit reported", async () => {
    const rig = await fsGateway({ "core:cost:max_per_day": 100 }, { tools: WRITE_MAP });
    const names = (await rig.agent.listTools()).tools.map((t) => t.name);
    expect(names).toContain("write_file");
    expect(names).toContain("read_text_file");
    const file = join(rig.sandbox, "hello.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "hi there" } });
    expect(res.isError).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("hi there");
    const audit = await auditOf(rig.enforcer, rig.pid);
    const decision = audit.find((r) => r.type === "decision")!;
    // The audit record names the server and the tool beside the mapped action and target.
    expect(decision).toMatchObject({
      decision: "allow",
      request: { action: "files:write", target: file, context: { server: "fs", tool: "write_file", arguments: { path: file } } },
    });
    expect(audit.find((r) => r.type === "permit_report")).toMatchObject({ action: "files:write", success: true });
  });

  it("a blocked call never reaches the server: no file is written, the result names rule, reason, detail and carries the decision", async () => {
    const rig = await fsGateway({ "core:scope:action_blocklist": ["files:write*"] }, { tools: WRITE_MAP });
    const file = join(rig.sandbox, "evil.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "pwned" } });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/BLOCKED by Agent Warden: rule core:scope:action_blocklist, reason action_blocked: .*files:write/);
    expect(res.structuredContent).toMatchObject({ decision: "block", reason: "action_blocked", rule: "core:scope:action_blocklist" });
    expect(existsSync(file)).toBe(false);
  });

  it("a secret in the arguments is detected (the arguments are the context) and the call is blocked", async () => {
    const rig = await fsGateway({ "core:data:no_secrets_export": true }, { tools: WRITE_MAP });
    const file = join(rig.sandbox, "leak.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "key AKIAABCDEFGHIJKLMNOP" } });
    expect(res.structuredContent).toMatchObject({ decision: "block", reason: "secret_detected" });
    expect(existsSync(file)).toBe(false);
  });

  it("arguments nested 5,000 deep get a tool result (decided or refused, never a crash), and the gateway answers the next call", async () => {
    const rig = await fsGateway({ "core:data:no_secrets_export": true }, { tools: WRITE_MAP, holds: "return" });
    let deep: unknown = "AKIAABCDEFGHIJKLMNOP";
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    const file = join(rig.sandbox, "deep.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "x", extra: deep } });
    expect(res.isError).toBe(true);
    expect(existsSync(file)).toBe(false);
    const ok = await rig.agent.callTool({ name: "list_directory", arguments: { path: rig.sandbox } });
    expect(ok.isError).toBeFalsy();
  });

  it("budgets count across calls: the third 1-cent read crosses a 2-cent daily cap", async () => {
    const rig = await fsGateway({ "core:cost:max_per_day": 2 }, { tools: WRITE_MAP });
    const file = join(rig.sandbox, "a.txt");
    writeFileSync(file, "content");
    for (let i = 0; i < 2; i++) expect((await rig.agent.callTool({ name: "read_text_file", arguments: { path: file } })).isError).toBeFalsy();
    const third = await rig.agent.callTool({ name: "read_text_file", arguments: { path: file } });
    expect(third.structuredContent).toMatchObject({ decision: "block", reason: "cost_limit_exceeded", rule: "core:cost:max_per_day" });
    expect((await rig.enforcer.state(rig.pid)).spent_today_cents).toBe(2);
  });

  it("the gateway reports as the agent (SPEC §11): an actual cost below the committed one is recorded as a claim, never refunded", async () => {
    const rig = await fsGateway({ "core:cost:max_per_day": 1000 }, { tools: { "fs:read*": { cost_cents: 5, actual_cost_cents: 0 } } });
    const file = join(rig.sandbox, "a.txt");
    writeFileSync(file, "content");
    expect((await rig.agent.callTool({ name: "read_text_file", arguments: { path: file } })).isError).toBeFalsy();
    await vi.waitFor(async () => expect((await auditOf(rig.enforcer, rig.pid)).some((r) => r.type === "permit_report")).toBe(true));
    expect((await rig.enforcer.state(rig.pid)).spent_today_cents).toBe(5);
    const report = (await auditOf(rig.enforcer, rig.pid)).find((r) => r.type === "permit_report")!;
    expect(report).toMatchObject({ claimed_actual_cost_cents: 0, channel: "agent" });
  });

  it("a cost mapped from a missing argument refuses the call instead of counting it as free", async () => {
    const rig = await fsGateway({ "core:cost:max_per_day": 100 }, { tools: { "fs:write_file": { cost_cents: "/price_cents" } } });
    const file = join(rig.sandbox, "free.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "x" } });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain("/price_cents");
    expect(existsSync(file)).toBe(false);
  });

  it("hide_denied_tools leaves out the tools the passport can never allow (decided by the module)", async () => {
    const rig = await fsGateway({ "core:data:read_only": true }, { hide_denied_tools: true, tools: WRITE_MAP });
    const names = (await rig.agent.listTools()).tools.map((t) => t.name);
    expect(names).toContain("read_text_file");
    expect(names).not.toContain("write_file"); // files:write is a write verb
    expect(names).not.toContain("move_file");
    // Hidden is not unguarded: an agent that calls the tool by name anyway is decided (and blocked) like any call.
    const sneaky = await rig.agent.callTool({ name: "write_file", arguments: { path: join(rig.sandbox, "s.txt"), content: "x" } });
    expect(sneaky.structuredContent).toMatchObject({ decision: "block", reason: "read_only" });
    expect(existsSync(join(rig.sandbox, "s.txt"))).toBe(false);
    const all = await fsGateway({ "core:data:read_only": true }, { tools: WRITE_MAP });
    expect((await all.agent.listTools()).tools.map((t) => t.name)).toContain("write_file");
  });
});

describe("warden proxy: holds", () => {
  async function heldRig(config: Record<string, unknown> = {}): Promise<{ hitl: Rig; gw: GatewayRig }> {
    const passport = gatewayPassport({ "core:approval:for_actions": ["files:write*"] }, { metadata: {} });
    const hitl = await startRig({}, passport);
    cleanups.push(() => hitl.close());
    const sandbox = sandboxDir();
    const gw = await startGateway(hitl.enforcer, hitl.pid, { servers: { fs: fsServer(sandbox) }, tools: WRITE_MAP, ...config }, sandbox, {
      approvedPermit: (pid, id) => hitl.hitl.desk.permitFor(pid, id),
    });
    cleanups.push(() => gw.close());
    return { hitl, gw };
  }

  async function answerThroughPage(hitl: Rig, verb: "approve" | "deny"): Promise<void> {
    for (let i = 0; i < 200 && hitl.notifier.notices.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const link = hitl.notifier.notices.at(-1)!.link;
    const res = await fetch(`${link}/${verb}`, { method: "POST" });
    expect(res.status).toBe(200);
  }

  it("a held call waits, with progress notifications, until approved through the approval page; then runs exactly as asked", async () => {
    const { hitl, gw } = await heldRig();
    const file = join(gw.sandbox, "approved.txt");
    const progress: string[] = [];
    const call = gw.agent.callTool({ name: "write_file", arguments: { path: file, content: "approved content" } }, undefined, {
      onprogress: (p) => progress.push(p.message ?? ""),
      timeout: 30_000,
    });
    await answerThroughPage(hitl, "approve");
    const res = await call;
    expect(res.isError).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("approved content");
    expect(progress[0]).toMatch(/waiting for a human to answer approval apr_/);
    const audit = await auditOf(hitl.enforcer, hitl.pid);
    expect(audit.map((r) => r.type)).toEqual(["decision", "approval", "permit_report"]);
  });

  it("a denied hold answers with an error and the server is never called", async () => {
    const { hitl, gw } = await heldRig();
    const file = join(gw.sandbox, "denied.txt");
    const call = gw.agent.callTool({ name: "write_file", arguments: { path: file, content: "nope" } });
    await answerThroughPage(hitl, "deny");
    const res = await call;
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/^DENIED/);
    expect(existsSync(file)).toBe(false);
  });

  it("a hold nobody answers expires after 5 minutes: the waiting call answers EXPIRED and the server is never called", async () => {
    let now = Date.parse("2026-03-02T10:00:00Z");
    const passport = gatewayPassport({ "core:approval:for_actions": ["files:write*"] });
    const enforcer = await Enforcer.create({ store: new MemoryStore(), clock: () => now, timers: false });
    cleanups.push(async () => enforcer.close());
    await enforcer.register(passport);
    const sandbox = sandboxDir();
    const gw = await startGateway(enforcer, passport.id as string, { servers: { fs: fsServer(sandbox) }, tools: WRITE_MAP }, sandbox);
    cleanups.push(() => gw.close());
    const file = join(sandbox, "never.txt");
    const call = gw.agent.callTool({ name: "write_file", arguments: { path: file, content: "x" } });
    for (let i = 0; i < 200 && (await enforcer.listPendingApprovals(passport.id as string)).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    now += 300_000; // an approval expires at created + 300 s exactly (SPEC §10)
    const res = await call;
    expect(textOf(res)).toMatch(/^EXPIRED: nobody answered approval apr_/);
    expect(existsSync(file)).toBe(false);
  });

  it("holds: return answers at once with the approval id; a retry with the same arguments runs once approved, once only", async () => {
    const { hitl, gw } = await heldRig({ holds: "return" });
    const file = join(gw.sandbox, "later.txt");
    const args = { path: file, content: "later" };
    const first = await gw.agent.callTool({ name: "write_file", arguments: args });
    expect(first.isError).toBe(true);
    const id = (first.structuredContent as { approval_id: string }).approval_id;
    expect(id).toMatch(/^apr_/);
    expect(textOf(await gw.agent.callTool({ name: "write_file", arguments: args }))).toMatch(/^ON HOLD: still waiting/);
    // Other arguments are another request: the one pending approval blocks it (approval_already_pending), it does not ride on the approval.
    const other = await gw.agent.callTool({ name: "write_file", arguments: { path: join(gw.sandbox, "other.txt"), content: "x" } });
    expect(other.structuredContent).toMatchObject({ decision: "block", reason: "approval_already_pending" });
    expect(existsSync(file)).toBe(false);
    await hitl.hitl.desk.answer(id, true);
    const retry = await gw.agent.callTool({ name: "write_file", arguments: args });
    expect(retry.isError).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("later");
    // The approval is used up: the same call again is a new request that needs a new approval.
    const again = await gw.agent.callTool({ name: "write_file", arguments: args });
    expect((again.structuredContent as { approval_id: string }).approval_id).not.toBe(id);
  });
});

describe("warden proxy: results, failures and transports", () => {
  it("redact_results replaces a secret in a file read (text and structured content); without it the agent sees the secret", async () => {
    const secret = "sk-abcdefghijklmnopqrstuvwxyz123456";
    const rig = await fsGateway({}, { redact_results: true });
    const file = join(rig.sandbox, ".env");
    writeFileSync(file, `OPENAI_API_KEY=${secret}\nuser=alice@example.com\n`);
    const res = await rig.agent.callTool({ name: "read_text_file", arguments: { path: file } });
    expect(JSON.stringify(res)).not.toContain(secret);
    expect(textOf(res)).toMatch(/OPENAI_API_KEY=\[REDACTED:[a-z_]+\]/);
    expect(textOf(res)).toContain("alice@example.com"); // PII stays: the passport does not redact it
    const plain = await fsGateway({});
    writeFileSync(join(plain.sandbox, ".env"), `OPENAI_API_KEY=${secret}\n`);
    expect(textOf(await plain.agent.callTool({ name: "read_text_file", arguments: { path: join(plain.sandbox, ".env") } }))).toContain(secret);
  });

  it("PII is redacted too when the passport sets core:data:redact_pii_in_logs", async () => {
    const rig = await fsGateway({ "core:data:redact_pii_in_logs": true }, { redact_results: true });
    const file = join(rig.sandbox, "people.txt");
    writeFileSync(file, "contact: alice@example.com\n");
    const res = await rig.agent.callTool({ name: "read_text_file", arguments: { path: file } });
    expect(textOf(res)).not.toContain("alice@example.com");
    expect(textOf(res)).toContain("[REDACTED:email]");
  });

  it("a downstream server that crashes: its calls are refused with an error result, nothing is decided or counted, stderr says why", async () => {
    const rig = await fsGateway({ "core:cost:max_per_day": 100 }, { tools: WRITE_MAP });
    const down = rig.gateway.downstreams.get("fs")!;
    process.kill(down.pid!, "SIGKILL");
    for (let i = 0; i < 200 && down.status === "ready"; i++) await new Promise((r) => setTimeout(r, 25));
    const file = join(rig.sandbox, "after-crash.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "x" } });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/downstream server fs is unavailable/);
    expect(rig.logs.some((l) => l.includes("downstream server fs is unavailable"))).toBe(true);
    expect((await auditOf(rig.enforcer, rig.pid)).filter((r) => r.type === "decision")).toEqual([]);
  });

  it("a downstream server that fails to start: the gateway still serves the others and refuses its calls", async () => {
    const passport = gatewayPassport();
    const enforcer = await enforcerWith(passport);
    const sandbox = sandboxDir();
    const rig = await startGateway(
      enforcer,
      passport.id as string,
      {
        servers: { ev: everythingServer(), broken: { command: process.execPath, args: ["-e", "process.exit(3)"] } },
      },
      sandbox,
    );
    cleanups.push(() => rig.close());
    const names = (await rig.agent.listTools()).tools.map((t) => t.name);
    expect(names).toContain("ev__echo"); // several servers: key__tool
    const res = await rig.agent.callTool({ name: "broken__anything", arguments: {} });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/downstream server broken is unavailable/);
    expect(rig.logs.some((l) => /downstream server broken is unavailable: it (failed to start|closed the connection while starting)/.test(l))).toBe(true);
  });

  it("an unreachable store: every call is refused with an error result and nothing is forwarded", async () => {
    const passport = gatewayPassport();
    const sandbox = sandboxDir();
    const store = SqliteStore.open(join(sandbox, "warden.db"));
    const enforcer = await Enforcer.create({ store });
    cleanups.push(async () => enforcer.close());
    await enforcer.register(passport);
    const rig = await startGateway(enforcer, passport.id as string, { servers: { fs: fsServer(sandbox) }, tools: WRITE_MAP }, sandbox);
    cleanups.push(() => rig.close());
    await store.close(); // the database goes away under the running gateway
    const file = join(sandbox, "undecided.txt");
    const res = await rig.agent.callTool({ name: "write_file", arguments: { path: file, content: "x" } });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toMatch(/^Not run: cannot decide/);
    expect(existsSync(file)).toBe(false);
    expect(rig.logs.some((l) => l.startsWith("warden proxy: call refused: cannot decide"))).toBe(true);
  });

  it("forwards downstream progress and logging notifications to the agent", async () => {
    const passport = gatewayPassport();
    const enforcer = await enforcerWith(passport);
    const sandbox = sandboxDir();
    const rig = await startGateway(enforcer, passport.id as string, { servers: { ev: everythingServer() } }, sandbox);
    cleanups.push(() => rig.close());
    const progress: number[] = [];
    const res = await rig.agent.callTool({ name: "trigger-long-running-operation", arguments: { duration: 0.3, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(res.isError).toBeFalsy();
    // The SDK handles a notification a microtask after a response read in the same chunk, so the last step's progress,
    // sent right before the result, may be dropped (at the gateway's client or the agent's); the earlier ones arrive in order.
    expect(progress.slice(0, 2)).toEqual([1, 2]);
    const logs: string[] = [];
    rig.agent.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(String(n.params.level));
    });
    await rig.agent.setLoggingLevel("debug");
    await rig.agent.callTool({ name: "toggle-simulated-logging", arguments: {} });
    for (let i = 0; i < 200 && logs.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(logs.length).toBeGreaterThan(0);
    await rig.agent.callTool({ name: "toggle-simulated-logging", arguments: {} });
  });

  it("an agent's cancellation is passed down: the downstream call is aborted and its permit reported as failed", async () => {
    const passport = gatewayPassport();
    const enforcer = await enforcerWith(passport);
    const sandbox = sandboxDir();
    const rig = await startGateway(enforcer, passport.id as string, { servers: { ev: everythingServer() } }, sandbox);
    cleanups.push(() => rig.close());
    const abort = new AbortController();
    const call = rig.agent.callTool({ name: "trigger-long-running-operation", arguments: { duration: 20, steps: 20 } }, undefined, { signal: abort.signal });
    await new Promise((r) => setTimeout(r, 300));
    abort.abort("changed my mind");
    await expect(call).rejects.toThrow();
    let report: Record<string, unknown> | undefined;
    for (let i = 0; i < 200 && report === undefined; i++) {
      report = (await auditOf(enforcer, passport.id as string)).find((r) => r.type === "permit_report");
      if (report === undefined) await new Promise((r) => setTimeout(r, 25));
    }
    expect(report).toMatchObject({ action: "ev:trigger-long-running-operation", success: false });
    expect(rig.logs.some((l) => l.includes("ev:trigger-long-running-operation failed downstream"))).toBe(true);
  });

  it("over Streamable HTTP: calls are decided the same way, and a foreign Origin is refused (DNS rebinding)", async () => {
    const passport = gatewayPassport({ "core:scope:action_blocklist": ["ev:get-env"] });
    const enforcer = await enforcerWith(passport);
    const sandbox = sandboxDir();
    const rig = await startGateway(enforcer, passport.id as string, { servers: { ev: everythingServer() } }, sandbox);
    cleanups.push(() => rig.close());
    const http = await serveHttp(rig.gateway, 0);
    cleanups.push(() => http.close());
    const agent = new Client({ name: "http-agent", version: "1.0.0" });
    await agent.connect(new StreamableHTTPClientTransport(new URL(http.url)));
    cleanups.push(() => agent.close());
    expect(textOf(await agent.callTool({ name: "echo", arguments: { message: "over http" } }))).toContain("over http");
    expect((await agent.callTool({ name: "get-env", arguments: {} })).structuredContent).toMatchObject({ reason: "action_blocked" });
    const evil = await fetch(http.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", origin: "http://evil.example" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
      }),
    });
    expect(evil.status).toBe(403);
  });
});

describe("warden proxy with server: (a remote warden serve)", () => {
  it("decides every call on the server: allowed calls forwarded, budgets counted there, blocks never forwarded; an unreachable server refuses", async () => {
    const server = await createWardenServer({ store: new MemoryStore(), storeKind: "memory", log: () => undefined, hitl: { notifier: null } });
    let closed = false;
    cleanups.push(async () => {
      if (!closed) await server.close();
    });
    const addr = await server.listen(0, "127.0.0.1");
    const base = `http://127.0.0.1:${addr.port}`;
    const { key } = await createApiKey(server.store, "iss_acme");
    const created = await fetch(`${base}/v1/passports`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        agent_name: "remote gateway agent",
        constraints: { "core:cost:max_per_day": 2, "core:scope:action_blocklist": ["files:write*"] },
      }),
    });
    const pid = ((await created.json()) as { passport: { id: string } }).passport.id;
    const sandbox = sandboxDir();
    const logs: string[] = [];
    const guard = new RemoteGuard(base, key, pid, server.enforcer.engine);
    const gateway = new Gateway({
      config: { passport: pid, server: base, servers: { fs: fsServer(sandbox) }, tools: WRITE_MAP, hide_denied_tools: true },
      base: sandbox,
      guard,
      engine: server.enforcer.engine,
      log: (l) => logs.push(l),
    });
    await gateway.start();
    const [a, b] = InMemoryTransport.createLinkedPair();
    await gateway.createServer().connect(a);
    const agent = new Client({ name: "remote-agent", version: "1.0.0" });
    await agent.connect(b);
    cleanups.push(async () => {
      await agent.close();
      await gateway.close();
    });
    expect((await agent.listTools()).tools.map((t) => t.name)).not.toContain("write_file"); // the server's passport, decided here by the module
    const file = join(sandbox, "r.txt");
    writeFileSync(file, "remote");
    for (let i = 0; i < 2; i++) expect(textOf(await agent.callTool({ name: "read_text_file", arguments: { path: file } }))).toBe("remote");
    expect((await agent.callTool({ name: "read_text_file", arguments: { path: file } })).structuredContent).toMatchObject({ reason: "cost_limit_exceeded" });
    expect((await server.enforcer.state(pid)).spent_today_cents).toBe(2);
    const w = await agent.callTool({ name: "write_file", arguments: { path: join(sandbox, "no.txt"), content: "x" } });
    expect(w.structuredContent).toMatchObject({ reason: "action_blocked" });
    expect(existsSync(join(sandbox, "no.txt"))).toBe(false);
    const reports: Record<string, unknown>[] = [];
    for await (const r of server.enforcer.auditLog(pid)) if (r.type === "permit_report") reports.push(r as unknown as Record<string, unknown>);
    expect(reports).toHaveLength(2);
    closed = true;
    await server.close();
    const down = await agent.callTool({ name: "list_directory", arguments: { path: sandbox } });
    expect(down.isError).toBe(true);
    expect(textOf(down)).toMatch(/^Not run: cannot decide \(cannot reach http:\/\/127\.0\.0\.1/);
    expect(logs.some((l) => l.startsWith("warden proxy: call refused: cannot decide"))).toBe(true);
  });
});

describe("warden proxy config", () => {
  it("names each problem by path, with did-you-mean hints", () => {
    const problems = proxyConfigProblems({
      passport: "p.json",
      redact_result: true,
      servers: { fs: { command: "x" } },
      tools: { "fz:read*": { cost_cents: -1 } },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: "unknown_field", path: "redact_result", hint: 'did you mean "redact_results"?' }),
        expect.objectContaining({ code: "unknown_server", path: 'tools["fz:read*"]', hint: 'did you mean "fs"?' }),
        expect.objectContaining({ path: 'tools["fz:read*"].cost_cents' }),
      ]),
    );
    expect(proxyConfigProblems({ passport: "p", servers: { fs: { url: "http://127.0.0.1:1/mcp" } } })).toEqual([]);
  });
});
