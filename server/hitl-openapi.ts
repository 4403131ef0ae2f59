// OpenAPI descriptions of the human-in-the-loop routes, merged into the server's /v1/openapi.json.

import type { Operation } from "./openapi-operation";

type Json = Record<string, unknown>;

const open = { security: [] as Json[] };
const html = (description: string): Json => ({ description, content: { "text/html": { schema: { type: "string" } } } });
const jsonOf = (schema: Json, description = "OK"): Json => ({ description, content: { "application/json": { schema } } });
const error = (description: string): Json => jsonOf({ $ref: "#/components/schemas/Error" }, description);
const seeOther = (where: string): Json => ({ description: `See Other: back to ${where}`, headers: { location: { schema: { type: "string" } } } });
const param = (name: string, description: string): Json => ({ name, in: "path", required: true, schema: { type: "string" }, description });
const CODE = param("code", "The approval link's capability code (22 characters, 128 random bits).");
const PASSPORT = param("id", "Passport id (pass_...).");
const APPROVAL = param("id", "Approval id (apr_...).");
const form = (properties: Json, required: string[] = []): Json => ({
  required: required.length > 0,
  content: {
    "application/x-www-form-urlencoded": { schema: { type: "object", properties, required } },
    "application/json": { schema: { type: "object", properties, required } },
  },
});
const SESSION =
  "Needs the dashboard session cookie (sign in with an API key at /dashboard) and, for POSTs, its CSRF token (`x-csrf-token` header or `csrf` field).";
const OK_MESSAGE = jsonOf({
  type: "object",
  properties: { ok: { type: "boolean" }, status: { type: "string" }, message: { type: "string" } },
  required: ["ok", "message"],
});
const ACTIVITY = {
  description:
    "Server-Sent Events: `event: activity`, `id:` (resume with Last-Event-ID), `data:` an activity event as JSON " +
    "{id, passport_id, type, at, seq, summary, decision?, reason?, action?, cost_cents?, approval_id?, status?}.",
  content: { "text/event-stream": { schema: { type: "string" } } },
};

const APPROVER: Json = {
  type: "object",
  properties: {
    issuer_id: { type: ["string", "null"] },
    kind: { enum: ["phone", "email"] },
    address: { type: "string", description: "E.164 phone number or lower-cased e-mail address." },
    status: { enum: ["pending", "confirmed"] },
    requested_at: { type: "string", format: "date-time" },
    confirmed_at: { type: ["string", "null"], format: "date-time" },
    expires_at: { type: ["string", "null"], format: "date-time", description: "While pending: when the code expires." },
  },
  required: ["issuer_id", "kind", "address", "status"],
};

/** By `METHOD path`, as the server's OPERATIONS table. */
export const HITL_OPERATIONS: Record<string, Operation> = {
  "POST /mcp": {
    summary: "MCP server (Streamable HTTP, stateless)",
    description:
      "JSON-RPC of the Model Context Protocol. The passport is named by the `x-passport-id` header (its unguessable id is the credential). " +
      "Tools: enforce_action, get_passport_status, get_cumulative_state, get_approval_status, list_pending_approvals, report_action_result. " +
      "GET and DELETE answer 405 (no sessions).",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [{ name: "x-passport-id", in: "header", required: true, schema: { type: "string" } }],
    requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
    responses: {
      "200": jsonOf({ type: "object" }, "JSON-RPC response"),
      "400": jsonOf({ type: "object" }, "JSON-RPC parse error"),
      "401": jsonOf({ type: "object" }, "Missing, weak or unknown passport id"),
    },
  },
  "POST /v1/sms/inbound": {
    summary: "Text-message replies from approvers",
    description:
      "Form or JSON with `from` and `body` (`From`/`Body` also accepted). YES/Y/APPROVE/1 or NO/N/DENY/0 answer the one pending approval " +
      "of the passports whose `metadata.approver_phone` is the sender and whose issuer the sender confirmed for (CONFIRM <code>, see /v1/approvers); STOP emergency-stops all of them and turns notifications off; START turns them on; " +
      'anything else gets help. Signed: `x-warden-timestamp` (unix seconds, ±300 s) and `x-warden-signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`. ' +
      "Answers JSON `{intent, reply, ...}`, or TwiML when Accept asks for XML.",
    tags: ["human-in-the-loop"],
    ...open,
    requestBody: form({ from: { type: "string" }, body: { type: "string" } }, ["from", "body"]),
    responses: {
      "200": jsonOf({
        type: "object",
        properties: { intent: { enum: ["approve", "deny", "stop", "start", "help", "confirm"] }, reply: { type: "string" } },
        required: ["intent", "reply"],
      }),
      "400": error("Missing from or body."),
      "401": error("Missing, stale, wrong or replayed signature."),
      "503": error("No SMS secret is configured."),
    },
  },
  "POST /v1/sms/twilio": {
    summary: "Text-message replies straight from Twilio",
    description:
      "Twilio's inbound-message webhook (form: MessageSid, From, Body, ...). Checked with the twilio package's validateRequest " +
      "(`X-Twilio-Signature` over WARDEN_PUBLIC_URL + `/v1/sms/twilio` and the form, with TWILIO_AUTH_TOKEN); each MessageSid is acted on once. " +
      "Replies as POST /v1/sms/inbound, answered in TwiML.",
    tags: ["human-in-the-loop"],
    ...open,
    requestBody: form({ MessageSid: { type: "string" }, From: { type: "string" }, Body: { type: "string" } }, ["MessageSid", "From"]),
    responses: {
      "200": { description: "TwiML `<Response><Message>…</Message></Response>`.", content: { "text/xml": { schema: { type: "string" } } } },
      "400": error("Missing MessageSid or From."),
      "403": error("Missing or wrong X-Twilio-Signature."),
      "409": error("The message was already handled."),
      "503": error("TWILIO_AUTH_TOKEN is not set."),
    },
  },
  "POST /v1/slack/interactivity": {
    summary: "Approve / Deny clicks from Slack",
    description:
      "Slack's interactivity request (form field `payload`, a block_actions JSON). Checked: `X-Slack-Signature` " +
      "(v0=HMAC-SHA256(signing secret, `v0:<timestamp>:<body>`)), `X-Slack-Request-Timestamp` within 300 s, each request once, " +
      "and the click must come from the message posted for that approval.",
    tags: ["human-in-the-loop"],
    ...open,
    requestBody: form({ payload: { type: "string" } }, ["payload"]),
    responses: {
      "200": jsonOf({ type: "object", properties: { status: { type: "string" } }, required: ["status"] }),
      "400": error("Not a Warden button's block_actions payload."),
      "401": error("Missing, stale or wrong signature."),
      "404": error("No approval was posted as this message."),
      "409": error("The request was already handled."),
      "503": error("Slack is not configured."),
    },
  },
  "GET /v1/events": {
    summary: "Live activity feed (Server-Sent Events)",
    description: "Decisions, approval outcomes, reports, stops and resumes of the key's passports, as they happen in this server process.",
    tags: ["human-in-the-loop"],
    parameters: [{ name: "passport_id", in: "query", required: false, schema: { type: "string" } }],
    responses: {
      "200": ACTIVITY,
      "401": error("Missing or invalid API key."),
      "404": error("No such passport, or another issuer's."),
      "503": error("Too many open streams."),
    },
  },
  "POST /v1/approvers": {
    summary: "Add an approver (phone or e-mail) to the key's issuer",
    description:
      "Operator channel. Body `{phone}` (E.164) or `{email}`. The address is sent a code (text: reply `CONFIRM 123456`; e-mail: a link) and becomes " +
      "an approver of the issuer only when it returns it; until then it is sent no holds, and its YES/NO/STOP act on nothing. " +
      "A passport naming an unconfirmed `metadata.approver_phone`/`approver_email` triggers the same. One live code at a time per address and issuer.",
    tags: ["human-in-the-loop"],
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: {
            type: "object",
            additionalProperties: false,
            properties: { phone: { type: "string" }, email: { type: "string" }, issuer_id: { type: "string" } },
          },
        },
      },
    },
    responses: {
      "200": jsonOf(APPROVER, "Already confirmed."),
      "202": jsonOf(APPROVER, "Pending: a code was sent (or one is still live)."),
      "400": error("Not one of phone/email, unknown field, not an E.164 number or e-mail address, another issuer."),
      "401": error("Missing or invalid API key."),
    },
  },
  "GET /v1/approvers": {
    summary: "The key's issuer's approvers",
    tags: ["human-in-the-loop"],
    responses: {
      "200": jsonOf({ type: "object", properties: { approvers: { type: "array", items: APPROVER } }, required: ["approvers"] }),
      "401": error("Missing or invalid API key."),
    },
  },
  "GET /approvers/confirm/{token}": {
    summary: "Confirmation page of an approver's e-mail",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [param("token", "The confirmation link's token (22 characters, 128 random bits).")],
    responses: { "200": html("A Confirm button (opening the link confirms nothing).") },
  },
  "POST /approvers/confirm/{token}": {
    summary: "Confirm an approver's e-mail address",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [param("token", "The confirmation link's token.")],
    responses: { "200": html("Confirmed."), "404": html("Unknown or used token."), "410": html("Expired token.") },
  },
  "GET /a/{code}": {
    summary: "Approval page",
    description: "What the agent wants, for how much, spent today against the daily limit; Approve and Deny buttons. No login: the code is the capability.",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [CODE],
    responses: { "200": html("The approval, or its final state (approved, denied, expired)."), "404": html("Unknown or forgotten code.") },
  },
  "POST /a/{code}/approve": {
    summary: "Approve from the link",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [CODE],
    responses: { "303": seeOther("the approval page"), "404": html("Unknown or forgotten code.") },
  },
  "POST /a/{code}/deny": {
    summary: "Deny from the link",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [CODE],
    responses: { "303": seeOther("the approval page"), "404": html("Unknown or forgotten code.") },
  },
  "GET /dashboard": {
    summary: "Dashboard",
    description:
      "The sign-in form, or every passport of the session's issuer with status badge, spend against limits, pending approval, emergency stop and live feed.",
    tags: ["human-in-the-loop"],
    ...open,
    responses: { "200": html("The page."), "503": html("No API-key verifier configured.") },
  },
  "POST /dashboard/login": {
    summary: "Sign in to the dashboard with an API key",
    tags: ["human-in-the-loop"],
    ...open,
    requestBody: form({ api_key: { type: "string" } }, ["api_key"]),
    responses: { "303": seeOther("/dashboard, with the session cookie"), "401": html("Key not accepted."), "429": html("Too many attempts.") },
  },
  "POST /dashboard/logout": {
    summary: "Sign out",
    description: SESSION,
    tags: ["human-in-the-loop"],
    ...open,
    responses: { "303": seeOther("/dashboard"), "403": error("Bad CSRF token.") },
  },
  "GET /dashboard/events": {
    summary: "The dashboard's live feed (Server-Sent Events)",
    description: `${SESSION} \`?after=N\` replays events after id N.`,
    tags: ["human-in-the-loop"],
    ...open,
    responses: { "200": ACTIVITY, "401": error("Not signed in.") },
  },
  "GET /dashboard/passports/{id}/summary": {
    summary: "One passport's card (HTML fragment)",
    description: SESSION,
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [PASSPORT],
    responses: { "200": html("The fragment."), "401": error("Not signed in."), "404": error("No such passport, or another issuer's.") },
  },
  "POST /dashboard/passports/{id}/emergency-stop": {
    summary: "Emergency stop from the dashboard",
    description: `${SESSION} Needs \`confirm=yes\`; without it a form post gets a confirmation page.`,
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [PASSPORT],
    requestBody: form({ confirm: { const: "yes" }, csrf: { type: "string" } }),
    responses: {
      "200": OK_MESSAGE,
      "303": seeOther("/dashboard"),
      "400": error("confirm=yes missing (JSON)."),
      "403": error("Bad CSRF token."),
      "404": error("No such passport."),
    },
  },
  "POST /dashboard/passports/{id}/resume": {
    summary: "Resume after an emergency stop",
    description: SESSION,
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [PASSPORT],
    responses: { "200": OK_MESSAGE, "303": seeOther("/dashboard"), "403": error("Bad CSRF token."), "404": error("No such passport.") },
  },
  "POST /dashboard/approvals/{id}/approve": {
    summary: "Approve from the dashboard",
    description: SESSION,
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [APPROVAL],
    responses: { "200": OK_MESSAGE, "303": seeOther("/dashboard"), "403": error("Bad CSRF token."), "404": error("No such approval."), "409": OK_MESSAGE },
  },
  "POST /dashboard/approvals/{id}/deny": {
    summary: "Deny from the dashboard",
    description: SESSION,
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [APPROVAL],
    responses: { "200": OK_MESSAGE, "303": seeOther("/dashboard"), "403": error("Bad CSRF token."), "404": error("No such approval."), "409": OK_MESSAGE },
  },
  // The passport form (server/dashboard-passports.ts).
  "GET /dashboard/passports/new": {
    summary: "The passport form: create",
    description: "A JSON editor checked on every edit in the page by the WebAssembly engine (the problems of `warden check`). Signed out: 303 to /dashboard.",
    tags: ["human-in-the-loop"],
    ...open,
    responses: { "200": html("The form."), "303": seeOther("/dashboard") },
  },
  "GET /dashboard/passports/{id}/edit": {
    summary: "The passport form: edit",
    description: "The stored passport in the form; saving makes a new version.",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [PASSPORT],
    responses: { "200": html("The form."), "303": seeOther("/dashboard"), "404": error("No such passport.") },
  },
  "POST /dashboard/passports": {
    summary: "Create a passport from the dashboard",
    description: `${SESSION} The body and answer are those of POST /v1/passports.`,
    tags: ["human-in-the-loop"],
    ...open,
    requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Passport" } } } },
    responses: {
      "200": jsonOf({ $ref: "#/components/schemas/CreatedPassport" }),
      "400": error("Invalid passport."),
      "401": error("Signed out."),
      "403": error("Bad CSRF token."),
    },
  },
  "PUT /dashboard/passports/{id}": {
    summary: "Update a passport from the dashboard",
    description: `${SESSION} The body and answer are those of PUT /v1/passports/{id}; the audit record names channel dashboard.`,
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [PASSPORT],
    requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Passport" } } } },
    responses: {
      "200": jsonOf({ $ref: "#/components/schemas/PassportUpdate" }),
      "400": error("Invalid passport."),
      "401": error("Signed out."),
      "403": error("Bad CSRF token."),
      "404": error("No such passport."),
      "409": error("Version conflict or revoked."),
    },
  },
  "GET /dashboard/assets/{file}": {
    summary: "The browser build of the engine and the form's script",
    description: "Files of dist/browser (JavaScript modules and warden.wasm) for the passport form.",
    tags: ["human-in-the-loop"],
    ...open,
    parameters: [param("file", "A file name of dist/browser (engine.js, passport-form.js, chunk-*.js, warden.wasm).")],
    responses: {
      "200": { description: "The file.", content: { "text/javascript": { schema: { type: "string" } }, "application/wasm": { schema: { type: "string" } } } },
      "404": error("No such asset."),
    },
  },
};
