// The guard every framework adapter shares: decide a tool call before it runs, wait for a hold,
// run, report with the permit. Adapters only translate it into their framework's tool shapes.
// It decides nothing itself: the Enforcer (embedded) or a remote `warden serve` does.

import type { Approval, EnforceRequest, EnforcedDecision, ReportAnswer, ReportInput } from "../enforcer/types";

/** Options of one call into the Enforcer (SPEC §11): which channel the call comes from. */
export interface CallOptions {
  channel?: "agent" | "operator";
}

/**
 * SPEC §11: the framework adapters call as the agent. This is the one place the channel is named;
 * the embedded Enforcer reads it (an Enforcer that predates the option ignores it), and a remote
 * server takes the channel from the API key's role instead.
 */
export const AGENT_CHANNEL: Readonly<CallOptions> = Object.freeze({ channel: "agent" });

/**
 * What an adapter needs from Agent Warden: the embedded `Enforcer` and `WardenClient`
 * (`agent-warden/client`) both fit. Only agent acts: decide, report, read an approval's status.
 */
export interface WardenLike {
  enforce(request: EnforceRequest, options?: CallOptions): Promise<EnforcedDecision>;
  report(input: ReportInput, options?: CallOptions): Promise<ReportAnswer>;
  getApproval(id: string): Promise<Approval | null>;
}

/** How one tool's calls become requests: all optional; the action defaults to the tool's name. */
// The framework hands tool inputs and outputs over untyped; a caller may narrow them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the default keeps untyped tools assignable
export interface ToolPolicy<I = any, O = any> {
  /** The action the passport sees (`web:search`); default: the adapter's `action` function, else the tool's name. */
  action?: string;
  /** Cost in cents of this call, from its input; default 0. */
  cost?: (input: I) => number;
  /** The target (URL, host, address) of this call, from its input. */
  target?: (input: I) => string | undefined;
  /** The actual cost in cents once it ran, from its result: reported with the permit (a true-up). */
  actualCost?: (result: O, input: I) => number | undefined;
}

/** What an observer (e.g. `agent-warden/otel`) learns of each decision. */
export interface DecisionInfo {
  tool: string;
  call_id: string | undefined;
  request: EnforceRequest;
}
export interface DecisionObserver {
  /** Called before the request is sent; the returned function is called with the decision or the error. */
  start(info: DecisionInfo): (outcome: { decision?: EnforcedDecision; error?: unknown }) => void;
}

/** What `onHold` receives: a tool call waits for the operator's answer to this approval. */
export interface HoldInfo {
  tool: string;
  call_id: string | undefined;
  approval_request_id: string;
  decision: EnforcedDecision;
}

export interface GuardOptions {
  /** The embedded `Enforcer` or a `WardenClient` for a remote `warden serve`. */
  warden: WardenLike;
  /** The passport every call is decided against. */
  passportId: string;
  /** Per tool name: action, cost, target and actual cost. */
  tools?: Record<string, ToolPolicy>;
  /** The action of a tool that `tools` does not name one for; default: the tool's name. */
  action?: (toolName: string) => string;
  /**
   * The request's `context` (scanned for secrets and PII, SPEC §5): default the tool's input when
   * it is an object, `{ input }` otherwise (as the gateway does, SPEC §12).
   */
  context?: (toolName: string, input: unknown) => Record<string, unknown> | undefined;
  /**
   * Holds: "approval" uses the framework's own approval flow where it has one (the call pauses
   * until the application resumes it; the operator answers in Agent Warden); "wait" blocks the call
   * until the operator answers or the approval expires. Default "approval".
   */
  holds?: "approval" | "wait";
  /** How often a held call asks whether its approval was answered (ms); default 1000. */
  pollMs?: number;
  /** Told when a call is held: show the approval to a person, or approve it through an operator channel. */
  onHold?: (hold: HoldInfo) => void;
  /** Told when a report fails or is refused (an expired permit after a slow tool, a network error). */
  onReportError?: (error: unknown, tool: string) => void;
  observe?: DecisionObserver;
}

/** The reason a tool call did not run, in words the model can act on; `decision` has the details. */
export class WardenToolError extends Error {
  override readonly name = "WardenToolError";
  constructor(
    message: string,
    readonly decision: EnforcedDecision | null,
    readonly approval?: Approval | null,
  ) {
    super(message);
  }
}

/** What the model reads when a call is blocked: rule, reason, detail and suggestions. */
export function blockMessage(d: EnforcedDecision): string {
  const head = `Blocked by Agent Warden: ${d.reason ?? "blocked"}${d.rule ? ` (rule ${d.rule})` : ""}.`;
  const detail = d.detail ? ` ${d.detail}.` : "";
  const retry = d.retryable ? " This may pass later without a change." : "";
  const tips = d.suggestions?.length ? ` Suggestions: ${d.suggestions.join("; ")}.` : "";
  return head + detail + retry + tips;
}

function holdMessage(a: Approval | null, id: string): string {
  const status = a?.status ?? "not_found";
  const why = a?.outcome_reason ? ` (${a.outcome_reason})` : "";
  return `Held by Agent Warden for a person's approval (${id}); the approval was ${status}${why}, so the action was not performed.`;
}

interface Pending {
  key: string;
  decision: EnforcedDecision;
}

/** Decided calls waiting to run, by call id; bounded so calls that never run cannot pile up. */
const MAX_PENDING = 1024;

/**
 * Decides tool calls and runs them under their decision. One guard per agent (passport); adapters
 * create it from their options.
 */
export class Guard {
  private readonly pending = new Map<string, Pending>();
  private readonly pollMs: number;
  readonly holds: "approval" | "wait";

  constructor(readonly options: GuardOptions) {
    if (!options?.warden || typeof options.warden.enforce !== "function")
      throw new TypeError("agent-warden adapter: `warden` must be an Enforcer or a WardenClient");
    if (typeof options.passportId !== "string" || options.passportId === "") throw new TypeError("agent-warden adapter: `passportId` is required");
    this.pollMs = options.pollMs ?? 1000;
    this.holds = options.holds ?? "approval";
  }

  /** The request a call of `tool` with `input` becomes. */
  request(tool: string, input: unknown): EnforceRequest {
    const policy = this.options.tools?.[tool];
    const req: EnforceRequest = { passport_id: this.options.passportId, action: policy?.action ?? this.options.action?.(tool) ?? tool };
    const cost = policy?.cost?.(input);
    if (cost !== undefined) req.cost_cents = cost;
    const target = policy?.target?.(input);
    if (target !== undefined) req.target = target;
    const context = this.options.context ? this.options.context(tool, input) : defaultContext(input);
    if (context !== undefined) req.context = context;
    return req;
  }

  /**
   * Decides a call once: asked again for the same call id and input (the framework asks before and
   * while running), the first decision is reused. A new input under a used id is a new decision, so
   * a model that repeats a call id cannot run a call twice on one decision.
   */
  async decide(tool: string, input: unknown, callId: string | undefined): Promise<EnforcedDecision> {
    const key = `${tool}\u0000${stableJson(input)}`;
    if (callId !== undefined) {
      const hit = this.pending.get(callId);
      if (hit?.key === key) return hit.decision;
    }
    const request = this.request(tool, input);
    const end = this.options.observe?.start({ tool, call_id: callId, request });
    let decision: EnforcedDecision;
    try {
      decision = await this.options.warden.enforce(request, AGENT_CHANNEL);
    } catch (error) {
      end?.({ error });
      throw error;
    }
    end?.({ decision });
    if (callId !== undefined) {
      if (this.pending.size >= MAX_PENDING) this.pending.delete(this.pending.keys().next().value!);
      this.pending.set(callId, { key, decision });
    }
    if (decision.decision === "request_hold" && decision.approval_request_id) {
      this.options.onHold?.({ tool, call_id: callId, approval_request_id: decision.approval_request_id, decision });
    }
    return decision;
  }

  /** The Agent Warden approval a held call waits for (to approve it from an operator channel). */
  approvalFor(callId: string): string | undefined {
    return this.pending.get(callId)?.decision.approval_request_id;
  }

  /** The decision already made for a call id, if any (a guardrail that must not decide twice). */
  peek(callId: string): EnforcedDecision | undefined {
    return this.pending.get(callId)?.decision;
  }

  /** Forgets a decided call that will not run (the framework rejected it). */
  forget(callId: string): void {
    this.pending.delete(callId);
  }

  /**
   * Runs `fn` under the call's decision: block → WardenToolError (fn never runs); hold → waits for
   * the operator (bounded by the approval's expiry); allow → runs, then reports with the permit.
   */
  async run<O>(tool: string, input: unknown, callId: string | undefined, fn: () => O | PromiseLike<O>, signal?: AbortSignal): Promise<O> {
    const decision = await this.decide(tool, input, callId);
    if (callId !== undefined) this.pending.delete(callId); // one decision, one run
    let permit = decision.permit_token;
    if (decision.decision === "block") throw new WardenToolError(blockMessage(decision), decision);
    if (decision.decision === "request_hold") permit = (await this.awaitApproval(decision, signal)).permit_token;
    let result: O;
    try {
      result = await fn();
    } catch (error) {
      if (permit) await this.report(tool, { permit_token: permit, success: false });
      throw error;
    }
    // A streamed result (an AI SDK tool may return an async iterable) is reported once it ends, with its last value.
    if (permit && isAsyncIterable(result)) return this.reportAfter(tool, input, permit, result) as O;
    if (permit) await this.reportSuccess(tool, input, permit, result);
    return result;
  }

  private async reportSuccess(tool: string, input: unknown, permit: string, result: unknown): Promise<void> {
    const actual = this.options.tools?.[tool]?.actualCost?.(result, input);
    await this.report(tool, { permit_token: permit, success: true, ...(actual !== undefined ? { actual_cost_cents: actual } : {}) });
  }

  private async *reportAfter(tool: string, input: unknown, permit: string, stream: AsyncIterable<unknown>): AsyncGenerator<unknown> {
    let last: unknown;
    try {
      for await (const chunk of stream) {
        last = chunk;
        yield chunk;
      }
    } catch (error) {
      await this.report(tool, { permit_token: permit, success: false });
      throw error;
    }
    await this.reportSuccess(tool, input, permit, last);
  }

  /** Polls the approval until it is answered or expires; approved → its permit when the backend shows one. */
  async awaitApproval(decision: EnforcedDecision, signal?: AbortSignal): Promise<{ permit_token?: string }> {
    const id = decision.approval_request_id;
    if (!id) throw new WardenToolError("Held by Agent Warden, but the decision names no approval request.", decision);
    for (;;) {
      const approval = await this.options.warden.getApproval(id);
      if (approval?.status === "approved") return { permit_token: (approval as Approval & { permit_token?: string }).permit_token };
      if (approval?.status !== "pending") throw new WardenToolError(holdMessage(approval, id), decision, approval);
      // Bounded by the approval's expiry: the enforcer expires it then, and the next poll sees it.
      const left = Date.parse(approval.expires_at) - Date.now();
      await sleep(Math.max(10, Math.min(this.pollMs, left + 50)), signal);
    }
  }

  private async report(tool: string, input: ReportInput): Promise<void> {
    try {
      const answer = await this.options.warden.report(input, AGENT_CHANNEL);
      if (!answer.accepted) this.options.onReportError?.(new Error(`report refused: ${answer.reason}`), tool);
    } catch (error) {
      this.options.onReportError?.(error, tool);
    }
  }
}

/**
 * A Guard from any adapter entry (each entry bundles its own copy of this file, so `instanceof`
 * would fail across them): recognised by its methods.
 */
export function asGuard(g: Guard | GuardOptions): Guard {
  const maybe = g as Partial<Guard>;
  return typeof maybe.run === "function" && typeof maybe.decide === "function" ? (g as Guard) : new Guard(g as GuardOptions);
}

function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return typeof v === "object" && v !== null && typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function";
}

function defaultContext(input: unknown): Record<string, unknown> | undefined {
  if (input === undefined) return undefined;
  if (typeof input === "object" && input !== null && !Array.isArray(input)) return input as Record<string, unknown>;
  return { input };
}

/** JSON with object keys sorted: the same input compares equal whatever order the framework built it in. */
function stableJson(value: unknown): string {
  return (
    JSON.stringify(value, (_k, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
    ) ?? "undefined"
  );
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    if (signal?.aborted) return fail(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      ok();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fail(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
