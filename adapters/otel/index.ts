// agent-warden/otel: one OpenTelemetry span per decision through @opentelemetry/api. Without a
// registered SDK the API hands out non-recording spans, so this costs next to nothing and exports
// nothing: tracing is off unless the application registers a tracer provider.

import * as api from "@opentelemetry/api";
import type { Attributes, Span } from "@opentelemetry/api";
import type { Approval, EnforceRequest, EnforcedDecision, ReportAnswer, ReportInput } from "../../enforcer/types";
import type { CallOptions, DecisionInfo, DecisionObserver, WardenLike } from "../core";
import * as spans from "./spans";

export { ATTR, OPERATION, TRACER_NAME, decisionAttributes, type OtelOptions } from "./spans";
type OtelOptions = spans.OtelOptions;

/** Starts the span of one decision; `end` sets its outcome. Latency is the span's duration (and `warden.latency_ms`). */
export function startDecisionSpan(
  request: EnforceRequest,
  extra: Attributes = {},
  opts: OtelOptions = {},
): {
  span: Span;
  end(outcome: { decision?: EnforcedDecision; error?: unknown }): void;
} {
  return spans.startDecisionSpan(api, request, extra, opts);
}

/**
 * An observer for the adapters' `observe` option: a span per decided tool call, named after the
 * action, with the tool's name and call id (GenAI conventions) beside the decision.
 * @example wardenTools(tools, { warden: enforcer, passportId, observe: otelObserver() })
 */
export function otelObserver(opts: OtelOptions = {}): DecisionObserver {
  return {
    start(info: DecisionInfo) {
      const extra: Attributes = { [spans.ATTR.toolName]: info.tool, [spans.ATTR.channel]: "agent" };
      if (info.call_id !== undefined) extra[spans.ATTR.toolCallId] = info.call_id;
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
      const { end } = startDecisionSpan(request, options?.channel ? { [spans.ATTR.channel]: options.channel } : {}, opts);
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
export function recordDecisionSpan(
  decision: EnforcedDecision,
  request: { action: string; cost_cents?: number },
  durationMs: number,
  opts: OtelOptions & { attributes?: Attributes } = {},
): void {
  spans.recordDecisionSpan(api, decision, request, durationMs, opts);
}
