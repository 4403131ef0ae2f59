// The MCP gateway (SPEC §12): exposes the downstream servers' tools to the agent and decides every tools/call before forwarding it.
// An agent channel (SPEC §11): the agent talks only to this, so it cannot skip the decision.

import { createHash } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  SetLevelRequestSchema,
  type CallToolResult,
  type LoggingMessageNotification,
  type Progress,
  type ServerNotification,
  type ServerRequest,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { Engine } from "../bindings/engine";
import { Redactor } from "../bindings/redact";
import { RequestError } from "../bindings/errors";
import type { Approval, EnforcedDecision } from "../enforcer/types";
import { canonicalJson } from "../enforcer/signing";
import { version as VERSION } from "../package.json";
import type { ProxyConfig } from "./config";
import { Downstream } from "./downstream";
import type { Guard } from "./guard";
import { MappingError, PREFIX_SEPARATOR, ToolMap, actualCost, exposedName, mapCall, type ExposedName, type MappedCall } from "./tools";

/** How often a waiting call re-reads its approval (an answer in another process: warden serve, SMS). */
export const APPROVAL_POLL_MS = 500;
/** How often a waiting call tells the agent it is still waiting (when it gave a progress token). */
export const HOLD_PROGRESS_MS = 5_000;
/** How long an approved call looks for its permit, and how often. */
const PERMIT_COLLECT_MS = 2_000,
  PERMIT_COLLECT_STEP_MS = 50;
/** Reasons that no request for the action can ever pass: the tool is hidden with hide_denied_tools. */
const NEVER_ALLOWED: ReadonlySet<string> = new Set(["permission_denied", "action_blocked", "action_not_allowed", "read_only"]);

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface GatewayOptions {
  config: ProxyConfig;
  /** The config file's directory: relative cwd of stdio servers. */
  base: string;
  guard: Guard;
  engine: Engine;
  /** A line for the operator (stderr). */
  log: (line: string) => void;
  clock?: () => number;
}

export class Gateway {
  readonly downstreams: Map<string, Downstream>;
  private readonly map: ToolMap;
  private readonly redactor: Redactor;
  private readonly sessions = new Set<Server>();
  private readonly clock: () => number;
  /** holds: return — the approval of each call waiting for its answer, by the digest of its server, tool and arguments. */
  private readonly parked = new Map<string, string>();
  /** Tools left out of tools/list (a name that breaks MCP's rule, or is taken), each told once on stderr. */
  private readonly unnamed = new Set<string>();

  constructor(private readonly opts: GatewayOptions) {
    this.clock = opts.clock ?? Date.now;
    this.map = new ToolMap(opts.config.tools);
    this.redactor = new Redactor(opts.engine);
    const events = {
      onLog: (server: string, params: LoggingMessageNotification["params"]) => this.broadcastLog(server, params),
      onToolsChanged: () => {
        for (const s of this.sessions) void s.sendToolListChanged().catch(() => undefined);
      },
      log: opts.log,
    };
    this.downstreams = new Map(
      Object.entries(opts.config.servers).flatMap(([key, spec]) => (spec ? [[key, new Downstream(key, spec, opts.base, events)]] : [])),
    );
  }

  /** Starts every downstream server; one that fails is reported on stderr and its calls refused. */
  async start(): Promise<void> {
    await Promise.all([...this.downstreams.values()].map((d) => d.start()));
  }

  async close(): Promise<void> {
    for (const s of this.sessions) await s.close().catch(() => undefined);
    await Promise.all([...this.downstreams.values()].map((d) => d.close()));
  }

  // ---- the agent's side -------------------------------------------------------------------------

  /** A new MCP server for one agent session (stdio has one; Streamable HTTP one per session), sharing the downstream clients. */
  createServer(): Server {
    const server = new Server(
      { name: "agent-warden-gateway", version: VERSION },
      {
        capabilities: { tools: { listChanged: true }, logging: {} },
        instructions: "Agent Warden decides every tool call before it runs: a blocked call returns an error that says why.",
      },
    );
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await this.listTools() }));
    server.setRequestHandler(CallToolRequestSchema, (req, extra) => this.callTool(req.params.name, req.params.arguments ?? {}, extra));
    server.setRequestHandler(SetLevelRequestSchema, async (req) => {
      await Promise.all([...this.downstreams.values()].map((d) => d.setLoggingLevel(req.params.level).catch(() => undefined)));
      return {};
    });
    this.sessions.add(server);
    const onclose = server.onclose;
    server.onclose = () => {
      this.sessions.delete(server);
      onclose?.();
    };
    return server;
  }

  private broadcastLog(server: string, params: LoggingMessageNotification["params"]): void {
    const forwarded = this.downstreams.size > 1 ? { ...params, logger: params.logger ? `${server}/${params.logger}` : server } : params;
    for (const s of this.sessions) void s.sendLoggingMessage(forwarded).catch(() => undefined);
  }

  /** Every exposed tool, by the agent's name (ready servers only). */
  private names(): Map<string, ExposedName & { def: Tool }> {
    const several = this.downstreams.size > 1;
    const out = new Map<string, ExposedName & { def: Tool }>();
    for (const d of this.downstreams.values()) {
      for (const def of d.tools) {
        const name = exposedName(d.key, def.name, several);
        if (name === null || out.has(name)) {
          const key = `${d.key}:${def.name}`;
          if (!this.unnamed.has(key)) {
            this.unnamed.add(key);
            this.opts.log(
              `warden proxy: tool ${def.name} of ${d.key} is not exposed: ${name === null ? "its prefixed name breaks MCP's tool-name rule" : `the name ${name} is taken`}`,
            );
          }
          continue;
        }
        out.set(name, { server: d.key, tool: def.name, name, def });
      }
    }
    return out;
  }

  /** tools/list: downstream tools under their exposed names, without the never-allowed ones when hide_denied_tools is on. */
  async listTools(): Promise<Tool[]> {
    const all = [...this.names().values()];
    let visible = all;
    if (this.opts.config.hide_denied_tools) {
      // Hiding is a courtesy to the model; every call is decided anyway. Without the passport, nothing is hidden.
      try {
        visible = await this.allowable(all);
      } catch (err) {
        this.opts.log(`warden proxy: cannot read the passport to hide tools: ${message(err)}`);
      }
    }
    // No outputSchema: a call's result is the tool's output or the gateway's decision (a block, a hold), which that schema
    // does not describe, and SDK clients check an error's structuredContent against it too.
    return visible.map(({ def: { outputSchema: _o, ...def }, name }) => ({ ...def, name }));
  }

  /**
   * The tools whose action the module does not refuse outright: a probe request (the action, nothing else) on a clean,
   * fresh counter snapshot; a block for permissions, action lists or read-only means no call of it can ever pass.
   */
  private async allowable<T extends ExposedName>(tools: T[]): Promise<T[]> {
    const policy = await this.opts.guard.policy();
    const now = this.clock();
    return tools.filter((t) => {
      const d = policy.evaluate({ action: this.map.action(t.server, t.tool) }, { last_heartbeat_at: now }, { now });
      return !(d.decision === "block" && NEVER_ALLOWED.has(d.reason));
    });
  }

  // ---- tools/call -------------------------------------------------------------------------------

  /** Decides one call, then forwards it (allow, approved hold) or answers with an error result (block, deny, expiry, failure). */
  async callTool(name: string, args: Record<string, unknown>, extra: Extra): Promise<CallToolResult> {
    const tool = this.names().get(name) ?? this.unavailable(name);
    if (tool === null) return errorResult(`Unknown tool ${JSON.stringify(name)}.`, { error: { code: "unknown_tool", tool: name } });
    const down = this.downstreams.get(tool.server)!;
    if (down.status !== "ready") return this.refused(`downstream server ${tool.server} is unavailable: ${down.problem}`, "downstream_unavailable");
    let call: MappedCall;
    try {
      call = mapCall(this.map, tool.server, tool.tool, args);
    } catch (err) {
      if (err instanceof MappingError) return errorResult(`Not run: ${err.message}.`, { error: { code: err.code, message: err.message } });
      throw err;
    }
    const holdsReturn = this.opts.config.holds === "return";
    let digest = "";
    if (holdsReturn) {
      try {
        digest = requestDigest(tool.server, tool.tool, args);
      } catch (err) {
        return this.refused(`cannot fingerprint the arguments (${message(err)})`, "invalid_argument");
      }
      const parked = this.parked.get(digest);
      if (parked !== undefined) return this.retryParked(parked, digest, tool, call, extra);
    }

    let decision: EnforcedDecision;
    try {
      await this.opts.guard.heartbeat();
      decision = await this.opts.guard.enforce(call);
    } catch (err) {
      if (err instanceof RequestError) {
        return errorResult(`Not run: the request is invalid (${err.code}): ${err.message}`, { error: { code: err.code, message: err.message } });
      }
      return this.refused(`cannot decide (${err instanceof Error ? err.message : String(err)})`, "enforcement_unavailable");
    }
    if (decision.decision === "block") return blockResult(decision);
    if (decision.decision === "allow") return this.forward(tool, call, args, decision.permit_token ?? null, extra);

    const approvalId = decision.approval_request_id!;
    if (holdsReturn) {
      this.parked.set(digest, approvalId);
      return holdResult(decision, "pending");
    }
    const answer = await this.waitForAnswer(approvalId, extra);
    return this.afterAnswer(answer, approvalId, tool, call, args, decision, extra);
  }

  /** A name that would be a tool of a server that is down: its calls are refused, not "unknown". */
  private unavailable(name: string): ExposedName | null {
    const several = this.downstreams.size > 1;
    for (const d of this.downstreams.values()) {
      if (d.status === "ready") continue;
      if (!several) return { server: d.key, tool: name, name };
      const prefix = `${d.key}${PREFIX_SEPARATOR}`;
      if (name.startsWith(prefix)) return { server: d.key, tool: name.slice(prefix.length), name };
    }
    return null;
  }

  /** A retry (holds: return) of a call whose approval was asked for: forwards it once approved, exactly as it was asked. */
  private async retryParked(approvalId: string, digest: string, tool: ExposedName, call: MappedCall, extra: Extra): Promise<CallToolResult> {
    let approval: Approval | null;
    try {
      approval = await this.opts.guard.approval(approvalId);
    } catch (err) {
      return this.refused(`cannot read approval ${approvalId} (${err instanceof Error ? err.message : String(err)})`, "enforcement_unavailable");
    }
    if (approval?.status === "pending") {
      return errorResult(
        `ON HOLD: still waiting for a human to answer approval ${approvalId} (until ${approval.expires_at}). Call again with the same arguments later.`,
        { approval_id: approvalId, status: "pending", expires_at: approval.expires_at },
      );
    }
    // Answered (or gone): the parked call is used up either way; a later identical call is decided afresh.
    this.parked.delete(digest);
    return this.afterAnswer(approval, approvalId, tool, call, call.context.arguments, null, extra);
  }

  private async afterAnswer(
    approval: Approval | null,
    approvalId: string,
    tool: ExposedName,
    call: MappedCall,
    args: Record<string, unknown>,
    decision: EnforcedDecision | null,
    extra: Extra,
  ): Promise<CallToolResult> {
    if (approval?.status === "approved") {
      return this.forward(tool, call, args, await this.collectPermit(approvalId), extra);
    }
    if (extra.signal.aborted)
      return errorResult(`Not run: the call was cancelled while approval ${approvalId} was pending.`, { approval_id: approvalId, status: "cancelled" });
    const status = approval?.status ?? "not_found";
    const why = approval?.outcome_reason && approval.outcome_reason !== status ? ` (${approval.outcome_reason})` : "";
    const text =
      status === "denied"
        ? `DENIED${why}: a human refused ${call.action}; it was not run. Do not retry it.`
        : status === "expired"
          ? `EXPIRED: nobody answered approval ${approvalId} in time; ${call.action} was not run. You may ask again.`
          : `Not run: approval ${approvalId} cannot be found.`;
    return errorResult(text, { approval_id: approvalId, status, ...(decision ? { decision } : {}) });
  }

  /**
   * The permit of an approval, to report the outcome with. The approving channel keeps it for the agent just after the
   * approval is recorded, so it is asked for a little while; without it the call still runs (the approval is the answer).
   */
  private async collectPermit(approvalId: string): Promise<string | null> {
    for (let waited = 0; waited <= PERMIT_COLLECT_MS; waited += PERMIT_COLLECT_STEP_MS) {
      const permit = await this.opts.guard.approvedPermit(approvalId).catch(() => null);
      if (permit !== null) return permit;
      await new Promise((r) => setTimeout(r, PERMIT_COLLECT_STEP_MS));
    }
    this.opts.log(`warden proxy: approval ${approvalId} left no permit to report with; running the approved call without a report`);
    return null;
  }

  /** Waits for the operator's answer until the approval expires, telling the agent it is waiting when it asked for progress. */
  private async waitForAnswer(approvalId: string, extra: Extra): Promise<Approval | null> {
    const token = extra._meta?.progressToken;
    let progress = 0;
    let lastProgress = -Infinity;
    let wake: () => void = () => undefined;
    const unsubscribe = this.opts.guard.onActivity(() => wake());
    try {
      for (;;) {
        let approval: Approval | null;
        try {
          approval = await this.opts.guard.approval(approvalId);
        } catch (err) {
          this.opts.log(`warden proxy: cannot read approval ${approvalId}: ${err instanceof Error ? err.message : String(err)}; still waiting`);
          approval = { status: "pending" } as Approval;
        }
        if (!approval || approval.status !== "pending" || extra.signal.aborted) return approval;
        const now = this.clock();
        if (token !== undefined && now - lastProgress >= HOLD_PROGRESS_MS) {
          lastProgress = now;
          await extra
            .sendNotification({
              method: "notifications/progress",
              params: {
                progressToken: token,
                progress: ++progress,
                message: `waiting for a human to answer approval ${approvalId} (until ${approval.expires_at ?? "it expires"})`,
              },
            })
            .catch(() => undefined);
        }
        await new Promise<void>((done) => {
          const t = setTimeout(done, APPROVAL_POLL_MS);
          wake = () => {
            clearTimeout(t);
            done();
          };
          extra.signal.addEventListener("abort", wake, { once: true });
        });
      }
    } finally {
      unsubscribe();
    }
  }

  /** Forwards a decided call, reports its permit with the outcome, and redacts the result. */
  private async forward(tool: ExposedName, call: MappedCall, args: Record<string, unknown>, permit: string | null, extra: Extra): Promise<CallToolResult> {
    const down = this.downstreams.get(tool.server)!;
    const token = extra._meta?.progressToken;
    // Progress goes out in order, and all of it before the result: a client drops progress for a request it has an answer to.
    let progressSent = Promise.resolve();
    const onProgress =
      token === undefined
        ? undefined
        : (p: Progress) => {
            progressSent = progressSent
              .then(() => extra.sendNotification({ method: "notifications/progress", params: { ...p, progressToken: token } }))
              .catch(() => undefined);
          };
    let result: CallToolResult;
    try {
      result = await down.call(tool.tool, args, extra.signal, onProgress);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.opts.log(`warden proxy: ${tool.server}:${tool.tool} failed downstream: ${why}`);
      await this.reportOutcome(permit, call, false, { error: why }, undefined);
      return errorResult(`The tool failed in downstream server ${tool.server}: ${why}`, { error: { code: "downstream_failed", message: why } });
    }
    await progressSent;
    const actual = actualCost(this.map, tool.server, tool.tool, result.structuredContent);
    await this.reportOutcome(permit, call, result.isError !== true, null, actual);
    return this.opts.config.redact_results ? await this.redact(result) : result;
  }

  private async reportOutcome(permit: string | null, call: MappedCall, success: boolean, result: unknown, actual: number | undefined): Promise<void> {
    if (permit === null) return;
    try {
      const answer = await this.opts.guard.report({
        permit_token: permit,
        action: call.action,
        success,
        ...(result === null ? {} : { result }),
        ...(actual === undefined ? {} : { actual_cost_cents: actual }),
      });
      if (!answer.accepted) this.opts.log(`warden proxy: the report of ${call.action} was refused (${answer.reason})`);
    } catch (err) {
      this.opts.log(`warden proxy: cannot report ${call.action}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Secrets (and PII when the passport redacts it in logs) replaced in text, embedded resources and structured results. */
  private async redact(result: CallToolResult): Promise<CallToolResult> {
    let pii = true; // without the passport, PII is redacted too: the safe side
    try {
      const constraints = ((await this.opts.guard.policy()).passport.constraints ?? {}) as Record<string, unknown>;
      pii = constraints["core:data:redact_pii_in_logs"] === true;
    } catch (err) {
      this.opts.log(`warden proxy: cannot read the passport for redaction (${message(err)}); redacting PII too`);
    }
    const content = result.content.map((c) => {
      if (c.type === "text") return { ...c, text: this.redactor.redactText(c.text, pii) };
      if (c.type === "resource" && "text" in c.resource) return { ...c, resource: { ...c.resource, text: this.redactor.redactText(c.resource.text, pii) } };
      return c;
    });
    const out: CallToolResult = { ...result, content };
    if (result.structuredContent !== undefined) out.structuredContent = this.redactor.redactValue(result.structuredContent, pii);
    return out;
  }

  private refused(why: string, code: string): CallToolResult {
    this.opts.log(`warden proxy: call refused: ${why}`);
    return errorResult(`Not run: ${why}. Agent Warden refuses calls it cannot decide.`, { error: { code, message: why } });
  }
}

/** The binding of a parked call (holds: return): SHA-256 of the canonical JSON of its server, tool and arguments. */
export function requestDigest(server: string, tool: string, args: Record<string, unknown>): string {
  return createHash("sha256")
    .update(canonicalJson({ server, tool, arguments: args }))
    .digest("hex");
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function errorResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { isError: true, content: [{ type: "text", text }], structuredContent: structured };
}

/** A block: the rule, reason, detail and suggestions in words; the decision itself as structured content. */
export function blockResult(d: EnforcedDecision): CallToolResult {
  const again = d.retryable ? "It may pass later." : "Do not retry it.";
  const tips = d.suggestions.length > 0 ? ` Suggestions: ${d.suggestions.join("; ")}.` : "";
  const text = `BLOCKED by Agent Warden: rule ${d.rule ?? "none"}, reason ${d.reason}: ${d.detail}. ${again}${tips}`;
  return { isError: true, content: [{ type: "text", text }], structuredContent: d as unknown as Record<string, unknown> };
}

function holdResult(d: EnforcedDecision, status: string): CallToolResult {
  const text =
    `ON HOLD (${d.reason}): not run yet. A human was asked to approve it (approval ${d.approval_request_id}). ` +
    "Call this tool again with exactly the same arguments once it is approved; it runs then.";
  return {
    isError: true,
    content: [{ type: "text", text }],
    structuredContent: { ...d, approval_id: d.approval_request_id, status } as unknown as Record<string, unknown>,
  };
}
