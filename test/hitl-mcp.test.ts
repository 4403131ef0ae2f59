// MCP with the SDK's own client over Streamable HTTP: every tool, a hold approved by the SMS webhook, a block, a report closing the audit loop.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { AuditRecord } from "../enforcer/audit";
import { verifyAuditLog } from "../enforcer/audit";
import { verifyCompact } from "../enforcer/signing";
import { liftFromContext } from "../mcp/server";
import { PHONE, sms, startRig, travelPassport, type Rig } from "./hitl-helpers";

const TOOLS = ["enforce_action", "get_approval_status", "get_cumulative_state", "get_passport_status", "list_pending_approvals", "report_action_result"];

async function connect(rig: Rig, passportId = rig.pid): Promise<Client> {
  const client = new Client({ name: "hitl-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${rig.base}/mcp`), { requestInit: { headers: { "x-passport-id": passportId } } });
  await client.connect(transport);
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = (await client.callTool({ name, arguments: args })) as CallToolResult;
  expect(res.isError ?? false, JSON.stringify(res.content)).toBe(false);
  return res.structuredContent as Record<string, any>;
}

async function records(rig: Rig): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of rig.enforcer.auditLog(rig.pid)) out.push(r);
  return out;
}

describe("MCP over Streamable HTTP", () => {
  let rig: Rig;
  let client: Client;
  beforeEach(async () => {
    rig = await startRig();
    client = await connect(rig);
  });
  afterEach(async () => {
    await client.close();
    await rig.close();
  });

  it("lists six tools, each with a JSON Schema for its input", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.description?.length).toBeGreaterThan(20);
    }
    const enforce = tools.find((t) => t.name === "enforce_action")!;
    expect(enforce.inputSchema.required).toEqual(["action"]);
    expect(Object.keys(enforce.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(["action", "context", "action_id", "cost_cents", "target"]));
    const report = tools.find((t) => t.name === "report_action_result")!;
    expect(report.inputSchema.required).toEqual(expect.arrayContaining(["permit_token", "success"]));
    expect(tools.find((t) => t.name === "get_approval_status")!.inputSchema.required).toEqual(["approval_id"]);
  });

  it("allows with cost and target given in context, and the report closes the audit loop", async () => {
    const d = await call(client, "enforce_action", { action: "web:search", context: { cost_cents: 25, target: "serpapi.com", q: "flights" } });
    expect(d).toMatchObject({ decision: "allow", passport_id: rig.pid });
    expect(d.permit_token).toMatch(/^pmt_/);
    const state = await call(client, "get_cumulative_state");
    expect(state).toMatchObject({ spent_today_cents: 25, actions_today: 1, held_cents: 0 });
    const report = await call(client, "report_action_result", { permit_token: d.permit_token, success: true, result: { hits: 3 } });
    expect(report).toEqual({ accepted: true });
    const again = await call(client, "report_action_result", { permit_token: d.permit_token, success: true });
    expect(again).toMatchObject({ accepted: false, reason: "unknown_or_used_permit" });
    const log = await records(rig);
    const decision = log.find((r) => r.type === "decision")!;
    expect(decision.request).toMatchObject({ action: "web:search", cost_cents: 25, target: "serpapi.com", context: { q: "flights" } });
    expect(log.find((r) => r.type === "permit_report")).toMatchObject({ decision_id: d.decision_id, success: true, result: { hits: 3 } });
    expect(await verifyAuditLog(log, rig.enforcer.publicJwk)).toEqual({ ok: true });
  });

  it("a blocked action says so and is not retryable", async () => {
    const res = (await client.callTool({ name: "enforce_action", arguments: { action: "files:delete", target: "https://example.com/x" } })) as CallToolResult;
    const d = res.structuredContent as Record<string, any>;
    expect(d).toMatchObject({ decision: "block", reason: "action_blocked", retryable: false });
    expect((res.content[0] as { text: string }).text).toMatch(/^BLOCKED \(action_blocked\): do not perform this action/);
    expect(d.permit_token).toBeUndefined();
  });

  it("answers in a few words; the signed decision is the structured content", async () => {
    const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;
    const allow = (await client.callTool({
      name: "enforce_action",
      arguments: { action: "web:search", cost_cents: 25, target: "serpapi.com" },
    })) as CallToolResult;
    const block = (await client.callTool({ name: "enforce_action", arguments: { action: "files:delete" } })) as CallToolResult;
    const hold = (await client.callTool({
      name: "enforce_action",
      arguments: { action: "travel:book", cost_cents: 35000, target: "airline.example" },
    })) as CallToolResult;
    for (const [res, verdict] of [
      [allow, "allow"],
      [block, "block"],
      [hold, "request_hold"],
    ] as const) {
      const d = res.structuredContent as Record<string, any>;
      expect(d.decision).toBe(verdict);
      // The full decision verifies against the enforcer's key; its JWS is nowhere in the words.
      const { signature, ...body } = d;
      expect(await verifyCompact(signature as string, rig.enforcer.publicJwk)).toMatchObject({ decision_id: body.decision_id, decision: verdict });
      expect(text(res)).not.toContain((signature as string).split(".")[2]!.slice(0, 16));
      expect(text(res)).not.toMatch(/signature|eyJ/);
      expect(text(res).length, text(res)).toBeLessThan(400);
    }
    expect(text(allow)).toContain(`permit_token ${(allow.structuredContent as Record<string, any>).permit_token}`);
    expect(text(block)).toMatch(/^BLOCKED \(action_blocked\): .*Do not retry it\./);
    expect(text(hold)).toContain(`ON HOLD (cost_requires_approval)`);
    expect(text(hold)).toContain(`approval_id ${(hold.structuredContent as Record<string, any>).approval_request_id}`);
    // The other tools keep their data in the text as one line of JSON, never a signature.
    const state = (await client.callTool({ name: "get_cumulative_state", arguments: {} })) as CallToolResult;
    expect(JSON.parse(text(state).split("\n")[1]!)).toMatchObject({ spent_today_cents: 25 });
  });

  it("a hold is approved by the SMS webhook; the agent collects its permit and reports the actual cost", async () => {
    const hold = await call(client, "enforce_action", { action: "travel:book", cost_cents: 35000, target: "airline.example", action_id: "trip-1" });
    expect(hold).toMatchObject({ decision: "request_hold", reason: "cost_requires_approval" });
    const approvalId = hold.approval_request_id as string;
    await rig.hitl.settled();
    expect(rig.notifier.notices).toHaveLength(1);
    const notice = rig.notifier.notices[0]!;
    expect(notice).toMatchObject({ to: PHONE, agent_name: "Travel bot", action: "travel:book", amount: "$350.00", expires_in_minutes: 5 });
    expect(notice.text).toContain("Travel bot wants to travel:book on airline.example for $350.00");
    expect(notice.text).toContain("within 5 minutes");
    expect(notice.text).toContain(notice.link);
    expect(notice.link).toMatch(new RegExp(`^${rig.base}/a/[A-Za-z0-9_-]{22}$`));

    const pending = await call(client, "list_pending_approvals");
    expect(pending.approvals).toHaveLength(1);
    expect(pending.approvals[0]).toMatchObject({ approval_id: approvalId, status: "pending", cost_cents: 35000 });
    // The agent never sees the link: it would let it approve itself.
    expect(JSON.stringify(pending)).not.toContain("/a/");
    expect(await call(client, "get_approval_status", { approval_id: approvalId })).toMatchObject({ status: "pending" });
    expect((await call(client, "get_passport_status")).pending_approval_id).toBe(approvalId);

    const reply = await sms(rig.base, "+1 555 010 0001", "  Yes ");
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ intent: "approve", status: "approved", approval_id: approvalId, reply: expect.stringContaining("Approved") });

    const status = await call(client, "get_approval_status", { approval_id: approvalId });
    expect(status).toMatchObject({ status: "approved", approval_id: approvalId });
    expect(status.permit_token).toMatch(/^pmt_/);
    expect(await call(client, "report_action_result", { permit_token: status.permit_token, success: true, actual_cost_cents: 30000 })).toMatchObject({
      accepted: true,
    });
    // MCP is an agent channel: a lower actual cost is recorded as a claim, the counted spend stays (SPEC §11).
    expect(await call(client, "get_cumulative_state")).toMatchObject({ spent_today_cents: 35000, held_cents: 0, pending_approval_id: null });
    // Asking again with the same action_id returns the first decision.
    expect(await call(client, "enforce_action", { action: "travel:book", cost_cents: 35000, target: "airline.example", action_id: "trip-1" })).toMatchObject({
      decision: "request_hold",
      approval_request_id: approvalId,
    });
    const types = (await records(rig)).map((r) => r.type);
    expect(types).toEqual(["decision", "approval", "permit_report"]);
  });

  it("get_passport_status reports the passport and an Active agent (tool calls are heartbeats)", async () => {
    const s = await call(client, "get_passport_status");
    expect(s).toMatchObject({ passport_id: rig.pid, agent_name: "Travel bot", passport_status: "active", enforcement: "Active", not_enforced: false });
    expect(s.constraints).toMatchObject({ "core:cost:max_per_day": expect.any(Number) }); // the values, not only the names
  });

  it("another passport's approval is not found; bad arguments are tool errors, not crashes", async () => {
    const other = travelPassport();
    await rig.enforcer.register(other);
    const hold = await rig.enforcer.enforce({ passport_id: other.id as string, action: "travel:book", cost_cents: 9000 });
    const res = (await client.callTool({ name: "get_approval_status", arguments: { approval_id: hold.approval_request_id } })) as CallToolResult;
    expect(res.isError).toBe(true);
    expect((res.content[0] as { text: string }).text).toContain("approval_not_found");
    const conflict = (await client.callTool({
      name: "enforce_action",
      arguments: { action: "a", cost_cents: 5, context: { cost_cents: 6 } },
    })) as CallToolResult;
    expect(conflict.isError).toBe(true);
    expect((conflict.content[0] as { text: string }).text).toContain("conflicting_argument");
    const bad = (await client.callTool({ name: "enforce_action", arguments: { action: "a", context: { cost_cents: -1 } } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    const missing = (await client.callTool({ name: "enforce_action", arguments: {} })) as CallToolResult;
    expect(missing.isError).toBe(true);
  });
});

describe("MCP over HTTP: the x-passport-id header is the credential", () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await startRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  const init = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
  };
  const post = (headers: Record<string, string>, body: unknown = init) =>
    fetch(`${rig.base}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
      body: JSON.stringify(body),
    });

  it("refuses a missing, short or unknown passport id with 401", async () => {
    expect((await post({})).status).toBe(401);
    await rig.enforcer.register({ id: "pass_demo", constraints: {} });
    expect((await post({ "x-passport-id": "pass_demo" })).status).toBe(401);
    expect((await post({ "x-passport-id": `pass_${"0".repeat(32)}` })).status).toBe(401);
    const ok = await post({ "x-passport-id": rig.pid });
    expect(ok.status).toBe(200);
    expect((await ok.json()).result.serverInfo.name).toBe("agent-warden");
  });

  it("is stateless: GET and DELETE are 405; a body that is not JSON is a parse error", async () => {
    expect((await fetch(`${rig.base}/mcp`, { headers: { "x-passport-id": rig.pid } })).status).toBe(405);
    expect((await fetch(`${rig.base}/mcp`, { method: "DELETE", headers: { "x-passport-id": rig.pid } })).status).toBe(405);
    const res = await fetch(`${rig.base}/mcp`, { method: "POST", headers: { "x-passport-id": rig.pid, "content-type": "application/json" }, body: "{" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(-32700);
  });

  it("an agent's envelope the JsonRpcBody schema refuses is an Invalid Request naming the path, and reaches no tool", async () => {
    const call = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "enforce_action", arguments: { action: "travel:book", cost_cents: 10 } } };
    const cases: [unknown, string, string, string?][] = [
      [{ ...call, jsonrpc: "1.0" }, "invalid_value", "jsonrpc"],
      [{ ...call, id: 2.5 }, "invalid_type", "id"],
      [{ ...call, params: ["enforce_action"] }, "invalid_type", "params"],
      [{ ...call, parms: call.params }, "unknown_field", "parms", 'did you mean "params"?'],
      [{ ...call, method: "" }, "out_of_range", "method"],
      [[init, { ...call, jsonrpc: undefined }], "missing_field", "[1].jsonrpc"],
      [[], "out_of_range", ""],
      ["tools/call", "invalid_type", ""],
    ];
    for (const [body, code, path, hint] of cases) {
      const res = await post({ "x-passport-id": rig.pid }, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = await res.json();
      expect(error.code, JSON.stringify(body)).toBe(-32600);
      expect(error.message, JSON.stringify(body)).toMatch(/^Invalid Request: invalid JSON-RPC message: /);
      expect(error.data, JSON.stringify(body)).toEqual({ code, path, ...(hint && { hint }) });
    }
    expect((await rig.enforcer.state(rig.pid)).actions_today).toBe(0);
  });
});

describe("liftFromContext", () => {
  it("takes cost and target out of context, refuses disagreement and bad types", () => {
    expect(liftFromContext({ action: "a", context: { cost_cents: 5, target: "x.com", k: 1 } })).toEqual({
      action: "a",
      cost_cents: 5,
      target: "x.com",
      context: { k: 1 },
    });
    expect(liftFromContext({ action: "a", cost_cents: 5, context: { cost_cents: 5 } })).toEqual({ action: "a", cost_cents: 5, context: {} });
    expect(liftFromContext({ action: "a" })).toEqual({ action: "a" });
    expect(() => liftFromContext({ action: "a", target: "y", context: { target: "x" } })).toThrow(/disagree/);
    expect(() => liftFromContext({ action: "a", context: { cost_cents: 1.5 } })).toThrow(/integer cents/);
    expect(() => liftFromContext({ action: "a", context: { target: 3 } })).toThrow(/string/);
  });
});
