// MCP over Streamable HTTP at /mcp: stateless (any node can answer any request), the passport named by the x-passport-id header.

import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { Enforcer } from "../enforcer/enforcer";
import type { ApprovalDesk } from "../desk/desk";
import { createMcpServer, type HeartbeatThrottle } from "./server";
import { HttpError, header, readBody } from "../desk/web";
import { isErrorCode, statusOf, type ErrorCode } from "../enforcer/error-codes";
import { RequestError } from "../bindings/errors";
import { validateBody } from "../bindings/validate-body";
import { jsonRpcBodySchema } from "../bindings/gen/zod";

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

/** The `Warden-PoP` header: a JWS over method, path and body digest made with the passport's private key (server/pop.ts). */
export const POP_HEADER = "warden-pop";

/** Checks the proof of possession an L3 passport needs on every call; throws an error with a `code` to refuse. */
export interface McpProof {
  verify(passportId: string, req: { method: string; path: string; body: Uint8Array; header: string | undefined }): Promise<void>;
}

export interface McpHttpOptions {
  enforcer: Enforcer;
  desk: ApprovalDesk;
  heartbeats: HeartbeatThrottle | false;
  /** Accept short, guessable passport ids (demos and tests only). */
  allowWeakPassportIds?: boolean;
  /** Proof of possession for trust_tier L3 passports; without it, L3 passports are refused here (fail closed). */
  proof?: McpProof | null;
  /** Which Origin and Host headers are served (DNS rebinding); default: loopback names only. */
  origins?: OriginGuard;
  clock?: () => number;
}

/**
 * Origin and Host checks of MCP's Streamable HTTP transport (against DNS rebinding): the Host's name
 * must be the server's own (loopback, the public URL's host) or on the allow-list; an Origin, when a
 * browser sends one, must be the server's own origin (the public URL, or the Host it was sent to) or
 * on the allow-list.
 */
export class OriginGuard {
  private readonly origins: Set<string>;
  private readonly hosts: Set<string>;

  /** `publicUrl`: where people reach the server (asked each time: a port known only after listen); `allow`: extra origins. */
  constructor(
    private readonly publicUrl: () => string | undefined = () => undefined,
    allow: readonly string[] = [],
  ) {
    this.origins = new Set(allow.map(originOf).filter((o): o is string => o !== null));
    this.hosts = new Set([...LOOPBACK_NAMES, ...[...this.origins].map((o) => new URL(o).hostname)]);
  }

  /** Null when the request may be served; otherwise why not. */
  check(req: IncomingMessage): { code: "host_not_allowed" | "origin_not_allowed"; message: string } | null {
    const own = originOf(this.publicUrl() ?? "");
    const host = header(req, "host") ?? "";
    const hostName = hostnameOf(host);
    if (hostName === null || !(this.hosts.has(hostName) || (own !== null && new URL(own).hostname === hostName))) {
      return {
        code: "host_not_allowed",
        message: `Host ${JSON.stringify(host)} is not this server's; add its origin to the allowed origins (WARDEN_MCP_ALLOWED_ORIGINS)`,
      };
    }
    const origin = header(req, "origin");
    if (origin === undefined) return null;
    const normal = originOf(origin);
    const sameHost = normal !== null && normal === originOf(`${new URL(normal).protocol}//${host}`);
    if (normal === null || !(sameHost || normal === own || this.origins.has(normal))) {
      return {
        code: "origin_not_allowed",
        message: `Origin ${JSON.stringify(origin)} is not allowed; add it to the allowed origins (WARDEN_MCP_ALLOWED_ORIGINS)`,
      };
    }
    return null;
  }
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];

/** `scheme://host[:port]` of an http(s) URL, or null. */
function originOf(text: string): string | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  return url.protocol === "http:" || url.protocol === "https:" ? url.origin : null;
}

function hostnameOf(host: string): string | null {
  if (host === "" || !URL.canParse(`http://${host}`)) return null;
  const url = new URL(`http://${host}`);
  return url.username || url.password || url.pathname !== "/" ? null : url.hostname;
}

/** Handles one POST/GET/DELETE on /mcp. */
export async function handleMcpHttp(req: IncomingMessage, res: ServerResponse, opts: McpHttpOptions): Promise<void> {
  // First of all: a page on another site must not reach this server through a rebound DNS name.
  const refused = (opts.origins ?? new OriginGuard()).check(req);
  if (refused) return rpcRefusal(res, refused.code, -32000, refused.message);
  if (req.method !== "POST") {
    // Stateless: no sessions to resume or delete, no server-initiated stream.
    return rpcError(res, 405, -32000, "Method not allowed: this server is stateless; send JSON-RPC with POST", { allow: "POST" });
  }
  const passportId = header(req, PASSPORT_HEADER)?.trim() ?? "";
  if (!passportId) return rpcError(res, 401, -32001, `Missing ${PASSPORT_HEADER} header`);
  if (!opts.allowWeakPassportIds && !isCredentialGrade(passportId)) {
    return rpcError(res, 401, -32001, `${PASSPORT_HEADER} is too short to be a credential; issue passports with unguessable ids`);
  }
  let trustTier: unknown;
  try {
    trustTier = (await opts.enforcer.policy(passportId)).passport.trust_tier;
  } catch {
    return rpcError(res, 401, -32001, `Unknown passport in ${PASSPORT_HEADER}`);
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_MCP_BODY);
  } catch (err) {
    if (err instanceof HttpError) return rpcError(res, err.status, -32600, err.message);
    throw err;
  }
  if (trustTier === "L3") {
    // SPEC §11: every agent-channel call of an L3 passport proves possession of its key, MCP included.
    const proof = header(req, POP_HEADER);
    if (!opts.proof)
      return rpcRefusal(res, "pop_required", -32001, "pop_required: this server cannot check proofs of possession, so it serves no L3 passport on /mcp");
    try {
      await opts.proof.verify(passportId, { method: "POST", path: new URL(req.url ?? "/", "http://localhost").pathname, body: raw, header: proof });
    } catch (err) {
      const given = (err as { code?: unknown }).code;
      const code = isPopCode(given) ? given : "pop_invalid";
      return rpcRefusal(res, code, -32001, `${code}: ${(err as Error).message}`, { "www-authenticate": `WardenPoP realm="warden", error="${code}"` });
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return rpcError(res, 400, -32700, "Parse error: the body is not JSON");
  }
  // The envelope (schemas/json-rpc.schema.json) before the SDK sees it: a typed Invalid Request naming the path.
  try {
    validateBody(jsonRpcBodySchema, body, "JSON-RPC message");
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    return rpcRefusal(res, err.code, -32600, `Invalid Request: ${err.message}`, {}, { path: err.path, ...(err.hint !== undefined && { hint: err.hint }) });
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

/** A proof-of-possession failure (pop_required, pop_invalid, pop_stale, pop_replayed): a 401. */
function isPopCode(code: unknown): code is Extract<ErrorCode, `pop_${string}`> {
  return isErrorCode(code) && code.startsWith("pop_");
}

/** A refusal with a typed code (`data.code`, and `data.path` into the body) a client can act on, at the code's status in the one table. */
function rpcRefusal(
  res: ServerResponse,
  reason: ErrorCode,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  where: { path?: string; hint?: string } = {},
): void {
  rpcError(res, statusOf(reason), code, message, headers, reason, where);
}

/** A JSON-RPC error before any message is handled; `reason` is the typed code (`data.code`) a client can act on, `where` the body's path. */
function rpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
  reason?: ErrorCode,
  where: { path?: string; hint?: string } = {},
): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message, ...(reason && { data: { code: reason, ...where } }) }, id: null });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}
