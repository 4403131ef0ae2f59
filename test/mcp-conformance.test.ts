// The MCP conformance suite (@modelcontextprotocol/conformance, pinned) against /mcp: initialize, ping,
// tools/list and DNS-rebinding protection. The suite needs Node 22's fs.globSync, so it runs under the
// Bun binary the runtime tests install (scripts/runtimes/bins.mjs). Its client cannot send headers, so a
// loopback relay adds the agent's x-passport-id and passes Host and Origin through untouched.

import { execFile } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../enforcer/memory-store";
import { createWardenServer, type WardenServer } from "../server/server";
import { runtimeBins } from "../scripts/runtimes/bins.mjs";
import { REQUIRE_SUITES } from "./server-harness";

const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];
const SUITE = join(import.meta.dirname, "../node_modules/@modelcontextprotocol/conformance/dist/index.js");
const bun: string | null = (runtimeBins() as Record<string, { path: string | null }>).bun.path;
const missing = bun === null && !REQUIRE_SUITES;

let server: WardenServer;
let relay: Server;
let url: string;
const pid = `pass_${"c".repeat(24)}`;

beforeAll(async () => {
  if (missing) return;
  server = await createWardenServer({ store: new MemoryStore(), rateLimit: 0, log: () => undefined, hitl: { notifier: null } });
  const target = (await server.listen(0)).port;
  await server.enforcer.register({ id: pid, constraints: {} });
  relay = createServer((req, res) => {
    const out = request({ host: "127.0.0.1", port: target, method: req.method, path: req.url, headers: { ...req.headers, "x-passport-id": pid } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((ok) => relay.listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  if (missing) return;
  relay.closeAllConnections();
  await new Promise<void>((ok) => relay.close(() => ok()));
  await server.close();
});

describe.skipIf(missing)("MCP conformance suite", () => {
  it.each(SCENARIOS)(
    "%s passes",
    async (scenario) => {
      if (bun === null) throw new Error("bun is not installed: run `npm run runtimes:install`");
      const out = mkdtempSync(join(tmpdir(), "warden-mcp-conformance-"));
      try {
        const run = await new Promise<{ code: number | null; text: string }>((ok) => {
          execFile(bun, [SUITE, "server", "--url", url, "--scenario", scenario, "--output-dir", out], { timeout: 60_000 }, (err, stdout, stderr) => {
            ok({ code: err ? ((err as { code?: number }).code ?? 1) : 0, text: `${stdout}\n${stderr}` });
          });
        });
        const checks = readChecks(out);
        expect(checks.length, run.text).toBeGreaterThan(0);
        const failed = checks.filter((c) => c.status === "FAILURE");
        expect(failed, run.text).toEqual([]);
        expect(run.code, run.text).toBe(0);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    90_000,
  );
});

/** Every check the suite wrote (checks.json files under the output directory). */
function readChecks(dir: string): Array<{ id: string; status: string }> {
  const found: Array<{ id: string; status: string }> = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name === "checks.json") found.push(...JSON.parse(readFileSync(join(entry.parentPath, entry.name), "utf8")));
  }
  return found;
}
