// The route table of `warden serve`: route modules register a method, a path pattern with `:params`
// and a handler here; server.ts hands each one to Fastify, which matches, bounds and parses requests.
// Later features (MCP, webhooks, pages) add their own routes to the same table.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiKeyInfo } from "./auth";
import type { Operation } from "./openapi-operation";

/** Who may call a route: any API key (`api_key`) or anyone (`none`). */
export type RouteAuth = "api_key" | "none";

/**
 * Which API-key roles may call an `api_key` route (SPEC §11): `operator` only (the default), or
 * `agent` too (enforce, report, heartbeat, reading state and approvals).
 */
export type RouteRole = "operator" | "agent";

export interface RouteOptions {
  auth?: RouteAuth;
  role?: RouteRole;
  /** The handler writes `ctx.res` itself (streams, pages, MCP); the server sends nothing for it. */
  raw?: boolean;
  /** The route's OpenAPI documentation, declared here at its registration (/v1/openapi.json is built from it). */
  doc?: Operation;
}

export interface RequestContext {
  req: IncomingMessage;
  /** The raw response, for `raw` routes that write it themselves (streaming protocols, pages). */
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The verified API key of an `api_key` route; null on public routes. */
  auth: ApiKeyInfo | null;
  /** The raw body (read once, bounded by the server's limit: 413 beyond it). */
  rawBody(): Promise<Buffer>;
  /** The body parsed as JSON (400 with a position when it is not). */
  json(): Promise<unknown>;
}

/**
 * A handler returns a JSON value (sent with 200), a `Reply`, or, on a `raw` route, nothing after
 * writing `ctx.res` itself (streaming protocols). Throwing an `ApiError` sends its status and body.
 */
export type Handler = (ctx: RequestContext) => Promise<unknown>;

export interface Route {
  method: string;
  pattern: string;
  /** A stable label for metrics: the pattern itself. */
  name: string;
  auth: RouteAuth;
  /** The least role an API key needs: `agent` lets agent keys in; `operator` (default) does not. */
  role: RouteRole;
  /** The handler writes the response itself (`RouteOptions.raw`). */
  raw: boolean;
  /** Its OpenAPI documentation (`RouteOptions.doc`); a route without one fails the OpenAPI test. */
  doc: Operation | undefined;
  handler: Handler;
}

/** Called for every route, those added before it was set and after (server.ts registers them with Fastify). */
export type RouteSink = (route: Route) => void;

export class Router {
  private readonly routes: Route[] = [];
  private sink: RouteSink | null = null;

  /** Adds a route; `pattern` segments starting with `:` capture (URI-decoded) parameters. */
  add(method: string, pattern: string, handler: Handler, opts: RouteOptions = {}): this {
    const route: Route = {
      method: method.toUpperCase(),
      pattern,
      name: pattern,
      auth: opts.auth ?? "api_key",
      role: opts.role ?? "operator",
      raw: opts.raw ?? false,
      doc: opts.doc,
      handler,
    };
    if (this.routes.some((r) => r.method === route.method && r.pattern === pattern)) throw new Error(`route ${method} ${pattern} is already defined`);
    this.routes.push(route);
    this.sink?.(route);
    return this;
  }

  get(pattern: string, handler: Handler, opts?: RouteOptions): this {
    return this.add("GET", pattern, handler, opts);
  }
  post(pattern: string, handler: Handler, opts?: RouteOptions): this {
    return this.add("POST", pattern, handler, opts);
  }

  /** Every route, in the order added (the OpenAPI document is generated from them). */
  list(): readonly Route[] {
    return this.routes;
  }

  /** Hands every route, present and future, to `sink` (the HTTP library that serves them). */
  mount(sink: RouteSink): void {
    this.sink = sink;
    for (const r of this.routes) sink(r);
  }
}
