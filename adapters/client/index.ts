// agent-warden/client: a small typed HTTP client for a remote `warden serve` (/v1, OpenAPI at
// /v1/openapi.json). Its routes and the fields it sends are listed in ROUTES, which a test holds
// against the server's OpenAPI document. Runs wherever `fetch` does; no Node built-ins.

import type { Approval, ApprovalAnswer, EnforceRequest, EnforcedDecision, PassportState, ReportAnswer, ReportInput } from "../../enforcer/types";
import type { CallOptions, WardenLike } from "../core";

/** Every route the client calls, `METHOD /path/{param}` as in the OpenAPI document, with the body fields it may send. */
export const ROUTES = {
  enforce: { method: "POST", path: "/v1/enforce", body: ["passport_id", "action", "cost_cents", "target", "context", "action_id"] },
  report: { method: "POST", path: "/v1/actions/report", body: ["permit_token", "success", "result", "actual_cost_cents"] },
  getApproval: { method: "GET", path: "/v1/approvals/{id}", body: [] },
  listApprovals: { method: "GET", path: "/v1/approvals", body: [] },
  approve: { method: "POST", path: "/v1/approvals/{id}/approve", body: [] },
  deny: { method: "POST", path: "/v1/approvals/{id}/deny", body: [] },
  state: { method: "GET", path: "/v1/passports/{id}/state", body: [] },
  heartbeat: { method: "POST", path: "/v1/passports/{id}/heartbeat", body: [] },
} as const satisfies Record<string, { method: "GET" | "POST"; path: string; body: readonly string[] }>;

export type RouteName = keyof typeof ROUTES;

export interface WardenClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8787` (the /v1 prefix is added). */
  baseUrl: string;
  /** An API key (`wk_...`). The server takes the channel (agent or operator) from the key, not from the call. */
  apiKey: string;
  /** Per request; default 10 000 ms. */
  timeoutMs?: number;
  /** Another fetch (a proxy agent, a test double); default the global one. */
  fetch?: typeof fetch;
}

/** A refused request: the server's `{error: {code, message, path?, hint?}}` with the HTTP status. */
export class WardenClientError extends Error {
  override readonly name = "WardenClientError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * @example
 * const warden = new WardenClient({ baseUrl: "http://127.0.0.1:8787", apiKey: process.env.WARDEN_KEY! });
 * const d = await warden.enforce({ passport_id: "pass_...", action: "web:search", cost_cents: 2 });
 */
export class WardenClient implements WardenLike {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: WardenClientOptions) {
    if (typeof opts?.baseUrl !== "string" || !/^https?:\/\//.test(opts.baseUrl)) throw new TypeError("WardenClient: baseUrl must be an http(s) URL");
    if (typeof opts.apiKey !== "string" || opts.apiKey === "") throw new TypeError("WardenClient: apiKey is required");
    this.base = opts.baseUrl.replace(/\/+$/, "");
    this.fetchFn = opts.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /** Decides one action (POST /v1/enforce). */
  enforce(request: EnforceRequest, _options?: CallOptions): Promise<EnforcedDecision> {
    return this.call("enforce", {}, request);
  }

  /** Reports an action's result with its permit (POST /v1/actions/report). */
  report(input: ReportInput, _options?: CallOptions): Promise<ReportAnswer> {
    const { permit_token, success, result, actual_cost_cents } = input;
    return this.call("report", {}, { permit_token, success, result, actual_cost_cents });
  }

  /** One approval, or null when the server knows none by that id (for this key). */
  async getApproval(id: string): Promise<Approval | null> {
    try {
      return await this.call<Approval>("getApproval", { id });
    } catch (e) {
      if (e instanceof WardenClientError && e.status === 404) return null;
      throw e;
    }
  }

  async listApprovals(passportId?: string): Promise<Approval[]> {
    const query = passportId === undefined ? "" : `?passport_id=${encodeURIComponent(passportId)}`;
    return (await this.call<{ approvals: Approval[] }>("listApprovals", {}, undefined, query)).approvals;
  }

  /** Operator acts: the key must be allowed to approve. */
  approve(id: string): Promise<ApprovalAnswer> {
    return this.call("approve", { id });
  }
  deny(id: string): Promise<ApprovalAnswer> {
    return this.call("deny", { id });
  }

  state(passportId: string): Promise<PassportState> {
    return this.call("state", { id: passportId });
  }
  heartbeat(passportId: string): Promise<{ ok: boolean }> {
    return this.call("heartbeat", { id: passportId });
  }

  private async call<T>(name: RouteName, params: Record<string, string>, body?: unknown, query = ""): Promise<T> {
    const route = ROUTES[name];
    const path = route.path.replace(/\{(\w+)\}/g, (_m, p: string) => encodeURIComponent(params[p] ?? ""));
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.apiKey}`, accept: "application/json" };
    const payload = body !== undefined ? JSON.stringify(body) : route.method === "POST" ? "{}" : undefined;
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await this.fetchFn(this.base + path + query, {
      method: route.method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === "" ? null : JSON.parse(text);
    } catch {
      /* not JSON: reported below */
    }
    if (!res.ok) {
      const err = (parsed as { error?: { code?: string; message?: string; path?: string; hint?: string } } | null)?.error;
      throw new WardenClientError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? (text.slice(0, 200) || res.statusText), err?.path, err?.hint);
    }
    if (parsed === null) throw new WardenClientError(res.status, "invalid_response", `${route.method} ${route.path} answered without a JSON body`);
    return parsed as T;
  }
}
