// The gateway over Streamable HTTP (`warden proxy --http PORT`): one MCP session per client, Host and Origin checked against DNS rebinding.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Gateway } from "./gateway";

export const MCP_PATH = "/mcp";
/** JSON-RPC bodies larger than this are refused (413). */
const MAX_BODY = 4 << 20;

export interface GatewayHttp {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the gateway at http://HOST:PORT/mcp; `allowedOrigins` adds origins beyond the server's own. */
export async function serveHttp(gateway: Gateway, port: number, host = "127.0.0.1", allowedOrigins: readonly string[] = []): Promise<GatewayHttp> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let hosts: Set<string> = new Set();
  let origins: Set<string> = new Set();
  const http: HttpServer = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) rpcError(res, 500, -32603, "Internal error");
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (new URL(req.url ?? "/", "http://x").pathname !== MCP_PATH) return rpcError(res, 404, -32000, `Not found: the MCP endpoint is ${MCP_PATH}`);
    // DNS rebinding: a page on another site must not reach a local gateway through the browser.
    if (!hosts.has((req.headers.host ?? "").toLowerCase())) return rpcError(res, 403, -32000, `Invalid Host header: ${req.headers.host ?? "none"}`);
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) return rpcError(res, 403, -32000, `Invalid Origin header: ${origin}`);
    const sid = req.headers["mcp-session-id"];
    const existing = typeof sid === "string" ? sessions.get(sid) : undefined;
    if (existing) return existing.handleRequest(req, res);
    if (sid !== undefined) return rpcError(res, 404, -32001, "Session not found: initialize again");
    if (req.method !== "POST") return rpcError(res, 400, -32000, "Bad request: no session; send initialize with POST first");
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8"));
    } catch (err) {
      return err instanceof BodyTooLarge
        ? rpcError(res, 413, -32600, "Request body too large")
        : rpcError(res, 400, -32700, "Parse error: the body is not JSON");
    }
    if (!isInitializeRequest(body)) return rpcError(res, 400, -32000, "Bad request: no session; the first request must be initialize");
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await gateway.createServer().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  await new Promise<void>((ok, fail) => {
    http.once("error", fail);
    http.listen(port, host, () => {
      http.off("error", fail);
      ok();
    });
  });
  const addr = http.address() as AddressInfo;
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const names = host === "127.0.0.1" || host === "::1" || host === "localhost" ? ["127.0.0.1", "localhost", "[::1]"] : [shown];
  hosts = new Set(names.map((n) => `${n}:${addr.port}`.toLowerCase()));
  origins = new Set([...names.flatMap((n) => [`http://${n}:${addr.port}`]), ...allowedOrigins].map((o) => o.toLowerCase()));
  return {
    url: `http://${shown}:${addr.port}${MCP_PATH}`,
    async close() {
      for (const t of sessions.values()) await t.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
    },
  };
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
