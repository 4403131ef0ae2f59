// Helpers for the OpenAPI documentation of the human-in-the-loop routes, which each route declares
// where it is defined (server/hitl.ts, server/dashboard-passports.ts).

import { html, open, pathParam as param, seeOther } from "./openapi-operation";

export { html, open, param, seeOther };

type Json = Record<string, unknown>;

export const jsonOf = (schema: Json, description = "OK"): Json => ({ description, content: { "application/json": { schema } } });
export const error = (description: string): Json => jsonOf({ $ref: "#/components/schemas/Error" }, description);
export const CODE = param("code", "The approval link's capability code (22 characters, 128 random bits).");
export const PASSPORT = param("id", "Passport id (pass_...).");
export const APPROVAL = param("id", "Approval id (apr_...).");
export const SESSION =
  "Needs the dashboard session cookie (sign in with an API key at /dashboard) and, for POSTs, its CSRF token (`x-csrf-token` header or `csrf` field).";
export const OK_MESSAGE = jsonOf({
  type: "object",
  properties: { ok: { type: "boolean" }, status: { type: "string" }, message: { type: "string" } },
  required: ["ok", "message"],
});
export const ACTIVITY = {
  description:
    "Server-Sent Events: `event: activity`, `id:` (resume with Last-Event-ID), `data:` an activity event as JSON " +
    "{id, passport_id, type, at, seq, summary, decision?, reason?, action?, cost_cents?, approval_id?, status?}.",
  content: { "text/event-stream": { schema: { type: "string" } } },
};

export const APPROVER: Json = {
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
