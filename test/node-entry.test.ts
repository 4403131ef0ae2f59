// The package entry agent-warden/node: a real Node process imports the built package by name (ESM and
// CommonJS) and keeps its counters in SQLite across a reopen; the server and MCP mount on an app of your own.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Enforcer } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { createApiKey } from "../server/auth";
import { createMcpHandler, createWardenServer, wardenRequestListener, type WardenServer } from "../embed/index";
import { travelPassport } from "./hitl-helpers";

/**
 * Runs `script` in a fresh Node process from a file inside the repository, so the package resolves
 * itself by name (a file, not `-e`: a worker thread would inherit `--input-type`).
 */
function node(script: string, type: "module" | "commonjs"): unknown {
  const dir = `test-artifacts/node-entry-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `script-${++scripts}.${type === "module" ? "mjs" : "cjs"}`);
  writeFileSync(file, script);
  const out = execFileSync(process.execPath, [file], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}
let scripts = 0;
afterAll(() => rmSync(`test-artifacts/node-entry-${process.pid}`, { recursive: true, force: true }));

/** Opens the store, spends 60 of the 100 cents a day allows, closes; reopens, asks for 60 again. */
const reopen = (db: string, load: string) => `
  ${load}
  async function once() {
    const store = SqliteStore.open(${JSON.stringify(db)});
    const enforcer = await Enforcer.create({ store, timers: false, hostCrypto: nodeCrypto });
    if ((await enforcer.listPassports()).length === 0) await enforcer.register({ id: "pass_1", constraints: { "core:cost:max_per_day": 100 } });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "web:search", cost_cents: 60 });
    enforcer.close();
    await store.close();
    return d.decision + ":" + d.reason;
  }
  (async () => console.log(JSON.stringify([await once(), await once()])))();`;

describe("agent-warden/node from the built package", () => {
  it.each([
    ["ESM", "module", `const { SqliteStore, nodeCrypto } = await import("agent-warden/node"); const { Enforcer } = await import("agent-warden");`],
    ["CommonJS", "commonjs", `const { SqliteStore, nodeCrypto } = require("agent-warden/node"); const { Enforcer } = require("agent-warden");`],
  ] as const)("%s: a SqliteStore keeps the day's spend when it is opened again", (_, type, load) => {
    expect(existsSync("dist/embed/index.js") && existsSync("dist/cjs/node.cjs"), "run npm run build").toBe(true);
    const db = join(mkdtempSync(join(tmpdir(), "warden-node-entry-")), "warden.db");
    const script = type === "module" ? reopen(db, load).replace("(async () => console.log", "await (async () => console.log") : reopen(db, load);
    expect(node(script, type)).toEqual(["allow:allowed", "block:cost_limit_exceeded"]);
  });

  it("works from node --input-type=module -e (the SQLite checkpointer thread does not inherit --input-type)", () => {
    const db = join(mkdtempSync(join(tmpdir(), "warden-node-entry-")), "warden.db");
    const load = `const { SqliteStore, nodeCrypto } = await import("agent-warden/node"); const { Enforcer } = await import("agent-warden");`;
    const script = reopen(db, load).replace("(async () => console.log", "await (async () => console.log");
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out.trim().split("\n").pop()!)).toEqual(["allow:allowed", "block:cost_limit_exceeded"]);
  });

  it("exports the stores, the server, the MCP handler and nothing of the internals", () => {
    const names = node(`const m = await import("agent-warden/node"); console.log(JSON.stringify(Object.keys(m).sort()));`, "module") as string[];
    expect(names).toEqual(
      expect.arrayContaining(["SqliteStore", "RedisStore", "openStore", "nodeCrypto", "createWardenServer", "wardenRequestListener", "createMcpHandler"]),
    );
    for (const internal of ["Router", "ApprovalDesk", "renderDashboard", "SseStreams", "mcpCommand", "HeartbeatThrottle"])
      expect(names).not.toContain(internal);
  });
});

describe("mounting on an app of your own", () => {
  let app: Server | null = null;
  let warden: WardenServer | null = null;
  afterEach(async () => {
    await new Promise((ok) => (app ? app.close(ok) : ok(undefined)));
    await warden?.close();
    app = warden = null;
  });
  const listen = async (server: Server) =>
    `http://127.0.0.1:${(await new Promise<AddressInfo>((ok) => server.listen(0, "127.0.0.1", () => ok(server.address() as AddressInfo)))).port}`;

  it("wardenRequestListener serves the API under a prefix of an existing node:http server", async () => {
    warden = await createWardenServer({ store: new MemoryStore(), log: () => undefined });
    const api = wardenRequestListener(warden);
    app = createServer((req, res) => {
      if (!req.url?.startsWith("/warden/")) return void res.writeHead(200, { "content-type": "text/plain" }).end("my app");
      req.url = req.url.slice("/warden".length); // as Express's app.use("/warden", …) does
      api(req, res);
    });
    const base = await listen(app);
    const { key } = await createApiKey(warden.store, "iss_acme");
    const created = await fetch(`${base}/warden/v1/passports`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ constraints: { "core:cost:max_per_day": 100 } }),
    });
    expect(created.status).toBe(201);
    const pid = ((await created.json()) as { passport: { id: string } }).passport.id;
    const enforce = (cost: number) =>
      fetch(`${base}/warden/v1/enforce`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ passport_id: pid, action: "web:search", cost_cents: cost }),
      }).then((r) => r.json() as Promise<{ decision: string }>);
    expect((await enforce(60)).decision).toBe("allow");
    expect((await enforce(60)).decision).toBe("block");
    // Its auth and errors come along; the app's own routes stay the app's.
    expect((await fetch(`${base}/warden/v1/enforce`, { method: "POST", body: "{}" })).status).toBe(401);
    expect(await (await fetch(`${base}/`)).text()).toBe("my app");
  });

  it("createMcpHandler answers MCP for the passport an agent names, with the signed decision as structured content", async () => {
    const enforcer = await Enforcer.create({ store: new MemoryStore(), timers: false });
    const passport = travelPassport();
    await enforcer.register(passport);
    const mcp = createMcpHandler({ enforcer, heartbeats: false });
    app = createServer((req, res) => (req.url === "/mcp" ? void mcp(req, res) : void res.writeHead(404).end()));
    const base = await listen(app);
    const client = new Client({ name: "embed-test", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { "x-passport-id": passport.id as string } } }));
    try {
      const res = await client.callTool({ name: "enforce_action", arguments: { action: "files:delete" } });
      expect(res.structuredContent).toMatchObject({ decision: "block", reason: "action_blocked", passport_id: passport.id });
      expect((res.structuredContent as { signature: string }).signature).toMatch(/^eyJ/);
      // Another passport id is refused before any tool runs (the header is the agent's credential).
      const other = new Client({ name: "embed-test", version: "1" });
      await expect(
        other.connect(
          new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { "x-passport-id": "pass_AAAAAAAAAAAAAAAAAAAAAAAAAA" } } }),
        ),
      ).rejects.toThrow(/Unknown passport/);
    } finally {
      await client.close();
      enforcer.close();
    }
  });
});
