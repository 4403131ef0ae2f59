// Human in the loop, mounted on any node:http server: /mcp (mcp/), SMS replies, approval links, the dashboard and its
// live feed (humans/). Works against an Enforcer directly; `warden serve` mounts it next to the /v1 API (hitl-mount.ts).

import type { IncomingMessage, ServerResponse } from "node:http";
import FindMyWay, { type HTTPMethod } from "find-my-way";
import type { Enforcer } from "../enforcer/enforcer";
import { ApprovalDesk, type PassportInfo } from "../desk/desk";
import { EventHub, toActivity, type ActivityEvent } from "../humans/events";
import { formatCents } from "../desk/format";
import { HeartbeatThrottle } from "../mcp/server";
import { OriginGuard, handleMcpHttp, type McpProof } from "../mcp/http";
import { ApprovalAlerts } from "../humans/alerts";
import { OutcomeAlerts } from "../humans/outcomes";
import { ConsoleNotifier, FanoutNotifier, type Notifier } from "../humans/notify";
import { SlackApp, type SlackOptions } from "../humans/slack";
import { renderApprovalPage, renderLinkNotFound } from "../humans/pages/approval";
import { renderDashboard, renderLogin, renderStopConfirm, renderSummary, type DashboardCard } from "../humans/pages/dashboard";
import { page } from "../humans/pages/layout";
import { SESSION_COOKIE, SessionCookies, canSee, type DashboardAuth, type Principal, type Session } from "../humans/session";
import { SignatureVerifier } from "../humans/signature";
import { handleSmsInbound } from "../humans/sms";
import { handleTwilioInbound } from "../humans/twilio";
import { approverRequestBody, renderConfirmPage, requestConfirmation } from "../humans/confirm";
import { SseStreams, type StreamOwner } from "../humans/sse";
import { type Operation, schemaBody } from "./openapi-operation";
import { RequestError } from "../bindings/errors";
import { validateBody } from "../bindings/validate-body";
import { dashboardActionSchema, dashboardLoginSchema, dashboardStopSchema, propertyTypes, smsReplySchema } from "../bindings/gen/zod";
import type { DashboardLogin } from "../bindings/gen/types";
import { VALIDATION_STATUS } from "../enforcer/error-codes";
import * as d from "./hitl-openapi";
import { classify } from "../desk/status";
import { HttpError, bearer, cookies, fieldsOf, header, readBody, redirect, sendError, sendHtmlFragment, sendJson, sendPage, wantsJson } from "../desk/web";

export interface HitlOptions {
  enforcer: Enforcer;
  /** Where people reach this server; approval links start with it. Default http://127.0.0.1:8787. */
  publicUrl?: string | (() => string);
  /** How held actions reach a human. Default: a line on stderr. `null`: no notifications. */
  notifier?: Notifier | null;
  /** Shared secret(s) of the SMS webhook; without one, POST /v1/sms/inbound answers 503. */
  smsSecret?: string | string[];
  /** TWILIO_AUTH_TOKEN: Twilio posts replies to POST /v1/sms/twilio (X-Twilio-Signature); without it that route answers 503. */
  twilioAuthToken?: string;
  /** Slack: holds posted with Approve / Deny buttons; clicks come to POST /v1/slack/interactivity (503 without). */
  slack?: Omit<SlackOptions, "desk" | "clock">;
  /** Checks dashboard and /v1/events API keys; without it the dashboard answers 503. */
  auth?: DashboardAuth;
  /** Signs dashboard session cookies; set the same one on every node. Default: random per process. */
  sessionSecret?: string;
  /** Accept short, guessable passport ids on /mcp (demos and tests only). */
  allowWeakPassportIds?: boolean;
  /** Checks the proof of possession of trust_tier L3 passports on /mcp (`warden serve` plugs in server/pop.ts); without it /mcp refuses L3 passports. */
  mcpProof?: McpProof;
  /** Origins (`https://app.example`) allowed to reach /mcp besides the server's own (public URL, loopback). */
  mcpAllowedOrigins?: string[];
  /** Send heartbeats for the passport at MCP tool calls. Default true. */
  mcpHeartbeats?: boolean;
  /** Open event streams at most. Default 100. */
  maxStreams?: number;
  /** Open event streams per issuer at most. Default a fifth of maxStreams. */
  maxStreamsPerIssuer?: number;
  clock?: () => number;
  log?: (line: string) => void;
}

/** The media types of a form body (fieldsOf reads both). */
const FORM_TYPES = ["application/x-www-form-urlencoded", "application/json"];
/** The body of the dashboard's one-click acts (sign out, resume, approve, deny): the CSRF token at most. */
const ACTION_FORM = schemaBody("DashboardAction", "operator", { required: false, types: FORM_TYPES });
/** How many audit records a dashboard card shows on load. */
const FEED_TAIL = 20;
const MAX_FORM_BODY = 16 * 1024;
/** Sign-in attempts per client address per minute. */
const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/**
 * One route, in the host server's terms: a method, a pattern whose `:name` segments capture, and who
 * may call it (`api_key`: the host verifies `Authorization: Bearer` and passes the key's principal).
 */
export interface HitlRoute {
  method: "GET" | "POST";
  pattern: string;
  auth: "none" | "api_key";
  /** Its OpenAPI documentation, merged into the host server's /v1/openapi.json. */
  doc: Operation;
  run(req: IncomingMessage, res: ServerResponse, params: Record<string, string>, principal: Principal | null): Promise<void>;
}

export class Hitl {
  readonly desk: ApprovalDesk;
  readonly hub = new EventHub();
  private readonly enforcer: Enforcer;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  readonly alerts: ApprovalAlerts;
  readonly outcomes: OutcomeAlerts;
  readonly slack: SlackApp | null;
  private readonly sms: SignatureVerifier | null;
  private readonly sessions: SessionCookies;
  private readonly streams: SseStreams;
  private readonly heartbeats: HeartbeatThrottle | false;
  private readonly origins: OriginGuard;
  private readonly detach: Array<() => void> = [];
  private readonly logins = new Map<string, { count: number; since: number }>();
  /** The routes, for a host server's router (`warden serve` mounts them; see server/hitl-mount.ts). */
  readonly routes: readonly HitlRoute[];
  private router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1> | null = null;

  constructor(private readonly opts: HitlOptions) {
    this.enforcer = opts.enforcer;
    this.clock = opts.clock ?? Date.now;
    this.log =
      opts.log ??
      ((line) => {
        process.stderr.write(`${line}\n`);
      });
    this.desk = new ApprovalDesk(this.enforcer, this.clock);
    this.slack = opts.slack ? new SlackApp({ ...opts.slack, desk: this.desk, clock: this.clock }) : null;
    const base = opts.notifier === undefined ? new ConsoleNotifier() : opts.notifier;
    const notifier = this.slack ? (base ? new FanoutNotifier([base, this.slack]) : this.slack) : base;
    this.alerts = new ApprovalAlerts({
      desk: this.desk,
      notifier,
      publicUrl: opts.publicUrl ?? "http://127.0.0.1:8787",
      log: this.log,
    });
    this.outcomes = new OutcomeAlerts({ desk: this.desk, notifier, log: this.log });
    this.sms = opts.smsSecret ? new SignatureVerifier(opts.smsSecret, this.clock) : null;
    this.sessions = new SessionCookies(opts.sessionSecret, this.clock, () => this.alerts.publicUrl.startsWith("https:"));
    const maxStreams = opts.maxStreams ?? 100;
    this.streams = new SseStreams(this.hub, maxStreams, undefined, opts.maxStreamsPerIssuer ?? Math.max(1, Math.floor(maxStreams / 5)));
    this.heartbeats = opts.mcpHeartbeats === false ? false : new HeartbeatThrottle(this.enforcer, this.clock);
    this.origins = new OriginGuard(() => this.alerts.publicUrl, opts.mcpAllowedOrigins ?? []);
    this.detach.push(this.hub.attach(this.enforcer), this.alerts.watch(this.hub), this.outcomes.watch(this.enforcer));
    const route = (method: HitlRoute["method"], pattern: string, doc: Operation, run: HitlRoute["run"], auth: HitlRoute["auth"] = "none"): HitlRoute => ({
      method,
      pattern,
      auth,
      doc,
      run: (req, res, params, principal) => run(req, res, params, principal).catch((err) => this.fail(res, err)),
    });
    this.routes = [
      route(
        "POST",
        "/mcp",
        {
          summary: "MCP server (Streamable HTTP, stateless)",
          description:
            "JSON-RPC of the Model Context Protocol. The passport is named by the `x-passport-id` header (its unguessable id is the credential). " +
            "Tools: enforce_action, get_passport_status, get_cumulative_state, get_approval_status, list_pending_approvals, report_action_result. " +
            "GET and DELETE answer 405 (no sessions).",
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [{ name: "x-passport-id", in: "header", required: true, schema: { type: "string" } }],
          requestBody: schemaBody("JsonRpcBody", "agent"),
          responses: {
            "200": d.jsonOf({ type: "object" }, "JSON-RPC response"),
            "400": d.jsonOf({ type: "object" }, "JSON-RPC parse error, or an Invalid Request (-32600) whose `error.data` names the code and path"),
            "401": d.jsonOf({ type: "object" }, "Missing, weak or unknown passport id"),
          },
        },
        (req, res) => this.mcp(req, res),
      ),
      route(
        "POST",
        "/v1/sms/inbound",
        {
          summary: "Text-message replies from approvers",
          description:
            "Form or JSON with `from` and `body` (`From`/`Body` also accepted). YES/Y/APPROVE/1 or NO/N/DENY/0 answer the one pending approval " +
            "of the passports whose `metadata.approver_phone` is the sender and whose issuer the sender confirmed for (CONFIRM <code>, see /v1/approvers); STOP emergency-stops all of them and turns notifications off; START turns them on; " +
            'anything else gets help. Signed: `x-warden-timestamp` (unix seconds, ±300 s) and `x-warden-signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`. ' +
            "Answers JSON `{intent, reply, ...}`, or TwiML when Accept asks for XML.",
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: schemaBody("SmsReply", "third-party", { types: FORM_TYPES }),
          responses: {
            "200": d.jsonOf({
              type: "object",
              properties: { intent: { enum: ["approve", "deny", "stop", "start", "help", "confirm"] }, reply: { type: "string" } },
              required: ["intent", "reply"],
            }),
            "400": d.error("Missing from or body, or a field the schema refuses (`error.path` names it)."),
            "401": d.error("Missing, stale, wrong or replayed signature."),
            "503": d.error("No SMS secret is configured."),
          },
        },
        (req, res) => this.smsInbound(req, res),
      ),
      route(
        "POST",
        "/v1/sms/twilio",
        {
          summary: "Text-message replies straight from Twilio",
          description:
            "Twilio's inbound-message webhook (form: MessageSid, From, Body, ...). Checked with the twilio package's validateRequest " +
            "(`X-Twilio-Signature` over WARDEN_PUBLIC_URL + `/v1/sms/twilio` and the form, with TWILIO_AUTH_TOKEN); each MessageSid is acted on once. " +
            "Replies as POST /v1/sms/inbound, answered in TwiML.",
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: schemaBody("TwilioInbound", "third-party", { types: ["application/x-www-form-urlencoded"] }),
          responses: {
            "200": { description: "TwiML `<Response><Message>…</Message></Response>`.", content: { "text/xml": { schema: { type: "string" } } } },
            "400": d.error("Missing MessageSid or From, or a field the schema refuses (`error.path` names it)."),
            "403": d.error("Missing or wrong X-Twilio-Signature."),
            "409": d.error("The message was already handled."),
            "503": d.error("TWILIO_AUTH_TOKEN is not set."),
          },
        },
        (req, res) => this.twilioInbound(req, res),
      ),
      route(
        "POST",
        "/v1/slack/interactivity",
        {
          summary: "Approve / Deny clicks from Slack",
          description:
            "Slack's interactivity request (form field `payload`, a block_actions JSON). Checked: `X-Slack-Signature` " +
            "(v0=HMAC-SHA256(signing secret, `v0:<timestamp>:<body>`)), `X-Slack-Request-Timestamp` within 300 s, each request once, " +
            "and the click must come from the message posted for that approval.",
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: schemaBody("SlackInteractivity", "third-party", { types: ["application/x-www-form-urlencoded"] }),
          responses: {
            "200": d.jsonOf({ type: "object", properties: { status: { type: "string" } }, required: ["status"] }),
            "400": d.error("Not a Warden button's block_actions payload (`error.path` names the field, like payload.actions[0].action_id)."),
            "401": d.error("Missing, stale or wrong signature."),
            "404": d.error("No approval was posted as this message."),
            "409": d.error("The request was already handled."),
            "503": d.error("Slack is not configured."),
          },
        },
        (req, res) =>
          this.slack
            ? this.slack.interactivity(req, res)
            : Promise.resolve(sendError(res, "slack_not_configured", "set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_CHANNEL")),
      ),
      route(
        "GET",
        "/v1/events",
        {
          summary: "Live activity feed (Server-Sent Events)",
          description: "Decisions, approval outcomes, reports, stops and resumes of the key's passports, as they happen in this server process.",
          tags: ["human-in-the-loop"],
          parameters: [{ name: "passport_id", in: "query", required: false, schema: { type: "string" } }],
          responses: {
            "200": d.ACTIVITY,
            "401": d.error("Missing or invalid API key."),
            "404": d.error("No such passport, or another issuer's."),
            "503": d.error("Too many open streams."),
          },
        },
        (req, res, _p, principal) => this.apiEvents(req, res, principal!),
        "api_key",
      ),
      route(
        "POST",
        "/v1/approvers",
        {
          summary: "Add an approver (phone or e-mail) to the key's issuer",
          description:
            "Operator channel. Body `{phone}` (E.164) or `{email}`. The address is sent a code (text: reply `CONFIRM 123456`; e-mail: a link) and becomes " +
            "an approver of the issuer only when it returns it; until then it is sent no holds, and its YES/NO/STOP act on nothing. " +
            "A passport naming an unconfirmed `metadata.approver_phone`/`approver_email` triggers the same. One live code at a time per address and issuer.",
          tags: ["human-in-the-loop"],
          requestBody: schemaBody("NewApprover", "operator"),
          responses: {
            "200": d.jsonOf(d.APPROVER, "Already confirmed."),
            "202": d.jsonOf(d.APPROVER, "Pending: a code was sent (or one is still live)."),
            "400": d.error("Not one of phone/email, unknown field, not an E.164 number or e-mail address, another issuer."),
            "401": d.error("Missing or invalid API key."),
          },
        },
        (req, res, _p, principal) => this.addApprover(req, res, principal!),
        "api_key",
      ),
      route(
        "GET",
        "/v1/approvers",
        {
          summary: "The key's issuer's approvers",
          tags: ["human-in-the-loop"],
          responses: {
            "200": d.jsonOf({ type: "object", properties: { approvers: { type: "array", items: d.APPROVER } }, required: ["approvers"] }),
            "401": d.error("Missing or invalid API key."),
          },
        },
        (_req, res, _p, principal) => this.listApprovers(res, principal!),
        "api_key",
      ),
      route(
        "GET",
        "/approvers/confirm/:token",
        {
          summary: "Confirmation page of an approver's e-mail",
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.param("token", "The confirmation link's token (22 characters, 128 random bits).")],
          responses: { "200": d.html("A Confirm button (opening the link confirms nothing).") },
        },
        (_req, res, p) => Promise.resolve(sendPage(res, renderConfirmPage("ask", p.token!))),
      ),
      route(
        "POST",
        "/approvers/confirm/:token",
        {
          summary: "Confirm an approver's e-mail address",
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.param("token", "The confirmation link's token.")],
          responses: { "200": d.html("Confirmed."), "404": d.html("Unknown or used token."), "410": d.html("Expired token.") },
        },
        (req, res, p) => this.confirmEmail(req, res, p.token!),
      ),
      route(
        "GET",
        "/a/:code",
        {
          summary: "Approval page",
          description:
            "What the agent wants, for how much, spent today against the daily limit; Approve and Deny buttons. No login: the code is the capability.",
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.CODE],
          responses: { "200": d.html("The approval, or its final state (approved, denied, expired)."), "404": d.html("Unknown or forgotten code.") },
        },
        (_req, res, p) => this.approvalPage(res, p.code!),
      ),
      route(
        "POST",
        "/a/:code/approve",
        {
          summary: "Approve from the link",
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.CODE],
          responses: { "303": d.seeOther("the approval page"), "404": d.html("Unknown or forgotten code.") },
        },
        (req, res, p) => this.approvalAnswer(req, res, p.code!, true),
      ),
      route(
        "POST",
        "/a/:code/deny",
        {
          summary: "Deny from the link",
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.CODE],
          responses: { "303": d.seeOther("the approval page"), "404": d.html("Unknown or forgotten code.") },
        },
        (req, res, p) => this.approvalAnswer(req, res, p.code!, false),
      ),
      route(
        "GET",
        "/dashboard",
        {
          summary: "Dashboard",
          description:
            "The sign-in form, or every passport of the session's issuer with status badge, spend against limits, pending approval, emergency stop and live feed.",
          tags: ["human-in-the-loop"],
          ...d.open,
          responses: { "200": d.html("The page."), "503": d.html("No API-key verifier configured.") },
        },
        (req, res) => this.dashboard(req, res),
      ),
      route(
        "POST",
        "/dashboard/login",
        {
          summary: "Sign in to the dashboard with an API key",
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: schemaBody("DashboardLogin", "operator", { types: FORM_TYPES }),
          responses: { "303": d.seeOther("/dashboard, with the session cookie"), "401": d.html("Key not accepted."), "429": d.html("Too many attempts.") },
        },
        (req, res) => this.login(req, res),
      ),
      route(
        "POST",
        "/dashboard/logout",
        {
          summary: "Sign out",
          description: d.SESSION,
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: ACTION_FORM,
          responses: { "303": d.seeOther("/dashboard"), "403": d.error("Bad CSRF token.") },
        },
        (req, res) => this.logout(req, res),
      ),
      route(
        "GET",
        "/dashboard/events",
        {
          summary: "The dashboard's live feed (Server-Sent Events)",
          description: `${d.SESSION} \`?after=N\` replays events after id N.`,
          tags: ["human-in-the-loop"],
          ...d.open,
          responses: { "200": d.ACTIVITY, "401": d.error("Not signed in.") },
        },
        (req, res) => this.dashboardEvents(req, res),
      ),
      route(
        "GET",
        "/dashboard/passports/:id/summary",
        {
          summary: "One passport's card (HTML fragment)",
          description: d.SESSION,
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.PASSPORT],
          responses: { "200": d.html("The fragment."), "401": d.error("Not signed in."), "404": d.error("No such passport, or another issuer's.") },
        },
        (req, res, p) => this.summary(req, res, p.id!),
      ),
      route(
        "POST",
        "/dashboard/passports/:id/emergency-stop",
        {
          summary: "Emergency stop from the dashboard",
          description: `${d.SESSION} Needs \`confirm=yes\`; without it a form post gets a confirmation page.`,
          tags: ["human-in-the-loop"],
          ...d.open,
          parameters: [d.PASSPORT],
          requestBody: schemaBody("DashboardStop", "operator", { required: false, types: FORM_TYPES }),
          responses: {
            "200": d.OK_MESSAGE,
            "303": d.seeOther("/dashboard"),
            "400": d.error("confirm=yes missing (JSON)."),
            "403": d.error("Bad CSRF token."),
            "404": d.error("No such passport."),
          },
        },
        (req, res, p) => this.dashOperate(req, res, p.id!, "emergency-stop"),
      ),
      route(
        "POST",
        "/dashboard/passports/:id/resume",
        {
          summary: "Resume after an emergency stop",
          description: d.SESSION,
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: ACTION_FORM,
          parameters: [d.PASSPORT],
          responses: { "200": d.OK_MESSAGE, "303": d.seeOther("/dashboard"), "403": d.error("Bad CSRF token."), "404": d.error("No such passport.") },
        },
        (req, res, p) => this.dashOperate(req, res, p.id!, "resume"),
      ),
      route(
        "POST",
        "/dashboard/approvals/:id/approve",
        {
          summary: "Approve from the dashboard",
          description: d.SESSION,
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: ACTION_FORM,
          parameters: [d.APPROVAL],
          responses: {
            "200": d.OK_MESSAGE,
            "303": d.seeOther("/dashboard"),
            "403": d.error("Bad CSRF token."),
            "404": d.error("No such approval."),
            "409": d.OK_MESSAGE,
          },
        },
        (req, res, p) => this.dashAnswer(req, res, p.id!, true),
      ),
      route(
        "POST",
        "/dashboard/approvals/:id/deny",
        {
          summary: "Deny from the dashboard",
          description: d.SESSION,
          tags: ["human-in-the-loop"],
          ...d.open,
          requestBody: ACTION_FORM,
          parameters: [d.APPROVAL],
          responses: {
            "200": d.OK_MESSAGE,
            "303": d.seeOther("/dashboard"),
            "403": d.error("Bad CSRF token."),
            "404": d.error("No such approval."),
            "409": d.OK_MESSAGE,
          },
        },
        (req, res, p) => this.dashAnswer(req, res, p.id!, false),
      ),
    ];
  }

  /** Serves the request if its path is one of ours (standalone use); returns false, writing nothing, otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    // The path as sent (not through URL, which reads a leading "//" as a host), without the query.
    const path = (req.url ?? "/").split("?", 1)[0]!;
    const table = this.table();
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const hit = table.find(method as HTTPMethod, path);
    if (!hit) {
      // Not ours at all, or ours under other methods (405 names them).
      const allowed = [...new Set(this.routes.map((r) => r.method))].filter((m) => table.find(m as HTTPMethod, path) !== null);
      if (allowed.length === 0) return false;
      res.setHeader("allow", allowed.join(", "));
      sendError(res, "method_not_allowed", `${req.method} is not allowed on ${path}`);
      return true;
    }
    const route = hit.store as HitlRoute;
    let principal: Principal | null = null;
    if (route.auth === "api_key") {
      const key = bearer(req);
      principal = key && this.opts.auth ? await this.opts.auth.verifyKey(key) : null;
      if (!principal) {
        sendError(res, "unauthorized", "send Authorization: Bearer <api key>");
        return true;
      }
    }
    await route.run(req, res, hit.params as Record<string, string>, principal);
    return true;
  }

  /** The routes in a find-my-way table (Fastify's router, as warden serve uses): slashes and captures as there. */
  private table(): FindMyWay.Instance<FindMyWay.HTTPVersion.V1> {
    if (this.router) return this.router;
    const table = FindMyWay({ ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 4096 });
    for (const r of this.routes) table.on(r.method as HTTPMethod, r.pattern, () => undefined, r);
    return (this.router = table);
  }

  /** Resolves when every notification started so far has been sent (or has failed). */
  async settled(): Promise<void> {
    await this.alerts.settled();
    await this.outcomes.settled();
  }

  /** The dashboard session of a request (null when signed out or its key was revoked): other dashboard routes sign in with it. */
  dashboardSession(req: IncomingMessage): Promise<Session | null> {
    return this.session(req);
  }

  /** Whether `token` is the session's CSRF token. */
  dashboardCsrf(session: Session, token: string | undefined): boolean {
    return this.sessions.checkCsrf(session, token);
  }

  /** Detaches from the enforcer and ends open event streams (call before closing the HTTP server). */
  close(): void {
    for (const d of this.detach.splice(0)) d();
    this.streams.closeAll();
  }

  // ---- MCP --------------------------------------------------------------------------------------

  private mcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return handleMcpHttp(req, res, {
      enforcer: this.enforcer,
      desk: this.desk,
      heartbeats: this.heartbeats,
      allowWeakPassportIds: this.opts.allowWeakPassportIds,
      clock: this.clock,
      proof: this.opts.mcpProof ?? null,
      origins: this.origins,
    });
  }

  // ---- SMS replies ------------------------------------------------------------------------------

  private async smsInbound(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.sms) return sendError(res, "sms_not_configured", "set an SMS webhook secret to accept replies");
    const raw = await readBody(req, MAX_FORM_BODY);
    const verdict = await this.sms.verifyOnce(req.headers, raw, (signature, ttlMs) => this.desk.rememberMessage(signature, ttlMs));
    if (!verdict.ok) return sendError(res, "bad_signature", `webhook signature ${verdict.reason}`);
    // Read only once the signature over the exact raw bytes holds.
    const fields = validateBody(smsReplySchema, fieldsOf(req, raw), "SMS reply", propertyTypes.SmsReply);
    const from = fields.from ?? fields.From;
    const body = fields.body ?? fields.Body;
    if (!from) throw new HttpError("missing_field", "from is required: the sender's number (From also accepted)", "from");
    if (body === undefined) throw new HttpError("missing_field", "body is required: the text (Body also accepted)", "body");
    const outcome = await handleSmsInbound(this.desk, { from, body }, (id) => this.alerts.linkFor(id));
    if (/\b(application|text)\/xml\b/.test(String(req.headers.accept ?? ""))) {
      const xml = `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(outcome.reply)}</Message></Response>`;
      res.writeHead(200, { "content-type": "application/xml; charset=utf-8", "content-length": Buffer.byteLength(xml) });
      res.end(xml);
      return;
    }
    sendJson(res, 200, outcome);
  }

  private async twilioInbound(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.opts.twilioAuthToken) return sendError(res, "twilio_not_configured", "set TWILIO_AUTH_TOKEN to accept Twilio replies");
    return handleTwilioInbound(req, res, {
      authToken: this.opts.twilioAuthToken,
      url: `${this.alerts.publicUrl}/v1/sms/twilio`,
      desk: this.desk,
      linkFor: (id) => this.alerts.linkFor(id),
      clock: this.clock,
    });
  }

  // ---- approvers (operator channel: an issuer's API key; the person confirms with the code sent) ---

  /** `POST /v1/approvers {phone | email}`: asks the address to confirm as an approver of the key's issuer. */
  private async addApprover(req: IncomingMessage, res: ServerResponse, principal: Principal): Promise<void> {
    const body = approverRequestBody(await readBody(req, MAX_FORM_BODY), principal.issuer_id);
    const sender = { desk: this.desk, notifier: this.alerts.notifier, publicUrl: () => this.alerts.publicUrl, log: this.log };
    const result = await requestConfirmation(sender, body.issuer_id, body.kind, body.address);
    if (result === null)
      throw new HttpError("invalid_value", body.kind === "phone" ? "phone: not an E.164 number (+15550100001)" : "email: not an e-mail address");
    if (result === "opted_out") throw new HttpError("invalid_value", "phone: this number replied STOP; it is sent nothing until it replies START");
    const view = (await this.desk.approvers.list(body.issuer_id)).find((a) => a.kind === body.kind && a.address === result.address);
    sendJson(res, result.status === "confirmed" ? 200 : 202, view);
  }

  /** `GET /v1/approvers`: the key's issuer's approvers, confirmed or pending (never a code). */
  private async listApprovers(res: ServerResponse, principal: Principal): Promise<void> {
    sendJson(res, 200, { approvers: await this.desk.approvers.list(principal.issuer_id ?? undefined) });
  }

  /** The e-mail link's button: confirms the address for the issuer the link was made for (once). */
  private async confirmEmail(req: IncomingMessage, res: ServerResponse, token: string): Promise<void> {
    await readBody(req, MAX_FORM_BODY);
    const result = await this.desk.approvers.confirmToken(token);
    sendPage(res, renderConfirmPage(result.ok ? "confirmed" : result.reason === "expired" ? "expired" : "invalid", token, result.ok ? result.issuer_id : null));
  }

  // ---- approval links ---------------------------------------------------------------------------

  private async approvalPage(res: ServerResponse, code: string): Promise<void> {
    const approval = await this.desk.resolveLink(code);
    if (!approval) return sendPage(res, renderLinkNotFound());
    sendPage(res, renderApprovalPage(await this.desk.view(approval), code, this.clock()));
  }

  private async approvalAnswer(req: IncomingMessage, res: ServerResponse, code: string, yes: boolean): Promise<void> {
    await readBody(req, MAX_FORM_BODY);
    const approval = await this.desk.resolveLink(code);
    if (!approval) return sendPage(res, renderLinkNotFound());
    // Only a pending approval is answered; the page then shows the final state (answered, expired) either way.
    if (approval.status === "pending") await this.desk.answer(approval.id, yes, { by: "approval link", channel: "link" });
    redirect(res, `/a/${encodeURIComponent(code)}`);
  }

  // ---- dashboard --------------------------------------------------------------------------------

  private async dashboard(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.opts.auth) return sendPage(res, notConfigured());
    const session = await this.session(req);
    if (!session) return sendPage(res, renderLogin());
    // Taken before the cards are read: an event in between shows twice at most, and the page drops repeats.
    const lastEventId = this.hub.lastId;
    const cards = await Promise.all((await this.visible(session)).map((p) => this.card(p)));
    sendPage(res, renderDashboard(cards, session.csrf, lastEventId, { publicUrl: this.alerts.publicUrl.replace(/\/+$/, "") }));
  }

  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.opts.auth) return sendPage(res, notConfigured());
    const fields = fieldsOf(req, await readBody(req, MAX_FORM_BODY));
    if (!this.allowLogin(req)) return sendPage(res, renderLogin({ error: "Too many attempts. Wait a minute and try again.", status: 429 }));
    let form: DashboardLogin;
    try {
      form = validateBody(dashboardLoginSchema, fields, "sign-in form", propertyTypes.DashboardLogin);
    } catch (err) {
      // A person at the form sees what is wrong on the form itself; a program gets the typed error.
      if (err instanceof RequestError && !wantsJson(req)) return sendPage(res, renderLogin({ error: err.message, status: 400 }));
      throw err;
    }
    const principal: Principal | null = await this.opts.auth.verifyKey(form.api_key.trim());
    if (!principal) return sendPage(res, renderLogin({ error: "That API key was not accepted.", status: 401 }));
    redirect(res, "/dashboard", { "set-cookie": this.sessions.issue(principal).cookie });
  }

  private async logout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!(await this.guard(req, res))) return;
    redirect(res, "/dashboard", { "set-cookie": this.sessions.clear() });
  }

  private async dashboardEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const session = await this.session(req);
    if (!session) return sendError(res, "unauthorized", "sign in to the dashboard first");
    // The page names the last event it already shows; a reconnect sends Last-Event-ID instead.
    const after = new URL(req.url ?? "/", "http://localhost").searchParams.get("after");
    if (!req.headers["last-event-id"] && after !== null && /^\d{1,15}$/.test(after)) req.headers["last-event-id"] = after;
    this.streams.serve(req, res, this.visibility(session, null), this.streamOwner(session));
  }

  /** `GET /v1/events[?passport_id=]`: the same feed for programs (the route's API key gives the principal). */
  private async apiEvents(req: IncomingMessage, res: ServerResponse, principal: Principal): Promise<void> {
    const only = new URL(req.url ?? "/", "http://localhost").searchParams.get("passport_id");
    if (only && !(await this.visiblePassport(principal, only))) return sendError(res, "not_found", `no passport ${only}`);
    this.streams.serve(req, res, this.visibility(principal, only), this.streamOwner(principal));
  }

  private async summary(req: IncomingMessage, res: ServerResponse, pid: string): Promise<void> {
    const session = await this.session(req);
    if (!session) return sendError(res, "unauthorized", "sign in to the dashboard first");
    const info = await this.visiblePassport(session, pid);
    if (!info) return sendError(res, "not_found", `no passport ${pid}`);
    sendHtmlFragment(res, renderSummary(await this.card(info), session.csrf));
  }

  private async dashAnswer(req: IncomingMessage, res: ServerResponse, approvalId: string, yes: boolean): Promise<void> {
    const { session } = (await this.guard(req, res)) ?? {};
    if (!session) return;
    const approval = await this.enforcer.getApproval(approvalId);
    const info = approval ? await this.visiblePassport(session, approval.passport_id) : null;
    if (!approval || !info) return sendError(res, "not_found", `no approval ${approvalId}`);
    const answer = await this.desk.answer(approval.id, yes, { by: session.issuer_id ?? "operator", channel: "dashboard" });
    const what = `${this.desk.shown(approval, info).action} for ${formatCents(approval.cost_cents, info.currency)}`;
    const message =
      answer.status === "approved" ? `Approved ${what}.` : answer.status === "denied" ? `Denied ${what}.` : `Too late: the request is ${answer.status}.`;
    this.done(req, res, { ok: answer.status === (yes ? "approved" : "denied"), status: answer.status, message });
  }

  private async dashOperate(req: IncomingMessage, res: ServerResponse, pid: string, op: string): Promise<void> {
    const { session, fields } = (await this.guard(req, res, op === "emergency-stop" ? "own" : "action")) ?? {};
    if (!session || !fields) return;
    const info = await this.visiblePassport(session, pid);
    if (!info) return sendError(res, "not_found", `no passport ${pid}`);
    if (op === "emergency-stop") {
      const form = validateBody(dashboardStopSchema, fields, "emergency-stop form", propertyTypes.DashboardStop);
      if (form.confirm !== "yes") {
        if (wantsJson(req)) return sendError(res, "confirmation_required", "send confirm=yes to stop the agent");
        return sendPage(res, renderStopConfirm(info, session.csrf));
      }
      const { ok } = await this.enforcer.emergencyStop(pid, { actor: { by: session.issuer_id ?? "operator", channel: "dashboard" } });
      return this.done(req, res, { ok, message: ok ? `${info.agent_name} is stopped: every action is blocked until you resume.` : "The stop failed." });
    }
    const { ok } = await this.enforcer.resume(pid, { actor: { by: session.issuer_id ?? "operator", channel: "dashboard" } });
    this.done(req, res, { ok, message: ok ? `${info.agent_name} is resumed.` : "The resume failed." });
  }

  // ---- dashboard plumbing -----------------------------------------------------------------------

  /** A signed-in session with a valid CSRF token (header or form field), and the form; or null, an answer already sent. */
  private async guard(
    req: IncomingMessage,
    res: ServerResponse,
    form: "action" | "own" = "action",
  ): Promise<{ session: Session; fields: Record<string, string> } | null> {
    const fields = fieldsOf(req, await readBody(req, MAX_FORM_BODY));
    const session = await this.session(req);
    if (!session) {
      if (wantsJson(req)) sendError(res, "unauthorized", "sign in to the dashboard first");
      else redirect(res, "/dashboard");
      return null;
    }
    if (!this.sessions.checkCsrf(session, header(req, "x-csrf-token") ?? fields.csrf)) {
      sendError(res, "bad_csrf_token", "reload the dashboard and try again");
      return null;
    }
    // Read only once the session and its CSRF token hold; a route with its own form checks it itself.
    if (form === "action") validateBody(dashboardActionSchema, fields, "dashboard form", propertyTypes.DashboardAction);
    return { session, fields };
  }

  /** The signed-in session, unless its API key was revoked since (then it is over, SPEC §11). */
  private async session(req: IncomingMessage): Promise<Session | null> {
    const session = this.sessions.read(cookies(req)[SESSION_COOKIE]);
    if (!session || !(await this.keyLive(session))) return null;
    return session;
  }

  private async keyLive(principal: Principal): Promise<boolean> {
    if (principal.key_id === undefined || !this.opts.auth?.isLive) return true;
    return this.opts.auth.isLive(principal.key_id);
  }

  /** Streams count against their issuer's cap and end when their key is revoked. */
  private streamOwner(principal: Principal): StreamOwner {
    return { owner: principal.issuer_id ?? "*", alive: () => this.keyLive(principal) };
  }

  private done(req: IncomingMessage, res: ServerResponse, body: { ok: boolean; message: string; status?: string }): void {
    if (wantsJson(req)) sendJson(res, body.ok ? 200 : 409, body);
    else redirect(res, "/dashboard");
  }

  private async visible(principal: Principal): Promise<PassportInfo[]> {
    return (await this.desk.passports()).filter((p) => canSee(principal, p));
  }

  /** The passport if this principal may see it; another issuer's passport is "not found", never "forbidden". */
  private async visiblePassport(principal: Principal, pid: string): Promise<PassportInfo | null> {
    try {
      const info = await this.desk.passport(pid);
      return canSee(principal, info) ? info : null;
    } catch {
      return null;
    }
  }

  /** An event filter for one principal (and optionally one passport), caching who owns which passport. */
  private visibility(principal: Principal, only: string | null): (e: ActivityEvent) => Promise<boolean> {
    const known = new Map<string, boolean>();
    return async (e) => {
      if (only && e.passport_id !== only) return false;
      if (!known.has(e.passport_id)) known.set(e.passport_id, (await this.visiblePassport(principal, e.passport_id)) !== null);
      return known.get(e.passport_id)!;
    };
  }

  private async card(info: PassportInfo): Promise<DashboardCard> {
    const [state, limits, runway] = await Promise.all([this.enforcer.state(info.id), this.enforcer.limits(info.id), this.enforcer.runway(info.id)]);
    const approval = state.pending_approval_id ? await this.enforcer.getApproval(state.pending_approval_id) : null;
    const pending = approval?.status === "pending" ? { approval, ...this.desk.shown(approval, info) } : null;
    return { info, state, limits, runway, status: classify(info, state, limits), pending, recent: await this.tail(info.id) };
  }

  /** The passport's last audit records (from the store, so actions by other processes show too). */
  private async tail(pid: string): Promise<ActivityEvent[]> {
    return (await this.enforcer.auditTail(pid, FEED_TAIL)).map((r) => toActivity(0, r));
  }

  private allowLogin(req: IncomingMessage): boolean {
    const who = req.socket.remoteAddress ?? "?";
    const now = this.clock();
    if (this.logins.size > 10_000) this.logins.clear();
    const entry = this.logins.get(who);
    if (!entry || now - entry.since > 60_000) {
      this.logins.set(who, { count: 1, since: now });
      return true;
    }
    entry.count++;
    return entry.count <= LOGIN_ATTEMPTS_PER_MINUTE;
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (err instanceof HttpError)
      return sendJson(res, err.status, { error: { code: err.code, message: err.message, ...(err.path !== undefined && { path: err.path }) } });
    // A body refused by its schemas/ validator (bindings/validate-body.ts): the problem's code, path and hint.
    if (err instanceof RequestError) {
      const { code, message, path, hint } = err;
      return sendJson(res, VALIDATION_STATUS, { error: { code, message, path, ...(hint !== undefined && { hint }) } });
    }
    const code = (err as { code?: unknown })?.code;
    if (code === "passport_not_found") return sendError(res, "not_found", "not found");
    this.log(`warden: human-in-the-loop route failed: ${(err as Error)?.stack ?? err}`);
    sendError(res, "internal_error", "the request failed");
  }
}

export function createHitl(opts: HitlOptions): Hitl {
  return new Hitl(opts);
}

function notConfigured() {
  return page({
    status: 503,
    title: "Dashboard not configured",
    body: "<main><h1>The dashboard is not configured</h1><p>Start the server with API keys to sign in.</p></main>",
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}
