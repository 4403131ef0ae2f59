// The MCP server: six tools that put one passport's enforcer in front of an agent (enforce, status, state, approvals, report).

import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Enforcer } from "../enforcer/enforcer";
import type { Approval, EnforceRequest, EnforcedDecision } from "../enforcer/types";
import { RequestError, WardenError } from "../bindings/errors";
import type { ErrorCode } from "../enforcer/error-codes";
import { zodProblems } from "../bindings/validate";
import { version as VERSION } from "../package.json";
import { ApprovalDesk } from "../desk/desk";
import { formatCents, formatDuration } from "../desk/format";
import type { Lifetimes } from "../bindings/limits";
import { classify } from "../desk/status";

export interface McpServerOptions {
  enforcer: Enforcer;
  /** The passport every tool call acts for. */
  passportId: string;
  /** Shares approval links and permits with the pages; one is made when absent. */
  desk?: ApprovalDesk;
  /** Heartbeats sent on the agent's behalf at each tool call; `false` sends none. Default: a throttle of its own. */
  heartbeats?: HeartbeatThrottle | false;
  /**
   * Runs before every tool call and throws (a WardenError with a code) to refuse it: `warden mcp`
   * proves possession of an L3 passport's key here (SPEC §11). Nothing is counted when it throws.
   */
  prove?: (tool: string, args: Record<string, unknown>) => Promise<void>;
  clock?: () => number;
}

/** A tool call is a sign of life: heartbeat at most this often per passport (well inside the 120 s freshness). */
export const HEARTBEAT_EVERY_MS = 15_000;

/** Sends a passport's heartbeat at most once per HEARTBEAT_EVERY_MS, whatever the number of sessions. */
export class HeartbeatThrottle {
  private readonly last = new Map<string, number>();
  constructor(
    private readonly enforcer: Enforcer,
    private readonly clock: () => number = Date.now,
  ) {}

  async beat(passportId: string, force = false): Promise<void> {
    const now = this.clock();
    const prev = this.last.get(passportId);
    if (!force && prev !== undefined && now - prev < HEARTBEAT_EVERY_MS && now >= prev) return;
    this.last.set(passportId, now);
    await this.enforcer.heartbeat(passportId, AGENT);
  }
}

/** MCP is an agent channel (SPEC §11): every enforcer call made for the agent says so. */
const AGENT = { channel: "agent" } as const;

/** What the MCP server tells the agent; the permit lifetime is the module's (`engine.lifetimes`). */
export function mcpInstructions(lifetimes: Pick<Lifetimes, "permit_ms">): string {
  return [
    "Agent Warden guards this agent's actions.",
    "Before every action that costs money, changes data or reaches outside, call enforce_action and obey the decision:",
    `allow → do it, then call report_action_result with the permit_token within ${formatDuration(lifetimes.permit_ms)};`,
    "request_hold → do not do it yet; a human was notified; poll get_approval_status until it is approved, denied or expired;",
    "block → do not do it (retry later only if retryable is true).",
  ].join(" ");
}

const money = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The MCP server for one passport. Connect it to a transport (stdio, Streamable HTTP). */
export function createMcpServer(opts: McpServerOptions): McpServer {
  const { enforcer, passportId: pid } = opts;
  const clock = opts.clock ?? Date.now;
  const desk = opts.desk ?? new ApprovalDesk(enforcer, clock);
  const heartbeats = opts.heartbeats === undefined ? new HeartbeatThrottle(enforcer, clock) : opts.heartbeats;
  const lifetimes = enforcer.engine.lifetimes;
  const server = new McpServer({ name: "agent-warden", version: VERSION }, { instructions: mcpInstructions(lifetimes) });

  /**
   * Every tool: arguments checked strictly (an unknown field is `unknown_field` with a did-you-mean
   * hint, as on HTTP), the proof hook, a heartbeat, then typed errors as tool errors (never a protocol failure).
   */
  const tool =
    <A>(name: string, shape: z.ZodRawShape, fn: (args: A) => Promise<CallToolResult>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        strictArgs(shape, args);
        if (opts.prove) await opts.prove(name, args as Record<string, unknown>);
        if (heartbeats) await heartbeats.beat(pid);
        return await fn(args);
      } catch (err) {
        return toolError(err);
      }
    };

  const enforceShape = {
    action: z.string().min(1).max(1024).describe("What the agent wants to do, as namespace:verb (web:search, payments:transfer, files:delete)."),
    context: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Details of the action (recipients, amounts, arguments); scanned for secrets and personal data."),
    action_id: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("Your id for this action: asking again with the same id returns the first decision and counts nothing twice."),
    cost_cents: money.optional().describe("What the action costs, in integer cents."),
    target: z.string().max(8192).nullable().optional().describe("The URL or host the action reaches (null: none, as if absent)."),
  };
  server.registerTool(
    "enforce_action",
    {
      title: "Ask before acting",
      description:
        "Ask Agent Warden whether this agent may perform an action now. Call it before every action with a cost or a side effect. " +
        "Cost and target may also be given as context.cost_cents and context.target.",
      inputSchema: toolInput(enforceShape),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    tool<EnforceArgs>("enforce_action", enforceShape, async (args) => {
      const request = liftFromContext(args);
      const decision = await enforcer.enforce({ passport_id: pid, ...request }, AGENT);
      // The words an agent acts on; the signed decision (signature included) only as structured content.
      return { content: [{ type: "text", text: describeDecision(decision) }], structuredContent: decision as unknown as Record<string, unknown> };
    }),
  );

  server.registerTool(
    "get_passport_status",
    {
      title: "Passport status",
      description: "This agent's passport: who it is, whether it is active, revoked, stopped or paused, and which constraints apply.",
      inputSchema: toolInput({}),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool("get_passport_status", {}, async () => {
      const [info, state, limits] = await Promise.all([desk.passport(pid), enforcer.state(pid, AGENT), enforcer.limits(pid)]);
      const status = classify(info, state, limits);
      const data = {
        passport_id: info.id,
        agent_id: info.agent_id,
        agent_name: info.agent_name,
        passport_status: info.status,
        expires_at: info.expires_at,
        enforcement: status.label,
        enforcement_detail: status.detail,
        not_enforced: status.not_enforced,
        emergency_stopped: state.emergency_stopped,
        enforcement_paused: state.enforcement_paused,
        pending_approval_id: state.pending_approval_id,
        constraints: info.constraints,
      };
      return result(`${info.agent_name} (${info.id}): passport ${info.status}, enforcement ${status.label}. ${status.detail}`, data);
    }),
  );

  server.registerTool(
    "get_cumulative_state",
    {
      title: "Spend and counters",
      description:
        "What this agent has spent and done so far (today, this week, this month, in total), what is held for approval, its limits and when windows reset.",
      inputSchema: toolInput({}),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool("get_cumulative_state", {}, async () => {
      const [info, state, limits] = await Promise.all([desk.passport(pid), enforcer.state(pid, AGENT), enforcer.limits(pid)]);
      const cap = limits.windows.daily.limit_cents;
      const ofCap = cap !== null ? ` of ${formatCents(cap, info.currency)} daily limit` : "";
      return result(
        `Spent today ${formatCents(state.spent_today_cents, info.currency)}${ofCap}; held ${formatCents(state.held_cents, info.currency)}; ` +
          `${state.actions_today} actions today.`,
        state,
      );
    }),
  );

  const approvalShape = { approval_id: z.string().min(1).max(256).describe("The approval_request_id of a request_hold decision.") };
  server.registerTool(
    "get_approval_status",
    {
      title: "Approval status",
      description: "Whether a held action was approved, denied or expired. When approved, the answer carries the permit_token to report with.",
      inputSchema: toolInput(approvalShape),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool<{ approval_id: string }>("get_approval_status", approvalShape, async ({ approval_id }) => {
      const approval = await enforcer.getApproval(approval_id, AGENT);
      // Another passport's approval is "not found", never a hint that it exists.
      if (!approval || approval.passport_id !== pid)
        return toolError(new WardenError<ErrorCode>("approval_not_found", `no approval ${approval_id} for this passport`));
      const permit = approval.status === "approved" ? await desk.permitFor(pid, approval.id) : null;
      const data = { ...publicApproval(approval), ...(permit ?? {}) };
      return result(describeApproval(approval, permit !== null), data);
    }),
  );

  server.registerTool(
    "list_pending_approvals",
    {
      title: "Pending approvals",
      description: "This agent's actions that wait for a human (at most one at a time).",
      inputSchema: toolInput({}),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    tool("list_pending_approvals", {}, async () => {
      const pending = (await enforcer.listPendingApprovals(pid, AGENT)).map(publicApproval);
      return result(pending.length === 0 ? "Nothing is waiting for approval." : `${pending.length} action waits for approval.`, { approvals: pending });
    }),
  );

  const reportShape = {
    permit_token: z.string().min(1).max(256).describe("The permit_token of the allow decision or of the approval."),
    success: z.boolean().describe("Whether the action succeeded."),
    result: z.unknown().optional().describe("What the action produced or why it failed (kept in the audit log)."),
    actual_cost_cents: money.optional().describe("The real cost in cents, when it differs from the cost asked for."),
  };
  server.registerTool(
    "report_action_result",
    {
      title: "Report the outcome",
      description:
        `After performing an allowed or approved action, report how it went with its permit_token (single use, valid ${lifetimes.permit_ms / 1000} s). ` +
        "actual_cost_cents corrects the spend if the real cost differed.",
      inputSchema: toolInput(reportShape),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    tool<{ permit_token: string; success: boolean; result?: unknown; actual_cost_cents?: number }>("report_action_result", reportShape, async (args) => {
      const answer = await enforcer.report({ ...args, passport_id: pid }, AGENT);
      return result(answer.accepted ? "Recorded: the audit loop for this action is closed." : `Not recorded: ${answer.reason}.`, answer);
    }),
  );

  return server;
}

/**
 * A tool's input schema as the SDK sees it: it lists `additionalProperties: false`, but lets unknown
 * fields through to `strictArgs`, which refuses them with the same error and hint as HTTP (the SDK's
 * own strict check would answer in its own words, without a hint).
 */
function toolInput<S extends z.ZodRawShape>(shape: S) {
  return z.looseObject(shape).meta({ additionalProperties: false });
}

/** Refuses fields a tool does not know: RequestError `unknown_field` naming the field, with did-you-mean. */
function strictArgs(shape: z.ZodRawShape, args: unknown): void {
  const known = Object.keys(shape);
  const extra = z.strictObject(Object.fromEntries(known.map((k) => [k, z.unknown().optional()]))).safeParse(args ?? {});
  if (extra.success) return;
  const problems = zodProblems(extra.error.issues, args, { kindAt: () => undefined, fieldsAt: (path) => (path.length === 0 ? known : []) });
  throw new RequestError(problems[0]!, "arguments");
}

interface EnforceArgs {
  action: string;
  context?: Record<string, unknown>;
  action_id?: string;
  cost_cents?: number;
  target?: string | null;
}

/** Cost and target may arrive inside `context` (many agents put every argument there); they are taken out of it. */
export function liftFromContext(args: EnforceArgs): Omit<EnforceRequest, "passport_id"> {
  const { context, ...request } = args;
  if (request.target === null) delete request.target; // null is no target, as if absent
  const rest: Record<string, unknown> = { ...(context ?? {}) };
  const lift = (key: "cost_cents" | "target", valid: (v: unknown) => boolean, expected: string) => {
    if (!(key in rest)) return;
    const value = rest[key];
    delete rest[key];
    if (key === "target" && value === null) return; // no target, as if absent
    if (!valid(value)) throw new WardenError("invalid_argument", `context.${key} must be ${expected}`);
    if (request[key] !== undefined && request[key] !== value) {
      throw new WardenError("conflicting_argument", `${key} and context.${key} disagree; give it once`);
    }
    (request as Record<string, unknown>)[key] = value;
  };
  lift("cost_cents", (v) => Number.isSafeInteger(v) && (v as number) >= 0, "integer cents (0 or more)");
  lift("target", (v) => typeof v === "string", "a string");
  return context === undefined ? request : { ...request, context: rest };
}

function describeDecision(d: EnforcedDecision): string {
  switch (d.decision) {
    case "allow":
      return `ALLOWED: go ahead. Then call report_action_result with permit_token ${d.permit_token} before ${d.permit_expires_at}.`;
    case "request_hold":
      return (
        `ON HOLD (${d.reason}): do not perform this action yet. A human was asked to approve it; ` +
        `call get_approval_status with approval_id ${d.approval_request_id} every few seconds until it is approved, denied or expired.`
      );
    default: {
      const again = d.retryable ? "It may pass later; you may retry." : "Do not retry it.";
      const tip = d.suggestions.length > 0 ? ` Suggestion: ${d.suggestions.join("; ")}.` : "";
      return `BLOCKED (${d.reason}): do not perform this action. ${d.detail}. ${again}${tip}`;
    }
  }
}

function describeApproval(a: Approval, hasPermit: boolean): string {
  switch (a.status) {
    case "pending":
      return `PENDING: still waiting for a human (until ${a.expires_at}). Do not perform the action yet; ask again in a few seconds.`;
    case "approved":
      return hasPermit
        ? "APPROVED: go ahead, then call report_action_result with the permit_token below."
        : "APPROVED: go ahead. No permit is available to report with (it was collected or has expired).";
    case "denied":
      return `DENIED${a.outcome_reason && a.outcome_reason !== "denied" ? ` (${a.outcome_reason})` : ""}: do not perform this action.`;
    default:
      return "EXPIRED: nobody answered within the time allowed. Do not perform this action; you may ask again.";
  }
}

/** An approval as the agent may see it (no link: the link is the human's capability). */
function publicApproval(a: Approval) {
  return {
    approval_id: a.id,
    status: a.status,
    action: a.action,
    cost_cents: a.cost_cents,
    target: a.target,
    holds: a.holds,
    created_at: a.created_at,
    expires_at: a.expires_at,
    decided_at: a.decided_at,
    outcome_reason: a.outcome_reason,
  };
}

/** The summary and the data as one line of JSON (for clients that read only text); the data itself as structured content. */
function result(summary: string, data: object): CallToolResult {
  return {
    content: [{ type: "text", text: `${summary}\n${JSON.stringify(data, withoutSignatures)}` }],
    structuredContent: data as Record<string, unknown>,
  };
}

/** Signatures are for programs that verify them (structured content), not words for the model. */
function withoutSignatures(key: string, value: unknown): unknown {
  return key === "signature" ? undefined : value;
}

function toolError(err: unknown): CallToolResult {
  const e =
    err instanceof WardenError
      ? {
          code: err.code,
          message: err.message,
          ...("path" in err && typeof err.path === "string" ? { path: err.path } : {}),
          ...("hint" in err && typeof err.hint === "string" ? { hint: err.hint } : {}),
        }
      : { code: "internal_error", message: "the tool failed" };
  return { isError: true, content: [{ type: "text", text: `Error (${e.code}): ${e.message}\n${JSON.stringify({ error: e })}` }] };
}
