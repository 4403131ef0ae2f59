// The vocabulary of SPEC §2 and §10: rule names, reason codes and constraint keys, defined once.
// The bindings read these tables from the module at load time, so they are never written twice.

import { CatalogueTable } from "./gen/abi-layout";

// Rules in pipeline order (SPEC §2 "Pipeline order"); the id is the position.
export const enum Rule {
  EmergencyStop, FailClosed,
  PassportStatus, PassportNotBefore, PassportExpiresAt,
  Permissions,
  ActionBlocklist, ActionAllowlist, DomainBlocklist, DomainAllowlist,
  ReadOnly,
  BlackoutWindows, OperatingHours,
  NoSecretsExport, NoPiiExport,
  CostPerAction, CostPerDay, CostPerWeek, CostPerMonth, CostTotal, CostCumulative,
  RatePerMinute, RatePerHour, RatePerDay,
  ApprovalRequired, ApprovalForActions, ApprovalThreshold, IdleTimeout, AnomalySuspend,
  ApprovalPending,
  COUNT,
}

export const RULE_NONE: u16 = 0xffff;

const RULE_NAMES: string[] = [
  "core:safety:emergency_stop", "core:safety:fail_closed",
  "passport:status", "passport:not_before", "passport:expires_at",
  "passport:permissions",
  "core:scope:action_blocklist", "core:scope:action_allowlist",
  "core:scope:domain_blocklist", "core:scope:domain_allowlist",
  "core:data:read_only",
  "core:time:blackout_windows", "core:time:operating_hours",
  "core:data:no_secrets_export", "core:data:no_pii_export",
  "core:cost:max_per_action", "core:cost:max_per_day", "core:cost:max_per_week",
  "core:cost:max_per_month", "core:cost:max_total", "core:cost:max_cumulative",
  "core:rate:max_per_minute", "core:rate:max_per_hour", "core:rate:max_per_day",
  "core:approval:required", "core:approval:for_actions", "core:cost:approval_threshold",
  "core:time:idle_timeout_minutes", "core:safety:anomaly_suspend",
  "core:approval:pending",
];

export const enum Reason {
  Allowed,
  EmergencyStopped, EnforcementPaused,
  PassportRevoked, PassportNotYetValid, PassportExpired, PermissionDenied,
  ActionBlocked, ActionNotAllowed, DomainBlocked, DomainNotAllowed, InvalidTarget,
  ReadOnly, BlackoutWindow, OutsideOperatingHours,
  SecretDetected, PiiDetected,
  CostPerActionExceeded, CostLimitExceeded, RateLimitExceeded,
  ApprovalRequired, ActionRequiresApproval, CostRequiresApproval, IdleTimeout, AnomalyDetected,
  ApprovalAlreadyPending,
  COUNT,
}

const REASON_NAMES: string[] = [
  "allowed",
  "emergency_stopped", "enforcement_paused",
  "passport_revoked", "passport_not_yet_valid", "passport_expired", "permission_denied",
  "action_blocked", "action_not_allowed", "domain_blocked", "domain_not_allowed", "invalid_target",
  "read_only", "blackout_window", "outside_operating_hours",
  "secret_detected", "pii_detected",
  "cost_per_action_exceeded", "cost_limit_exceeded", "rate_limit_exceeded",
  "approval_required", "action_requires_approval", "cost_requires_approval", "idle_timeout",
  "anomaly_detected",
  "approval_already_pending",
];

// Constraint keys a passport may carry (SPEC §2). The id is what the compiled passport uses.
export const enum Key {
  CostMaxPerAction, CostMaxPerDay, CostMaxPerWeek, CostMaxPerMonth, CostMaxTotal,
  CostMaxCumulative, CostCumulativeWindow, CostApprovalThreshold,
  RateMaxPerMinute, RateMaxPerHour, RateMaxPerDay,
  ScopeDomainAllowlist, ScopeDomainBlocklist, ScopeActionAllowlist, ScopeActionBlocklist,
  TimeOperatingHours, TimeBlackoutWindows, TimeIdleTimeoutMinutes,
  ApprovalRequired, ApprovalForActions,
  SafetyAnomalySuspend, SafetyFailClosed,
  DataReadOnly, DataNoPiiExport, DataNoSecretsExport, DataRedactPiiInLogs,
  COUNT,
}

const KEY_NAMES: string[] = [
  "core:cost:max_per_action", "core:cost:max_per_day", "core:cost:max_per_week",
  "core:cost:max_per_month", "core:cost:max_total",
  "core:cost:max_cumulative", "core:cost:cumulative_window", "core:cost:approval_threshold",
  "core:rate:max_per_minute", "core:rate:max_per_hour", "core:rate:max_per_day",
  "core:scope:domain_allowlist", "core:scope:domain_blocklist",
  "core:scope:action_allowlist", "core:scope:action_blocklist",
  "core:time:operating_hours", "core:time:blackout_windows", "core:time:idle_timeout_minutes",
  "core:approval:required", "core:approval:for_actions",
  "core:safety:anomaly_suspend", "core:safety:fail_closed",
  "core:data:read_only", "core:data:no_pii_export", "core:data:no_secrets_export",
  "core:data:redact_pii_in_logs",
];

// How a key's value is encoded in a compiled passport (docs/abi.md).
export const enum ValueKind { Int, Bool, Window, Patterns, Domains, Schedule, Blackouts }

const KEY_KINDS: i32[] = [
  ValueKind.Int, ValueKind.Int, ValueKind.Int, ValueKind.Int, ValueKind.Int,
  ValueKind.Int, ValueKind.Window, ValueKind.Int,
  ValueKind.Int, ValueKind.Int, ValueKind.Int,
  ValueKind.Domains, ValueKind.Domains, ValueKind.Patterns, ValueKind.Patterns,
  ValueKind.Schedule, ValueKind.Blackouts, ValueKind.Int,
  ValueKind.Bool, ValueKind.Patterns,
  ValueKind.Bool, ValueKind.Bool,
  ValueKind.Bool, ValueKind.Bool, ValueKind.Bool, ValueKind.Bool,
];

export const enum Outcome { Pass, Hold, Block, Skipped }
export const enum Verdict { Allow, Hold, Block }

// Tables the bindings read at load time: 0 rules, 1 reasons, 2 keys, 3 key value kinds (as digits).
export function catalogueEntry(table: i32, id: i32): string {
  if (table == CatalogueTable.Rules) return id < RULE_NAMES.length ? RULE_NAMES[id] : "";
  if (table == CatalogueTable.Reasons) return id < REASON_NAMES.length ? REASON_NAMES[id] : "";
  if (table == CatalogueTable.Keys) return id < KEY_NAMES.length ? KEY_NAMES[id] : "";
  if (table == CatalogueTable.KeyKinds) return id < KEY_KINDS.length ? KEY_KINDS[id].toString() : "";
  return "";
}

export function keyKind(key: i32): i32 { return unchecked(KEY_KINDS[key]); }

// Warning codes a decision may carry (SPEC §10 "Warnings"); ignored keys are reported at compile.
export const enum Warning { HeartbeatStale }
const WARNING_NAMES: string[] = ["heartbeat_stale"];
export function warningName(id: i32): string { return id < WARNING_NAMES.length ? WARNING_NAMES[id] : ""; }
