// agent-warden/openai-agents in the OpenAI Agents SDK's own run loop, with a scripted Model (the
// SDK's Model interface, no network, tracing off): allowed calls run and count, a blocked call is
// refused by the tool input guardrail (the model reads why), a hold is the run's approval
// interruption and, once the operator approved, the tool runs exactly once.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, type Model, type ModelRequest, type ModelResponse, Usage, run, setTracingDisabled } from "@openai/agents";
import { z } from "zod";
import { Guard, wardenTool } from "../../adapters/openai-agents";
import { BACKENDS, BOOK_COST, type Backend, SEARCH_COST, TOOL_POLICIES, toolBodies } from "./harness";

setTracingDisabled(true);

type Step = { call: { id: string; name: string; input: unknown } } | { text: string };

/** A Model that answers each turn from a script and keeps every request it was sent. */
function scriptedModel(script: Step[]): Model & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  let i = 0;
  return {
    requests,
    async getResponse(request: ModelRequest): Promise<ModelResponse> {
      requests.push(request);
      const step = script[i++] ?? { text: "(script over)" };
      const output: ModelResponse["output"] =
        "text" in step
          ? [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: step.text }] }]
          : [{ type: "function_call", callId: step.call.id, name: step.call.name, arguments: JSON.stringify(step.call.input), status: "completed" }];
      return { usage: new Usage(), output };
    },
    // eslint-disable-next-line require-yield
    async *getStreamedResponse() {
      throw new Error("not streamed in these tests");
    },
  };
}

function agentTools(guard: Guard, bodies: ReturnType<typeof toolBodies>) {
  return [
    wardenTool({ name: "search", description: "Search the web", parameters: z.object({ query: z.string() }), execute: bodies.search }, guard),
    wardenTool({ name: "delete_files", description: "Delete files", parameters: z.object({ path: z.string() }), execute: bodies.delete_files }, guard),
    wardenTool(
      { name: "book_flight", description: "Book a flight", parameters: z.object({ price_cents: z.number().int() }), execute: bodies.book_flight },
      guard,
    ),
  ];
}

/** The function call results the model was sent, by call id. */
function resultsIn(request: ModelRequest): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof request.input === "string") return out;
  for (const item of request.input as Array<{ type: string; callId?: string; output?: unknown }>) {
    if (item.type === "function_call_result") out.set(item.callId!, JSON.stringify(item.output));
  }
  return out;
}

describe.each(BACKENDS)("agent-warden/openai-agents with %s", (_label, makeBackend) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await makeBackend();
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
  });

  it("runs allowed calls and counts their cost; the guardrail refuses a blocked call with the reason", async () => {
    const bodies = toolBodies();
    const guard = new Guard({ warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES });
    const model = scriptedModel([
      { call: { id: "c1", name: "search", input: { query: "flights to Lisbon" } } },
      { call: { id: "c2", name: "search", input: { query: "hotels in Lisbon" } } },
      { call: { id: "c3", name: "delete_files", input: { path: "/" } } },
      { text: "done" },
    ]);
    const agent = new Agent({ name: "planner", instructions: "plan", model, tools: agentTools(guard, bodies) });
    const result = await run(agent, "plan a trip");

    expect(result.finalOutput).toBe("done");
    expect(bodies.runs).toEqual({ search: 2, delete_files: 0, book_flight: 0 });
    expect(await backend.spentToday()).toBe(2 * SEARCH_COST);
    const seen = resultsIn(model.requests[3]!);
    expect(seen.get("c1")).toContain("result for flights to Lisbon");
    expect(seen.get("c3")).toMatch(/Blocked by Agent Warden: permission_denied \(rule passport:permissions\)/);
    // Refused by the guardrail (the SDK's own channel for it), not by an error thrown from execute.
    const rejected = result.toolInputGuardrailResults.filter((r) => r.output.behavior.type === "rejectContent");
    expect(rejected.map((r) => r.guardrail.name)).toEqual(["agent-warden"]);
  });

  it("a hold is the run's approval interruption; approved by the operator, the tool runs once", async () => {
    const bodies = toolBodies();
    const guard = new Guard({ warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES, pollMs: 20 });
    const before = await backend.spentToday();
    const model = scriptedModel([{ call: { id: "b1", name: "book_flight", input: { price_cents: BOOK_COST } } }, { text: "booked" }]);
    const agent = new Agent({ name: "booker", instructions: "book", model, tools: agentTools(guard, bodies) });

    const first = await run(agent, "book it");
    expect(first.interruptions).toHaveLength(1);
    expect(bodies.runs.book_flight).toBe(0);
    expect((await backend.approve(guard.approvalFor("b1")!)).status).toBe("approved");
    first.state.approve(first.interruptions[0]!);
    const second = await run(agent, first.state);

    expect(second.finalOutput).toBe("booked");
    expect(bodies.runs.book_flight).toBe(1);
    expect(resultsIn(model.requests[1]!).get("b1")).toContain("charged_cents");
    expect(await backend.spentToday()).toBe(before + BOOK_COST);
  });

  it("a hold the operator denies never runs, even when the application approves the interruption", async () => {
    const bodies = toolBodies();
    const guard = new Guard({ warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES, pollMs: 20 });
    const before = await backend.spentToday();
    const model = scriptedModel([{ call: { id: "d1", name: "book_flight", input: { price_cents: BOOK_COST } } }, { text: "ok" }]);
    const agent = new Agent({ name: "booker", instructions: "book", model, tools: agentTools(guard, bodies) });
    const first = await run(agent, "book it");
    expect((await backend.deny(guard.approvalFor("d1")!)).status).toBe("denied");
    first.state.approve(first.interruptions[0]!);
    await run(agent, first.state);
    expect(bodies.runs.book_flight).toBe(0);
    expect(resultsIn(model.requests[1]!).get("d1")).toMatch(/approval was denied/);
    expect(await backend.spentToday()).toBe(before);
  });
});
