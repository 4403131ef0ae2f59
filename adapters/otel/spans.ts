// The span-building half of agent-warden/otel, written against an @opentelemetry/api object passed
// in rather than imported: `warden serve` loads the API only when it is installed (server/otel.ts),
// and agent-warden/otel passes its own import.

import type * as OtelApi from "@opentelemetry/api";
import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import type { EnforceRequest, EnforcedDecision } from "../../enforcer/types";

export type Api = Pick<typeof OtelApi, "trace" | "SpanKind" | "SpanStatusCode">;

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
export function startDecisionSpan(
  api: Api,
  request: EnforceRequest,
  extra: Attributes = {},
  opts: OtelOptions = {},
): {
  span: Span;
  end(outcome: { decision?: EnforcedDecision; error?: unknown }): void;
} {
  const tracer = opts.tracer ?? api.trace.getTracer(TRACER_NAME);
  const t0 = performance.now();
  const attributes: Attributes = {
    [ATTR.operation]: OPERATION,
    [ATTR.passport]: request.passport_id,
    [ATTR.agentId]: request.passport_id,
    [ATTR.action]: request.action,
    [ATTR.cost]: request.cost_cents ?? 0,
    ...extra,
  };
  if (opts.recordTarget && request.target !== undefined && request.target !== null) attributes[ATTR.target] = request.target;
  const span = tracer.startSpan(`${OPERATION} ${request.action}`, { kind: api.SpanKind.INTERNAL, attributes });
  return {
    span,
    end({ decision, error }) {
      span.setAttribute(ATTR.latency, performance.now() - t0);
      if (decision) span.setAttributes(decisionAttributes(decision));
      if (error !== undefined) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setAttribute(ATTR.errorType, (error as { code?: string })?.code ?? (error as Error)?.name ?? "error");
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
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
 * A span for a decision already made (a server that learns of it from an event): the span starts
 * `durationMs` before now and ends now.
 */
export function recordDecisionSpan(
  api: Api,
  decision: EnforcedDecision,
  request: { action: string; cost_cents?: number },
  durationMs: number,
  opts: OtelOptions & { attributes?: Attributes } = {},
): void {
  const tracer = opts.tracer ?? api.trace.getTracer(TRACER_NAME);
  const end = Date.now();
  const span = tracer.startSpan(`${OPERATION} ${request.action}`, {
    kind: api.SpanKind.SERVER,
    startTime: end - durationMs,
    attributes: {
      [ATTR.operation]: OPERATION,
      [ATTR.passport]: decision.passport_id,
      [ATTR.agentId]: decision.passport_id,
      [ATTR.action]: request.action,
      [ATTR.cost]: request.cost_cents ?? 0,
      [ATTR.latency]: durationMs,
      ...opts.attributes,
      ...decisionAttributes(decision),
    },
  });
  span.end(end);
}
