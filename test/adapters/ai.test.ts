// agent-warden/ai in the AI SDK's own tool loop (generateText with MockLanguageModelV3, no network):
// allowed calls run and count, a blocked call never runs and the model reads why, a hold becomes
// the SDK's tool-approval request and, once the operator approved, runs exactly once.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ModelMessage, generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { z } from "zod";
import { Guard, type HoldInfo, wardenTools } from "../../adapters/ai";
import { BACKENDS, BOOK_COST, type Backend, SEARCH_COST, TOOL_POLICIES, toolBodies } from "./harness";

type Step = { call: { id: string; name: string; input: unknown } } | { text: string };

/** A model that answers each step from a script and keeps every prompt it was sent. */
function scriptedModel(script: Step[]) {
  const prompts: unknown[] = [];
  let i = 0;
  const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      const step = script[i++] ?? { text: "(script over)" };
      if ("text" in step) return { content: [{ type: "text", text: step.text }], finishReason: { unified: "stop", raw: "stop" }, usage, warnings: [] };
      return {
        content: [{ type: "tool-call", toolCallId: step.call.id, toolName: step.call.name, input: JSON.stringify(step.call.input) }],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage,
        warnings: [],
      };
    },
  });
  return { model, prompts };
}

function aiTools(bodies: ReturnType<typeof toolBodies>) {
  return {
    search: tool({ description: "Search the web", inputSchema: z.object({ query: z.string() }), execute: bodies.search }),
    delete_files: tool({ description: "Delete files", inputSchema: z.object({ path: z.string() }), execute: bodies.delete_files }),
    book_flight: tool({ description: "Book a flight", inputSchema: z.object({ price_cents: z.number().int() }), execute: bodies.book_flight }),
  };
}

/** The tool results the model was shown in a prompt, by tool call id. */
function toolResultsIn(prompt: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const msg of prompt as Array<{ role: string; content: unknown }>) {
    if (msg.role !== "tool" || !Array.isArray(msg.content)) continue;
    for (const part of msg.content as Array<{ type: string; toolCallId: string; output: unknown }>) {
      if (part.type === "tool-result") out.set(part.toolCallId, JSON.stringify(part.output));
    }
  }
  return out;
}

describe.each(BACKENDS)("agent-warden/ai with %s", (_label, makeBackend) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await makeBackend();
  }, 60_000);
  afterAll(async () => {
    await backend?.close();
  });

  it("runs allowed calls and counts their cost; a blocked call never runs and the model reads the reason", async () => {
    const bodies = toolBodies();
    const { model, prompts } = scriptedModel([
      { call: { id: "c1", name: "search", input: { query: "flights to Lisbon" } } },
      { call: { id: "c2", name: "search", input: { query: "hotels in Lisbon" } } },
      { call: { id: "c3", name: "delete_files", input: { path: "/" } } },
      { text: "done" },
    ]);
    const tools = wardenTools(aiTools(bodies), { warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES });
    const result = await generateText({ model, tools, prompt: "plan a trip", stopWhen: stepCountIs(6) });

    expect(result.text).toBe("done");
    expect(bodies.runs).toEqual({ search: 2, delete_files: 0, book_flight: 0 });
    expect(await backend.spentToday()).toBe(2 * SEARCH_COST);
    const seen = toolResultsIn(prompts[3]);
    expect(seen.get("c1")).toContain("result for flights to Lisbon");
    expect(seen.get("c3")).toMatch(/Blocked by Agent Warden: permission_denied \(rule passport:permissions\)/);
    if (backend.kind === "embedded") {
      // Each allowed call was reported with its permit: two decisions, two reports, one block.
      const types = (await backend.auditTypes())!;
      expect(types.filter((t) => t === "permit_report")).toHaveLength(2);
    }
  });

  it("turns a hold into the SDK's approval request; approved by the operator, the tool runs once", async () => {
    const bodies = toolBodies();
    const holds: HoldInfo[] = [];
    const guard = new Guard({ warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES, pollMs: 20, onHold: (h) => holds.push(h) });
    const tools = wardenTools(aiTools(bodies), guard);
    const before = await backend.spentToday();

    const first = scriptedModel([{ call: { id: "b1", name: "book_flight", input: { price_cents: BOOK_COST } } }]);
    const messages: ModelMessage[] = [{ role: "user", content: "book it" }];
    const r1 = await generateText({ model: first.model, tools, messages, stopWhen: stepCountIs(4) });
    const request = r1.content.find((p) => p.type === "tool-approval-request");
    expect(request).toBeDefined();
    expect(bodies.runs.book_flight).toBe(0);
    expect(holds).toHaveLength(1);
    const approvalId = guard.approvalFor("b1")!;
    expect(approvalId).toBe(holds[0]!.approval_request_id);

    // The person says yes in Agent Warden (operator channel) and in the application's UI (the SDK).
    expect((await backend.approve(approvalId)).status).toBe("approved");
    messages.push(...r1.response.messages);
    messages.push({ role: "tool", content: [{ type: "tool-approval-response", approvalId: (request as { approvalId: string }).approvalId, approved: true }] });
    const second = scriptedModel([{ text: "booked" }]);
    const r2 = await generateText({ model: second.model, tools, messages, stopWhen: stepCountIs(4) });

    expect(r2.text).toBe("booked");
    expect(bodies.runs.book_flight).toBe(1);
    expect(toolResultsIn(second.prompts[0]).get("b1")).toContain("charged_cents");
    expect(await backend.spentToday()).toBe(before + BOOK_COST);
  });

  it("a call the operator denies never runs, and the model reads that it was not approved", async () => {
    const bodies = toolBodies();
    const guard = new Guard({ warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES, pollMs: 20 });
    const tools = wardenTools(aiTools(bodies), guard);
    const before = await backend.spentToday();
    const first = scriptedModel([{ call: { id: "d1", name: "book_flight", input: { price_cents: BOOK_COST } } }]);
    const messages: ModelMessage[] = [{ role: "user", content: "book it" }];
    const r1 = await generateText({ model: first.model, tools, messages });
    const request = r1.content.find((p) => p.type === "tool-approval-request") as { approvalId: string };
    expect((await backend.deny(guard.approvalFor("d1")!)).status).toBe("denied");
    // The application approves in its own UI anyway: Agent Warden's answer still rules.
    messages.push(...r1.response.messages, { role: "tool", content: [{ type: "tool-approval-response", approvalId: request.approvalId, approved: true }] });
    const second = scriptedModel([{ text: "ok" }]);
    await generateText({ model: second.model, tools, messages, stopWhen: stepCountIs(3) });
    expect(bodies.runs.book_flight).toBe(0);
    expect(toolResultsIn(second.prompts[0]).get("d1")).toMatch(/approval was denied/);
    expect(await backend.spentToday()).toBe(before);
  });

  it("a model that repeats a call id with a new input gets a new decision, not the old permit", async () => {
    const bodies = toolBodies();
    const { model, prompts } = scriptedModel([
      { call: { id: "r1", name: "search", input: { query: "one" } } },
      { call: { id: "r1", name: "delete_files", input: { path: "/etc" } } },
      { text: "done" },
    ]);
    const tools = wardenTools(aiTools(bodies), { warden: backend.warden, passportId: backend.passportId, tools: TOOL_POLICIES });
    await generateText({ model, tools, prompt: "go", stopWhen: stepCountIs(4) });
    expect(bodies.runs).toEqual({ search: 1, delete_files: 0, book_flight: 0 });
    expect(JSON.stringify(prompts[2])).toContain("Blocked by Agent Warden");
  });
});
