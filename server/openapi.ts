// The OpenAPI 3.1 description of every route, served at /v1/openapi.json. The JSON Schemas under
// schemas/ are embedded as they are (OpenAPI 3.1 is JSON Schema 2020-12), so the two never drift.

import constraintsSchema from "../schemas/constraints.schema.json";
import decisionSchema from "../schemas/decision.schema.json";
import passportSchema from "../schemas/passport.schema.json";
import requestSchema from "../schemas/request.schema.json";
import type { Route, Router } from "./router";
import { POP_MAX_SKEW_S } from "./pop";
import { HITL_OPERATIONS } from "./hitl-openapi";
import type { Operation } from "./openapi-operation";
import { MODEI_ALIASES } from "./modei";

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = "OK"): Json => ({ description, content: { "application/json": { schema } } });
const err = (description: string): Json => json(ref("Error"), description);
const body = (schema: Json, required = true): Json => ({ required, content: { "application/json": { schema } } });
const obj = (properties: Json, required: string[] = []): Json => ({ type: "object", properties, required, additionalProperties: false });

const COMMON_ERRORS: Json = {
  "400": err("Bad input; `error.path` points at the field."),
  "401": err("Missing or invalid API key."),
  "404": err("No such resource, or it belongs to another issuer."),
  "413": err("Request body too large."),
  "429": err("Too many requests; see Retry-After."),
};
const PASSPORT_ID = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Passport id (pass_...)." };
const APPROVAL_ID = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "Approval id (apr_...)." };
const OK_FLAG = json(obj({ ok: { type: "boolean" } }, ["ok"]));

const open = { security: [] as Json[] };

/** Documentation of the built-in routes, by `METHOD pattern`. */
export const OPERATIONS: Record<string, Operation> = {
  "GET /healthz": {
    summary: "Liveness and store reachability",
    tags: ["meta"],
    ...open,
    responses: { "200": json(ref("Health")), "503": json(ref("Health"), "Draining or store unreachable") },
  },
  "GET /v1/healthz": {
    summary: "Same as /healthz",
    tags: ["meta"],
    ...open,
    responses: { "200": json(ref("Health")), "503": json(ref("Health"), "Draining or store unreachable") },
  },
  "GET /.well-known/jwks.json": {
    summary: "Public keys that verify decision signatures and audit records",
    tags: ["meta"],
    ...open,
    responses: { "200": json(ref("Jwks")) },
  },
  "GET /v1/jwks.json": { summary: "Same as /.well-known/jwks.json", tags: ["meta"], ...open, responses: { "200": json(ref("Jwks")) } },
  "GET /metrics": {
    summary: "Prometheus metrics",
    description: "Decisions by outcome and rule, enforce latency histogram, HTTP requests by route and status.",
    tags: ["meta"],
    ...open,
    responses: { "200": { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } } },
  },
  "GET /v1/openapi.json": { summary: "This document", tags: ["meta"], ...open, responses: { "200": json({ type: "object" }) } },
  "POST /v1/passports": {
    summary: "Issue a passport",
    description:
      "Validates and stores the passport with a server-assigned id (an `id` in the body is replaced, with a warning) and the caller's issuer, creates its Ed25519 key pair and returns the private key exactly once; the server keeps only the public key. Trust tier L3 passports must sign each enforce request with it (see POST /v1/enforce).",
    tags: ["passports"],
    requestBody: body(ref("Passport")),
    responses: { "201": json(ref("CreatedPassport"), "Created"), ...COMMON_ERRORS },
  },
  "GET /v1/passports": {
    summary: "The caller's passports",
    tags: ["passports"],
    responses: { "200": json(obj({ passports: { type: "array", items: ref("Passport") } }, ["passports"])), ...COMMON_ERRORS },
  },
  "GET /v1/passports/{id}": {
    summary: "One passport and its public key",
    tags: ["passports"],
    parameters: [PASSPORT_ID],
    responses: {
      "200": json(obj({ passport: ref("Passport"), public_key_jwk: { oneOf: [ref("Jwk"), { type: "null" }] } }, ["passport", "public_key_jwk"])),
      ...COMMON_ERRORS,
    },
  },
  "PUT /v1/passports/{id}": {
    summary: "Update a passport in place",
    description:
      "Operator keys only (an agent key gets 403 operator_only). The body is the whole passport, validated exactly as at issue; a failed update changes nothing. The passport gets the next `version`; id, issuer_id and trust_tier stay (a different value is 400 immutable_field); counters are kept. A `version` in the body is the version you edited: another one is 409 version_conflict. A revoked passport is 409 passport_revoked. A signed `update` audit record names both versions and the changed JSON paths; a pending approval is re-checked against the new limits when answered (docs/decisions.md).",
    tags: ["passports"],
    parameters: [PASSPORT_ID],
    requestBody: body(ref("Passport")),
    responses: { "200": json(ref("PassportUpdate")), ...COMMON_ERRORS },
  },
  "POST /v1/passports/{id}/reissue": {
    summary: "Re-issue a passport with a new key",
    description:
      "Operator keys only. Replaces the proof-of-possession key: with `public_key_jwk` (Ed25519, public half only) that key, otherwise a new pair whose private key is returned exactly once. The old key is refused at once (401 pop_invalid) on every node; counters are kept; a signed `reissue` audit record names both versions and the key thumbprints (RFC 7638).",
    tags: ["passports"],
    parameters: [PASSPORT_ID],
    requestBody: body(obj({ public_key_jwk: ref("Jwk") }), false),
    responses: {
      "200": json({
        allOf: [
          ref("PassportUpdate"),
          { type: "object", properties: { public_key_jwk: ref("Jwk"), private_key_jwk: ref("Jwk") }, required: ["public_key_jwk"] },
        ],
      }),
      ...COMMON_ERRORS,
    },
  },
  "POST /v1/passports/{id}/revoke": {
    summary: "Revoke a passport",
    description: "Sets status revoked: every later request is blocked with passport_revoked, on every node.",
    tags: ["passports"],
    parameters: [PASSPORT_ID],
    responses: { "200": json(obj({ passport: ref("Passport") }, ["passport"])), ...COMMON_ERRORS },
  },
  "GET /v1/passports/{id}/state": {
    summary: "Counter snapshot (SPEC §6), limits and window resets",
    tags: ["state"],
    parameters: [PASSPORT_ID],
    responses: { "200": json(ref("PassportState")), ...COMMON_ERRORS },
  },
  "POST /v1/passports/{id}/state/reset": {
    summary: "Reset a spending window",
    tags: ["state"],
    parameters: [PASSPORT_ID],
    requestBody: body(obj({ window_type: { enum: ["daily", "weekly", "monthly", "total", "all"] } }, ["window_type"])),
    responses: { "200": OK_FLAG, ...COMMON_ERRORS },
  },
  "POST /v1/passports/{id}/heartbeat": {
    summary: "Record a heartbeat (clears a pause; keeps fail_closed passports open)",
    tags: ["state"],
    parameters: [PASSPORT_ID],
    responses: { "200": OK_FLAG, ...COMMON_ERRORS },
  },
  "POST /v1/passports/{id}/pause": {
    summary: "Pause enforcement: every request is blocked until the next heartbeat",
    tags: ["state"],
    parameters: [PASSPORT_ID],
    responses: { "200": OK_FLAG, ...COMMON_ERRORS },
  },
  "POST /v1/passports/{id}/emergency-stop": {
    summary: "Emergency stop",
    description: "Denies the pending approval, releases reservations, blocks every later request with emergency_stopped and writes a PANIC audit record.",
    tags: ["state"],
    parameters: [PASSPORT_ID],
    responses: { "200": OK_FLAG, ...COMMON_ERRORS },
  },
  "POST /v1/passports/{id}/resume": {
    summary: "Clear an emergency stop",
    tags: ["state"],
    parameters: [PASSPORT_ID],
    responses: { "200": OK_FLAG, ...COMMON_ERRORS },
  },
  "GET /v1/passports/{id}/attestations": {
    summary: "The passport's signed, hash-chained audit log (JSON Lines)",
    description:
      "One audit record per line, oldest first. The `X-Warden-Audit-Head` header gives `seq:hash` of the last record, to detect truncation when verifying.",
    tags: ["audit"],
    parameters: [PASSPORT_ID, { name: "from_seq", in: "query", schema: { type: "integer", minimum: 1 }, description: "First record to return (default 1)." }],
    responses: { "200": { description: "JSON Lines", content: { "application/jsonl": { schema: ref("AuditRecord") } } }, ...COMMON_ERRORS },
  },
  "POST /v1/enforce": {
    summary: "Decide one action",
    description: `Evaluates the request against the passport and its counters, commits (allow) or reserves (hold) its cost, and returns the signed decision. A repeated action_id returns the first decision (409 action_id_conflict if the request differs). For trust_tier L3 passports the \`Warden-PoP\` header must carry a compact JWS (alg EdDSA, typ warden-pop+jws) signed with the passport's private key, whose payload is {iat (seconds, within ±${POP_MAX_SKEW_S} s), nonce (16–128 of A-Za-z0-9_-, never reused), htm: "POST", htu: "/v1/enforce", sha256: base64url SHA-256 of the exact body bytes}; otherwise 401 pop_required, pop_invalid, pop_stale or pop_replayed.`,
    tags: ["enforce"],
    parameters: [{ name: "Warden-PoP", in: "header", required: false, schema: { type: "string" }, description: "Proof of possession (trust_tier L3 only)." }],
    requestBody: body({ allOf: [ref("Request"), { type: "object", properties: { passport_id: { type: "string" } }, required: ["passport_id"] }] }),
    responses: {
      "200": json(ref("Decision"), "The decision (allow, request_hold or block)"),
      ...COMMON_ERRORS,
      "409": err("action_id reused for a different request."),
    },
  },
  "POST /v1/actions/report": {
    summary: "Report an action's result with its permit (closes the audit loop)",
    description: "Permits are single-use and expire 30 s after issue; actual_cost_cents trues up the committed spend.",
    tags: ["enforce"],
    requestBody: body(
      obj(
        {
          permit_token: { type: "string" },
          success: { type: "boolean" },
          result: {},
          actual_cost_cents: { type: "integer", minimum: 0, maximum: 9007199254740991 },
        },
        ["permit_token", "success"],
      ),
    ),
    responses: {
      "200": json(obj({ accepted: { type: "boolean" }, reason: { enum: ["unknown_or_used_permit", "permit_expired"] } }, ["accepted"])),
      ...COMMON_ERRORS,
    },
  },
  "GET /v1/approvals": {
    summary: "Pending approvals of the caller's passports",
    tags: ["approvals"],
    parameters: [{ name: "passport_id", in: "query", schema: { type: "string" }, description: "Only this passport's." }],
    responses: { "200": json(obj({ approvals: { type: "array", items: ref("Approval") } }, ["approvals"])), ...COMMON_ERRORS },
  },
  "GET /v1/approvals/{id}": {
    summary: "One approval request",
    description: "Once approved, the first read carries `permit_token` and `permit_expires_at` for the waiting agent; later reads do not.",
    tags: ["approvals"],
    parameters: [APPROVAL_ID],
    responses: { "200": json(ref("Approval")), ...COMMON_ERRORS },
  },
  "POST /v1/approvals/{id}/approve": {
    summary: "Approve: commits the reservation and issues a permit",
    description: "Re-checks emergency stop, revocation and expiry; if one fails the answer is denied.",
    tags: ["approvals"],
    parameters: [APPROVAL_ID],
    responses: { "200": json(ref("ApprovalAnswer")), ...COMMON_ERRORS, "409": err("The approval is no longer pending.") },
  },
  "POST /v1/approvals/{id}/deny": {
    summary: "Deny: releases the reservation",
    tags: ["approvals"],
    parameters: [APPROVAL_ID],
    responses: { "200": json(ref("ApprovalAnswer")), ...COMMON_ERRORS, "409": err("The approval is no longer pending.") },
  },
  ...HITL_OPERATIONS,
};
for (const [alias, target] of Object.entries(MODEI_ALIASES)) {
  const op = OPERATIONS[target]!;
  OPERATIONS[alias] = {
    ...op,
    summary: `${op.summary} (Modei-compatible path)`,
    tags: ["modei"],
    description: `The same as ${target} under Modei's path and field names (docs/migrating-from-modei.md).${op.description ? ` ${op.description}` : ""}`,
  };
}

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
  Decision: decisionSchema,
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
  const op = OPERATIONS[`${route.method} ${path}`];
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
