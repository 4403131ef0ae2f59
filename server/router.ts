// A small router: routes are a method, a path pattern with `:params` and a handler. Later features
// (MCP, webhooks, pages) add their own routes to the same router.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiKeyInfo } from "./auth";

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
}

export interface RequestContext {
  req: IncomingMessage;
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
 * A handler returns a JSON value (sent with 200), a `Reply`, or nothing after writing `ctx.res`
 * itself (streaming protocols). Throwing an `ApiError` sends its status and body.
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
  handler: Handler;
  segments: string[];
}

export type Match = { kind: "found"; route: Route; params: Record<string, string> } | { kind: "wrong_method"; allowed: string[] } | { kind: "none" };

export class Router {
  private readonly routes: Route[] = [];

  /** Adds a route; `pattern` segments starting with `:` capture (URI-decoded) parameters. */
  add(method: string, pattern: string, handler: Handler, opts: RouteOptions = {}): this {
    const route: Route = {
      method: method.toUpperCase(),
      pattern,
      name: pattern,
      auth: opts.auth ?? "api_key",
      role: opts.role ?? "operator",
      handler,
      segments: split(pattern),
    };
    if (this.routes.some((r) => r.method === route.method && r.pattern === pattern)) throw new Error(`route ${method} ${pattern} is already defined`);
    this.routes.push(route);
    return this;
  }

  get(pattern: string, handler: Handler, opts?: RouteOptions): this {
    return this.add("GET", pattern, handler, opts);
  }
  post(pattern: string, handler: Handler, opts?: RouteOptions): this {
    return this.add("POST", pattern, handler, opts);
  }

  /** Every route, in the order added (the OpenAPI test checks each is documented). */
  list(): readonly Route[] {
    return this.routes;
  }

  match(method: string, path: string): Match {
    const parts = split(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = bind(route.segments, parts);
      if (!params) continue;
      if (route.method === method || (method === "HEAD" && route.method === "GET")) return { kind: "found", route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "wrong_method", allowed } : { kind: "none" };
  }
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function bind(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(":")) {
      const value = safeDecode(parts[i]!);
      if (value === null) return null;
      params[p.slice(1)] = value;
    } else if (p !== parts[i]) return null;
  }
  return params;
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
