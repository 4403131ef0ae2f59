// agent-warden/langchain in LangGraph's own tool loop (createReactAgent + ToolNode) with a scripted
// chat model (LangChain's BaseChatModel, no network): allowed calls run and count, a blocked call
// never runs and the model reads why, a hold pauses the graph with `interrupt` and, once the
// operator approved and the graph resumed, the tool runs exactly once.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import type { ChatResult } from "@langchain/core/outputs";
import { tool } from "@langchain/core/tools";
import { Command, MemorySaver, interrupt } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { Guard, type WardenInterrupt, wardenTools } from "../../adapters/langchain";
import { BACKENDS, BOOK_COST, type Backend, SEARCH_COST, TOOL_POLICIES, toolBodies } from "./harness";

type Step = { call: { id: string; name: string; input: Record<string, unknown> } } | { text: string };

/** A chat model that answers each turn from a script (tool calls or text) and keeps what it was sent. */
class ScriptedChatModel extends BaseChatModel {
  readonly prompts: BaseMessage[][] = [];
  private i = 0;
  constructor(private readonly script: Step[]) {
    super({});
  }
  _llmType(): string {
    return "scripted";
  }
  override bindTools(): this {
    return this;
  }
  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    this.prompts.push(messages);
    const step = this.script[this.i++] ?? { text: "(script over)" };
    const message =
      "text" in step
        ? new AIMessage(step.text)
        : new AIMessage({ content: "", tool_calls: [{ id: step.call.id, name: step.call.name, args: step.call.input, type: "tool_call" }] });
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }
}

function lcTools(bodies: ReturnType<typeof toolBodies>) {
  return [
    tool(bodies.search, { name: "search", description: "Search the web", schema: z.object({ query: z.string() }) }),
    tool(bodies.delete_files, { name: "delete_files", description: "Delete files", schema: z.object({ path: z.string() }) }),
    tool(bodies.book_flight, { name: "book_flight", description: "Book a flight", schema: z.object({ price_cents: z.number().int() }) }),
  ];
}

/** Tool messages in a prompt, by tool call id. */
function toolMessagesIn(prompt: BaseMessage[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of prompt) if (m instanceof ToolMessage) out.set(m.tool_call_id, typeof m.content === "string" ? m.content : JSON.stringify(m.content));
  return out;
}

describe.each(BACKENDS)("agent-warden/langchain with %s", (_label, makeBackend) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await makeBackend();
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
  });

  it("runs allowed calls and counts their cost; a blocked call never runs and the model reads the reason", async () => {
    const bodies = toolBodies();
    const llm = new ScriptedChatModel([
      { call: { id: "c1", name: "search", input: { query: "flights to Lisbon" } } },
      { call: { id: "c2", name: "search", input: { query: "hotels in Lisbon" } } },
      { call: { id: "c3", name: "delete_files", input: { path: "/" } } },
      { text: "done" },
    ]);
    const tools = wardenTools(lcTools(bodies), { warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES });
    const agent = createReactAgent({ llm, tools });
    const out = await agent.invoke({ messages: [{ role: "user", content: "plan a trip" }] });

    expect(out.messages.at(-1)!.content).toBe("done");
    expect(bodies.runs).toEqual({ search: 2, delete_files: 0, book_flight: 0 });
    expect(await backend.spentToday()).toBe(2 * SEARCH_COST);
    const seen = toolMessagesIn(llm.prompts[3]!);
    expect(seen.get("c1")).toContain("result for flights to Lisbon");
    expect(seen.get("c3")).toMatch(/Blocked by Agent Warden: permission_denied \(rule passport:permissions\)/);
  });

  it("a hold pauses the graph with interrupt; approved by the operator and resumed, the tool runs once", async () => {
    const bodies = toolBodies();
    const guard = new Guard({ warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES, pollMs: 20 });
    const before = await backend.spentToday();
    const llm = new ScriptedChatModel([{ call: { id: "b1", name: "book_flight", input: { price_cents: BOOK_COST } } }, { text: "booked" }]);
    const agent = createReactAgent({ llm, tools: wardenTools(lcTools(bodies), guard, { interrupt }), checkpointer: new MemorySaver() });
    const config = { configurable: { thread_id: "t-hold" } };

    const first = await agent.invoke({ messages: [{ role: "user", content: "book it" }] }, config);
    const interrupts = (first as { __interrupt__?: Array<{ value: WardenInterrupt }> }).__interrupt__ ?? [];
    expect(interrupts).toHaveLength(1);
    const asked = interrupts[0]!.value;
    expect(asked).toMatchObject({ type: "agent_warden_hold", tool: "book_flight", action: "travel:book", holds: ["core:cost:approval_threshold"] });
    expect(bodies.runs.book_flight).toBe(0);

    expect((await backend.approve(asked.approval_request_id)).status).toBe("approved");
    const second = await agent.invoke(new Command({ resume: true }), config);
    expect(second.messages.at(-1)!.content).toBe("booked");
    expect(bodies.runs.book_flight).toBe(1);
    expect(toolMessagesIn(llm.prompts[1]!).get("b1")).toContain("charged_cents");
    expect(await backend.spentToday()).toBe(before + BOOK_COST);
  });

  it("without interrupt, a held call waits for the operator's answer and then runs once", async () => {
    const bodies = toolBodies();
    const before = await backend.spentToday();
    const guard = new Guard({
      warden: backend.warden,
      passportId: backend.passportId,
      tools: TOOL_POLICIES,
      pollMs: 20,
      // The operator answers a moment after being told (as a person tapping an approval link would).
      onHold: (h) => {
        setTimeout(() => {
          void backend.approve(h.approval_request_id);
        }, 100);
      },
    });
    const llm = new ScriptedChatModel([{ call: { id: "w1", name: "book_flight", input: { price_cents: BOOK_COST } } }, { text: "booked" }]);
    const agent = createReactAgent({ llm, tools: wardenTools(lcTools(bodies), guard) });
    const out = await agent.invoke({ messages: [{ role: "user", content: "book it" }] });
    expect(out.messages.at(-1)!.content).toBe("booked");
    expect(bodies.runs.book_flight).toBe(1);
    expect(await backend.spentToday()).toBe(before + BOOK_COST);
  });
});
