// The OpenAPI 3.1 description of every route, served at /v1/openapi.json, built from the router: each
// route declares its `doc` where it is registered. The JSON Schemas under schemas/ are embedded as
// they are (OpenAPI 3.1 is JSON Schema 2020-12), so the documented and the validated shapes never drift.

import constraintsSchema from "../schemas/constraints.schema.json";
import decisionSchema from "../schemas/decision.schema.json";
import passportSchema from "../schemas/passport.schema.json";
import requestSchema from "../schemas/request.schema.json";
import reportSchema from "../schemas/report.schema.json";
import reissueSchema from "../schemas/reissue.schema.json";
import newApproverSchema from "../schemas/new-approver.schema.json";
import dashboardLoginSchema from "../schemas/dashboard-login.schema.json";
import dashboardStopSchema from "../schemas/dashboard-stop.schema.json";
import dashboardActionSchema from "../schemas/dashboard-action.schema.json";
import enforceRequestSchema from "../schemas/enforce-request.schema.json";
import smsReplySchema from "../schemas/sms-reply.schema.json";
import twilioInboundSchema from "../schemas/twilio-inbound.schema.json";
import slackInteractivitySchema from "../schemas/slack-interactivity.schema.json";
import slackBlockActionsSchema from "../schemas/slack-block-actions.schema.json";
import jsonRpcSchema from "../schemas/json-rpc.schema.json";
import windowResetSchema from "../schemas/window-reset.schema.json";
import modeiWindowResetSchema from "../schemas/modei-window-reset.schema.json";
import type { Route, Router } from "./router";
import { obj, ref } from "./openapi-operation";

type Json = Record<string, unknown>;

const SCHEMAS: Json = {
  Error: obj(
    {
      error: obj(
        {
          code: { type: "string", description: "Stable, machine-readable." },
          message: { type: "string" },
          path: { type: "string", description: 'Where in the request body (`constraints["core:cost:max_per_day"]`, `cost_cents`).' },
          hint: { type: "string" },
          problems: { type: "array", items: { type: "object" }, description: "Every problem of an invalid passport." },
        },
        ["code", "message"],
      ),
    },
    ["error"],
  ),
  Passport: passportSchema,
  Constraints: constraintsSchema,
  Request: requestSchema,
  EnforceRequest: enforceRequestSchema,
  Decision: decisionSchema,
  // Request bodies: the schemas/ files that validate them (bindings/validate-body.ts).
  ActionReport: reportSchema,
  WindowReset: windowResetSchema,
  ModeiWindowReset: modeiWindowResetSchema,
  Reissue: reissueSchema,
  NewApprover: newApproverSchema,
  DashboardLogin: dashboardLoginSchema,
  DashboardStop: dashboardStopSchema,
  DashboardAction: dashboardActionSchema,
  SmsReply: smsReplySchema,
  TwilioInbound: twilioInboundSchema,
  SlackInteractivity: slackInteractivitySchema,
  SlackBlockActions: slackBlockActionsSchema,
  JsonRpcBody: jsonRpcSchema,
  Jwk: {
    type: "object",
    properties: {
      kty: { const: "OKP" },
      crv: { const: "Ed25519" },
      x: { type: "string" },
      d: { type: "string" },
      kid: { type: "string" },
      alg: { const: "EdDSA" },
    },
    required: ["kty", "crv", "x"],
  },
  Jwks: obj({ keys: { type: "array", items: ref("Jwk") } }, ["keys"]),
  Health: { type: "object", properties: { status: { enum: ["ok", "draining", "store_unavailable"] }, store: { type: "string" } }, required: ["status"] },
  CreatedPassport: obj(
    {
      passport: ref("Passport"),
      private_key_jwk: { ...ref("Jwk"), description: "Returned once; the server does not keep it." },
      public_key_jwk: ref("Jwk"),
      warnings: { type: "array", items: { type: "string" } },
    },
    ["passport", "private_key_jwk", "public_key_jwk", "warnings"],
  ),
  PassportUpdate: obj(
    {
      passport: ref("Passport"),
      version: { type: "integer", minimum: 2 },
      previous_version: { type: "integer", minimum: 1 },
      changed: {
        type: "array",
        items: { type: "string" },
        description: 'JSON paths of the changed fields, sorted: constraints["core:cost:max_per_day"], permissions, ...',
      },
      warnings: { type: "array", items: { type: "string" } },
    },
    ["passport", "version", "previous_version", "changed", "warnings"],
  ),
  PassportState: { type: "object", description: "The SPEC §6 snapshot with RFC 3339 times, plus `passport_id`, `limits` and `window_resets_at`." },
  Approval: {
    type: "object",
    properties: {
      id: { type: "string" },
      passport_id: { type: "string" },
      agent_name: { type: ["string", "null"] },
      decision_id: { type: "string" },
      action: { type: "string" },
      cost_cents: { type: "integer" },
      target: { type: ["string", "null"] },
      holds: { type: "array", items: { type: "string" } },
      status: { enum: ["pending", "approved", "denied", "expired"] },
      created_at: { type: "string" },
      expires_at: { type: "string" },
      decided_at: { type: ["string", "null"] },
      outcome_reason: { type: ["string", "null"] },
      answered_by: { type: ["string", "null"], description: 'Who answered: an issuer id, a phone number, slack:<user>, or "approval link".' },
      channel: { type: ["string", "null"], description: "Through which channel: api, dashboard, link, sms, slack." },
      permit_token: { type: "string", description: "On the first read after approval only (GET /v1/approvals/{id})." },
      permit_expires_at: { type: "string" },
    },
  },
  ApprovalAnswer: {
    type: "object",
    properties: {
      status: { enum: ["approved", "denied", "expired", "not_found"] },
      permit: { type: "boolean" },
      permit_token: { type: "string" },
      permit_expires_at: { type: "string" },
      reason: { type: "string" },
    },
    required: ["status", "permit"],
  },
  AuditRecord: {
    type: "object",
    description:
      "An audit record: type, at, passport_id, seq, prev_hash, hash (SHA-256 of the canonical JSON without hash and signature) and signature (compact JWS over {hash, seq}).",
    properties: {
      type: { type: "string" },
      at: { type: "string" },
      passport_id: { type: "string" },
      seq: { type: "integer" },
      prev_hash: { type: "string" },
      hash: { type: "string" },
      signature: { type: "string" },
    },
    required: ["type", "at", "passport_id", "seq", "prev_hash", "hash", "signature"],
  },
};

const toOpenApiPath = (pattern: string) => pattern.replace(/:([A-Za-z_]+)/g, "{$1}");

/** The document for the routes now on `router`; a route added without documentation is listed as undocumented. */
export function openApiDocument(router: Router): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of router.list()) {
    const path = toOpenApiPath(route.pattern);
    const op = operationOf(route, path);
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Agent Warden enforcement API",
      version: "1",
      description: "Policy-as-code guardrails for AI agents: every agent asks before acting. Errors are `{error: {code, message, path?}}`.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "An API key from `warden keys create --issuer iss_...`; it sees only its issuer's passports." },
      },
      schemas: SCHEMAS,
    },
  };
}

function operationOf(route: Route, path: string): Json {
  const op = route.doc;
  if (op) return { operationId: operationId(route.method, path), ...op };
  return {
    operationId: operationId(route.method, path),
    summary: "(undocumented)",
    "x-undocumented": true,
    responses: { default: { description: "See the route's module" } },
  };
}

function operationId(method: string, path: string): string {
  return (
    method.toLowerCase() +
    path
      .split(/[/{}.-]+/)
      .filter(Boolean)
      .map((s) => s[0]!.toUpperCase() + s.slice(1))
      .join("")
  );
}
