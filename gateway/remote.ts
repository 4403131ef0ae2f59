// The gateway's decisions from a remote `warden serve` (config `server:`): its /v1 API with an API key, as the agent.

import type { Approval, EnforceRequest, EnforcedDecision, ReportAnswer, ReportInput } from "../enforcer/types";
import type { Engine, Policy } from "../bindings/engine";
import { RequestError, WardenError } from "../bindings/errors";
import { toProblemCode } from "../bindings/problem-codes";
import { isErrorCode, type ErrorCode } from "../enforcer/error-codes";
import type { Guard } from "./guard";

/** The passport is read again after this long (a revocation or an edit on the server reaches hide_denied_tools and redaction). */
export const REMOTE_PASSPORT_TTL_MS = 10_000;
/** A request to the server that takes longer fails (and the call is refused). */
export const REMOTE_TIMEOUT_MS = 10_000;

/** The server could not be reached or answered with a failure: the gateway refuses the call. */
export class RemoteError extends WardenError<RemoteErrorCode> {}

/** The server's own code; `http_<status>` when its answer has none (or one not in the table); server_unreachable. */
export type RemoteErrorCode = ErrorCode | `http_${number}` | "server_unreachable";

interface ErrorBody {
  error?: { code?: unknown; message?: string; path?: string };
}

export class RemoteGuard implements Guard {
  private cached: { policy: Policy; json: string; at: number } | null = null;
  private readonly base: string;

  private lastBeat = -Infinity;

  /** `heartbeatEveryMs`: heartbeats closer together than this are not sent (default: every one). */
  constructor(
    server: string,
    private readonly apiKey: string,
    readonly passportId: string,
    private readonly engine: Engine,
    private readonly opts: { heartbeatEveryMs?: number; clock?: () => number } = {},
  ) {
    this.base = server.replace(/\/+$/, "");
  }

  private get clock(): () => number {
    return this.opts.clock ?? Date.now;
  }

  /** The passport as the server has it, compiled here (the same module decides the same way). */
  async policy(): Promise<Policy> {
    const now = this.clock();
    if (this.cached && now - this.cached.at < REMOTE_PASSPORT_TTL_MS) return this.cached.policy;
    const { passport } = await this.call<{ passport: Record<string, unknown> }>("GET", `/v1/passports/${encodeURIComponent(this.passportId)}`);
    const json = JSON.stringify(passport);
    if (this.cached?.json === json) this.cached.at = now;
    else this.cached = { policy: this.engine.compile(passport), json, at: now };
    return this.cached.policy;
  }

  enforce(request: Omit<EnforceRequest, "passport_id">): Promise<EnforcedDecision> {
    return this.call("POST", "/v1/enforce", { ...request, passport_id: this.passportId });
  }

  report(input: Omit<ReportInput, "passport_id">): Promise<ReportAnswer> {
    // The server's report takes the permit alone (it is bound to its passport and action there).
    const { action: _a, ...body } = input;
    return this.call("POST", "/v1/actions/report", body);
  }

  async approval(id: string): Promise<Approval | null> {
    try {
      const a = await this.call<Approval>("GET", `/v1/approvals/${encodeURIComponent(id)}`);
      return a.passport_id === this.passportId ? a : null;
    } catch (err) {
      if (err instanceof RemoteError && err.code === "not_found") return null;
      throw err;
    }
  }

  /** The server hands an approval's permit to the agent over MCP only; the approved call runs unreported. */
  async approvedPermit(): Promise<string | null> {
    return null;
  }

  async heartbeat(): Promise<void> {
    const now = this.clock();
    if (now - this.lastBeat < (this.opts.heartbeatEveryMs ?? 0) && now >= this.lastBeat) return;
    this.lastBeat = now;
    await this.call("POST", `/v1/passports/${encodeURIComponent(this.passportId)}/heartbeat`, {});
  }

  /** Answers on the server are seen by polling. */
  onActivity(): () => void {
    return () => undefined;
  }

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS),
      });
    } catch (err) {
      throw new RemoteError("server_unreachable", `cannot reach ${this.base}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
    if (res.ok) return data as T;
    const e = (data as ErrorBody | null)?.error;
    // The code comes from the server's JSON: checked against the table, an unknown one is treated as absent.
    const code: RemoteErrorCode = isErrorCode(e?.code) ? e.code : `http_${res.status}`;
    const message = e?.message ?? `${method} ${path} answered ${res.status}`;
    // The request itself is wrong (a field, a value): the agent's error. Anything else refuses the call.
    if (res.status === 400 && e?.path !== undefined) throw new RequestError({ code: toProblemCode(e.code), path: e.path, message });
    throw new RemoteError(res.status === 404 ? "not_found" : code, `${this.base} answered ${res.status} (${code}): ${message}`);
  }
}
