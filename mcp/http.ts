// MCP over Streamable HTTP at /mcp: stateless (any node can answer any request), the passport named by the x-passport-id header.

import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Enforcer } from "../enforcer/enforcer";
import type { ApprovalDesk } from "../desk/desk";
import { createMcpServer, type HeartbeatThrottle } from "./server";
import { HttpError, header, readBody } from "../desk/web";

export const PASSPORT_HEADER = "x-passport-id";
/** JSON-RPC bodies larger than this are refused (413). */
const MAX_MCP_BODY = 1 << 20;
/**
 * The header is the agent's credential, so the id must be unguessable. We cannot measure entropy, but
 * we refuse ids that are too short to hold 128 random bits (22 base64url or 32 hex characters after the prefix).
 */
const CREDENTIAL_ID = /^[A-Za-z]+_[A-Za-z0-9_-]{22,}$/;

export function isCredentialGrade(passportId: string): boolean {
  return CREDENTIAL_ID.test(passportId);
}

export interface McpHttpOptions {
  enforcer: Enforcer;
  desk: ApprovalDesk;
  heartbeats: HeartbeatThrottle | false;
  /** Accept short, guessable passport ids (demos and tests only). */
  allowWeakPassportIds?: boolean;
  clock?: () => number;
}

/** Handles one POST/GET/DELETE on /mcp. */
export async function handleMcpHttp(req: IncomingMessage, res: ServerResponse, opts: McpHttpOptions): Promise<void> {
  if (req.method !== "POST") {
    // Stateless: no sessions to resume or delete, no server-initiated stream.
    return rpcError(res, 405, -32000, "Method not allowed: this server is stateless; send JSON-RPC with POST", { allow: "POST" });
  }
  const passportId = header(req, PASSPORT_HEADER)?.trim() ?? "";
  if (!passportId) return rpcError(res, 401, -32001, `Missing ${PASSPORT_HEADER} header`);
  if (!opts.allowWeakPassportIds && !isCredentialGrade(passportId)) {
    return rpcError(res, 401, -32001, `${PASSPORT_HEADER} is too short to be a credential; issue passports with unguessable ids`);
  }
  try {
    await opts.enforcer.policy(passportId);
  } catch {
    return rpcError(res, 401, -32001, `Unknown passport in ${PASSPORT_HEADER}`);
  }
  let body: unknown;
  try {
    body = JSON.parse((await readBody(req, MAX_MCP_BODY)).toString("utf8"));
  } catch (err) {
    if (err instanceof HttpError) return rpcError(res, err.status, -32600, err.message);
    return rpcError(res, 400, -32700, "Parse error: the body is not JSON");
  }
  const server = createMcpServer({ enforcer: opts.enforcer, passportId, desk: opts.desk, heartbeats: opts.heartbeats, clock: opts.clock });
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

function rpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
