// The enforcement server: node:http, a router of /v1 routes, API keys, rate limits, metrics and a
// graceful shutdown that finishes requests in flight before closing the store.

import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { Enforcer } from "../enforcer/enforcer";
import type { Store } from "../enforcer/store";
import { ApiKeys } from "./auth";
import { ServerEvents, type ServerDeps } from "./context";
import { ApiError, errors, toApiError } from "./errors";
import { Reply, errorReply, parseJson, readBody, send } from "./http";
import { RateLimiter } from "./limiter";
import { ServerMetrics } from "./metrics";
import { Passports } from "./passports";
import { PopVerifier } from "./pop";
import { type RequestContext, Router } from "./router";
import { approvalRoutes } from "./routes/approvals";
import { enforceRoutes } from "./routes/enforce";
import { passportRoutes } from "./routes/passports";
import { publicRoutes } from "./routes/public";
import { modeiRoutes } from "./modei";
import { nodeCrypto } from "../node/node-crypto";
import { serverSigningJwk } from "../node/signing-key";
import { hitlRoutes, type HitlServerOptions } from "./hitl-mount";
import { dashboardPassportRoutes } from "./dashboard-passports";
import { traceDecisions } from "./otel";
import { AuditWitness, type WitnessOptions } from "./witness";
import { importSigningKey } from "../enforcer/signing";

import { FAIL_CLOSED_INTERVAL_MS, startFailClosedTimer, type FailClosedTimer } from "./fail-closed";

export interface ServerOptions {
  store: Store;
  /** Shown by /healthz: `sqlite`, `redis` or `memory`. */
  storeKind?: string;
  /** Private Ed25519 JWK for decisions and audit records; default: the one kept in the store. */
  signingJwk?: JWK;
  /** The key file (mode 0600; made on first start, or moved there from the store): keeps the key out of the store. */
  signingKeyFile?: string;
  /** Signed checkpoints of the audit chain heads, sent to a witness outside the store (server/witness.ts). */
  auditWitness?: WitnessOptions;
  /** Largest request body, in bytes (413 beyond). Default 1 MiB. */
  maxBodyBytes?: number;
  /** Requests per second per API key (or per address without one); 0 turns it off. Default 2000. */
  rateLimit?: number;
  /** Requests allowed in a burst above the rate. Default twice the rate. */
  rateBurst?: number;
  /** How long a shutdown waits for requests in flight, in ms. Default 10 s. */
  drainTimeoutMs?: number;
  /** Human in the loop (/mcp, SMS replies, approval links, dashboard): links, notifier, secrets (server/hitl-mount.ts). */
  hitl?: HitlServerOptions;
  /** How often silent agents of fail_closed passports are tripped, in ms (SPEC §11); 0: only by `failClosed.tick()`. Default 15 s. */
  failClosedIntervalMs?: number;
  /** Epoch ms; injected in tests. */
  clock?: () => number;
  /** Where unexpected errors are reported. Default stderr. */
  log?: (line: string) => void;
}

export interface WardenServer {
  readonly http: Server;
  /** Add routes here (MCP, webhooks, pages); they get API-key auth, limits, errors and metrics for free. */
  readonly router: Router;
  readonly events: ServerEvents;
  readonly enforcer: Enforcer;
  readonly store: Store;
  readonly metrics: ServerMetrics;
  /** The fail-closed timer (server/fail-closed.ts). */
  readonly failClosed: FailClosedTimer;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Stops accepting, finishes requests in flight (up to the drain timeout), then closes the store. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * @example const server = await createWardenServer({ store: SqliteStore.open("warden.db") }); await server.listen(8787);
 */
export async function createWardenServer(opts: ServerOptions): Promise<WardenServer> {
  const clock = opts.clock ?? Date.now;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const store = opts.store;
  const signingKey = await serverSigningJwk(store, { explicit: opts.signingJwk, file: opts.signingKeyFile, log });
  const enforcer = await Enforcer.create({ store, clock, signingKey, hostCrypto: nodeCrypto });
  const witness = opts.auditWitness ? new AuditWitness(opts.auditWitness, await importSigningKey(signingKey), log, clock, nodeCrypto) : null;
  if (witness) enforcer.onEvent((e) => witness.observe(e));
  const metrics = new ServerMetrics();
  const events = new ServerEvents();
  enforcer.onEvent((e) => {
    metrics.events.inc({ type: e.type });
    events.emit("record", e);
  });
  await traceDecisions(events); // OpenTelemetry spans when @opentelemetry/api is installed (server/otel.ts)
  const passports = new Passports(enforcer, store);
  const pop = new PopVerifier(store, (id) => passports.publicJwk(id), clock);
  const deps: ServerDeps = { enforcer, store, passports, pop, metrics, events, storeKind: opts.storeKind ?? "custom", clock };
  const state = { draining: false };

  const router = new Router();
  publicRoutes(router, deps, state);
  passportRoutes(router, deps);
  enforceRoutes(router, deps);
  approvalRoutes(router, deps);
  const keys = new ApiKeys(store, clock);
  const hitl = hitlRoutes(router, deps, keys, { log, ...opts.hitl });
  dashboardPassportRoutes(router, deps, hitl);
  modeiRoutes(router, deps); // last: aliases the routes above under Modei's paths
  const failClosed = startFailClosedTimer(enforcer, opts.failClosedIntervalMs ?? FAIL_CLOSED_INTERVAL_MS, log);

  const limiter = new RateLimiter(opts.rateLimit ?? 2000, opts.rateBurst, clock);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let routeName = "unmatched";
    let reply: Reply | undefined;
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = router.match(req.method ?? "GET", url.pathname);
      if (match.kind === "none") throw new ApiError("not_found", `no route ${req.method} ${url.pathname}; see /v1/openapi.json`);
      if (match.kind === "wrong_method") {
        throw new ApiError("method_not_allowed", `${req.method} is not allowed here (allowed: ${match.allowed.join(", ")})`, {
          headers: { allow: match.allowed.join(", ") },
        });
      }
      routeName = match.route.name;
      const auth = match.route.auth === "api_key" ? await authenticate(req) : null;
      limit(auth ? `key:${auth.key_id}` : `addr:${req.socket.remoteAddress}`);
      if (auth?.role === "agent" && match.route.role !== "agent") {
        throw new ApiError(
          "operator_only",
          `${req.method} ${match.route.pattern} needs an operator key; this is an agent key (it may enforce, heartbeat, report and read state and approvals)`,
        );
      }
      const ctx = context(req, res, url, match.params, auth);
      const result = await match.route.handler(ctx);
      if (res.headersSent || res.writableEnded) return;
      reply = result instanceof Reply ? result : new Reply(200, result);
    } catch (err) {
      const api = toApiError(err);
      if (api.status === 500) log(`warden serve: ${req.method} ${req.url}: ${(err as Error)?.stack ?? String(err)}`);
      reply = errorReply(api);
    } finally {
      if (reply && !res.headersSent) {
        if (state.draining) res.setHeader("connection", "close");
        await send(res, reply).catch(() => res.destroy());
      }
      const status = String(res.statusCode);
      metrics.requests.inc({ route: routeName, method: req.method ?? "", status });
      metrics.requestSeconds.observe((performance.now() - started) / 1000, { route: routeName });
    }
  }

  async function authenticate(req: IncomingMessage) {
    try {
      return await keys.verify(req.headers.authorization);
    } catch (err) {
      // Failed attempts count against the address, so guessing keys is rate limited too.
      limit(`addr:${req.socket.remoteAddress}`);
      throw err;
    }
  }

  function limit(client: string): void {
    const wait = limiter.take(client);
    if (wait > 0) throw new ApiError("rate_limited", `too many requests; retry in ${wait} s`, { headers: { "retry-after": String(wait) } });
  }

  function context(req: IncomingMessage, res: ServerResponse, url: URL, params: Record<string, string>, auth: RequestContext["auth"]): RequestContext {
    let body: Promise<Buffer> | null = null;
    const rawBody = () => (body ??= readBody(req, maxBody));
    return { req, res, url, params, auth, rawBody, json: async () => parseJson(await rawBody()) };
  }

  const http = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch(() => res.destroy())
      .finally(() => {
        if (--inFlight === 0 && drained) drained();
      });
  });
  // Bounds for slow or idle clients; a load balancer's keep-alive should be shorter than ours.
  http.requestTimeout = 30_000;
  http.headersTimeout = 10_000;
  http.keepAliveTimeout = 5_000;

  let closing: Promise<void> | null = null;
  const server: WardenServer = {
    http,
    router,
    events,
    enforcer,
    store,
    metrics,
    failClosed,
    listen(port, host = "127.0.0.1") {
      return new Promise((ok, fail) => {
        http.once("error", fail);
        http.listen(port, host, () => {
          http.off("error", fail);
          ok(http.address() as AddressInfo);
        });
      });
    },
    close() {
      return (closing ??= (async () => {
        state.draining = true;
        await failClosed.stop();
        hitl.close();
        const stopped = new Promise<void>((ok) => http.close(() => ok()));
        http.closeIdleConnections();
        if (inFlight > 0) {
          await Promise.race([
            new Promise<void>((ok) => {
              drained = ok;
            }),
            new Promise<void>((ok) => setTimeout(ok, opts.drainTimeoutMs ?? 10_000).unref()),
          ]);
        }
        http.closeAllConnections();
        await stopped;
        enforcer.close();
        await witness?.close(); // the last checkpoint, before the store closes
        await store.close();
      })());
    },
  };
  return server;
}

export { errors };
