// agent-warden/langchain: guarded LangChain.js tools (`@langchain/core`). Each call is decided
// before the tool runs; a block is thrown as the tool's error (LangGraph's ToolNode hands its
// message to the model); a hold waits for the operator, or, given LangGraph's `interrupt`, pauses
// the graph first (resume with `new Command({ resume: true })`, or `false` to give up); results are
// reported with the permit.

import { DynamicStructuredTool, type StructuredToolInterface } from "@langchain/core/tools";
import type { ToolRunnableConfig } from "@langchain/core/tools";
import { Guard, type GuardOptions, asGuard, WardenToolError } from "./core";

export { Guard, WardenToolError, AGENT_CHANNEL, blockMessage } from "./core";
export type { GuardOptions, ToolPolicy, WardenLike, HoldInfo, DecisionObserver } from "./core";

/** What `interrupt` shows the person (or the code) that resumes the graph. */
export interface WardenInterrupt {
  type: "agent_warden_hold";
  tool: string;
  action: string;
  approval_request_id: string;
  holds: string[];
  detail: string | null;
}

export interface LangChainOptions {
  /**
   * LangGraph's `interrupt` (from `@langchain/langgraph`): a held call first pauses the graph with a
   * WardenInterrupt; resuming with anything but `false` (or `{ approved: false }`) then waits for
   * Agent Warden's answer. Without it a held call waits for the operator (bounded by the approval's expiry).
   */
  interrupt?: (value: WardenInterrupt) => unknown;
}

/**
 * Returns the tools, each guarded (same name, description and schema).
 * @example
 * const tools = wardenTools([search, bookFlight], { warden: enforcer, passportId, tools: { book_flight: { action: "travel:book", cost: (i) => i.price_cents } } });
 * const agent = createReactAgent({ llm, tools, checkpointer });
 */
export function wardenTools(
  tools: StructuredToolInterface[],
  options: (GuardOptions & LangChainOptions) | Guard,
  lc: LangChainOptions = {},
): DynamicStructuredTool[] {
  const guard = asGuard(options);
  const interrupt = lc.interrupt ?? (options as LangChainOptions).interrupt;
  return tools.map((t) => wardenTool(t, guard, interrupt));
}

function wardenTool(t: StructuredToolInterface, guard: Guard, interrupt?: LangChainOptions["interrupt"]): DynamicStructuredTool {
  const name = t.name;
  return new DynamicStructuredTool({
    name,
    description: t.description,
    schema: t.schema as DynamicStructuredTool["schema"],
    func: async (input: unknown, _runManager?: unknown, config?: ToolRunnableConfig) => {
      const callId = config?.toolCall?.id ?? undefined;
      if (interrupt) {
        const d = await guard.decide(name, input, callId);
        if (d.decision === "request_hold" && d.approval_request_id) {
          // On the first pass `interrupt` throws and the graph pauses; on resume it returns the answer
          // and this function runs again from the top, reusing the decision (same call id and input).
          const answer = interrupt({
            type: "agent_warden_hold",
            tool: name,
            action: guard.request(name, input).action,
            approval_request_id: d.approval_request_id,
            holds: d.holds.map((h) => h.rule),
            detail: d.detail ?? null,
          });
          if (answer === false || (typeof answer === "object" && answer !== null && (answer as { approved?: unknown }).approved === false)) {
            if (callId !== undefined) guard.forget(callId);
            throw new WardenToolError(`Held by Agent Warden for approval (${d.approval_request_id}) and not approved, so the action was not performed.`, d);
          }
        }
      }
      // The original tool, without the tool call in its config: it returns its content, and this tool makes the ToolMessage.
      const inner: ToolRunnableConfig = { ...config, toolCall: undefined };
      return guard.run(name, input, callId, () => t.invoke(input as never, inner), config?.signal);
    },
  });
}
