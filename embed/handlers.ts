// The two thin pieces of agent-warden/node that mount Warden on a Node app of your own: the server's
// routes as a request listener, and MCP over Streamable HTTP for one enforcer.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Enforcer } from "../enforcer/enforcer";
import type { Store } from "../enforcer/store";
import { ApprovalDesk } from "../desk/desk";
import { HeartbeatThrottle } from "../mcp/server";
import { OriginGuard, handleMcpHttp } from "../mcp/http";
import { Passports } from "../server/passports";
import { PopVerifier } from "../server/pop";
import type { WardenServer } from "../server/server";

/** A node:http request listener; Express and Connect accept it as middleware too. */
export type NodeRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The server's routes as a request listener for a Node server of your own (node:http `createServer`,
 * Express `app.use("/warden", …)` before any body parser): the same routes, API keys, limits, errors
 * and metrics as `server.listen`. `server.close()` still drains the requests it is serving and closes the store.
 * @example const warden = await createWardenServer({ store: SqliteStore.open("warden.db") }); app.use("/warden", wardenRequestListener(warden));
 */
export function wardenRequestListener(server: Pick<WardenServer, "http" | "ready">): NodeRequestListener {
  // Fastify routes a request only once its routes are set up: the first request waits for that.
  let ready: Promise<void> | null = null;
  return (req, res) => {
    (ready ??= server.ready()).then(
      () => server.http.emit("request", req, res),
      (err: unknown) => {
        res.statusCode = 500;
        res.end(`warden: the server could not start: ${(err as Error).message}`);
      },
    );
  };
}

export interface McpHandlerOptions {
  enforcer: Enforcer;
  /**
   * The enforcer's store: with it, trust_tier L3 passports are served and every call proves
   * possession of the passport's key (SPEC §11); without it, L3 passports are refused (fail closed).
   */
  store?: Store;
  /** Where people reach your app (its origin may send requests). Default: loopback names only. */
  publicUrl?: string | (() => string);
  /** Origins (`https://app.example`) allowed to reach the handler besides the public URL and loopback (DNS rebinding). */
  allowedOrigins?: string[];
  /** Send the passport's heartbeat at tool calls. Default true. */
  heartbeats?: boolean;
  /** Accept short, guessable passport ids (demos and tests only). */
  allowWeakPassportIds?: boolean;
  clock?: () => number;
}

/**
 * MCP over Streamable HTTP (stateless) for an app of your own: the agent names its passport in the
 * `x-passport-id` header and gets the six tools of `warden mcp`. An agent channel (SPEC §11).
 * For approval links, notifications and the dashboard as well, use `createHitl`, which serves /mcp too.
 * @example createServer((req, res) => (req.url === "/mcp" ? mcp(req, res) : res.writeHead(404).end())) where mcp = createMcpHandler({ enforcer, store });
 */
export function createMcpHandler(opts: McpHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { enforcer, store, clock } = opts;
  const desk = new ApprovalDesk(enforcer, clock);
  const heartbeats = opts.heartbeats === false ? false : new HeartbeatThrottle(enforcer, clock);
  const publicUrl = typeof opts.publicUrl === "function" ? opts.publicUrl : () => opts.publicUrl as string | undefined;
  const origins = new OriginGuard(publicUrl, opts.allowedOrigins ?? []);
  const passports = store ? new Passports(enforcer, store) : null;
  const proof = store && passports ? new PopVerifier(store, (id) => passports.publicJwk(id), clock) : null;
  return (req, res) => handleMcpHttp(req, res, { enforcer, desk, heartbeats, allowWeakPassportIds: opts.allowWeakPassportIds, proof, origins, clock });
}
