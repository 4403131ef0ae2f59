// Every error code a caller can receive from the HTTP layers (server/ and the human-facing routes),
// with its HTTP status: one closed table. It lives here, the lowest folder both HTTP layers may
// import under the one-way rule, beside the enforcer whose errors most of them are. Its 400s are
// the bindings' problem codes (bindings/problem-codes.ts), each at VALIDATION_STATUS: a code is
// named once, in one of the two tables, and the types below keep the two disjoint.

import { PROBLEM_CODES, type ProblemCode } from "../bindings/problem-codes";

/** A validation problem (the bindings' problem codes) is the caller's input: always 400. */
export const VALIDATION_STATUS = 400;

/** The codes that are not a problem with the input, with their status. */
const HTTP_ERRORS = {
  // 401: who is asking is not established.
  unauthorized: 401,
  missing_api_key: 401,
  invalid_api_key: 401,
  bad_signature: 401,
  pop_required: 401,
  pop_invalid: 401,
  pop_stale: 401,
  pop_replayed: 401,
  // 403 / 404 / 405
  bad_csrf_token: 403,
  forbidden_channel: 403,
  operator_only: 403,
  host_not_allowed: 403,
  origin_not_allowed: 403,
  not_found: 404,
  passport_not_found: 404,
  approval_not_found: 404,
  method_not_allowed: 405,
  // 409: the state does not allow it.
  action_id_conflict: 409,
  approval_not_pending: 409,
  replayed: 409,
  version_conflict: 409,
  passport_revoked: 409,
  // 413 / 415 / 429
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  // 5xx: not the caller's doing.
  internal: 500,
  internal_error: 500,
  unavailable: 503,
  state_conflict: 503,
  sms_not_configured: 503,
  twilio_not_configured: 503,
  slack_not_configured: 503,
  too_many_streams: 503,
  too_many_streams_for_issuer: 503,
} as const satisfies Record<string, number> & { [C in ProblemCode]?: never };

/** The closed union of error codes the HTTP layers answer with: every problem code and the codes above. */
export type ErrorCode = ProblemCode | keyof typeof HTTP_ERRORS;

/** The one table: every code the HTTP layers answer with, and its status. */
export const ERROR_STATUS: { readonly [C in ProblemCode]: typeof VALIDATION_STATUS } & typeof HTTP_ERRORS = Object.freeze({
  ...(Object.fromEntries(Object.keys(PROBLEM_CODES).map((code) => [code, VALIDATION_STATUS])) as {
    readonly [C in ProblemCode]: typeof VALIDATION_STATUS;
  }),
  ...HTTP_ERRORS,
});

export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** Whether `code` is one of the table's (an enforcer error's code, a code from a remote server's JSON). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}

export function statusOf(code: ErrorCode): ErrorStatus {
  return ERROR_STATUS[code];
}

/** The codes an EnforcerError carries: those answered under their own code, and bad_state (a bug, answered 500 `internal`). */
export type EnforcerErrorCode =
  | Extract<
      ErrorCode,
      | "passport_not_found"
      | "missing_passport_id"
      | "action_id_conflict"
      | "state_conflict"
      | "forbidden_channel"
      | "version_conflict"
      | "passport_revoked"
      | "immutable_field"
    >
  | "bad_state";
