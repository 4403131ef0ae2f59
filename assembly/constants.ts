// Numbers from SPEC.md, defined once.

export const MS_PER_SECOND: i64 = 1000;
export const MS_PER_MINUTE: i64 = 60_000;
export const MS_PER_DAY: i64 = 86_400_000;
export const MINUTES_PER_DAY: i32 = 1440;

/** A heartbeat older than this is stale (exactly 120 s is still fresh). SPEC §2, §10. */
export const HEARTBEAT_STALE_MS: i64 = 120_000;
/** Anomaly: hold when 2 × r5 > a30 and r5 ≥ this floor. SPEC §2. */
export const ANOMALY_FLOOR: i64 = 10;
export const ANOMALY_FACTOR: i64 = 2;
/** Approvals expire at created + 300 s; permits at issued + 30 s. SPEC §7, §10. */
export const APPROVAL_TTL_MS: i64 = 300_000;
export const PERMIT_TTL_MS: i64 = 30_000;
/** A code sent to confirm an approver's phone or e-mail address is valid this long after it is sent (docs/decisions.md). */
export const APPROVER_CODE_TTL_MS: i64 = 900_000;
/** Money and observed values are clamped to 2^53 − 1. SPEC §1, §10. */
export const MAX_SAFE: i64 = 9_007_199_254_740_991;

/** Caps on what a decision carries, so its size is bounded. */
export const DETAIL_MAX: i32 = 1024;
export const PATH_MAX: i32 = 200;

/** Budget runway is projected at the pace of the spend in the 7 days before now (issue #17). */
export const RUNWAY_PACE_MS: i64 = 7 * MS_PER_DAY;
