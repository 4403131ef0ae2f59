// agent-warden/openai-agents: guarded function tools for the OpenAI Agents SDK (`@openai/agents`).
// `needsApproval` decides the call first: a hold becomes the run's approval interruption
// (`result.interruptions`, then `result.state.approve(item)` and run again), after which the call
// waits for Agent Warden's own answer; a block is refused by a tool input guardrail, whose message
// the model reads, and the tool never runs; results are reported with the permit.

import {
  type FunctionTool,
  ToolGuardrailFunctionOutputFactory,
  type ToolInputGuardrailDefinition,
  type ToolInputParameters,
  type ToolOptions,
  type UnknownContext,
  defineToolInputGuardrail,
  tool,
} from "@openai/agents";
import { Guard, type GuardOptions, asGuard, blockMessage } from "./core";

export { Guard, WardenToolError, AGENT_CHANNEL, blockMessage } from "./core";
export type { GuardOptions, ToolPolicy, WardenLike, HoldInfo, DecisionObserver } from "./core";

type Execute = (input: unknown, context?: unknown, details?: { toolCall?: { callId?: string }; signal?: AbortSignal }) => unknown;

/**
 * `tool(options)` with Agent Warden in front of `execute`. Takes what `tool()` takes (a `name` is
 * required: it is the default action).
 * @example
 * const guard = new Guard({ warden: enforcer, passportId, tools: { book_flight: { action: "travel:book", cost: (i) => i.price_cents } } });
 * const bookFlight = wardenTool({ name: "book_flight", description: "...", parameters: z.object({ price_cents: z.number() }), execute }, guard);
 */
export function wardenTool<TParameters extends ToolInputParameters = undefined, Context = UnknownContext, Result = string>(
  options: ToolOptions<TParameters, Context>,
  guardOrOptions: Guard | GuardOptions,
): FunctionTool<Context, TParameters, Result> {
  const guard = asGuard(guardOrOptions);
  const name = options.name;
  if (typeof name !== "string" || name === "") throw new TypeError("wardenTool: options.name is required (it is the default action)");
  const execute = options.execute as Execute;
  const own = options.needsApproval;
  const wrapped = {
    ...options,
    needsApproval: async (ctx: unknown, input: unknown, callId?: string): Promise<boolean> => {
      const asked = typeof own === "function" ? await (own as (c: unknown, i: unknown, id?: string) => Promise<boolean>)(ctx, input, callId) : own === true;
      const d = await guard.decide(name, input, callId);
      return asked || (guard.holds === "approval" && d.decision === "request_hold");
    },
    inputGuardrails: [...(options.inputGuardrails ?? []), wardenGuardrail(guard)],
    execute: (input: unknown, context?: unknown, details?: Parameters<Execute>[2]) =>
      guard.run(name, input, details?.toolCall?.callId, () => execute(input, context, details), details?.signal),
  };
  return tool<TParameters, Context, Result>(wrapped as unknown as ToolOptions<TParameters, Context>);
}

/**
 * A tool input guardrail that refuses a call Agent Warden blocked, with the block's reason and
 * suggestions as the content the model reads. It only reads decisions already made for the call
 * (by `needsApproval`); a call it has not seen is decided, and refused, by `execute`.
 */
export function wardenGuardrail(guard: Guard): ToolInputGuardrailDefinition {
  return defineToolInputGuardrail({
    name: "agent-warden",
    run: async ({ toolCall }) => {
      const decision = guard.peek(toolCall.callId);
      if (decision?.decision === "block") {
        guard.forget(toolCall.callId);
        return ToolGuardrailFunctionOutputFactory.rejectContent(blockMessage(decision), { decision });
      }
      return ToolGuardrailFunctionOutputFactory.allow(decision ? { decision: decision.decision, decision_id: decision.decision_id } : undefined);
    },
  });
}

export type { FunctionTool };
