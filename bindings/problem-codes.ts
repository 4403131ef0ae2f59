// Every code a caller can find on a bindings error, one closed table each, with what it means: the
// problem codes of bad input (a Problem, a RequestError, a PassportError; HTTP answers them 400) and
// the engine codes of a broken module or host (an EngineError; never the caller's input).
// enforcer/error-codes.ts puts the problem codes in its HTTP table; docs/errors.md lists both tables.

/** What is wrong with the caller's input. Every 400 the server answers carries one of these. */
export const PROBLEM_CODES = {
  // The document as a whole.
  invalid_json: "the document is not valid JSON",
  invalid_body: "the HTTP body is not the document expected (not a JSON object, badly framed, or nested too deeply)",
  invalid_file: "a file (passport, fixture, proxy config) cannot be read or parsed",
  invalid_passport: "the passport is not usable (a PassportError that lists no problem)",
  unreadable_input: "reading the input threw (a getter or proxy in the request, its context or the counters)",
  // A field.
  invalid_type: "a value has the wrong JSON type",
  invalid_value: "a value is not one of those allowed (also what an unknown problem code from outside becomes)",
  invalid_format: "a string does not have the required format (a date-time, a pattern)",
  invalid_string: "a string is not well-formed Unicode (a lone surrogate)",
  out_of_range: "a number, a length or a count is outside its bounds",
  unknown_field: "a field the document does not have (with a did-you-mean hint)",
  missing_field: "a required field is absent",
  conflicting_field: "two entries of the document say contradictory things (the proxy config)",
  conflicting_fields: "two fields of a request that must not be given together",
  immutable_field: "a passport update changes a field that cannot change (id, issuer_id, trust_tier)",
  invalid_context: "the request's context is not plain JSON data (or refers to itself)",
  invalid_time: "a time is neither an RFC 3339 date-time nor epoch milliseconds",
  invalid_timezone: "a time zone is not an IANA time zone name",
  invalid_schedule: "an operating-hours range is empty (start equals end)",
  invalid_window: "a time window ends before it starts (a blackout, or expires_at before not_before)",
  invalid_host: "a domain entry is not a host (it has a scheme, a port or a path)",
  // Constraints.
  unknown_constraint: "a core: constraint key that does not exist",
  misspelled_constraint: "a constraint key that is a known one written in another case or namespace",
  misspelled_sentinel: "an approval pattern that is a misspelled sentinel and would match no action",
  // Lint warnings (`warden check`, the passport form): valid, but probably not what was meant.
  threshold_unreachable: "an approval threshold at or above a cost cap: the cap blocks first, so the hold never fires",
  per_action_not_below_cap: "a per-action cap at or above a spending cap, so it never blocks anything the spending cap allows",
  cents_look_like_dollars: "a cost cap under 100 cents: amounts are cents, and small numbers are often dollars",
  // HTTP requests and their callers.
  missing_passport_id: "the request names no passport",
  issuer_mismatch: "the issuer_id given is not the API key's issuer",
  confirmation_required: "an operator act (the emergency stop) must be confirmed with confirm=yes",
  invalid_payload: "a Slack interaction payload is not Slack's JSON or not a Warden button's",
  invalid_argument: "an MCP tool argument has the wrong type or value",
  conflicting_argument: "an MCP tool argument is given twice with different values",
  // Configuration files.
  unknown_server: "a gateway tool key names a downstream server that the config does not define",
  unknown_step_verb: "a fixture step whose verb is not one of the step verbs",
} as const satisfies Record<string, string>;

/** The closed union of problem codes. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** What an unknown problem code from outside (a remote server, a schema's custom check) becomes. */
export const FALLBACK_PROBLEM_CODE = "invalid_value" satisfies ProblemCode;

/** A failure of the engine or its host: a bug or a broken module, never the caller's input. */
export const ENGINE_CODES = {
  wasm_not_found: "the WebAssembly module file cannot be read or fetched",
  wasm_not_loaded: "the WebAssembly module cannot be compiled or instantiated by this runtime",
  wasm_trap: "the evaluator trapped; it was restarted and the call failed",
  compile_failed: "the module rejected a compiled passport",
  evaluate_failed: "the module rejected a request or a policy handle",
  policy_disposed: "the policy was disposed before this call",
  reentrant_call: "the engine was called while it was reading a request (from a getter or proxy)",
  replay_failed: "the module refused to reset a replay lane",
  replay_lost: "the module restarted after a trap and the replay lanes are gone",
  spend_caps_failed: "the module refused to compute a passport's spend caps",
  spend_runway_failed: "the module refused to compute a passport's spend runway",
  fold_failed: "an action is too long to fold",
  state_op_failed: "the module returned an unknown or malformed counter-state result",
  validator_mismatch: "a fast check and its schema disagree about an input (a bug: please report it)",
} as const satisfies Record<string, string>;

/** The closed union of engine codes. */
export type EngineCode = keyof typeof ENGINE_CODES;

/** Every code a bindings error (WardenError and its subclasses in bindings/) carries. */
export type WardenCode = ProblemCode | EngineCode;

const has = (table: object, key: unknown): boolean => typeof key === "string" && Object.prototype.hasOwnProperty.call(table, key);

export function isProblemCode(code: unknown): code is ProblemCode {
  return has(PROBLEM_CODES, code);
}

export function isEngineCode(code: unknown): code is EngineCode {
  return has(ENGINE_CODES, code);
}

/** A code received at run time (a remote server's JSON, a schema's params) as a problem code: unknown ones become FALLBACK_PROBLEM_CODE. */
export function toProblemCode(code: unknown): ProblemCode {
  return isProblemCode(code) ? code : FALLBACK_PROBLEM_CODE;
}
