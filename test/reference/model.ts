// Reference model of the decision (SPEC §2–6, §8, §10), written from the SPEC for clarity, not
// speed. It shares no evaluation code with assembly/ or bindings/: only the runtime's URL parser
// (hosts.ts) and Intl (time.ts) prepare inputs, as the SPEC says a host must.
//
// The whole pipeline is one table of steps in SPEC order; each step says what it decides.

import { contextStrings, decodedForms, hasPii, hasSecret } from "./detect";
import { listEntry, targetHost } from "./hosts";
import { anyPatternMatches, domainMatches, expandSentinels, isWriteAction } from "./match";
import { MS_PER_MINUTE, toMs, WEEKDAYS, wallClock, type Weekday } from "./time";

export const MAX_SAFE = 2n ** 53n - 1n;
export const HEARTBEAT_STALE_MS = 120_000;

export interface ModelHold {
  rule: string;
  reason: string;
}
export interface ModelDecision {
  decision: "allow" | "request_hold" | "block";
  reason: string;
  rule: string | null;
  limit?: number;
  observed?: number;
  retryable: boolean;
  holds: ModelHold[];
  warnings: string[];
  evaluated?: { rule: string; outcome: "pass" | "hold" | "block" | "skipped" }[];
}

export interface ModelRequest {
  action: string;
  cost_cents?: number;
  target?: string;
  context?: Record<string, unknown>;
  action_id?: string;
}
type Instant = number | string | null | undefined;
export interface ModelCounters {
  spent_today_cents?: number;
  spent_week_cents?: number;
  spent_month_cents?: number;
  spent_total_cents?: number;
  held_cents?: number;
  actions_last_minute?: number;
  actions_last_5_minutes?: number;
  actions_last_30_minutes?: number;
  actions_last_hour?: number;
  actions_today?: number;
  last_action_at?: Instant;
  last_heartbeat_at?: Instant;
  pending_approval_id?: string | null;
  emergency_stopped?: boolean;
  enforcement_paused?: boolean;
}
export interface ModelPassport {
  status?: string;
  not_before?: string | null;
  expires_at?: string | null;
  permissions?: string[];
  constraints?: Record<string, unknown>;
  [other: string]: unknown;
}
const COUNT_FIELDS = [
  "spent_today_cents",
  "spent_week_cents",
  "spent_month_cents",
  "spent_total_cents",
  "held_cents",
  "actions_last_minute",
  "actions_last_5_minutes",
  "actions_last_30_minutes",
  "actions_last_hour",
  "actions_today",
] as const;
type CountField = (typeof COUNT_FIELDS)[number];
interface ScheduleRange {
  timezone?: string;
  days?: string[];
  start: string;
  end: string;
}

/** Everything a step may look at. */
interface Inputs {
  c: Record<string, unknown>;
  passport: ModelPassport;
  req: ModelRequest;
  cost: bigint;
  /** The counts and amounts of the snapshot, exact. */
  n: Record<CountField, bigint>;
  stopped: boolean;
  paused: boolean;
  lastActionAt: number | null;
  lastHeartbeatAt: number | null;
  pending: boolean;
  now: number;
  warnings: string[];
}

/** What a step found: nothing, a block, or a hold. */
type Finding =
  null | { kind: "block"; reason: string; retryable: boolean; limit?: bigint; observed?: bigint; rule?: string } | { kind: "hold"; reason: string };

interface Step {
  rule: string;
  applies(x: Inputs): boolean;
  check(x: Inputs): Finding;
}

/**
 * The trace (SPEC §8 "evaluated") lists "every rule in pipeline order". Read as: the state checks
 * and the passport's status always; not_before, expires_at and permissions when the passport sets
 * them; every constraint the passport sets (a flag set to false too, passing; a domain list without
 * a target, passing); and core:approval:pending when a hold would be the decision.
 */
const ALWAYS_LISTED = new Set(["core:safety:emergency_stop", "core:safety:fail_closed", "passport:status"]);
function listed(rule: string, passport: ModelPassport): boolean {
  if (ALWAYS_LISTED.has(rule)) return true;
  if (rule === "passport:not_before") return passport.not_before != null;
  if (rule === "passport:expires_at") return passport.expires_at != null;
  if (rule === "passport:permissions") return (passport.permissions ?? []).length > 0;
  return Object.hasOwn(passport.constraints ?? {}, rule);
}

const has = (x: Inputs, key: string): boolean => Object.hasOwn(x.c, key);
const int = (x: Inputs, key: string): bigint => BigInt(x.c[key] as number);
const flag = (x: Inputs, key: string): boolean => x.c[key] === true;
const list = (x: Inputs, key: string): string[] => x.c[key] as string[];
const block = (reason: string, retryable: boolean, extra: { limit?: bigint; observed?: bigint; rule?: string } = {}): Finding => ({
  kind: "block",
  reason,
  retryable,
  ...extra,
});
const hold = (reason: string): Finding => ({ kind: "hold", reason });
const always = (): boolean => true;
const ifKey =
  (key: string) =>
  (x: Inputs): boolean =>
    has(x, key);

function costCap(key: string, spent: (x: Inputs) => bigint, retryable: boolean): Step {
  return {
    rule: key,
    applies: ifKey(key),
    check: (x) => {
      const projected = spent(x) + x.n.held_cents + x.cost;
      const cap = int(x, key);
      return projected > cap ? block("cost_limit_exceeded", retryable, { limit: cap, observed: projected }) : null;
    },
  };
}

function rateCap(key: string, count: (x: Inputs) => bigint): Step {
  return {
    rule: key,
    applies: ifKey(key),
    check: (x) => {
      const next = count(x) + 1n;
      const cap = int(x, key);
      return next > cap ? block("rate_limit_exceeded", true, { limit: cap, observed: next }) : null;
    },
  };
}

const big = (n: number | undefined): bigint => BigInt(n ?? 0);
const WINDOW_SPENT: Record<string, CountField> = {
  daily: "spent_today_cents",
  weekly: "spent_week_cents",
  monthly: "spent_month_cents",
  total: "spent_total_cents",
};
const spentIn =
  (window: string) =>
  (x: Inputs): bigint =>
    x.n[WINDOW_SPENT[window]!];

/** Domain lists apply only to a request with a target; an unparsable target is blocked by the first list set. */
function domainStep(key: string, blocked: (matches: boolean) => boolean, reason: string): Step {
  return {
    rule: key,
    applies: (x) => has(x, key) && x.req.target !== undefined,
    check: (x) => {
      const host = targetHost(x.req.target!);
      if (host === null) return block("invalid_target", false);
      const matches = list(x, key).some((e) => domainMatches(listEntry(e)!, host));
      return blocked(matches) ? block(reason, false) : null;
    },
  };
}

function inSchedule(range: ScheduleRange, now: number): boolean {
  const { weekday, minute } = wallClock(range.timezone ?? "UTC", now);
  const days = new Set((range.days ?? WEEKDAYS).map((d) => d.toLowerCase()));
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const start = minutes(range.start),
    end = minutes(range.end);
  const yesterday: Weekday = WEEKDAYS[(WEEKDAYS.indexOf(weekday) + 6) % 7]!;
  if (start < end) return days.has(weekday) && start <= minute && minute < end;
  // Overnight: belongs to the day it starts on (Monday 22:00–06:00 covers early Tuesday).
  return (days.has(weekday) && minute >= start) || (days.has(yesterday) && minute < end);
}

/** The strings the data guards read: the target and the context's, each as written and percent-decoded (SPEC §11). */
function scanned(x: Inputs): string[] {
  const out = x.req.target !== undefined ? [x.req.target] : [];
  return (x.req.context !== undefined ? contextStrings(x.req.context, out) : out).flatMap(decodedForms);
}

/** SPEC §2 "Pipeline order", every rule in order. */
export const PIPELINE: readonly Step[] = [
  // 1. state checks
  { rule: "core:safety:emergency_stop", applies: always, check: (x) => (x.stopped ? block("emergency_stopped", false) : null) },
  {
    rule: "core:safety:fail_closed",
    applies: always,
    check: (x) => {
      if (x.paused) return block("enforcement_paused", true);
      const stale = x.lastHeartbeatAt !== null && BigInt(x.now) - BigInt(x.lastHeartbeatAt) > BigInt(HEARTBEAT_STALE_MS);
      if (flag(x, "core:safety:fail_closed")) return x.lastHeartbeatAt === null || stale ? block("enforcement_paused", true) : null;
      if (stale) x.warnings.push("heartbeat_stale");
      return null;
    },
  },
  // 2. passport status and validity
  { rule: "passport:status", applies: always, check: (x) => (x.passport.status === "revoked" ? block("passport_revoked", false) : null) },
  {
    rule: "passport:not_before",
    applies: (x) => x.passport.not_before != null,
    check: (x) => (x.now < toMs(x.passport.not_before!) ? block("passport_not_yet_valid", false) : null),
  },
  {
    rule: "passport:expires_at",
    applies: (x) => x.passport.expires_at != null,
    check: (x) => (x.now >= toMs(x.passport.expires_at!) ? block("passport_expired", false) : null),
  },
  // 3. permissions
  {
    rule: "passport:permissions",
    applies: (x) => (x.passport.permissions ?? []).length > 0,
    check: (x) => (anyPatternMatches(x.passport.permissions!, x.req.action) ? null : block("permission_denied", false)),
  },
  // 4. scope
  {
    rule: "core:scope:action_blocklist",
    applies: ifKey("core:scope:action_blocklist"),
    check: (x) => (anyPatternMatches(list(x, "core:scope:action_blocklist"), x.req.action) ? block("action_blocked", false) : null),
  },
  {
    rule: "core:scope:action_allowlist",
    applies: ifKey("core:scope:action_allowlist"),
    check: (x) => (anyPatternMatches(list(x, "core:scope:action_allowlist"), x.req.action) ? null : block("action_not_allowed", false)),
  },
  domainStep("core:scope:domain_blocklist", (m) => m, "domain_blocked"),
  domainStep("core:scope:domain_allowlist", (m) => !m, "domain_not_allowed"),
  // 5. read_only
  {
    rule: "core:data:read_only",
    applies: (x) => flag(x, "core:data:read_only"),
    check: (x) => (isWriteAction(x.req.action) ? block("read_only", false) : null),
  },
  // 6. time
  {
    rule: "core:time:blackout_windows",
    applies: ifKey("core:time:blackout_windows"),
    check: (x) => {
      const windows = x.c["core:time:blackout_windows"] as { start: string; end: string }[];
      return windows.some((w) => toMs(w.start) <= x.now && x.now < toMs(w.end)) ? block("blackout_window", true) : null;
    },
  },
  {
    rule: "core:time:operating_hours",
    applies: ifKey("core:time:operating_hours"),
    check: (x) => {
      const v = x.c["core:time:operating_hours"] as ScheduleRange | ScheduleRange[];
      const ranges = Array.isArray(v) ? v : [v];
      return ranges.some((r) => inSchedule(r, x.now)) ? null : block("outside_operating_hours", true);
    },
  },
  // 7. data
  {
    rule: "core:data:no_secrets_export",
    applies: (x) => flag(x, "core:data:no_secrets_export"),
    check: (x) => (scanned(x).some(hasSecret) ? block("secret_detected", false) : null),
  },
  {
    rule: "core:data:no_pii_export",
    applies: (x) => flag(x, "core:data:no_pii_export"),
    check: (x) => (scanned(x).some(hasPii) ? block("pii_detected", false) : null),
  },
  // 8. cost caps
  {
    rule: "core:cost:max_per_action",
    applies: ifKey("core:cost:max_per_action"),
    check: (x) => {
      const cap = int(x, "core:cost:max_per_action");
      return x.cost > cap ? block("cost_per_action_exceeded", false, { limit: cap, observed: x.cost }) : null;
    },
  },
  costCap("core:cost:max_per_day", spentIn("daily"), true),
  costCap("core:cost:max_per_week", spentIn("weekly"), true),
  costCap("core:cost:max_per_month", spentIn("monthly"), true),
  costCap("core:cost:max_total", spentIn("total"), false),
  {
    rule: "core:cost:max_cumulative",
    applies: ifKey("core:cost:max_cumulative"),
    check: (x) => {
      const window = (x.c["core:cost:cumulative_window"] as string | undefined) ?? "daily";
      return costCap("core:cost:max_cumulative", spentIn(window), window !== "total").check(x);
    },
  },
  // 9. rate limits
  rateCap("core:rate:max_per_minute", (x) => x.n.actions_last_minute),
  rateCap("core:rate:max_per_hour", (x) => x.n.actions_last_hour),
  rateCap("core:rate:max_per_day", (x) => x.n.actions_today),
  // 10. holds
  { rule: "core:approval:required", applies: (x) => flag(x, "core:approval:required"), check: () => hold("approval_required") },
  {
    rule: "core:approval:for_actions",
    applies: ifKey("core:approval:for_actions"),
    check: (x) => (anyPatternMatches(expandSentinels(list(x, "core:approval:for_actions")), x.req.action) ? hold("action_requires_approval") : null),
  },
  {
    rule: "core:cost:approval_threshold",
    applies: ifKey("core:cost:approval_threshold"),
    check: (x) => (x.cost > int(x, "core:cost:approval_threshold") ? hold("cost_requires_approval") : null),
  },
  {
    rule: "core:time:idle_timeout_minutes",
    applies: (x) => has(x, "core:time:idle_timeout_minutes") && x.lastActionAt !== null,
    check: (x) => (BigInt(x.now) - BigInt(x.lastActionAt!) > int(x, "core:time:idle_timeout_minutes") * BigInt(MS_PER_MINUTE) ? hold("idle_timeout") : null),
  },
  {
    rule: "core:safety:anomaly_suspend",
    applies: (x) => flag(x, "core:safety:anomaly_suspend"),
    check: (x) => {
      const r5 = x.n.actions_last_5_minutes + 1n;
      const a30 = x.n.actions_last_30_minutes;
      return 2n * r5 > a30 && r5 >= 10n ? hold("anomaly_detected") : null;
    },
  },
];

const clamp = (v: bigint): number => Number(v > MAX_SAFE ? MAX_SAFE : v);

/** Warnings the passport itself causes: one per key outside the core: namespace. */
export function passportWarnings(passport: ModelPassport): string[] {
  return Object.keys(passport.constraints ?? {})
    .filter((k) => !k.startsWith("core:"))
    .map((k) => `ignored_key:${k}`);
}

/** Decides one request (SPEC §2, §8). Inputs must be valid; `now` is epoch ms. */
export function decide(passport: ModelPassport, req: ModelRequest, counters: ModelCounters, now: number, explain = false): ModelDecision {
  const instant = (v: Instant): number | null => (v === null || v === undefined ? null : toMs(v));
  const x: Inputs = {
    c: passport.constraints ?? {},
    passport,
    req,
    now,
    cost: big(req.cost_cents),
    n: Object.fromEntries(COUNT_FIELDS.map((k) => [k, big(counters[k])])) as Record<CountField, bigint>,
    stopped: counters.emergency_stopped === true,
    paused: counters.enforcement_paused === true,
    lastActionAt: instant(counters.last_action_at),
    lastHeartbeatAt: instant(counters.last_heartbeat_at),
    pending: counters.pending_approval_id != null,
    warnings: [],
  };
  const holds: ModelHold[] = [];
  const trace: NonNullable<ModelDecision["evaluated"]> = [];
  const withTrace = (d: ModelDecision): ModelDecision => (explain ? { ...d, evaluated: trace } : d);
  let blocked: ModelDecision | null = null;
  for (const step of PIPELINE) {
    if (!listed(step.rule, passport)) continue;
    if (blocked !== null) {
      trace.push({ rule: step.rule, outcome: "skipped" });
      continue;
    }
    const f = step.applies(x) ? step.check(x) : null;
    if (f === null) {
      trace.push({ rule: step.rule, outcome: "pass" });
      continue;
    }
    if (f.kind === "hold") {
      holds.push({ rule: step.rule, reason: f.reason });
      trace.push({ rule: step.rule, outcome: "hold" });
      continue;
    }
    trace.push({ rule: step.rule, outcome: "block" });
    blocked = { decision: "block", reason: f.reason, rule: f.rule ?? step.rule, retryable: f.retryable, holds: [], warnings: [] };
    if (f.limit !== undefined) {
      blocked.limit = clamp(f.limit);
      blocked.observed = clamp(f.observed!);
    }
  }
  const warnings = [...x.warnings, ...passportWarnings(passport)];
  if (blocked !== null) return withTrace({ ...blocked, warnings });
  if (holds.length === 0) return withTrace({ decision: "allow", reason: "allowed", rule: null, retryable: false, holds, warnings });
  trace.push({ rule: "core:approval:pending", outcome: x.pending ? "block" : "pass" });
  if (x.pending) {
    return withTrace({ decision: "block", reason: "approval_already_pending", rule: "core:approval:pending", retryable: true, holds, warnings });
  }
  return withTrace({ decision: "request_hold", reason: holds[0]!.reason, rule: holds[0]!.rule, retryable: false, holds, warnings });
}

/**
 * The effective spending caps shown to people (SPEC §2 cost caps, read as a person would): per
 * window the tightest of max_per_<window> and max_cumulative when cumulative_window names it (a tie
 * is named by max_per_<window>, earlier in the pipeline), and the headroom `max(0, cap − spent − held)`:
 * the largest cost the cost caps of that window still let through.
 */
export interface ModelWindowCap {
  limit_cents: number | null;
  rule: string | null;
  spent_cents: number;
  held_cents: number;
  headroom_cents: number | null;
}
export function spendCaps(passport: ModelPassport, counters: ModelCounters): { per_action_cents: number | null; windows: Record<string, ModelWindowCap> } {
  const c = passport.constraints ?? {};
  const num = (k: string): number | null => (typeof c[k] === "number" ? (c[k] as number) : null);
  const windows: Record<string, ModelWindowCap> = {};
  const keys: Record<string, string> = {
    daily: "core:cost:max_per_day",
    weekly: "core:cost:max_per_week",
    monthly: "core:cost:max_per_month",
    total: "core:cost:max_total",
  };
  const cumulativeWindow = (c["core:cost:cumulative_window"] as string | undefined) ?? "daily";
  for (const [window, key] of Object.entries(keys)) {
    const candidates: Array<[string, number]> = [];
    if (num(key) !== null) candidates.push([key, num(key)!]);
    if (num("core:cost:max_cumulative") !== null && cumulativeWindow === window)
      candidates.push(["core:cost:max_cumulative", num("core:cost:max_cumulative")!]);
    const tightest = candidates.reduce<[string, number] | null>((best, x) => (best === null || x[1] < best[1] ? x : best), null);
    const spent = counters[WINDOW_SPENT[window]!] ?? 0,
      held = counters.held_cents ?? 0;
    windows[window] = {
      limit_cents: tightest?.[1] ?? null,
      rule: tightest?.[0] ?? null,
      spent_cents: spent,
      held_cents: held,
      headroom_cents: tightest === null ? null : Math.max(0, tightest[1] - spent - held),
    };
  }
  return { per_action_cents: num("core:cost:max_per_action"), windows };
}

/**
 * The daily caps people are shown (the Modei-compatible state's daily_cost_limit_cents and
 * daily_request_limit): a day's spend is blocked past core:cost:max_per_day and past
 * core:cost:max_cumulative when its window is daily (§2), so the cap shown is the smaller of the
 * two; the request cap is core:rate:max_per_day. null where nothing is set.
 */
export function dailyLimits(passport: ModelPassport): { cost_cents: number | null; requests: number | null } {
  const c = passport.constraints ?? {};
  const caps: number[] = [];
  if (typeof c["core:cost:max_per_day"] === "number") caps.push(c["core:cost:max_per_day"]);
  if (typeof c["core:cost:max_cumulative"] === "number" && (c["core:cost:cumulative_window"] ?? "daily") === "daily") caps.push(c["core:cost:max_cumulative"]);
  const requests = c["core:rate:max_per_day"];
  return { cost_cents: caps.length === 0 ? null : Math.min(...caps), requests: typeof requests === "number" ? requests : null };
}

/**
 * Budget runway (issue #17), as a person reads it: the pace is what was spent in the 7 days before
 * now (events with now − 7 d < at ≤ now, added in order, saturating at ±(2^53 − 1), never below 0);
 * a window's cap with headroom h runs out h / pace × 7 days from now (rounded down to the ms), unless
 * its window resets first (then the reset is shown), or that is past 2^53 − 1 ms ("beyond").
 */
export interface ModelWindowRunway {
  outcome: "no_cap" | "exhausted" | "runs_out" | "no_pace" | "resets_first" | "beyond";
  at: number | null;
}
export function spendRunway(
  passport: ModelPassport,
  counters: ModelCounters,
  now: number,
  events: ReadonlyArray<{ at: number; cents: number }>,
): { pace_cents: number; pace_since: number; windows: Record<string, ModelWindowRunway> } {
  const WEEK = 7 * 86_400_000;
  const MAX = Number.MAX_SAFE_INTEGER;
  let sum = 0;
  for (const e of events) if (e.at > now - WEEK && e.at <= now) sum = Math.min(MAX, Math.max(-MAX, sum + e.cents));
  const pace = Math.max(0, sum);
  const d = new Date(now);
  const dayStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const resets: Record<string, number> = {
    daily: dayStart + 86_400_000,
    weekly: dayStart + (7 - ((d.getUTCDay() + 6) % 7)) * 86_400_000,
    monthly: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
  const windows: Record<string, ModelWindowRunway> = {};
  for (const [w, cap] of Object.entries(spendCaps(passport, counters).windows)) {
    const h = cap.headroom_cents;
    let r: ModelWindowRunway;
    if (h === null) r = { outcome: "no_cap", at: null };
    else if (h === 0) r = { outcome: "exhausted", at: now };
    else if (pace === 0) r = { outcome: "no_pace", at: null };
    else {
      const at = BigInt(now) + (BigInt(h) * BigInt(WEEK)) / BigInt(pace);
      const reset = resets[w];
      if (reset !== undefined && at >= BigInt(reset)) r = { outcome: "resets_first", at: reset };
      else if (at > BigInt(MAX)) r = { outcome: "beyond", at: null };
      else r = { outcome: "runs_out", at: Number(at) };
    }
    windows[w] = r;
  }
  return { pace_cents: pace, pace_since: now - WEEK, windows };
}
