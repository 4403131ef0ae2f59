// generated — do not edit. TypeScript types from schemas/*.schema.json by scripts/gen-types.mjs; run `npm run gen`.

/**
 * An amount of money in integer cents, 0 to 2^53-1.
 */
export type Cents = number;
/**
 * The window core:cost:max_cumulative applies to; daily when absent.
 */
export type CostWindow = "daily" | "weekly" | "monthly" | "total";
/**
 * A count of actions, an integer 0 to 2^53-1.
 */
export type Count = number;
/**
 * Hosts. An entry example.com matches example.com and every subdomain; *.example.com matches subdomains only; an IP address matches itself only. Each entry must parse as a host.
 *
 * Items: A host name, IP address or *.suffix.
 */
export type DomainList = string[];
/**
 * Action patterns compared case-insensitively; * matches any run of characters (web:*, *:delete*, *).
 *
 * Items: An action pattern.
 */
export type PatternList = string[];
/**
 * Operating hours: one range or a non-empty list of ranges; block outside them (outside_operating_hours).
 */
export type Schedule = ScheduleRange | [ScheduleRange, ...ScheduleRange[]];
/**
 * A day of the week.
 */
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
/**
 * An RFC 3339 date-time with seconds and a Z or +hh:mm offset, like 2026-02-24T15:00:00Z.
 */
export type Timestamp = string;
/**
 * Periods with no actions (blackout_window).
 */
export type BlackoutWindows = BlackoutWindow[];
/**
 * A number of minutes, an integer small enough that it stays below 2^53-1 once turned into milliseconds.
 */
export type Minutes = number;
/**
 * On (true) or off (false).
 */
export type Flag = boolean;
/**
 * A moment: an RFC 3339 date-time, epoch milliseconds, or null for never.
 */
export type Instant = Timestamp | EpochMs | null;
/**
 * Milliseconds since 1970-01-01T00:00:00Z, an integer.
 */
export type EpochMs = number;
/**
 * allow, request_hold (wait for a human) or block (do not retry).
 */
export type Verdict = "allow" | "request_hold" | "block";
/**
 * A reason code (SPEC §2, §10).
 */
export type ReasonCode =
  | "allowed"
  | "emergency_stopped"
  | "enforcement_paused"
  | "passport_revoked"
  | "passport_not_yet_valid"
  | "passport_expired"
  | "permission_denied"
  | "action_blocked"
  | "action_not_allowed"
  | "domain_blocked"
  | "domain_not_allowed"
  | "invalid_target"
  | "read_only"
  | "blackout_window"
  | "outside_operating_hours"
  | "secret_detected"
  | "pii_detected"
  | "cost_per_action_exceeded"
  | "cost_limit_exceeded"
  | "rate_limit_exceeded"
  | "approval_required"
  | "action_requires_approval"
  | "cost_requires_approval"
  | "idle_timeout"
  | "anomaly_detected"
  | "approval_already_pending";
/**
 * A rule, in pipeline order (SPEC §2, §10).
 */
export type RuleName =
  | "core:safety:emergency_stop"
  | "core:safety:fail_closed"
  | "passport:status"
  | "passport:not_before"
  | "passport:expires_at"
  | "passport:permissions"
  | "core:scope:action_blocklist"
  | "core:scope:action_allowlist"
  | "core:scope:domain_blocklist"
  | "core:scope:domain_allowlist"
  | "core:data:read_only"
  | "core:time:blackout_windows"
  | "core:time:operating_hours"
  | "core:data:no_secrets_export"
  | "core:data:no_pii_export"
  | "core:cost:max_per_action"
  | "core:cost:max_per_day"
  | "core:cost:max_per_week"
  | "core:cost:max_per_month"
  | "core:cost:max_total"
  | "core:cost:max_cumulative"
  | "core:rate:max_per_minute"
  | "core:rate:max_per_hour"
  | "core:rate:max_per_day"
  | "core:approval:required"
  | "core:approval:for_actions"
  | "core:cost:approval_threshold"
  | "core:time:idle_timeout_minutes"
  | "core:safety:anomaly_suspend"
  | "core:approval:pending";
/**
 * Cents or a count, an integer 0 to 2^53-1.
 */
export type Quantity = number;
/**
 * An offline policy test (SPEC §9), in YAML or JSON: one case, or cases that share a top-level passport. Paths are relative to the file. Keys starting with x- are free, to hold YAML anchors.
 */
export type Fixture = SnapshotCase | StepsCase | FixtureSuite;
/**
 * A passport: a path to a JSON or YAML file relative to the fixture, or an inline object.
 */
export type PassportRef = string | Passport;
/**
 * An RFC 3339 date-time (2026-02-24T15:00:00Z) or null.
 */
export type OptionalTimestamp = Timestamp | null;
/**
 * One step: a time, one verb, and what to expect from it.
 */
export type Step =
  | EnforceStep
  | ApproveStep
  | DenyStep
  | ReportStep
  | HeartbeatStep
  | EmergencyStopStep
  | ResumeStep
  | PauseStep
  | StateStep;
/**
 * Who makes the call (SPEC §11): operator (the default) or agent. On the agent channel an operator act (approve, deny, pause, emergency_stop, resume) fails with forbidden_channel, and a report never lowers a committed cost.
 */
export type Channel = "agent" | "operator";
/**
 * last (the newest approval request) or an approval_request_id.
 */
export type ApprovalRef = string;
/**
 * A verb without arguments: {}, true or nothing.
 */
export type NoArgs = {} | true | null;
/**
 * A case: a snapshot evaluation, or steps through the stateful enforcer.
 */
export type FixtureCase = SnapshotCase | StepsCase;
/**
 * The body of POST /mcp (and Modei's /api/mcp/supravision): one JSON-RPC 2.0 message of the Model Context Protocol, or a non-empty batch of them. Agent channel (SPEC §11): untrusted; the passport is named by the x-passport-id header. Only the envelope is checked here; the MCP SDK handles the protocol (methods, params, results). Members other than JSON-RPC 2.0's are an error.
 */
export type JsonRpcBody = JsonRpcMessage | [JsonRpcMessage, ...JsonRpcMessage[]];
/**
 * A spending window: daily, weekly, monthly, total, or all of them.
 */
export type WindowType = "daily" | "weekly" | "monthly" | "total" | "all";
/**
 * A downstream MCP server: a command spoken to over stdio, or a Streamable HTTP URL.
 */
export type DownstreamServer = StdioServer | HttpServer;
/**
 * Integer cents, or a JSON pointer (RFC 6901) to where they are.
 */
export type CentsOrPointer = Cents | JsonPointer;
/**
 * A JSON pointer (RFC 6901): /price_cents, /order/total; ~1 is /, ~0 is ~.
 */
export type JsonPointer = string;

/**
 * The constraints of a passport (SPEC §2). Every core: key is listed with its value type; an unknown core: key is an error. Keys in any other namespace (acme:region) are kept, ignored by the engine and reported as a warning. The shared value types (cents, counts, times) are defined here and used by the other schemas.
 */
export interface Constraints {
  /**
   * Block if the action's cost is above this many cents (cost_per_action_exceeded).
   */
  "core:cost:max_per_action"?: Cents;
  /**
   * Block if spent_today + held + cost is above this many cents (cost_limit_exceeded).
   */
  "core:cost:max_per_day"?: Cents;
  /**
   * Block if spent_week + held + cost is above this many cents; the week starts Monday 00:00 UTC (cost_limit_exceeded).
   */
  "core:cost:max_per_week"?: Cents;
  /**
   * Block if spent_month + held + cost is above this many cents; calendar month, UTC (cost_limit_exceeded).
   */
  "core:cost:max_per_month"?: Cents;
  /**
   * Block if spent_total + held + cost is above this many cents; never resets (cost_limit_exceeded).
   */
  "core:cost:max_total"?: Cents;
  /**
   * A cap over the window named by core:cost:cumulative_window (default daily); applies alongside the max_per_* caps (cost_limit_exceeded).
   */
  "core:cost:max_cumulative"?: Cents;
  /**
   * The window core:cost:max_cumulative counts over: daily, weekly, monthly or total (default daily); UTC like every window.
   */
  "core:cost:cumulative_window"?: CostWindow;
  /**
   * Hold if the action's cost is above this many cents (cost_requires_approval).
   */
  "core:cost:approval_threshold"?: Cents;
  /**
   * Block if actions_last_minute + 1 is above this (rate_limit_exceeded).
   */
  "core:rate:max_per_minute"?: Count;
  /**
   * Block if actions_last_hour + 1 is above this (rate_limit_exceeded).
   */
  "core:rate:max_per_hour"?: Count;
  /**
   * Block if actions_today + 1 is above this (rate_limit_exceeded).
   */
  "core:rate:max_per_day"?: Count;
  /**
   * Block a request with a target whose host matches no entry (domain_not_allowed).
   */
  "core:scope:domain_allowlist"?: DomainList;
  /**
   * Block a request whose target host matches an entry (domain_blocked).
   */
  "core:scope:domain_blocklist"?: DomainList;
  /**
   * Block an action that matches no pattern (action_not_allowed).
   */
  "core:scope:action_allowlist"?: PatternList;
  /**
   * Block an action that matches a pattern (action_blocked).
   */
  "core:scope:action_blocklist"?: PatternList;
  /**
   * Block outside these hours (outside_operating_hours, retryable): one range or a list, each {timezone (IANA, default UTC), days (default every day), start, end}; start is inside, end outside; end <= start runs overnight.
   */
  "core:time:operating_hours"?: Schedule;
  /**
   * Block when start <= now < end for any window (blackout_window, retryable); times are RFC 3339 instants.
   */
  "core:time:blackout_windows"?: BlackoutWindows;
  /**
   * Hold if last_action_at is set and more than this many minutes have passed since (idle_timeout).
   */
  "core:time:idle_timeout_minutes"?: Minutes;
  /**
   * Hold every action (approval_required).
   */
  "core:approval:required"?: Flag;
  /**
   * Hold an action that matches a pattern or a sentinel (high_risk, side_effects_lower_stakes, high_risk_and_side_effects_lower_stakes, sensitive_data, destructive, destructive_and_sensitive) (action_requires_approval).
   */
  "core:approval:for_actions"?: PatternList;
  /**
   * Hold when the last 5 minutes run above 3x the 30-minute average and at least 10 actions (anomaly_detected).
   */
  "core:safety:anomaly_suspend"?: Flag;
  /**
   * Block when enforcement is paused, no heartbeat was recorded, or the last heartbeat is more than 120 s old (enforcement_paused).
   */
  "core:safety:fail_closed"?: Flag;
  /**
   * Block an action whose verb is a write verb (read_only).
   */
  "core:data:read_only"?: Flag;
  /**
   * Block if PII is found in the target or anywhere in context (pii_detected).
   */
  "core:data:no_pii_export"?: Flag;
  /**
   * Block if a secret is found in the target or anywhere in context (secret_detected).
   */
  "core:data:no_secrets_export"?: Flag;
  /**
   * No decision effect; audit records replace PII with [REDACTED:kind].
   */
  "core:data:redact_pii_in_logs"?: Flag;
  /**
   * This interface was referenced by `Constraints`'s JSON-Schema definition
   * via the `patternProperty` "^(?![Cc][Oo][Rr][Ee]:)[^:]+:".
   */
  [k: string]: unknown | undefined;
}
/**
 * A daily time range. start is inside, end is outside; if end <= start the range runs overnight and belongs to the day it starts. start == end is an error.
 */
export interface ScheduleRange {
  /**
   * An IANA time zone name; UTC when absent.
   */
  timezone?: string;
  /**
   * The days a range may start on; every day when absent.
   *
   * @minItems 1
   */
  days?: [Weekday, ...Weekday[]];
  /**
   * HH:MM, inside the range.
   */
  start: string;
  /**
   * HH:MM or 24:00, outside the range.
   */
  end: string;
}
/**
 * A period with no actions: block when start <= now < end. start must be before end.
 */
export interface BlackoutWindow {
  /**
   * The first instant of the window (inside it).
   */
  start: Timestamp;
  /**
   * The first instant after the window (outside it); must be after start.
   */
  end: Timestamp;
  /**
   * Why, for people reading the passport.
   */
  reason?: string;
}
/**
 * A counter snapshot: what the agent already spent and did (SPEC §6). Every field is optional (0, null or false). Unknown fields are an error.
 */
export interface Counters {
  /**
   * Committed spend in the current UTC calendar day.
   */
  spent_today_cents?: Cents;
  /**
   * Committed spend in the current ISO week (from Monday 00:00 UTC).
   */
  spent_week_cents?: Cents;
  /**
   * Committed spend in the current UTC calendar month.
   */
  spent_month_cents?: Cents;
  /**
   * Committed spend ever.
   */
  spent_total_cents?: Cents;
  /**
   * The sum of pending reservations; weighs on every spending window.
   */
  held_cents?: Cents;
  /**
   * Actions in the last 60 seconds.
   */
  actions_last_minute?: Count;
  /**
   * Actions in the last 5 minutes.
   */
  actions_last_5_minutes?: Count;
  /**
   * Actions in the last 30 minutes.
   */
  actions_last_30_minutes?: Count;
  /**
   * Actions in the last 60 minutes.
   */
  actions_last_hour?: Count;
  /**
   * Actions in the current UTC calendar day.
   */
  actions_today?: Count;
  /**
   * When the last counted action happened.
   */
  last_action_at?: Instant;
  /**
   * When the last heartbeat arrived.
   */
  last_heartbeat_at?: Instant;
  /**
   * The approval request waiting for a human, if any.
   */
  pending_approval_id?: string | null;
  /**
   * An emergency stop is in force: every action is blocked.
   */
  emergency_stopped?: boolean;
  /**
   * Enforcement is paused: every action is blocked.
   */
  enforcement_paused?: boolean;
  /**
   * Who paused enforcement (SPEC §11): an operator (only an operator's resume lifts it) or a fail-closed trip (a fresh heartbeat lifts it). Read with enforcement_paused; absent or null with a pause means an operator's.
   */
  paused_by?: "operator" | "fail_closed" | null;
}
/**
 * The form of the dashboard's one-click acts: POST /dashboard/logout, /dashboard/passports/{id}/resume, /dashboard/approvals/{id}/approve and /deny (application/x-www-form-urlencoded, or the same fields as JSON). Operator channel (SPEC §11): the dashboard session, with its CSRF token in the csrf field or the x-csrf-token header. Unknown fields are an error (the dashboard's forms send only csrf).
 */
export interface DashboardAction {
  /**
   * The session's CSRF token (or send the x-csrf-token header).
   */
  csrf?: string;
}
/**
 * The sign-in form of POST /dashboard/login (application/x-www-form-urlencoded, or the same fields as JSON): an operator API key, which becomes a session cookie. Operator channel (SPEC §11): only an operator key signs in; an agent key is refused. Unknown fields are an error (the dashboard's form sends only api_key).
 */
export interface DashboardLogin {
  /**
   * An operator API key (warden keys create); surrounding spaces are ignored.
   */
  api_key: string;
}
/**
 * The form of POST /dashboard/passports/{id}/emergency-stop (application/x-www-form-urlencoded, or the same fields as JSON). Operator channel (SPEC §11): the dashboard session, with its CSRF token in the csrf field or the x-csrf-token header. Without confirm a form post gets a confirmation page and JSON a 400 confirmation_required. Unknown fields are an error (the dashboard's forms send only csrf and confirm).
 */
export interface DashboardStop {
  /**
   * The session's CSRF token (or send the x-csrf-token header).
   */
  csrf?: string;
  /**
   * yes: stop the agent now.
   */
  confirm?: "yes";
}
/**
 * The engine's answer to a request (SPEC §8, §10). The stateful enforcer adds decision_id, passport_id, action_id, at, approval_request_id (hold), permit_token (allow) and signature.
 */
export interface Decision {
  /**
   * allow, request_hold (a human must approve first) or block.
   */
  decision: Verdict;
  /**
   * Why: the reason of the blocking rule, of the first hold in pipeline order, or allowed.
   */
  reason: ReasonCode;
  /**
   * The rule that decided: the blocking rule or the first hold in pipeline order; null or absent for allow.
   */
  rule?: RuleName | null;
  /**
   * A sentence for people, with the numbers that decided.
   */
  detail?: string;
  /**
   * Cost rules: the cap; rate rules: the cap; absent otherwise.
   */
  limit?: Quantity;
  /**
   * Cost rules: the projected amount (per action: the cost); rate rules: count + 1; clamped to 2^53-1; absent otherwise.
   */
  observed?: Quantity;
  /**
   * True when the same request may pass later without a passport change.
   */
  retryable: boolean;
  /**
   * Every hold that applies, in pipeline order.
   */
  holds: Hold[];
  /**
   * heartbeat_stale, and ignored_key:<key> per ignored non-core key.
   */
  warnings: string[];
  /**
   * What the agent could do instead.
   */
  suggestions?: string[];
  /**
   * The trace, on request: every rule in pipeline order with its outcome.
   */
  evaluated?: RuleTrace[];
  /**
   * Secrets and PII found, by kind and place, never the matched text.
   */
  findings?: Finding[];
  /**
   * Enforcer: this decision's id.
   */
  decision_id?: string;
  /**
   * Enforcer: the passport the request ran against.
   */
  passport_id?: string;
  /**
   * Enforcer: the request's idempotency key, null when it had none.
   */
  action_id?: string | null;
  /**
   * Enforcer: when the decision was made.
   */
  at?: Timestamp;
  /**
   * Enforcer, on request_hold: the approval request a human answers.
   */
  approval_request_id?: string;
  /**
   * Enforcer, on allow: a single-use permit valid for 30 s.
   */
  permit_token?: string;
  /**
   * Enforcer, on allow: when the permit expires (issue + 30 s).
   */
  permit_expires_at?: Timestamp;
  /**
   * Enforcer: the Ed25519 signature of the decision.
   */
  signature?: string;
}
/**
 * A hold that applies.
 */
export interface Hold {
  /**
   * The rule that asks for the hold.
   */
  rule: RuleName;
  /**
   * Its reason code.
   */
  reason: ReasonCode;
}
/**
 * One rule's outcome in the trace.
 */
export interface RuleTrace {
  /**
   * The rule evaluated, in pipeline order.
   */
  rule: RuleName;
  /**
   * What the rule did; skipped after the first block.
   */
  outcome: "pass" | "hold" | "block" | "skipped";
}
/**
 * A secret or PII found: its kind (email, phone, card, ssn, iban, or a secret kind) and where (target, context.customer.email).
 */
export interface Finding {
  /**
   * What was found: email, phone, card, ssn, iban, or a secret kind.
   */
  kind: string;
  /**
   * Where: target, or a path like context.to[0].addr.
   */
  path: string;
}
/**
 * The body of POST /v1/enforce (and Modei's alias): a Request (request.schema.json) with the passport it is made under. Agent channel (SPEC §11): an agent's key may send it for its issuer's passports. Each field is the Request's own, by $ref. Unknown fields are an error.
 */
export interface EnforceRequest {
  /**
   * The passport the action is asked under (one of the API key's issuer's).
   */
  passport_id: string;
  /**
   * The action asked for, like web:search (as in a Request).
   */
  action: string;
  /**
   * What the action costs, in integer cents (as in a Request); 0 when absent.
   */
  cost_cents?: Cents;
  /**
   * The URL or host the action reaches, or null for none (as in a Request).
   */
  target?: string | null;
  /**
   * The data the action carries, scanned for secrets and PII (as in a Request).
   */
  context?: {
    [k: string]: unknown | undefined;
  };
  /**
   * An idempotency key: a repeat returns the first decision (as in a Request).
   */
  action_id?: string;
}
/**
 * One evaluation from a passport, a counter snapshot, a request and the time now.
 */
export interface SnapshotCase {
  /**
   * Shown when the case fails.
   */
  name: string;
  /**
   * Notes for people.
   */
  description?: string;
  /**
   * This case's passport (inline or a path); the suite's when absent.
   */
  passport?: PassportRef;
  /**
   * The time of the evaluation.
   */
  now: Timestamp;
  /**
   * The counter snapshot to decide against; every field optional.
   */
  counters?: Counters;
  /**
   * The request to decide.
   */
  request: EvalRequest;
  /**
   * The decision wanted; only the fields given are compared.
   */
  expect: DecisionExpectation;
  /**
   * This interface was referenced by `SnapshotCase`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]: unknown | undefined;
}
/**
 * A passport names an agent and carries its constraints (SPEC §1). Unknown top-level fields are errors; put free-form data in metadata.
 */
export interface Passport {
  /**
   * The passport's id (pass_...); required by the stateful enforcer, optional in fixtures.
   */
  id?: string;
  /**
   * The agent this passport is for.
   */
  agent_id?: string;
  /**
   * A human-readable name for the agent.
   */
  agent_name?: string;
  /**
   * Who issued the passport.
   */
  issuer_id?: string;
  /**
   * Action patterns the agent may use; when non-empty, an action matching none is blocked (permission_denied).
   *
   * Items: An action pattern (web:*, documents:read).
   */
  permissions?: string[];
  /**
   * Informational to the engine; the server uses L3 for proof of possession.
   */
  trust_tier?: "L0" | "L1" | "L2" | "L3";
  /**
   * When the passport was issued.
   */
  issued_at?: OptionalTimestamp;
  /**
   * Before this time every action is blocked (passport_not_yet_valid); null means no start.
   */
  not_before?: OptionalTimestamp;
  /**
   * From this time on every action is blocked (passport_expired); null means no end.
   */
  expires_at?: OptionalTimestamp;
  /**
   * The passport's version: 1 (or absent) at issue; each update in place (PUT /v1/passports/:id, Enforcer.updatePassport) sets the next one. Set by the enforcer; informational to the engine.
   */
  version?: number;
  /**
   * A revoked passport blocks every action (passport_revoked).
   */
  status?: "active" | "revoked";
  /**
   * A label for people (USD); all money is integer cents.
   */
  currency?: string;
  /**
   * The limits, keyed core:<family>:<name> (docs/constraints.md); keys in other namespaces are kept and ignored, with a warning.
   */
  constraints?: Constraints;
  /**
   * Free-form data for the issuer; ignored by the engine.
   */
  metadata?: {
    [k: string]: unknown | undefined;
  };
}
/**
 * What an agent asks to do (SPEC §10 "Request"). Unknown fields are an error. x-maxUtf8Bytes bounds a string's UTF-8 length; x-wellFormed rejects lone surrogates.
 */
export interface EvalRequest {
  /**
   * The action, like web:search: 1 to 1024 bytes of UTF-8.
   */
  action: string;
  /**
   * What the action costs, in integer cents; 0 when absent.
   */
  cost_cents?: Cents;
  /**
   * A URL or bare host the action reaches (https://api.openai.com/v1/x, serpapi.com); null means the same as absent (no target).
   */
  target?: string | null;
  /**
   * Free-form data the action carries; scanned for secrets and PII.
   */
  context?: {
    [k: string]: unknown | undefined;
  };
  /**
   * An idempotency key: a repeat returns the first decision.
   */
  action_id?: string;
}
/**
 * The fields of a decision to compare; only the fields given are compared, and holds compares the set of rules.
 */
export interface DecisionExpectation {
  /**
   * allow, request_hold or block.
   */
  decision?: Verdict;
  /**
   * The reason code (did-you-mean on a misspelling).
   */
  reason?: ReasonCode;
  /**
   * The rule that decided, or null for an allow.
   */
  rule?: RuleName | null;
  /**
   * The decision's detail, compared exactly.
   */
  detail?: string;
  /**
   * The limit the decision reports.
   */
  limit?: Quantity;
  /**
   * The amount the decision compared with the limit.
   */
  observed?: Quantity;
  /**
   * Whether the same request may pass later.
   */
  retryable?: boolean;
  /**
   * The rules that hold, as names or {rule, reason}; compared as a set of rules.
   */
  holds?: (RuleName | Hold)[];
  /**
   * The decision's warnings.
   */
  warnings?: string[];
  /**
   * The decision's suggestions.
   */
  suggestions?: string[];
}
/**
 * Steps run in order through the in-memory stateful enforcer; the passport needs an id.
 */
export interface StepsCase {
  /**
   * Shown when the case fails.
   */
  name: string;
  /**
   * Notes for people.
   */
  description?: string;
  /**
   * The passport registered in the in-memory enforcer (inline or a path); the suite's when absent.
   */
  passport?: PassportRef;
  /**
   * The steps.
   *
   * @minItems 1
   */
  steps: [Step, ...Step[]];
  /**
   * This interface was referenced by `StepsCase`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]: unknown | undefined;
}
/**
 * Send a request to the enforcer; expect is compared with the decision.
 */
export interface EnforceStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * The request, as for POST /v1/enforce without passport_id.
   */
  enforce: EvalRequest;
  /**
   * The decision wanted; only the fields given are compared.
   */
  expect?: DecisionExpectation;
}
/**
 * Approve an approval request; expect is compared with {status, permit}.
 */
export interface ApproveStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * The approval to approve: last (the newest) or an approval_request_id.
   */
  approve: ApprovalRef;
  /**
   * The answer wanted.
   */
  expect?: ApprovalExpectation;
}
/**
 * The outcome of an approve or deny step; only the fields given are compared.
 */
export interface ApprovalExpectation {
  /**
   * What became of the approval request; one a stop denied answers denied.
   */
  status?: "approved" | "denied" | "expired" | "not_found";
  /**
   * Whether a permit was issued.
   */
  permit?: boolean;
  /**
   * The error code the step must fail with (forbidden_channel: an operator act on the agent channel).
   */
  error?: string;
}
/**
 * Deny an approval request; expect is compared with {status, permit}.
 */
export interface DenyStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * The approval to deny: last (the newest) or an approval_request_id.
   */
  deny: ApprovalRef;
  /**
   * The answer wanted.
   */
  expect?: ApprovalExpectation;
}
/**
 * Report an action's result with a permit; expect is compared with {accepted}.
 */
export interface ReportStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * The outcome of an allowed action: its permit (last or a token), success, and the actual cost.
   */
  report: ReportArgs;
  /**
   * Compared with the report's outcome.
   */
  expect?: {
    /**
     * Whether the report was accepted.
     */
    accepted?: boolean;
  };
}
/**
 * report_action_result(permit, success, result?, actual_cost_cents?).
 */
export interface ReportArgs {
  /**
   * last (the newest permit) or a permit token.
   */
  permit: string;
  /**
   * Whether the action succeeded; false refunds nothing by itself.
   */
  success: boolean;
  result?: unknown;
  /**
   * What the action really cost; replaces the committed cost.
   */
  actual_cost_cents?: Cents;
}
/**
 * Record a heartbeat; expect is compared with {ok}.
 */
export interface HeartbeatStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * Nothing: the agent says it is alive.
   */
  heartbeat: NoArgs;
  /**
   * The answer wanted ({ok}).
   */
  expect?: OkExpectation;
}
/**
 * The outcome of a heartbeat, pause, emergency_stop or resume step.
 */
export interface OkExpectation {
  /**
   * Whether the operation succeeded.
   */
  ok?: boolean;
  /**
   * The error code the step must fail with (forbidden_channel: an operator act on the agent channel).
   */
  error?: string;
}
/**
 * Stop everything; expect is compared with {ok}.
 */
export interface EmergencyStopStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * Nothing, or {reason}.
   */
  emergency_stop:
    | NoArgs
    | {
        /**
         * Why, for the audit record.
         */
        reason?: string;
      };
  /**
   * The answer wanted ({ok}).
   */
  expect?: OkExpectation;
}
/**
 * Resume after an emergency stop or a pause; expect is compared with {ok}.
 */
export interface ResumeStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * Nothing: lift the emergency stop.
   */
  resume: NoArgs;
  /**
   * The answer wanted ({ok}).
   */
  expect?: OkExpectation;
}
/**
 * An operator's pause (SPEC §11): every request is blocked until an operator's resume; a heartbeat does not lift it. expect is compared with {ok}.
 */
export interface PauseStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * Nothing: pause enforcement until an operator resumes it.
   */
  pause: NoArgs;
  /**
   * The answer wanted ({ok}, or {error} for a refused act).
   */
  expect?: OkExpectation;
}
/**
 * Read the counter snapshot; expect is compared with it.
 */
export interface StateStep {
  /**
   * The clock for this step.
   */
  at: Timestamp;
  /**
   * Who takes this step: operator (the default) or agent (SPEC §11).
   */
  channel?: Channel;
  /**
   * Nothing: read the counter snapshot at this time.
   */
  state: NoArgs;
  /**
   * The counter fields wanted; only the fields given are compared.
   */
  expect?: Counters;
}
/**
 * Several cases sharing the top-level passport; a case's own passport wins.
 */
export interface FixtureSuite {
  /**
   * What the cases are about.
   */
  name?: string;
  /**
   * Notes for people.
   */
  description?: string;
  /**
   * The passport every case of the suite uses unless it names its own: inline, or a path relative to this file.
   */
  passport?: PassportRef;
  /**
   * The cases.
   *
   * @minItems 1
   */
  cases: [FixtureCase, ...FixtureCase[]];
  /**
   * This interface was referenced by `FixtureSuite`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]: unknown | undefined;
}
/**
 * A JSON-RPC 2.0 request (method and id), notification (method, no id) or response (id with result or error).
 */
export interface JsonRpcMessage {
  /**
   * Always 2.0.
   */
  jsonrpc: "2.0";
  /**
   * The request's id (a string or an integer); absent in a notification.
   */
  id?: string | number;
  /**
   * The method, like initialize, tools/list or tools/call.
   */
  method?: string;
  /**
   * The method's parameters (an object, as MCP requires).
   */
  params?: {
    [k: string]: unknown | undefined;
  };
  /**
   * A response's result.
   */
  result?: {
    [k: string]: unknown | undefined;
  };
  /**
   * A response's error.
   */
  error?: {
    /**
     * The JSON-RPC error code.
     */
    code: number;
    /**
     * What went wrong.
     */
    message: string;
    /**
     * More about the error, any JSON value.
     */
    data?: unknown;
  };
}
/**
 * The body of Modei's POST /api/v1/passports/{id}/state/reset: like WindowReset, but the body may be empty or leave out window_type, which then resets the daily window. Operator channel (SPEC §11). Unknown fields are an error.
 */
export interface ModeiWindowReset {
  /**
   * The window to reset; daily when absent.
   */
  window_type?: WindowType;
}
/**
 * The body of POST /v1/approvers: one address (phone or email) to confirm as an approver of the key's issuer; it is sent a code and approves nothing until it returns it. Operator channel (SPEC §11): an operator key; an agent key gets 403. Exactly one of phone and email (json-schema-to-zod cannot express oneOf over required, so the route checks it: conflicting_fields, missing_field). Unknown fields are an error.
 */
export interface NewApprover {
  /**
   * An E.164 phone number, like +15550100001; it is texted a code to reply with (CONFIRM 123456).
   */
  phone?: string;
  /**
   * An e-mail address; it is sent a confirmation link.
   */
  email?: string;
  /**
   * The issuer to approve for: only for a key that sees every issuer; an issuer's key may name only its own.
   */
  issuer_id?: string;
}
/**
 * The configuration of `warden proxy` (SPEC §12), in YAML or JSON: the passport every call acts for, where decisions are kept, the downstream MCP servers and how their tools map to actions. Paths are relative to the file.
 */
export interface ProxyConfig {
  /**
   * A passport file (.json, .yaml or .yml, or any path with a /; registered on start) or the id of a passport already in the store.
   */
  passport: string;
  /**
   * The embedded enforcer's store: sqlite:PATH (default sqlite:./warden.db), redis://HOST:PORT, redis-cluster://HOST:PORT,... or memory.
   */
  store?: string;
  /**
   * A remote `warden serve` to decide instead of the embedded enforcer (its API key in WARDEN_API_KEY). Not together with store.
   */
  server?: string;
  /**
   * Replace secrets (and PII when the passport sets core:data:redact_pii_in_logs) in downstream results with [REDACTED:kind].
   */
  redact_results?: boolean;
  /**
   * Leave out of tools/list the tools whose action the passport can never allow (permissions, action lists, read-only).
   */
  hide_denied_tools?: boolean;
  /**
   * On request_hold: wait for the operator's answer (default), or return at once with the approval id (a retry with the same arguments uses it).
   */
  holds?: "wait" | "return";
  /**
   * The downstream MCP servers by key (1 to 32 of A-Z a-z 0-9 _ -; no __). With several, tools are exposed as key__tool.
   */
  servers: {
    [k: string]: DownstreamServer | undefined;
  };
  /**
   * How tools become requests, by server:tool pattern (exact names and * globs; the first match wins). Unmatched tools act as server:tool at no cost.
   */
  tools?: {
    [k: string]: ToolMapping | undefined;
  };
}
/**
 * A server started as a child process, spoken to on its stdin and stdout.
 */
export interface StdioServer {
  /**
   * The program (npx, node, uvx, a path).
   */
  command: string;
  /**
   * Its arguments.
   */
  args?: string[];
  /**
   * Environment variables added to the safe default set.
   */
  env?: {
    [k: string]: string | undefined;
  };
  /**
   * Its working directory, relative to the config file.
   */
  cwd?: string;
}
/**
 * A server reached over Streamable HTTP.
 */
export interface HttpServer {
  /**
   * Its MCP endpoint, like http://127.0.0.1:3001/mcp.
   */
  url: string;
  /**
   * Headers sent with every request (an Authorization header, say).
   */
  headers?: {
    [k: string]: string | undefined;
  };
}
/**
 * What a tool call is as a request: its action, cost, target and actual cost.
 */
export interface ToolMapping {
  /**
   * The action (files:write); default server:tool.
   */
  action?: string;
  /**
   * The cost: integer cents, or a JSON pointer into the arguments (/price_cents).
   */
  cost_cents?: CentsOrPointer;
  /**
   * The target: a JSON pointer into the arguments when it starts with / (/url), else a constant host or URL.
   */
  target?: string;
  /**
   * The actual cost reported after the call: integer cents, or a JSON pointer into the result's structuredContent.
   */
  actual_cost_cents?: CentsOrPointer;
}
/**
 * The body of POST /v1/passports/{id}/reissue (may be empty): the passport's new proof-of-possession key, or none for a new pair whose private key is returned once. Operator channel (SPEC §11): an agent key gets 403. Unknown fields are an error.
 */
export interface Reissue {
  /**
   * The new key's public half; absent: the server makes a new pair.
   */
  public_key_jwk?: PublicJwk;
}
/**
 * An Ed25519 public key as a JWK (RFC 8037): kty OKP, crv Ed25519 and x. Other public members (kid, alg, use) are allowed and not kept; a private member d is refused (send only the public half).
 */
export interface PublicJwk {
  /**
   * Key type: OKP.
   */
  kty: "OKP";
  /**
   * Curve: Ed25519.
   */
  crv: "Ed25519";
  /**
   * The public key: 32 bytes in base64url without padding.
   */
  x: string;
  [k: string]: unknown | undefined;
}
/**
 * The body of POST /v1/actions/report: an action's result, with the permit of its allow decision (closes the audit loop). Agent channel (SPEC §11): an agent key may send it; an agent's lower actual_cost_cents is recorded but never refunds. Unknown fields are an error.
 */
export interface ActionReport {
  /**
   * The permit_token of the allow decision (or of the approval): single-use, valid 30 s after issue.
   */
  permit_token: string;
  /**
   * Whether the action succeeded.
   */
  success: boolean;
  /**
   * What the action returned, any JSON value; kept in the audit record.
   */
  result?: unknown;
  /**
   * What the action really cost, in integer cents: trues up the committed spend.
   */
  actual_cost_cents?: Cents;
}
/**
 * The decoded payload of a Slack interactivity request that Warden acts on: a click on the Approve or Deny button of the message posted for a hold. Third party (Slack) on behalf of an operator (SPEC §11); Slack sends many more fields, which are allowed and ignored.
 */
export interface SlackBlockActions {
  /**
   * Only button clicks (block_actions) are acted on.
   */
  type: "block_actions";
  /**
   * Who clicked; recorded as slack:<username>.
   */
  user?: {
    /**
     * The Slack user id.
     */
    id?: string;
    /**
     * The Slack user name (preferred in the audit record).
     */
    username?: string;
    /**
     * The display name (when there is no username).
     */
    name?: string;
    [k: string]: unknown | undefined;
  };
  /**
   * The channel of the message clicked: it must be the one the hold was posted to.
   */
  channel: {
    /**
     * The channel id.
     */
    id: string;
    [k: string]: unknown | undefined;
  };
  /**
   * The message clicked: it must be the one posted for the approval.
   */
  message: {
    /**
     * The message timestamp (its id in the channel).
     */
    ts: string;
    [k: string]: unknown | undefined;
  };
  /**
   * The click; the first action is acted on.
   *
   * @minItems 1
   */
  actions: [
    {
      /**
       * Which button.
       */
      action_id: "warden_approve" | "warden_deny";
      /**
       * The approval id the button carries.
       */
      value: string;
      [k: string]: unknown | undefined;
    },
    ...{
      /**
       * Which button.
       */
      action_id: "warden_approve" | "warden_deny";
      /**
       * The approval id the button carries.
       */
      value: string;
      [k: string]: unknown | undefined;
    }[],
  ];
  [k: string]: unknown | undefined;
}
/**
 * The form Slack posts to POST /v1/slack/interactivity when an approver clicks Approve or Deny. Operator channel relayed by a third party (SPEC §11): X-Slack-Signature (v0 HMAC-SHA256 over the exact raw body) and its timestamp are checked before the form is read. payload is Slack's block_actions JSON, checked against SlackBlockActions once decoded (problems name payload.<path>). Other fields Slack may add are allowed and ignored.
 */
export interface SlackInteractivity {
  /**
   * The interaction, as JSON text.
   */
  payload: string;
  [k: string]: unknown | undefined;
}
/**
 * The fields of POST /v1/sms/inbound (a form, or the same fields as JSON): a text an approver sent, relayed by an SMS gateway. Operator channel relayed by a third party (SPEC §11): the x-warden-signature HMAC over the exact raw body is checked before the fields are read. The sender is from (or From) and the text body (or Body), Twilio's spelling being accepted too; other fields a gateway adds are allowed and ignored.
 */
export interface SmsReply {
  /**
   * The approver's phone number.
   */
  from?: string;
  /**
   * The same, as Twilio spells it (from wins when both are sent).
   */
  From?: string;
  /**
   * The text: YES, NO, STOP, START, CONFIRM <code>, or anything else for help.
   */
  body?: string;
  /**
   * The same, as Twilio spells it (body wins when both are sent).
   */
  Body?: string;
  [k: string]: unknown | undefined;
}
/**
 * The form Twilio posts to POST /v1/sms/twilio for each text an approver sends. Operator channel relayed by a third party (SPEC §11): X-Twilio-Signature (over WARDEN_PUBLIC_URL + /v1/sms/twilio and every form field) is checked before the fields are. Twilio adds fields (AccountSid, To, NumMedia, ...): they are allowed and ignored. MessageSid (or the older SmsSid) is required too.
 */
export interface TwilioInbound {
  /**
   * The message's id; each is acted on once.
   */
  MessageSid?: string;
  /**
   * The older name of MessageSid (used when MessageSid is absent).
   */
  SmsSid?: string;
  /**
   * The approver's phone number (E.164).
   */
  From: string;
  /**
   * The text: YES, NO, STOP, START, CONFIRM <code>, or anything else for help.
   */
  Body?: string;
  [k: string]: unknown | undefined;
}
/**
 * The body of POST /v1/passports/{id}/state/reset: which spending window to set back to zero. Operator channel (SPEC §11): only an operator resets windows; an agent key gets 403. Unknown fields are an error.
 */
export interface WindowReset {
  /**
   * The window to reset.
   */
  window_type: WindowType;
}
