// Shared setup for the gateway tests: real downstream MCP servers (filesystem, everything) behind a Gateway, the MCP SDK client as the agent.

import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Enforcer } from "../enforcer/enforcer";
import { randomId } from "../enforcer/ids";
import type { ProxyConfig } from "../gateway/config";
import { Gateway } from "../gateway/gateway";
import { EmbeddedGuard, type EmbeddedGuardOptions } from "../gateway/guard";

const require = createRequire(import.meta.url);
export const FS_SERVER = require.resolve("@modelcontextprotocol/server-filesystem/dist/index.js");
export const EVERYTHING_SERVER = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");

export const fsServer = (dir: string) => ({ command: process.execPath, args: [FS_SERVER, dir] });
export const everythingServer = () => ({ command: process.execPath, args: [EVERYTHING_SERVER, "stdio"] });

export function gatewayPassport(constraints: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: randomId("pass"), agent_name: "Gateway test agent", issuer_id: "iss_acme", constraints, ...extra };
}

export interface GatewayRig {
  gateway: Gateway;
  agent: Client;
  logs: string[];
  sandbox: string;
  close(): Promise<void>;
}

/** A temporary sandbox directory (removed by the rig's close). */
export function sandboxDir(): string {
  return mkdtempSync(join(tmpdir(), "warden-gw-"));
}

/** A gateway for `passportId` on `enforcer`, its downstream servers started, and an agent connected in memory. */
export async function startGateway(
  enforcer: Enforcer,
  passportId: string,
  config: Omit<ProxyConfig, "passport">,
  sandbox: string,
  guardOpts: EmbeddedGuardOptions = {},
): Promise<GatewayRig> {
  const logs: string[] = [];
  const guard = new EmbeddedGuard(enforcer, passportId, guardOpts);
  const gateway = new Gateway({ config: { passport: passportId, ...config }, base: sandbox, guard, engine: enforcer.engine, log: (l) => logs.push(l) });
  await gateway.start();
  const [a, b] = InMemoryTransport.createLinkedPair();
  await gateway.createServer().connect(a);
  const agent = new Client({ name: "test-agent", version: "1.0.0" });
  await agent.connect(b);
  return {
    gateway,
    agent,
    logs,
    sandbox,
    async close() {
      await agent.close().catch(() => undefined);
      await gateway.close();
      rmSync(sandbox, { recursive: true, force: true });
    },
  };
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const first = ((result as { content?: unknown }).content as { type: string; text?: string }[] | undefined)?.[0];
  return first?.type === "text" ? (first.text ?? "") : "";
}
