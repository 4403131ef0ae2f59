// generated — do not edit. zod validators from schemas/*.schema.json by scripts/gen-types.mjs; run `npm run gen`.
import * as z from "zod";

/** Whether a string has no lone surrogates (String.prototype.isWellFormed, typed without lib es2024). */
export function isWellFormedString(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** The length of a string in UTF-8 bytes, without encoding it. */
export function utf8ByteLength(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x800)
      bytes +=
        c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00
          ? (i++, 2)
          : 2;
    else if (c >= 0x80) bytes += 1;
  }
  return bytes;
}

/** An amount of money in integer cents, 0 to 2^53-1. */
export const centsSchema = z.number().int().gte(0).lte(9007199254740991);

/** The window core:cost:max_cumulative applies to; daily when absent. */
export const costWindowSchema = z.enum(["daily", "weekly", "monthly", "total"]);

/** A count of actions, an integer 0 to 2^53-1. */
export const countSchema = z.number().int().gte(0).lte(9007199254740991);

/** Hosts. An entry example.com matches example.com and every subdomain; *.example.com matches subdomains only; an IP address matches itself only. Each entry must parse as a host. */
export const domainListSchema = z.array(z.string().min(1));

/** Action patterns compared case-insensitively; * matches any run of characters (web:*, *:delete*, *). */
export const patternListSchema = z.array(z.string().min(1));

/** A day of the week. */
export const weekdaySchema = z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

/** A daily time range. start is inside, end is outside; if end <= start the range runs overnight and belongs to the day it starts. start == end is an error. */
export const scheduleRangeSchema = z
  .object({
    timezone: z.string().min(1).optional(),
    days: z
      .array(weekdaySchema)
      .min(1)
      .refine((arr) => arr.every((item, i) => arr.indexOf(item) == i), "each day at most once")
      .optional(),
    start: z
      .string()
      .regex(new RegExp("^([01][0-9]|2[0-3]):[0-5][0-9]$"), 'a time "HH:MM" from 00:00 to 23:59'),
    end: z
      .string()
      .regex(new RegExp("^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"), 'a time "HH:MM" from 00:00 to 24:00'),
  })
  .strict();

/** Operating hours: one range or a non-empty list of ranges; block outside them (outside_operating_hours). */
export const scheduleSchema = z.union([scheduleRangeSchema, z.array(scheduleRangeSchema).min(1)]);

/** An RFC 3339 date-time with seconds and a Z or +hh:mm offset, like 2026-02-24T15:00:00Z. */
export const timestampSchema = z.string().datetime({ offset: true });

/** A period with no actions: block when start <= now < end. start must be before end. */
export const blackoutWindowSchema = z
  .object({ start: timestampSchema, end: timestampSchema, reason: z.string().optional() })
  .strict();

/** Periods with no actions (blackout_window). */
export const blackoutWindowsSchema = z.array(blackoutWindowSchema);

/** A number of minutes, an integer small enough that it stays below 2^53-1 once turned into milliseconds. */
export const minutesSchema = z.number().int().gte(0).lte(150119987579);

/** On (true) or off (false). */
export const flagSchema = z.boolean();

/** The constraints of a passport (SPEC §2). Every core: key is listed with its value type; an unknown core: key is an error. Keys in any other namespace (acme:region) are kept, ignored by the engine and reported as a warning. The shared value types (cents, counts, times) are defined here and used by the other schemas. */
export const constraintsSchema = z
  .object({
    "core:cost:max_per_action": centsSchema.optional(),
    "core:cost:max_per_day": centsSchema.optional(),
    "core:cost:max_per_week": centsSchema.optional(),
    "core:cost:max_per_month": centsSchema.optional(),
    "core:cost:max_total": centsSchema.optional(),
    "core:cost:max_cumulative": centsSchema.optional(),
    "core:cost:cumulative_window": costWindowSchema.optional(),
    "core:cost:approval_threshold": centsSchema.optional(),
    "core:rate:max_per_minute": countSchema.optional(),
    "core:rate:max_per_hour": countSchema.optional(),
    "core:rate:max_per_day": countSchema.optional(),
    "core:scope:domain_allowlist": domainListSchema.optional(),
    "core:scope:domain_blocklist": domainListSchema.optional(),
    "core:scope:action_allowlist": patternListSchema.optional(),
    "core:scope:action_blocklist": patternListSchema.optional(),
    "core:time:operating_hours": scheduleSchema.optional(),
    "core:time:blackout_windows": blackoutWindowsSchema.optional(),
    "core:time:idle_timeout_minutes": minutesSchema.optional(),
    "core:approval:required": flagSchema.optional(),
    "core:approval:for_actions": patternListSchema.optional(),
    "core:safety:anomaly_suspend": flagSchema.optional(),
    "core:safety:fail_closed": flagSchema.optional(),
    "core:data:read_only": flagSchema.optional(),
    "core:data:no_pii_export": flagSchema.optional(),
    "core:data:no_secrets_export": flagSchema.optional(),
    "core:data:redact_pii_in_logs": flagSchema.optional(),
  })
  .catchall(z.unknown())
  .superRefine((value, ctx) => {
    const known: string[] = [
      "core:cost:max_per_action",
      "core:cost:max_per_day",
      "core:cost:max_per_week",
      "core:cost:max_per_month",
      "core:cost:max_total",
      "core:cost:max_cumulative",
      "core:cost:cumulative_window",
      "core:cost:approval_threshold",
      "core:rate:max_per_minute",
      "core:rate:max_per_hour",
      "core:rate:max_per_day",
      "core:scope:domain_allowlist",
      "core:scope:domain_blocklist",
      "core:scope:action_allowlist",
      "core:scope:action_blocklist",
      "core:time:operating_hours",
      "core:time:blackout_windows",
      "core:time:idle_timeout_minutes",
      "core:approval:required",
      "core:approval:for_actions",
      "core:safety:anomaly_suspend",
      "core:safety:fail_closed",
      "core:data:read_only",
      "core:data:no_pii_export",
      "core:data:no_secrets_export",
      "core:data:redact_pii_in_logs",
    ];
    const free = [new RegExp("^(?![Cc][Oo][Rr][Ee]:)[^:]+:")];
    for (const key in value) {
      if (!known.includes(key) && !free.some((re) => re.test(key)))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "unknown field",
          params: { code: "unknown_field" },
        });
    }
  });

/** Milliseconds since 1970-01-01T00:00:00Z, an integer. */
export const epochMsSchema = z.number().int().gte(0).lte(8640000000000000);

/** A moment: an RFC 3339 date-time, epoch milliseconds, or null for never. */
export const instantSchema = z.union([timestampSchema, epochMsSchema, z.null()]);

/** A counter snapshot: what the agent already spent and did (SPEC §6). Every field is optional (0, null or false). Unknown fields are an error. */
export const countersSchema = z
  .object({
    spent_today_cents: centsSchema.optional(),
    spent_week_cents: centsSchema.optional(),
    spent_month_cents: centsSchema.optional(),
    spent_total_cents: centsSchema.optional(),
    held_cents: centsSchema.optional(),
    actions_last_minute: countSchema.optional(),
    actions_last_5_minutes: countSchema.optional(),
    actions_last_30_minutes: countSchema.optional(),
    actions_last_hour: countSchema.optional(),
    actions_today: countSchema.optional(),
    last_action_at: instantSchema.optional(),
    last_heartbeat_at: instantSchema.optional(),
    pending_approval_id: z.union([z.string(), z.null()]).optional(),
    emergency_stopped: z.boolean().optional(),
    enforcement_paused: z.boolean().optional(),
    paused_by: z.union([z.literal("operator"), z.literal("fail_closed"), z.literal(null)]).optional(),
  })
  .strict();

/** The form of the dashboard's one-click acts: POST /dashboard/logout, /dashboard/passports/{id}/resume, /dashboard/approvals/{id}/approve and /deny (application/x-www-form-urlencoded, or the same fields as JSON). Operator channel (SPEC §11): the dashboard session, with its CSRF token in the csrf field or the x-csrf-token header. Unknown fields are an error (the dashboard's forms send only csrf). */
export const dashboardActionSchema = z.object({ csrf: z.string().optional() }).strict();

/** The sign-in form of POST /dashboard/login (application/x-www-form-urlencoded, or the same fields as JSON): an operator API key, which becomes a session cookie. Operator channel (SPEC §11): only an operator key signs in; an agent key is refused. Unknown fields are an error (the dashboard's form sends only api_key). */
export const dashboardLoginSchema = z.object({ api_key: z.string().min(1) }).strict();

/** The form of POST /dashboard/passports/{id}/emergency-stop (application/x-www-form-urlencoded, or the same fields as JSON). Operator channel (SPEC §11): the dashboard session, with its CSRF token in the csrf field or the x-csrf-token header. Without confirm a form post gets a confirmation page and JSON a 400 confirmation_required. Unknown fields are an error (the dashboard's forms send only csrf and confirm). */
export const dashboardStopSchema = z
  .object({ csrf: z.string().optional(), confirm: z.literal("yes").optional() })
  .strict();

/** allow, request_hold (wait for a human) or block (do not retry). */
export const verdictSchema = z.enum(["allow", "request_hold", "block"]);

/** A reason code (SPEC §2, §10). */
export const reasonCodeSchema = z.enum([
  "allowed",
  "emergency_stopped",
  "enforcement_paused",
  "passport_revoked",
  "passport_not_yet_valid",
  "passport_expired",
  "permission_denied",
  "action_blocked",
  "action_not_allowed",
  "domain_blocked",
  "domain_not_allowed",
  "invalid_target",
  "read_only",
  "blackout_window",
  "outside_operating_hours",
  "secret_detected",
  "pii_detected",
  "cost_per_action_exceeded",
  "cost_limit_exceeded",
  "rate_limit_exceeded",
  "approval_required",
  "action_requires_approval",
  "cost_requires_approval",
  "idle_timeout",
  "anomaly_detected",
  "approval_already_pending",
]);

/** A rule, in pipeline order (SPEC §2, §10). */
export const ruleNameSchema = z.enum([
  "core:safety:emergency_stop",
  "core:safety:fail_closed",
  "passport:status",
  "passport:not_before",
  "passport:expires_at",
  "passport:permissions",
  "core:scope:action_blocklist",
  "core:scope:action_allowlist",
  "core:scope:domain_blocklist",
  "core:scope:domain_allowlist",
  "core:data:read_only",
  "core:time:blackout_windows",
  "core:time:operating_hours",
  "core:data:no_secrets_export",
  "core:data:no_pii_export",
  "core:cost:max_per_action",
  "core:cost:max_per_day",
  "core:cost:max_per_week",
  "core:cost:max_per_month",
  "core:cost:max_total",
  "core:cost:max_cumulative",
  "core:rate:max_per_minute",
  "core:rate:max_per_hour",
  "core:rate:max_per_day",
  "core:approval:required",
  "core:approval:for_actions",
  "core:cost:approval_threshold",
  "core:time:idle_timeout_minutes",
  "core:safety:anomaly_suspend",
  "core:approval:pending",
]);

/** Cents or a count, an integer 0 to 2^53-1. */
export const quantitySchema = z.number().int().gte(0).lte(9007199254740991);

/** A hold that applies. */
export const holdSchema = z.object({ rule: ruleNameSchema, reason: reasonCodeSchema }).strict();

/** One rule's outcome in the trace. */
export const ruleTraceSchema = z
  .object({ rule: ruleNameSchema, outcome: z.enum(["pass", "hold", "block", "skipped"]) })
  .strict();

/** A secret or PII found: its kind (email, phone, card, ssn, iban, or a secret kind) and where (target, context.customer.email). */
export const findingSchema = z.object({ kind: z.string(), path: z.string() }).strict();

/** The engine's answer to a request (SPEC §8, §10). The stateful enforcer adds decision_id, passport_id, action_id, at, approval_request_id (hold), permit_token (allow) and signature. */
export const decisionSchema = z
  .object({
    decision: verdictSchema,
    reason: reasonCodeSchema,
    rule: z.union([ruleNameSchema, z.null()]).optional(),
    detail: z.string().optional(),
    limit: quantitySchema.optional(),
    observed: quantitySchema.optional(),
    retryable: z.boolean(),
    holds: z.array(holdSchema),
    warnings: z.array(z.string()),
    suggestions: z.array(z.string()).optional(),
    evaluated: z.array(ruleTraceSchema).optional(),
    findings: z.array(findingSchema).optional(),
    decision_id: z.string().optional(),
    passport_id: z.string().optional(),
    action_id: z.union([z.string(), z.null()]).optional(),
    at: timestampSchema.optional(),
    approval_request_id: z.string().optional(),
    permit_token: z.string().optional(),
    permit_expires_at: timestampSchema.optional(),
    signature: z.string().optional(),
  })
  .strict();

/** The body of POST /v1/enforce (and Modei's alias): a Request (request.schema.json) with the passport it is made under. Agent channel (SPEC §11): an agent's key may send it for its issuer's passports. Each field is the Request's own, by $ref. Unknown fields are an error. */
export const enforceRequestSchema = z
  .object({
    passport_id: z
      .string()
      .min(1)
      .refine(isWellFormedString, {
        message: "well-formed Unicode (no lone surrogates)",
        params: { code: "invalid_string" },
      }),
    action: z
      .string()
      .min(1)
      .refine(isWellFormedString, {
        message: "well-formed Unicode (no lone surrogates)",
        params: { code: "invalid_string" },
      })
      .refine((s) => utf8ByteLength(s) <= 1024, {
        message: "1 to 1024 bytes of UTF-8",
        params: { code: "out_of_range" },
      }),
    cost_cents: centsSchema.optional(),
    target: z
      .union([
        z
          .string()
          .refine(isWellFormedString, {
            message: "well-formed Unicode (no lone surrogates)",
            params: { code: "invalid_string" },
          }),
        z.null(),
      ])
      .optional(),
    context: z.record(z.string(), z.any()).optional(),
    action_id: z
      .string()
      .min(1)
      .refine(isWellFormedString, {
        message: "well-formed Unicode (no lone surrogates)",
        params: { code: "invalid_string" },
      })
      .optional(),
  })
  .strict();

/** An RFC 3339 date-time (2026-02-24T15:00:00Z) or null. */
export const optionalTimestampSchema = z.union([timestampSchema, z.null()]);

/** A passport names an agent and carries its constraints (SPEC §1). Unknown top-level fields are errors; put free-form data in metadata. */
export const passportSchema = z
  .object({
    id: z.string().min(1).optional(),
    agent_id: z.string().optional(),
    agent_name: z.string().optional(),
    issuer_id: z.string().optional(),
    permissions: z.array(z.string().min(1)).optional(),
    trust_tier: z.enum(["L0", "L1", "L2", "L3"]).optional(),
    issued_at: optionalTimestampSchema.optional(),
    not_before: optionalTimestampSchema.optional(),
    expires_at: optionalTimestampSchema.optional(),
    version: z.number().int().gte(1).optional(),
    status: z.enum(["active", "revoked"]).optional(),
    currency: z.string().optional(),
    constraints: constraintsSchema.optional(),
    metadata: z.record(z.string(), z.any()).optional(),
  })
  .strict();

/** A passport: a path to a JSON or YAML file relative to the fixture, or an inline object. */
export const passportRefSchema = z.union([z.string().min(1), passportSchema]);

/** What an agent asks to do (SPEC §10 "Request"). Unknown fields are an error. x-maxUtf8Bytes bounds a string's UTF-8 length; x-wellFormed rejects lone surrogates. */
export const evalRequestSchema = z
  .object({
    action: z
      .string()
      .min(1)
      .refine(isWellFormedString, {
        message: "well-formed Unicode (no lone surrogates)",
        params: { code: "invalid_string" },
      })
      .refine((s) => utf8ByteLength(s) <= 1024, {
        message: "1 to 1024 bytes of UTF-8",
        params: { code: "out_of_range" },
      }),
    cost_cents: centsSchema.optional(),
    target: z
      .union([
        z
          .string()
          .refine(isWellFormedString, {
            message: "well-formed Unicode (no lone surrogates)",
            params: { code: "invalid_string" },
          }),
        z.null(),
      ])
      .optional(),
    context: z.record(z.string(), z.any()).optional(),
    action_id: z
      .string()
      .min(1)
      .refine(isWellFormedString, {
        message: "well-formed Unicode (no lone surrogates)",
        params: { code: "invalid_string" },
      })
      .optional(),
  })
  .strict();

/** The fields of a decision to compare; only the fields given are compared, and holds compares the set of rules. */
export const decisionExpectationSchema = z
  .object({
    decision: verdictSchema.optional(),
    reason: reasonCodeSchema.optional(),
    rule: z.union([ruleNameSchema, z.null()]).optional(),
    detail: z.string().optional(),
    limit: quantitySchema.optional(),
    observed: quantitySchema.optional(),
    retryable: z.boolean().optional(),
    holds: z.array(z.union([ruleNameSchema, holdSchema])).optional(),
    warnings: z.array(z.string()).optional(),
    suggestions: z.array(z.string()).optional(),
  })
  .strict();

/** One evaluation from a passport, a counter snapshot, a request and the time now. */
export const snapshotCaseSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    passport: passportRefSchema.optional(),
    now: timestampSchema,
    counters: countersSchema.optional(),
    request: evalRequestSchema,
    expect: decisionExpectationSchema,
  })
  .catchall(z.unknown())
  .superRefine((value, ctx) => {
    const known: string[] = ["name", "description", "passport", "now", "counters", "request", "expect"];
    const free = [new RegExp("^x-")];
    for (const key in value) {
      if (!known.includes(key) && !free.some((re) => re.test(key)))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "unknown field",
          params: { code: "unknown_field" },
        });
    }
  });

/** Who makes the call (SPEC §11): operator (the default) or agent. On the agent channel an operator act (approve, deny, pause, emergency_stop, resume) fails with forbidden_channel, and a report never lowers a committed cost. */
export const channelSchema = z.enum(["agent", "operator"]);

/** Send a request to the enforcer; expect is compared with the decision. */
export const enforceStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    enforce: evalRequestSchema,
    expect: decisionExpectationSchema.optional(),
  })
  .strict();

/** last (the newest approval request) or an approval_request_id. */
export const approvalRefSchema = z.string().min(1);

/** The outcome of an approve or deny step; only the fields given are compared. */
export const approvalExpectationSchema = z
  .object({
    status: z.enum(["approved", "denied", "expired", "not_found"]).optional(),
    permit: z.boolean().optional(),
    error: z.string().min(1).optional(),
  })
  .strict();

/** Approve an approval request; expect is compared with {status, permit}. */
export const approveStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    approve: approvalRefSchema,
    expect: approvalExpectationSchema.optional(),
  })
  .strict();

/** Deny an approval request; expect is compared with {status, permit}. */
export const denyStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    deny: approvalRefSchema,
    expect: approvalExpectationSchema.optional(),
  })
  .strict();

/** report_action_result(permit, success, result?, actual_cost_cents?). */
export const reportArgsSchema = z
  .object({
    permit: z.string().min(1),
    success: z.boolean(),
    result: z.any().optional(),
    actual_cost_cents: centsSchema.optional(),
  })
  .strict();

/** Report an action's result with a permit; expect is compared with {accepted}. */
export const reportStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    report: reportArgsSchema,
    expect: z.object({ accepted: z.boolean().optional() }).strict().optional(),
  })
  .strict();

/** A verb without arguments: {}, true or nothing. */
export const noArgsSchema = z.union([z.object({}).strict(), z.literal(true), z.null()]);

/** The outcome of a heartbeat, pause, emergency_stop or resume step. */
export const okExpectationSchema = z
  .object({ ok: z.boolean().optional(), error: z.string().min(1).optional() })
  .strict();

/** Record a heartbeat; expect is compared with {ok}. */
export const heartbeatStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    heartbeat: noArgsSchema,
    expect: okExpectationSchema.optional(),
  })
  .strict();

/** Stop everything; expect is compared with {ok}. */
export const emergencyStopStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    emergency_stop: z.union([noArgsSchema, z.object({ reason: z.string().optional() }).strict()]),
    expect: okExpectationSchema.optional(),
  })
  .strict();

/** Resume after an emergency stop or a pause; expect is compared with {ok}. */
export const resumeStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    resume: noArgsSchema,
    expect: okExpectationSchema.optional(),
  })
  .strict();

/** An operator's pause (SPEC §11): every request is blocked until an operator's resume; a heartbeat does not lift it. expect is compared with {ok}. */
export const pauseStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    pause: noArgsSchema,
    expect: okExpectationSchema.optional(),
  })
  .strict();

/** Read the counter snapshot; expect is compared with it. */
export const stateStepSchema = z
  .object({
    at: timestampSchema,
    channel: channelSchema.optional(),
    state: noArgsSchema,
    expect: countersSchema.optional(),
  })
  .strict();

/** One step: a time, one verb, and what to expect from it. */
export const stepSchema = z.union([
  enforceStepSchema,
  approveStepSchema,
  denyStepSchema,
  reportStepSchema,
  heartbeatStepSchema,
  emergencyStopStepSchema,
  resumeStepSchema,
  pauseStepSchema,
  stateStepSchema,
]);

/** Steps run in order through the in-memory stateful enforcer; the passport needs an id. */
export const stepsCaseSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    passport: passportRefSchema.optional(),
    steps: z.array(stepSchema).min(1),
  })
  .catchall(z.unknown())
  .superRefine((value, ctx) => {
    const known: string[] = ["name", "description", "passport", "steps"];
    const free = [new RegExp("^x-")];
    for (const key in value) {
      if (!known.includes(key) && !free.some((re) => re.test(key)))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "unknown field",
          params: { code: "unknown_field" },
        });
    }
  });

/** A case: a snapshot evaluation, or steps through the stateful enforcer. */
export const fixtureCaseSchema = z.union([snapshotCaseSchema, stepsCaseSchema]);

/** Several cases sharing the top-level passport; a case's own passport wins. */
export const fixtureSuiteSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    passport: passportRefSchema.optional(),
    cases: z.array(fixtureCaseSchema).min(1),
  })
  .catchall(z.unknown())
  .superRefine((value, ctx) => {
    const known: string[] = ["name", "description", "passport", "cases"];
    const free = [new RegExp("^x-")];
    for (const key in value) {
      if (!known.includes(key) && !free.some((re) => re.test(key)))
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: "unknown field",
          params: { code: "unknown_field" },
        });
    }
  });

/** An offline policy test (SPEC §9), in YAML or JSON: one case, or cases that share a top-level passport. Paths are relative to the file. Keys starting with x- are free, to hold YAML anchors. */
export const fixtureSchema = z.union([snapshotCaseSchema, stepsCaseSchema, fixtureSuiteSchema]);

/** A JSON-RPC 2.0 request (method and id), notification (method, no id) or response (id with result or error). */
export const jsonRpcMessageSchema = z
  .object({
    jsonrpc: z.literal("2.0"),
    id: z.union([z.string(), z.number().int()]).optional(),
    method: z.string().min(1).optional(),
    params: z.record(z.string(), z.any()).optional(),
    result: z.record(z.string(), z.any()).optional(),
    error: z
      .object({ code: z.number().int(), message: z.string(), data: z.any().optional() })
      .strict()
      .optional(),
  })
  .strict();

/** The body of POST /mcp (and Modei's /api/mcp/supravision): one JSON-RPC 2.0 message of the Model Context Protocol, or a non-empty batch of them. Agent channel (SPEC §11): untrusted; the passport is named by the x-passport-id header. Only the envelope is checked here; the MCP SDK handles the protocol (methods, params, results). Members other than JSON-RPC 2.0's are an error. */
export const jsonRpcBodySchema = z.union([jsonRpcMessageSchema, z.array(jsonRpcMessageSchema).min(1)]);

/** A spending window: daily, weekly, monthly, total, or all of them. */
export const windowTypeSchema = z.enum(["daily", "weekly", "monthly", "total", "all"]);

/** The body of Modei's POST /api/v1/passports/{id}/state/reset: like WindowReset, but the body may be empty or leave out window_type, which then resets the daily window. Operator channel (SPEC §11). Unknown fields are an error. */
export const modeiWindowResetSchema = z.object({ window_type: windowTypeSchema.optional() }).strict();

/** The body of POST /v1/approvers: one address (phone or email) to confirm as an approver of the key's issuer; it is sent a code and approves nothing until it returns it. Operator channel (SPEC §11): an operator key; an agent key gets 403. Exactly one of phone and email (json-schema-to-zod cannot express oneOf over required, so the route checks it: conflicting_fields, missing_field). Unknown fields are an error. */
export const newApproverSchema = z
  .object({
    phone: z.string().min(1).optional(),
    email: z.string().min(1).optional(),
    issuer_id: z.string().min(1).optional(),
  })
  .strict();

/** A server started as a child process, spoken to on its stdin and stdout. */
export const stdioServerSchema = z
  .object({
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().min(1).optional(),
  })
  .strict();

/** A server reached over Streamable HTTP. */
export const httpServerSchema = z
  .object({ url: z.string().min(1), headers: z.record(z.string(), z.string()).optional() })
  .strict();

/** A downstream MCP server: a command spoken to over stdio, or a Streamable HTTP URL. */
export const downstreamServerSchema = z.union([stdioServerSchema, httpServerSchema]);

/** A JSON pointer (RFC 6901): /price_cents, /order/total; ~1 is /, ~0 is ~. */
export const jsonPointerSchema = z
  .string()
  .regex(new RegExp("^(/([^~/]|~[01])*)+$"), "a JSON pointer like /price_cents (~1 for /, ~0 for ~)");

/** Integer cents, or a JSON pointer (RFC 6901) to where they are. */
export const centsOrPointerSchema = z.union([centsSchema, jsonPointerSchema]);

/** What a tool call is as a request: its action, cost, target and actual cost. */
export const toolMappingSchema = z
  .object({
    action: z
      .string()
      .min(1)
      .refine(isWellFormedString, {
        message: "well-formed Unicode (no lone surrogates)",
        params: { code: "invalid_string" },
      })
      .refine((s) => utf8ByteLength(s) <= 1024, {
        message: "1 to 1024 bytes of UTF-8",
        params: { code: "out_of_range" },
      })
      .optional(),
    cost_cents: centsOrPointerSchema.optional(),
    target: z.string().min(1).optional(),
    actual_cost_cents: centsOrPointerSchema.optional(),
  })
  .strict();

/** The configuration of `warden proxy` (SPEC §12), in YAML or JSON: the passport every call acts for, where decisions are kept, the downstream MCP servers and how their tools map to actions. Paths are relative to the file. */
export const proxyConfigSchema = z
  .object({
    passport: z.string().min(1),
    store: z.string().min(1).optional(),
    server: z.string().min(1).optional(),
    redact_results: z.boolean().optional(),
    hide_denied_tools: z.boolean().optional(),
    holds: z.enum(["wait", "return"]).optional(),
    servers: z.record(z.string(), downstreamServerSchema),
    tools: z.record(z.string(), toolMappingSchema).optional(),
  })
  .strict();

/** An Ed25519 public key as a JWK (RFC 8037): kty OKP, crv Ed25519 and x. Other public members (kid, alg, use) are allowed and not kept; a private member d is refused (send only the public half). */
export const publicJwkSchema = z
  .object({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z
      .string()
      .regex(
        new RegExp("^[A-Za-z0-9_-]{43}$"),
        "the 32-byte public key in base64url without padding (43 characters)",
      ),
  })
  .catchall(z.any());

/** The body of POST /v1/passports/{id}/reissue (may be empty): the passport's new proof-of-possession key, or none for a new pair whose private key is returned once. Operator channel (SPEC §11): an agent key gets 403. Unknown fields are an error. */
export const reissueSchema = z.object({ public_key_jwk: publicJwkSchema.optional() }).strict();

/** The body of POST /v1/actions/report: an action's result, with the permit of its allow decision (closes the audit loop). Agent channel (SPEC §11): an agent key may send it; an agent's lower actual_cost_cents is recorded but never refunds. Unknown fields are an error. */
export const actionReportSchema = z
  .object({
    permit_token: z.string(),
    success: z.boolean(),
    result: z.any().optional(),
    actual_cost_cents: centsSchema.optional(),
  })
  .strict();

/** The decoded payload of a Slack interactivity request that Warden acts on: a click on the Approve or Deny button of the message posted for a hold. Third party (Slack) on behalf of an operator (SPEC §11); Slack sends many more fields, which are allowed and ignored. */
export const slackBlockActionsSchema = z
  .object({
    type: z.literal("block_actions"),
    user: z
      .object({ id: z.string().optional(), username: z.string().optional(), name: z.string().optional() })
      .catchall(z.any())
      .optional(),
    channel: z.object({ id: z.string().min(1) }).catchall(z.any()),
    message: z.object({ ts: z.string().min(1) }).catchall(z.any()),
    actions: z
      .array(
        z
          .object({ action_id: z.enum(["warden_approve", "warden_deny"]), value: z.string().min(1) })
          .catchall(z.any()),
      )
      .min(1),
  })
  .catchall(z.any());

/** The form Slack posts to POST /v1/slack/interactivity when an approver clicks Approve or Deny. Operator channel relayed by a third party (SPEC §11): X-Slack-Signature (v0 HMAC-SHA256 over the exact raw body) and its timestamp are checked before the form is read. payload is Slack's block_actions JSON, checked against SlackBlockActions once decoded (problems name payload.<path>). Other fields Slack may add are allowed and ignored. */
export const slackInteractivitySchema = z
  .object({
    payload: z
      .string()
      .min(1)
      .transform((str, ctx) => {
        try {
          return JSON.parse(str);
        } catch (err) {
          ctx.addIssue({ code: "custom", message: "Invalid JSON" });
        }
      })
      .pipe(
        z
          .object({
            type: z.literal("block_actions").describe("Only button clicks (block_actions) are acted on."),
            user: z
              .object({
                id: z.string().describe("The Slack user id.").optional(),
                username: z
                  .string()
                  .describe("The Slack user name (preferred in the audit record).")
                  .optional(),
                name: z.string().describe("The display name (when there is no username).").optional(),
              })
              .catchall(z.any())
              .describe("Who clicked; recorded as slack:<username>.")
              .optional(),
            channel: z
              .object({ id: z.string().min(1).describe("The channel id.") })
              .catchall(z.any())
              .describe("The channel of the message clicked: it must be the one the hold was posted to."),
            message: z
              .object({ ts: z.string().min(1).describe("The message timestamp (its id in the channel).") })
              .catchall(z.any())
              .describe("The message clicked: it must be the one posted for the approval."),
            actions: z
              .array(
                z
                  .object({
                    action_id: z.enum(["warden_approve", "warden_deny"]).describe("Which button."),
                    value: z.string().min(1).describe("The approval id the button carries."),
                  })
                  .catchall(z.any()),
              )
              .min(1)
              .describe("The click; the first action is acted on."),
          })
          .catchall(z.any())
          .describe(
            "The decoded payload of a Slack interactivity request that Warden acts on: a click on the Approve or Deny button of the message posted for a hold. Third party (Slack) on behalf of an operator (SPEC §11); Slack sends many more fields, which are allowed and ignored.",
          ),
      ),
  })
  .catchall(z.any());

/** The fields of POST /v1/sms/inbound (a form, or the same fields as JSON): a text an approver sent, relayed by an SMS gateway. Operator channel relayed by a third party (SPEC §11): the x-warden-signature HMAC over the exact raw body is checked before the fields are read. The sender is from (or From) and the text body (or Body), Twilio's spelling being accepted too; other fields a gateway adds are allowed and ignored. */
export const smsReplySchema = z
  .object({
    from: z.string().min(1).max(64).optional(),
    From: z.string().min(1).max(64).optional(),
    body: z.string().max(1600).optional(),
    Body: z.string().max(1600).optional(),
  })
  .catchall(z.any());

/** The form Twilio posts to POST /v1/sms/twilio for each text an approver sends. Operator channel relayed by a third party (SPEC §11): X-Twilio-Signature (over WARDEN_PUBLIC_URL + /v1/sms/twilio and every form field) is checked before the fields are. Twilio adds fields (AccountSid, To, NumMedia, ...): they are allowed and ignored. MessageSid (or the older SmsSid) is required too. */
export const twilioInboundSchema = z
  .object({
    MessageSid: z
      .string()
      .regex(
        new RegExp("^[A-Za-z]{2}[0-9A-Fa-f]{32}$"),
        "a Twilio message sid: two letters and 32 hex digits, like SM0123456789abcdef0123456789abcdef",
      )
      .optional(),
    SmsSid: z
      .string()
      .regex(
        new RegExp("^[A-Za-z]{2}[0-9A-Fa-f]{32}$"),
        "a Twilio message sid: two letters and 32 hex digits, like SM0123456789abcdef0123456789abcdef",
      )
      .optional(),
    From: z.string().min(1).max(64),
    Body: z.string().max(1600).optional(),
  })
  .catchall(z.any());

/** The body of POST /v1/passports/{id}/state/reset: which spending window to set back to zero. Operator channel (SPEC §11): only an operator resets windows; an agent key gets 403. Unknown fields are an error. */
export const windowResetSchema = z.object({ window_type: windowTypeSchema }).strict();

/** For each object schema: property -> title of its shared value type. */
export const propertyTypes = {
  Constraints: {
    "core:cost:max_per_action": "Cents",
    "core:cost:max_per_day": "Cents",
    "core:cost:max_per_week": "Cents",
    "core:cost:max_per_month": "Cents",
    "core:cost:max_total": "Cents",
    "core:cost:max_cumulative": "Cents",
    "core:cost:cumulative_window": "CostWindow",
    "core:cost:approval_threshold": "Cents",
    "core:rate:max_per_minute": "Count",
    "core:rate:max_per_hour": "Count",
    "core:rate:max_per_day": "Count",
    "core:scope:domain_allowlist": "DomainList",
    "core:scope:domain_blocklist": "DomainList",
    "core:scope:action_allowlist": "PatternList",
    "core:scope:action_blocklist": "PatternList",
    "core:time:operating_hours": "Schedule",
    "core:time:blackout_windows": "BlackoutWindows",
    "core:time:idle_timeout_minutes": "Minutes",
    "core:approval:required": "Flag",
    "core:approval:for_actions": "PatternList",
    "core:safety:anomaly_suspend": "Flag",
    "core:safety:fail_closed": "Flag",
    "core:data:read_only": "Flag",
    "core:data:no_pii_export": "Flag",
    "core:data:no_secrets_export": "Flag",
    "core:data:redact_pii_in_logs": "Flag",
  },
  Counters: {
    spent_today_cents: "Cents",
    spent_week_cents: "Cents",
    spent_month_cents: "Cents",
    spent_total_cents: "Cents",
    held_cents: "Cents",
    actions_last_minute: "Count",
    actions_last_5_minutes: "Count",
    actions_last_30_minutes: "Count",
    actions_last_hour: "Count",
    actions_today: "Count",
    last_action_at: "Instant",
    last_heartbeat_at: "Instant",
  },
  DashboardAction: {},
  DashboardLogin: {},
  DashboardStop: {},
  Decision: {
    decision: "Verdict",
    reason: "ReasonCode",
    limit: "Quantity",
    observed: "Quantity",
    at: "Timestamp",
    permit_expires_at: "Timestamp",
  },
  EnforceRequest: { cost_cents: "Cents" },
  ModeiWindowReset: { window_type: "WindowType" },
  NewApprover: {},
  Passport: {
    issued_at: "OptionalTimestamp",
    not_before: "OptionalTimestamp",
    expires_at: "OptionalTimestamp",
    constraints: "Constraints",
  },
  ProxyConfig: {},
  Reissue: { public_key_jwk: "PublicJwk" },
  ActionReport: { actual_cost_cents: "Cents" },
  EvalRequest: { cost_cents: "Cents" },
  SlackBlockActions: {},
  SlackInteractivity: {},
  SmsReply: {},
  TwilioInbound: {},
  WindowReset: { window_type: "WindowType" },
} as const;
export type SchemaTypeName =
  | "BlackoutWindows"
  | "Cents"
  | "Constraints"
  | "CostWindow"
  | "Count"
  | "DomainList"
  | "Flag"
  | "Instant"
  | "Minutes"
  | "OptionalTimestamp"
  | "PatternList"
  | "PublicJwk"
  | "Quantity"
  | "ReasonCode"
  | "Schedule"
  | "Timestamp"
  | "Verdict"
  | "WindowType";
/** The core: constraint keys, in catalogue order (SPEC §2). */
export const coreConstraintKeys = [
  "core:cost:max_per_action",
  "core:cost:max_per_day",
  "core:cost:max_per_week",
  "core:cost:max_per_month",
  "core:cost:max_total",
  "core:cost:max_cumulative",
  "core:cost:cumulative_window",
  "core:cost:approval_threshold",
  "core:rate:max_per_minute",
  "core:rate:max_per_hour",
  "core:rate:max_per_day",
  "core:scope:domain_allowlist",
  "core:scope:domain_blocklist",
  "core:scope:action_allowlist",
  "core:scope:action_blocklist",
  "core:time:operating_hours",
  "core:time:blackout_windows",
  "core:time:idle_timeout_minutes",
  "core:approval:required",
  "core:approval:for_actions",
  "core:safety:anomaly_suspend",
  "core:safety:fail_closed",
  "core:data:read_only",
  "core:data:no_pii_export",
  "core:data:no_secrets_export",
  "core:data:redact_pii_in_logs",
] as const;
export type CoreConstraintKey = (typeof coreConstraintKeys)[number];
