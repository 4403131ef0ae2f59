// agent-warden/ai: guards a Vercel AI SDK (`ai`) tool set. Each call is decided before it runs;
// a block is thrown from `execute` (the SDK's tool error, which the model reads); a hold uses the
// SDK's tool approval (`needsApproval` → a tool-approval-request), and the approved call then waits
// for Agent Warden's own answer (the operator's) before it runs; results are reported with the permit.

import type { ToolSet } from "ai";
import { Guard, type GuardOptions, asGuard } from "./core";

export { Guard, WardenToolError, AGENT_CHANNEL, blockMessage } from "./core";
export type { GuardOptions, ToolPolicy, WardenLike, HoldInfo, DecisionObserver } from "./core";

/**
 * Returns the tool set with every `execute` guarded (tools without `execute` are left as they are).
 * Pass a Guard to share it (and read `guard.approvalFor(toolCallId)` when a tool-approval-request arrives).
 * @example
 * const guard = new Guard({ warden: enforcer, passportId: "pass_research_01", tools: { search: { action: "web:search", cost: () => 2 } } });
 * const result = await generateText({ model, tools: wardenTools({ search }, guard), prompt });
 */
export function wardenTools<T extends ToolSet>(tools: T, options: GuardOptions | Guard): T {
  const guard = asGuard(options);
  const out: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(tools)) {
    const execute = t.execute;
    if (typeof execute !== "function") {
      out[name] = t;
      continue;
    }
    const own = t.needsApproval;
    out[name] = {
      ...t,
      needsApproval: async (input: unknown, opts: { toolCallId: string; messages: unknown[]; experimental_context?: unknown }) => {
        const asked = typeof own === "function" ? await own(input as never, opts as never) : own === true;
        if (guard.holds !== "approval") return asked;
        // Decided here, before the SDK asks anyone: a hold becomes the SDK's approval request.
        const d = await guard.decide(name, input, opts.toolCallId);
        return asked || d.decision === "request_hold";
      },
      execute: (input: unknown, opts: { toolCallId: string; abortSignal?: AbortSignal }) =>
        guard.run(name, input, opts.toolCallId, () => execute(input as never, opts as never), opts.abortSignal),
    };
  }
  return out as T;
}
