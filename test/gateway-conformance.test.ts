// `warden proxy --http` against the MCP conformance suite's applicable server scenarios (@modelcontextprotocol/conformance,
// run under Bun: the suite needs Node 22's fs.globSync). The gateway fronts server-everything over stdio.

import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Enforcer } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { serveHttp, type GatewayHttp } from "../gateway/http";
import { runtimeBins } from "../scripts/runtimes/bins.mjs";
import { everythingServer, gatewayPassport, sandboxDir, startGateway, type GatewayRig } from "./gateway-helpers";

const run = promisify(execFile);
const SUITE = createRequire(import.meta.url).resolve("@modelcontextprotocol/conformance/dist/index.js");
const SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"];

let rig: GatewayRig;
let http: GatewayHttp;
let enforcer: Enforcer;

beforeAll(async () => {
  const passport = gatewayPassport({ "core:cost:max_per_day": 100 });
  enforcer = await Enforcer.create({ store: new MemoryStore() });
  await enforcer.register(passport);
  const sandbox = sandboxDir();
  rig = await startGateway(enforcer, passport.id as string, { servers: { ev: everythingServer() } }, sandbox);
  http = await serveHttp(rig.gateway, 0);
}, 60_000);

afterAll(async () => {
  await http?.close();
  await rig?.close();
  enforcer?.close();
});

describe("warden proxy --http: MCP conformance", () => {
  it.each(SCENARIOS)(
    "passes %s",
    async (scenario) => {
      const bun = (runtimeBins() as { bun: { path?: string; reason?: string } }).bun;
      if (!bun.path) throw new Error(`Bun is missing (${bun.reason}): run \`npm run runtimes:install\` (npm test installs it)`);
      // A URL naming localhost, as the suite's clients use (the DNS-rebinding scenario swaps the Host and Origin).
      const url = http.url.replace("127.0.0.1", "localhost");
      const { stdout } = await run(bun.path, [SUITE, "server", "--url", url, "--scenario", scenario], { timeout: 60_000 }).catch((err) => ({
        stdout: `${err.stdout}\n${err.stderr}`,
      }));
      expect(stdout, stdout).toMatch(/Passed: ([1-9]\d*)\/\1, 0 failed/);
    },
    90_000,
  );
});
