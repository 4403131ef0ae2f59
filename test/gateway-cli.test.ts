// `warden proxy` as an MCP client runs it: the built CLI in a child process on stdio in front of the filesystem server,
// a `warden serve` in this process on the same SQLite file whose approval page answers the gateway's hold; and `warden check` on configs.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { SqliteStore } from "../enforcer/sqlite-store";
import { createWardenServer, type WardenServer } from "../server/server";
import type { ApprovalNotice } from "../humans/notify";
import { FS_SERVER, gatewayPassport, textOf } from "./gateway-helpers";

const OUT_DIR = `test-artifacts/gateway-cli-${process.pid}`;
const BIN = `${OUT_DIR}/warden.js`;

let dir: string;
let sandbox: string;
let server: WardenServer;
let client: Client;
let stderr = "";
const passport = gatewayPassport({ "core:approval:for_actions": ["files:write*"], "core:cost:max_per_day": 3 });

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
  dir = mkdtempSync(join(tmpdir(), "warden-proxy-cli-"));
  sandbox = join(dir, "sandbox");
  mkdirSync(sandbox);
  server = await createWardenServer({ store: SqliteStore.open(join(dir, "warden.db")), storeKind: "sqlite", log: () => undefined, hitl: { notifier: null } });
  const addr = await server.listen(0, "127.0.0.1");
  writeFileSync(join(dir, "passport.json"), JSON.stringify(passport));
  // Relative paths resolve against the config's directory, not the working directory.
  writeFileSync(
    join(dir, "warden.proxy.yaml"),
    [
      "passport: ./passport.json",
      "store: sqlite:./warden.db",
      "redact_results: true",
      "servers:",
      `  fs: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FS_SERVER)}, ./sandbox] }`,
      "tools:",
      '  "fs:read*": { cost_cents: 1 }',
      '  "fs:write_file": { action: "files:write", target: /path }',
    ].join("\n"),
  );
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      BIN,
      "proxy",
      "--config",
      join(dir, "warden.proxy.yaml"),
      "--public-url",
      `http://127.0.0.1:${addr.port}`,
      "--notify",
      `file:${join(dir, "outbox.jsonl")}`,
    ],
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  client = new Client({ name: "gateway-cli-test", version: "1.0.0" });
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await server?.close();
  rmSync(OUT_DIR, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function notice(): Promise<ApprovalNotice> {
  const file = join(dir, "outbox.jsonl");
  for (let i = 0; i < 100; i++) {
    const lines = existsSync(file) ? readFileSync(file, "utf8").trim().split("\n").filter(Boolean) : [];
    if (lines.length > 0) return JSON.parse(lines[0]!) as ApprovalNotice;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no notice after 10 s; stderr:\n${stderr}`);
}

describe("warden proxy (stdio, built CLI)", () => {
  it("exposes the filesystem server's tools under their names and redacts a secret it reads", async () => {
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["read_text_file", "write_file", "list_directory"]));
    writeFileSync(join(sandbox, "token.txt"), "GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\n");
    const res = await client.callTool({ name: "read_text_file", arguments: { path: join(sandbox, "token.txt") } });
    expect(res.isError, `${JSON.stringify(res)}\n${stderr}`).toBeFalsy();
    expect(textOf(res)).toMatch(/^GITHUB_TOKEN=\[REDACTED:[a-z_]+\]/);
  });

  it("a held write waits in the gateway process until a human approves it on warden serve's approval page", async () => {
    const file = join(sandbox, "approved.txt");
    const call = client.callTool({ name: "write_file", arguments: { path: file, content: "signed off" } }, undefined, { timeout: 30_000 });
    const { link } = await notice();
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(file)).toBe(false); // still waiting
    expect((await fetch(`${link}/approve`, { method: "POST" })).status).toBe(200);
    const res = await call;
    expect(res.isError, `${JSON.stringify(res)}\n${stderr}`).toBeFalsy();
    expect(readFileSync(file, "utf8")).toBe("signed off");
  });

  it("the daily cap counts reads across calls: 1 cent each on a 3-cent cap, the fourth read is blocked", async () => {
    const path = join(sandbox, "token.txt");
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await client.callTool({ name: "read_text_file", arguments: { path } }));
    // One read was made above (1 cent): two more fit the 3-cent cap, the fourth read overall does not.
    expect(results.map((r) => r.isError === true)).toEqual([false, false, true]);
    expect(results[2]!.structuredContent).toMatchObject({ reason: "cost_limit_exceeded" });
  });
});

describe("warden check on proxy configs", () => {
  it("lists each problem with its line, path and hint; a good config passes", () => {
    const bad = join(dir, "bad.proxy.yaml");
    writeFileSync(bad, 'passport: p.json\nredact_result: true\nservers:\n  fs: { command: npx }\ntools:\n  "fz:read*": { cost_cents: 1 }\n');
    const out = spawnSync(process.execPath, [BIN, "check", bad], { encoding: "utf8" });
    expect(out.status).toBe(1);
    expect(out.stdout).toContain(`${bad}:2 redact_result: unknown field "redact_result"; did you mean "redact_results"?`);
    expect(out.stdout).toContain(`${bad}:6 tools["fz:read*"]: names no server "fz" of servers (found "fz"); did you mean "fs"?`);
    const good = spawnSync(process.execPath, [BIN, "check", join(dir, "warden.proxy.yaml")], { encoding: "utf8" });
    expect(good.status, good.stdout).toBe(0);
  });
});
