// The enforcement server: node:http, a router of /v1 routes, API keys, rate limits, metrics and a
// graceful shutdown that finishes requests in flight before closing the store.

import type { IncomingMessage, Server } from "node:http";
import { Readable } from "node:stream";
import Fastify, { type FastifyReply, type FastifyRequest, type HTTPMethods } from "fastify";
import FindMyWay, { type HTTPMethod } from "find-my-way";
import type { AddressInfo } from "node:net";
import type { JWK } from "jose";
import { Enforcer } from "../enforcer/enforcer";
import type { Store } from "../enforcer/store";
import { ApiKeys } from "./auth";
import { ServerEvents, type ServerDeps } from "./context";
import { ApiError, errors, toApiError } from "./errors";
import { Reply, errorReply, fromFastify, parseJson, send } from "./http";
import { RateLimiter } from "./limiter";
import { ServerMetrics } from "./metrics";
import { Passports } from "./passports";
import { PopVerifier } from "./pop";
import { type RequestContext, type Route, Router } from "./router";
import { bufferedBodies } from "../desk/web";
import type { ApiKeyInfo } from "./auth";
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
  /** Finishes route set-up without listening, for serving `http`'s requests from a server of your own (routes added later are refused). */
  ready(): Promise<void>;
  /** Stops accepting, finishes requests in flight (up to the drain timeout), then closes the store. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
/** The verified key of each request, set by the onRequest hook for the handler. */
const authOf = new WeakMap<IncomingMessage, ApiKeyInfo | null>();

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

  // Fastify matches routes (trailing and doubled slashes ignored, as before), bounds and buffers
  // bodies (413 past maxBody) and writes replies; the route table stays ours (router.ts).
  const app = Fastify({
    bodyLimit: maxBody,
    // Bounds for slow or idle clients; a load balancer's keep-alive should be shorter than ours.
    requestTimeout: 30_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: false,
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 4096 },
  });
  app.server.headersTimeout = 10_000;
  // Every body arrives as the exact bytes sent, whatever its content type: handlers parse JSON with
  // paths in errors (http.ts), and webhooks verify signatures over the raw bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  // 405 needs the methods a path has: a second find-my-way table (Fastify's own router) of the same routes.
  const methodsOf = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 4096 });
  const methods: string[] = [];

  router.mount((route) => {
    app.route({ method: route.method as HTTPMethods, url: route.pattern, config: { route }, handler: (request, reply) => serve(route, request, reply) });
    methodsOf.on(route.method as HTTPMethod, route.pattern, () => undefined);
    if (!methods.includes(route.method)) methods.push(route.method);
  });

  app.addHook("onRequest", async (request, reply) => {
    const started = performance.now();
    inFlight++;
    reply.raw.once("close", () => {
      const route = (request.routeOptions.config as { route?: Route }).route;
      metrics.requests.inc({ route: route?.name ?? "unmatched", method: request.method, status: String(reply.raw.statusCode) });
      metrics.requestSeconds.observe({ route: route?.name ?? "unmatched" }, (performance.now() - started) / 1000);
      if (--inFlight === 0 && drained) drained();
    });
    const route = (request.routeOptions.config as { route?: Route }).route;
    if (!route) return;
    // Before the body is read: an unauthenticated caller never gets its body buffered.
    const auth = route.auth === "api_key" ? await authenticate(request.raw) : null;
    limit(auth ? `key:${auth.key_id}` : `addr:${request.raw.socket.remoteAddress}`);
    if (auth?.role === "agent" && route.role !== "agent") {
      throw new ApiError(
        "operator_only",
        `${request.method} ${route.pattern} needs an operator key; this is an agent key (it may enforce, heartbeat, report and read state and approvals)`,
      );
    }
    authOf.set(request.raw, auth);
  });

  app.setNotFoundHandler(async (request) => {
    const path = new URL(request.url, "http://localhost").pathname;
    const allowed = methods.filter((m) => methodsOf.find(m as HTTPMethod, path) !== null);
    if (allowed.length === 0) throw new ApiError("not_found", `no route ${request.method} ${path}; see /v1/openapi.json`);
    throw new ApiError("method_not_allowed", `${request.method} is not allowed here (allowed: ${allowed.join(", ")})`, {
      headers: { allow: allowed.join(", ") },
    });
  });

  app.setErrorHandler(async (err, request, reply) => {
    const api = toApiError(fromFastify(err, maxBody));
    if (api.status === 500) log(`warden serve: ${request.method} ${request.url}: ${(err as Error)?.stack ?? String(err)}`);
    if (reply.sent || reply.raw.headersSent) return;
    return answer(reply, errorReply(api));
  });

  async function serve(route: Route, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const body = Buffer.isBuffer(request.body) ? request.body : EMPTY;
    if (Buffer.isBuffer(request.body)) bufferedBodies.set(request.raw, request.body);
    // A raw route writes the response itself (SSE, MCP Streamable HTTP, pages): Fastify lets go of it.
    if (route.raw) reply.hijack();
    const ctx: RequestContext = {
      req: request.raw,
      res: reply.raw,
      url: new URL(request.url, "http://localhost"),
      params: request.params as Record<string, string>,
      auth: authOf.get(request.raw) ?? null,
      rawBody: async () => body,
      json: async () => parseJson(body),
    };
    try {
      const result = await route.handler(ctx);
      if (route.raw) return;
      return answer(reply, result instanceof Reply ? result : new Reply(200, result));
    } catch (err) {
      if (!route.raw) throw err;
      const api = toApiError(err);
      if (api.status === 500) log(`warden serve: ${request.method} ${request.url}: ${(err as Error)?.stack ?? String(err)}`);
      if (reply.raw.headersSent) reply.raw.destroy();
      else await send(reply.raw, errorReply(api)).catch(() => reply.raw.destroy());
    }
  }

  function answer(reply: FastifyReply, r: Reply): FastifyReply {
    const headers: Record<string, string> = { "cache-control": "no-store", ...r.headers };
    if (state.draining) headers.connection = "close";
    const body = r.body;
    reply.code(r.status);
    if (body !== null && typeof body === "object" && Symbol.asyncIterator in body) {
      return reply.headers(headers).send(Readable.from(body as AsyncIterable<string>));
    }
    if (typeof body === "string" && headers["content-type"] !== undefined) return reply.headers(headers).send(body);
    headers["content-type"] = "application/json; charset=utf-8";
    return reply.headers(headers).send(body === undefined ? "" : JSON.stringify(body));
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

  const http = app.server;

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
      return app.listen({ port, host }).then(() => http.address() as AddressInfo);
    },
    async ready() {
      await app.ready();
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
