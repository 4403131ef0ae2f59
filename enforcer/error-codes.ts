// Every error code a caller can receive from the HTTP layers (server/ and the human-facing routes),
// with its HTTP status: one closed table. It lives here, the lowest folder both HTTP layers may
// import under the one-way rule, beside the enforcer whose errors most of them are; it imports
// nothing. Validation problems from the bindings (RequestError, PassportError) keep their own
// problem codes (`out_of_range`, `unknown_constraint`, ...) and are always VALIDATION_STATUS.

export const ERROR_STATUS = {
  // 400: the request is wrong.
  invalid_json: 400,
  invalid_body: 400,
  invalid_type: 400,
  invalid_value: 400,
  unknown_field: 400,
  missing_field: 400,
  missing_passport_id: 400,
  issuer_mismatch: 400,
  confirmation_required: 400,
  invalid_payload: 400,
  conflicting_fields: 400,
  immutable_field: 400,
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
} as const satisfies Record<string, number>;

/** The closed union of error codes the HTTP layers answer with. */
export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/** A validation problem (the bindings' Problem codes) is the caller's input: always 400. */
export const VALIDATION_STATUS = 400;

/** Whether `code` is one of the table's (an enforcer error's code, say). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}

export function statusOf(code: ErrorCode): ErrorStatus {
  return ERROR_STATUS[code];
}
