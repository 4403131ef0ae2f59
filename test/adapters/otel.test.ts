// agent-warden/otel with the OpenTelemetry SDK's in-memory exporter: a span per decision with the
// passport, action, decision, reason, rule and cost (GenAI tool attributes when an adapter made
// it); nothing recorded while no SDK is registered.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Guard } from "../../adapters/core";
import { ATTR, otelObserver, recordDecisionSpan, startDecisionSpan, traced } from "../../adapters/otel/index";
import { BOOK_COST, PASSPORT, SEARCH_COST, TOOL_POLICIES, embeddedBackend, type Backend } from "./harness";

let backend: Backend;
const exporter = new InMemorySpanExporter();

beforeAll(async () => {
  backend = await embeddedBackend();
});
afterAll(async () => {
  await backend.close();
  trace.disable();
});

describe("agent-warden/otel", () => {
  it("records nothing while no OpenTelemetry SDK is registered", () => {
    const { span, end } = startDecisionSpan({ passport_id: "p", action: "a" });
    expect(span.isRecording()).toBe(false);
    end({});
  });

  it("a span per decided tool call, with the decision and the GenAI tool attributes", async () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    exporter.reset();
    const guard = new Guard({ warden: backend.warden, passportId: PASSPORT.id, tools: TOOL_POLICIES, observe: otelObserver() });
    await guard.run("search", { query: "x" }, "call_1", () => "ok");
    await expect(guard.run("delete_files", { path: "/" }, "call_2", () => "never")).rejects.toThrow();
    await guard.decide("book_flight", { price_cents: BOOK_COST }, "call_3");

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["warden.enforce web:search", "warden.enforce files:delete", "warden.enforce travel:book"]);
    const [allow, block, hold] = spans.map((s) => s.attributes);
    expect(allow).toMatchObject({
      [ATTR.operation]: "warden.enforce",
      [ATTR.toolName]: "search",
      [ATTR.toolCallId]: "call_1",
      [ATTR.passport]: PASSPORT.id,
      [ATTR.action]: "web:search",
      [ATTR.decision]: "allow",
      [ATTR.cost]: SEARCH_COST,
      [ATTR.channel]: "agent",
    });
    expect(allow![ATTR.latency]).toBeTypeOf("number");
    expect(allow![ATTR.errorType]).toBeUndefined();
    expect(block).toMatchObject({
      [ATTR.decision]: "block",
      [ATTR.reason]: "permission_denied",
      [ATTR.rule]: "passport:permissions",
      [ATTR.errorType]: "permission_denied",
    });
    expect(hold).toMatchObject({ [ATTR.decision]: "request_hold", [ATTR.holds]: ["core:cost:approval_threshold"], [ATTR.cost]: BOOK_COST });
    expect(hold![ATTR.approval]).toMatch(/^apr_/);
    // The target is left out unless asked for (it may carry personal data).
    expect(allow![ATTR.target]).toBeUndefined();
  });

  it("traced() wraps an Enforcer for direct callers; a failed call is an error span", async () => {
    exporter.reset();
    const warden = traced(backend.warden);
    // Deny the hold left pending above so this passport can decide again.
    for (const a of await (backend.warden as unknown as { listPendingApprovals(p: string): Promise<Array<{ id: string }>> }).listPendingApprovals(PASSPORT.id))
      await backend.deny(a.id);
    await warden.enforce({ passport_id: PASSPORT.id, action: "web:search", cost_cents: 1 });
    await expect(warden.enforce({ passport_id: PASSPORT.id, action: "" })).rejects.toThrow();
    const [ok, failed] = exporter.getFinishedSpans();
    expect(ok!.attributes[ATTR.decision]).toBe("allow");
    expect(failed!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(failed!.attributes[ATTR.errorType]).toBeTypeOf("string");
  });

  it("recordDecisionSpan (for a server) spans the decision's measured latency", () => {
    exporter.reset();
    recordDecisionSpan(
      { decision: "allow", passport_id: "p1", decision_id: "dec_1", retryable: false, holds: [], warnings: [], suggestions: [] } as never,
      { action: "web:search", cost_cents: 3 },
      12.5,
      { attributes: { "warden.issuer_id": "iss_x" } },
    );
    const [span] = exporter.getFinishedSpans();
    const ms = (span!.endTime[0] - span!.startTime[0]) * 1000 + (span!.endTime[1] - span!.startTime[1]) / 1e6;
    expect(ms).toBeGreaterThanOrEqual(12);
    expect(span!.attributes).toMatchObject({ [ATTR.passport]: "p1", [ATTR.decision]: "allow", "warden.issuer_id": "iss_x" });
  });
});

describe("warden serve emits decision spans", () => {
  it("a span per POST /v1/enforce, with the issuer, when an SDK is registered", async () => {
    const { MemoryStore } = await import("../../enforcer/memory-store");
    const { createApiKey } = await import("../../server/auth");
    const { createWardenServer } = await import("../../server/server");
    const { WardenClient } = await import("../../adapters/client/index");
    const store = new MemoryStore();
    const key = (await createApiKey(store, "iss_otel")).key;
    const server = await createWardenServer({ store, storeKind: "memory", rateLimit: 0, log: () => undefined });
    try {
      const addr = await server.listen(0);
      const base = `http://127.0.0.1:${addr.port}`;
      const created = (await (
        await fetch(`${base}/v1/passports`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ permissions: ["web:search"] }),
        })
      ).json()) as { passport: { id: string } };
      exporter.reset();
      const client = new WardenClient({ baseUrl: base, apiKey: key });
      await client.enforce({ passport_id: created.passport.id, action: "web:search", cost_cents: 4 });
      await client.enforce({ passport_id: created.passport.id, action: "db:drop" });
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).toEqual(["warden.enforce web:search", "warden.enforce db:drop"]);
      expect(spans[0]!.kind).toBe(1); // SpanKind.SERVER
      expect(spans[0]!.attributes).toMatchObject({
        [ATTR.passport]: created.passport.id,
        [ATTR.cost]: 4,
        [ATTR.decision]: "allow",
        "warden.issuer_id": "iss_otel",
      });
      expect(spans[1]!.attributes).toMatchObject({ [ATTR.decision]: "block", [ATTR.errorType]: "permission_denied" });
    } finally {
      await server.close();
    }
  });

  it("without the OpenTelemetry API installed the server subscribes nothing", async () => {
    const { ServerEvents } = await import("../../server/context");
    const { traceDecisions } = await import("../../server/otel");
    const missing = async () => {
      throw new Error("Cannot find package '@opentelemetry/api'");
    };
    expect(await traceDecisions(new ServerEvents(), missing)).toBe(false);
    expect(await traceDecisions(new ServerEvents())).toBe(true);
  });
});
