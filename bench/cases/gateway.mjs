// The gateway's added latency (issue 16): server-everything's echo tool called by the MCP SDK client over stdio, directly
// and through `warden proxy` (the built CLI, memory store, a passport with a daily cap), and the difference of the medians.
// Both are real processes talking JSON-RPC over pipes, so the difference is the gateway's whole cost: one more stdio hop,
// the decision (signed, audited) and the permit report.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ROOT } from "../lib/inputs.mjs";

const require = createRequire(import.meta.url);

async function connect(command, args) {
  const client = new Client({ name: "warden-bench", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command, args, stderr: "ignore" }));
  return client;
}

const IDS = ["gateway.direct", "gateway.proxied", "gateway.added"];

export async function gatewayCases(ctx) {
  // Under --only without a gateway case, start no MCP servers at all.
  if (ctx?.wants && !IDS.some(ctx.wants)) return [];
  let everything;
  try {
    everything = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");
  } catch {
    const pending = "@modelcontextprotocol/server-everything is not installed (npm ci installs the devDependencies)";
    return IDS.map((id) => ({ id, group: "gateway", name: id, pending }));
  }
  const dir = mkdtempSync(join(tmpdir(), "warden-bench-gateway-"));
  writeFileSync(join(dir, "passport.json"), JSON.stringify({ id: "pass_bench_gateway", constraints: { "core:cost:max_per_day": 1_000_000 } }));
  writeFileSync(
    join(dir, "proxy.json"),
    JSON.stringify({
      passport: "./passport.json",
      store: "memory",
      servers: { ev: { command: process.execPath, args: [everything, "stdio"] } },
      tools: { "ev:echo": { cost_cents: 0 } },
    }),
  );
  const direct = await connect(process.execPath, [everything, "stdio"]);
  const proxied = await connect(process.execPath, [`${ROOT}dist/cli/warden.js`, "proxy", "--config", join(dir, "proxy.json"), "--notify", "none"]);
  const echo = (client) => async () => {
    const r = await client.callTool({ name: "echo", arguments: { message: "hello" } });
    if (r.isError) throw new Error(`echo failed: ${JSON.stringify(r.content)}`);
  };
  await echo(proxied)();
  const close = async () => {
    await direct.close();
    await proxied.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return [
    {
      id: "gateway.direct",
      group: "gateway",
      name: "tools/call echo, server-everything direct (stdio)",
      async: true,
      fn: echo(direct),
      note: "MCP SDK client → server-everything over stdio",
    },
    {
      id: "gateway.proxied",
      group: "gateway",
      name: "tools/call echo through warden proxy (stdio)",
      async: true,
      fn: echo(proxied),
      after: close,
      note: "MCP SDK client → warden proxy (memory store; decision signed and audited, permit reported) → server-everything",
    },
    {
      id: "gateway.added",
      group: "gateway",
      name: "gateway added latency (derived)",
      derived: true,
      derive: (r) => {
        const median = r["gateway.proxied"].median_ns - r["gateway.direct"].median_ns;
        return { median_ns: median, p99_ns: r["gateway.proxied"].p99_ns - r["gateway.direct"].median_ns, ops_per_s: 1e9 / median };
      },
      note: "median through the gateway − median direct (p99: through p99 − direct median); the ratio through ÷ direct is in the targets",
    },
  ];
}
