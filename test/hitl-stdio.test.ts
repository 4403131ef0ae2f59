// `warden mcp` over stdio, as Claude Desktop runs it: the built CLI in a child process, the SDK's own client,
// and a `warden serve` in this process on the same SQLite file, whose SMS webhook approves the child's hold.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { verifyAuditLog, type AuditRecord } from "../enforcer/audit";
import { SqliteStore } from "../enforcer/sqlite-store";
import { createApiKey } from "../server/auth";
import { createWardenServer, type WardenServer } from "../server/server";
import type { ApprovalNotice } from "../humans/notify";
import { SMS_SECRET, confirmApproversOf, sms, travelPassport } from "./hitl-helpers";
import { ApprovalDesk } from "../desk/desk";

// Two levels below the root, like dist/cli/, so ../../build/warden.wasm resolves from the bundle.
const OUT_DIR = `test-artifacts/hitl-stdio-${process.pid}`;
const BIN = `${OUT_DIR}/warden.js`;

let dir: string;
let server: WardenServer;
let base: string;
let client: Client;
let stderr = "";
const passport = travelPassport();
const pid = passport.id as string;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  execFileSync(
    process.execPath,
    [
      "-e",
      `
    const { build } = await import("esbuild");
    await build({ entryPoints: ["cli/warden.ts"], outfile: ${JSON.stringify(BIN)}, bundle: true, format: "esm", platform: "node",
      target: "node20", packages: "external", logLevel: "warning", banner: { js: "#!/usr/bin/env node" } });
  `,
      "--input-type=module",
    ],
    { stdio: "inherit" },
  );
  dir = mkdtempSync(join(tmpdir(), "warden-mcp-stdio-"));
  const db = join(dir, "warden.db");
  server = await createWardenServer({
    store: SqliteStore.open(db),
    storeKind: "sqlite",
    log: () => undefined,
    hitl: { smsSecret: SMS_SECRET, notifier: null },
  });
  const addr = await server.listen(0, "127.0.0.1");
  base = `http://127.0.0.1:${addr.port}`;
  await server.enforcer.register(passport);
  // The approver confirmed for the passport's issuer, as a person does once (CONFIRM <code>).
  await confirmApproversOf(new ApprovalDesk(server.enforcer), passport);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", "--passport", pid, "--store", `sqlite:${db}`, "--public-url", base, "--notify", `file:${join(dir, "outbox.jsonl")}`],
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  client = new Client({ name: "hitl-stdio-test", version: "1.0.0" });
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  rmSync(OUT_DIR, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(res.isError ?? false, `${JSON.stringify(res.content)}\n${stderr}`).toBe(false);
  return res.structuredContent as Record<string, any>;
}

/** Waits (bounded) for the child's notifier to write its n-th notice. */
async function notice(n: number): Promise<ApprovalNotice> {
  const file = join(dir, "outbox.jsonl");
  for (let i = 0; i < 100; i++) {
    const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
    if (lines.length >= n) return JSON.parse(lines[n - 1]!) as ApprovalNotice;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no notice ${n} after 10 s; stderr:\n${stderr}`);
}

describe("warden mcp (stdio)", () => {
  it("lists the six tools", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "enforce_action",
      "get_approval_status",
      "get_cumulative_state",
      "get_passport_status",
      "list_pending_approvals",
      "report_action_result",
    ]);
    expect(stderr).toContain(`warden mcp: serving passport ${pid} on stdio`);
  });

  it("allow, then a report closes the audit loop; a block is a block", async () => {
    const d = await call("enforce_action", { action: "web:search", context: { cost_cents: 40, target: "serpapi.com" } });
    expect(d).toMatchObject({ decision: "allow" });
    expect(await call("report_action_result", { permit_token: d.permit_token, success: true, result: "ok" })).toEqual({ accepted: true });
    expect(await call("enforce_action", { action: "files:delete_all" })).toMatchObject({ decision: "block", reason: "action_blocked" });
  });

  it("a hold in the child is approved by SMS through warden serve on the same store", async () => {
    const hold = await call("enforce_action", { action: "travel:book", cost_cents: 35000, target: "airline.example" });
    expect(hold.decision).toBe("request_hold");
    const n = await notice(1);
    expect(n).toMatchObject({ approval_id: hold.approval_request_id, to: "+15550100001", amount: "$350.00" });
    expect(n.link.startsWith(`${base}/a/`)).toBe(true);
    // The link opens on the server, which never saw the decision happen.
    expect(await (await fetch(n.link)).text()).toContain("Approve this action?");
    expect((await call("list_pending_approvals")).approvals).toHaveLength(1);
    expect(await (await sms(base, "+15550100001", "YES")).json()).toMatchObject({ status: "approved", approval_id: hold.approval_request_id });
    const status = await call("get_approval_status", { approval_id: hold.approval_request_id });
    expect(status).toMatchObject({ status: "approved" });
    expect(await call("report_action_result", { permit_token: status.permit_token, success: true })).toEqual({ accepted: true });
    expect(await call("get_cumulative_state")).toMatchObject({ spent_today_cents: 35040, held_cents: 0 });
  });

  it("the child heartbeats, so the agent is Active; the server's dashboard shows the child's decisions", async () => {
    expect(await call("get_passport_status")).toMatchObject({ enforcement: "Active", not_enforced: false });
    const { key } = await createApiKey(server.store, "iss_acme");
    const login = await fetch(`${base}/dashboard/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `api_key=${key}`,
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const html = await (await fetch(`${base}/dashboard`, { headers: { cookie } })).text();
    expect(html).toContain('data-status="active"');
    expect(html).toContain("allow web:search ($0.40)");
    expect(html).toContain("approval approved: travel:book ($350.00)");
    // One chain across both processes, signed with the key both keep in the store.
    const log: AuditRecord[] = [];
    for await (const r of server.enforcer.auditLog(pid)) log.push(r);
    expect(log.map((r) => r.type)).toEqual(["decision", "permit_report", "decision", "decision", "approval", "permit_report"]);
    expect(await verifyAuditLog(log, server.enforcer.publicJwk)).toEqual({ ok: true });
  });

  it("usage errors exit 2; an unknown passport exits 1", () => {
    const run = (args: string[]) => {
      try {
        execFileSync(process.execPath, [BIN, "mcp", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        return { status: 0, stderr: "" };
      } catch (e) {
        const err = e as { status: number; stderr: string };
        return { status: err.status, stderr: err.stderr };
      }
    };
    expect(run([])).toMatchObject({ status: 2, stderr: expect.stringContaining("--passport PASSPORT_ID is required") });
    expect(run(["--passport", "p", "--notify", "pager:1"]).status).toBe(2);
    expect(run(["--passport", "pass_nope", "--store", "memory"])).toMatchObject({ status: 1, stderr: expect.stringContaining("no passport pass_nope") });
    expect(run(["--passport", "p", "--store", "mongodb://x"]).status).toBe(2);
    writeFileSync(join(dir, "p.json"), JSON.stringify({ constraints: {} }));
    expect(run(["--passport", "p", "--store", "memory", "--passport-file", join(dir, "p.json")]).status).toBe(1);
  });
});
