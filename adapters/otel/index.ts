// agent-warden/otel: one OpenTelemetry span per decision through @opentelemetry/api. Without a
// registered SDK the API hands out non-recording spans, so this costs next to nothing and exports
// nothing: tracing is off unless the application registers a tracer provider.

import { type Attributes, type Span, type Tracer, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Approval, EnforceRequest, EnforcedDecision, ReportAnswer, ReportInput } from "../../enforcer/types";
import type { CallOptions, DecisionInfo, DecisionObserver, WardenLike } from "../core";

export const TRACER_NAME = "agent-warden";

/**
 * Attribute names. The draft GenAI semantic conventions name the tool call (`gen_ai.tool.*`), the
 * agent (`gen_ai.agent.id`) and the operation; a policy decision has no convention yet, so its
 * fields are `warden.*`. `error.type` is the general convention's, set on blocks.
 */
export const ATTR = {
  operation: "gen_ai.operation.name",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  agentId: "gen_ai.agent.id",
  errorType: "error.type",
  passport: "warden.passport_id",
  action: "warden.action",
  decision: "warden.decision",
  reason: "warden.reason",
  rule: "warden.rule",
  cost: "warden.cost_cents",
  target: "warden.target",
  decisionId: "warden.decision_id",
  approval: "warden.approval_request_id",
  retryable: "warden.retryable",
  holds: "warden.holds",
  channel: "warden.channel",
  latency: "warden.latency_ms",
} as const;

/** The operation name of a decision span (`gen_ai.operation.name`). */
export const OPERATION = "warden.enforce";

export interface OtelOptions {
  /** Default: `trace.getTracer("agent-warden")` of the global provider, looked up at each decision. */
  tracer?: Tracer;
  /** Record the target (a URL may carry personal data); default false. */
  recordTarget?: boolean;
}

/** Starts the span of one decision; `end` sets its outcome. Latency is the span's duration (and `warden.latency_ms`). */
export function startDecisionSpan(request: EnforceRequest, extra: Attributes = {}, opts: OtelOptions = {}): {
  span: Span; end(outcome: { decision?: EnforcedDecision; error?: unknown }): void;
} {
  const tracer = opts.tracer ?? trace.getTracer(TRACER_NAME);
  const t0 = performance.now();
  const attributes: Attributes = {
    [ATTR.operation]: OPERATION, [ATTR.passport]: request.passport_id, [ATTR.agentId]: request.passport_id,
    [ATTR.action]: request.action, [ATTR.cost]: request.cost_cents ?? 0, ...extra,
  };
  if (opts.recordTarget && request.target !== undefined) attributes[ATTR.target] = request.target;
  const span = tracer.startSpan(`${OPERATION} ${request.action}`, { kind: SpanKind.INTERNAL, attributes });
  return {
    span,
    end({ decision, error }) {
      span.setAttribute(ATTR.latency, performance.now() - t0);
      if (decision) span.setAttributes(decisionAttributes(decision));
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setAttribute(ATTR.errorType, (error as { code?: string })?.code ?? (error as Error)?.name ?? "error");
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      span.end();
    },
  };
}

/** The decision's fields as span attributes (a block also sets `error.type` to its reason). */
export function decisionAttributes(d: EnforcedDecision): Attributes {
  const a: Attributes = { [ATTR.decision]: d.decision, [ATTR.decisionId]: d.decision_id, [ATTR.retryable]: d.retryable };
  if (d.reason) a[ATTR.reason] = d.reason;
  if (d.rule) a[ATTR.rule] = d.rule;
  if (d.approval_request_id) a[ATTR.approval] = d.approval_request_id;
  if (d.holds?.length) a[ATTR.holds] = d.holds.map((h) => h.rule);
  if (d.decision === "block") a[ATTR.errorType] = d.reason ?? "blocked";
  return a;
}

/**
 * An observer for the adapters' `observe` option: a span per decided tool call, named after the
 * action, with the tool's name and call id (GenAI conventions) beside the decision.
 * @example wardenTools(tools, { warden: enforcer, passportId, observe: otelObserver() })
 */
export function otelObserver(opts: OtelOptions = {}): DecisionObserver {
  return {
    start(info: DecisionInfo) {
      const extra: Attributes = { [ATTR.toolName]: info.tool, [ATTR.channel]: "agent" };
      if (info.call_id !== undefined) extra[ATTR.toolCallId] = info.call_id;
      return startDecisionSpan(info.request, extra, opts).end;
    },
  };
}

/**
 * Wraps an Enforcer or a WardenClient so that every `enforce` makes a span (for code that calls
 * the enforcer directly rather than through an adapter). Other calls pass through.
 */
export function traced<W extends WardenLike>(warden: W, opts: OtelOptions = {}): WardenLike {
  return {
    async enforce(request: EnforceRequest, options?: CallOptions): Promise<EnforcedDecision> {
      const { end } = startDecisionSpan(request, options?.channel ? { [ATTR.channel]: options.channel } : {}, opts);
      try {
        const decision = await warden.enforce(request, options);
        end({ decision });
        return decision;
      } catch (error) {
        end({ error });
        throw error;
      }
    },
    report: (input: ReportInput, options?: CallOptions): Promise<ReportAnswer> => warden.report(input, options),
    getApproval: (id: string): Promise<Approval | null> => warden.getApproval(id),
  };
}

/**
 * A span for a decision already made (a server that learns of it from an event): the span starts
 * `durationMs` before now and ends now.
 */
export function recordDecisionSpan(decision: EnforcedDecision, request: { action: string; cost_cents?: number }, durationMs: number, opts: OtelOptions & { attributes?: Attributes } = {}): void {
  const tracer = opts.tracer ?? trace.getTracer(TRACER_NAME);
  const end = Date.now();
  const span = tracer.startSpan(`${OPERATION} ${request.action}`, {
    kind: SpanKind.SERVER, startTime: end - durationMs,
    attributes: {
      [ATTR.operation]: OPERATION, [ATTR.passport]: decision.passport_id, [ATTR.agentId]: decision.passport_id, [ATTR.action]: request.action,
      [ATTR.cost]: request.cost_cents ?? 0, [ATTR.latency]: durationMs, ...opts.attributes, ...decisionAttributes(decision),
    },
  });
  span.end(end);
}
