// generated — do not edit. The ABI byte layout from schemas/abi-layout.json by scripts/gen-abi.mjs; run `npm run gen`.

/** Byte offsets in the request header (docs/abi.md "Request"). */
export const R_NOW: i32 = 0; // i64 now, epoch ms
export const R_COST: i32 = 8; // i64 cost_cents
export const R_FLAGS: i32 = 16; // u32 request flags (ReqFlag)
export const R_ACTION_LEN: i32 = 20; // u32 action byte length
export const R_HOST_LEN: i32 = 24; // u32 canonical host byte length (0 when none)
export const R_TARGET_LEN: i32 = 28; // u32 raw target byte length
export const R_CONTEXT_LEN: i32 = 32; // u32 context byte length
export const R_TZ_COUNT: i32 = 36; // u32 number of time-zone offsets after the header
export const R_SPENT_TODAY: i32 = 40; // i64 spent_today_cents
export const R_SPENT_WEEK: i32 = 48; // i64 spent_week_cents
export const R_SPENT_MONTH: i32 = 56; // i64 spent_month_cents
export const R_SPENT_TOTAL: i32 = 64; // i64 spent_total_cents
export const R_HELD: i32 = 72; // i64 held_cents
export const R_ACTIONS_MINUTE: i32 = 80; // i64 actions_last_minute
export const R_ACTIONS_5MIN: i32 = 88; // i64 actions_last_5_minutes
export const R_ACTIONS_30MIN: i32 = 96; // i64 actions_last_30_minutes
export const R_ACTIONS_HOUR: i32 = 104; // i64 actions_last_hour
export const R_ACTIONS_TODAY: i32 = 112; // i64 actions_today
export const R_LAST_ACTION: i32 = 120; // i64 last_action_at (ms), valid with CounterFlag.HasLastAction
export const R_LAST_HEARTBEAT: i32 = 128; // i64 last_heartbeat_at (ms), valid with CounterFlag.HasLastHeartbeat
export const R_COUNTER_FLAGS: i32 = 136; // u32 counter flags (CounterFlag)
export const R_RESERVED: i32 = 140; // u32 reserved (0)
/** The header's length: the time-zone offsets start here. */
export const REQ_HEADER: i32 = 144;
/** The counter block: request bytes 40..143, the layout of a counter-state snapshot. */
export const COUNTER_BLOCK_START: i32 = 40;
export const COUNTER_BLOCK: i32 = 104;
/** The request's u32 flags. */
export const enum ReqFlag { HasTarget = 1, TargetInvalid = 2, HasContext = 4, Explain = 8, ApprovalRecheck = 16 }
/** The counter block's u32 flags. */
export const enum CounterFlag { HasLastAction = 1, HasLastHeartbeat = 2, PendingApproval = 4, EmergencyStopped = 8, EnforcementPaused = 16, PausedByFailClosed = 32 }
export const enum StateOp { Snapshot = 0, Commit = 1, Reserve = 2, Approve = 3, Release = 4, Reset = 5, TrueUp = 6, Heartbeat = 7, Pause = 8, EmergencyStop = 9, Resume = 10, Fresh = 11, TrueUpRaise = 12, Trip = 13 }
export const enum StateStatus { Ok = 0, BadInput = -1, AlreadyPending = -2, NoSuchApproval = -3, Kept = -4 }
export const enum StateEvent { None = 0, Expired = 1, Released = 2, Tripped = 4 }
export const enum ResetKind { Daily = 0, Weekly = 1, Monthly = 2, Total = 3, All = 4 }
export const enum CatalogueTable { Rules = 0, Reasons = 1, Keys = 2, KeyKinds = 3, Warnings = 4, Sentinels = 5 }
export const enum DeadlineKind { Approval = 0, Permit = 1, Heartbeat = 2, ExpiryDays = 3, ApproverCode = 4 }
export const enum RunwayKind { NoCap = 0, Exhausted = 1, RunsOut = 2, NoPace = 3, ResetsFirst = 4, Beyond = 5 }
/** One hold of a decision: rule and reason ids (catalogue tables 0 and 1). */
export const DH_RULE: i32 = 0; // u16
export const DH_REASON: i32 = 2; // u16
export const DH_SIZE: i32 = 4;
/** One trace entry of a decision: rule id and outcome (0 pass, 1 hold, 2 block, 3 skipped). */
export const DT_RULE: i32 = 0; // u8
export const DT_OUTCOME: i32 = 1; // u8
export const DT_SIZE: i32 = 2;
/** Output of evaluate (docs/abi.md "Decision"): every section at a fixed place, so the module writes in place. */
export const D_VERDICT: i32 = 0; // u8 0 allow, 1 request_hold, 2 block
export const D_RETRYABLE: i32 = 1; // u8
export const D_HAS_LIMIT: i32 = 2; // u8 1 when limit and observed are set
export const D_HOLD_COUNT: i32 = 3; // u8 number of holds (at most D_HOLDS_MAX)
export const D_RULE: i32 = 4; // u16 rule id, 0xffff none
export const D_REASON: i32 = 6; // u16 reason id
export const D_LIMIT: i32 = 8; // i64
export const D_OBSERVED: i32 = 16; // i64 clamped to 2^53 - 1
export const D_WARNING_COUNT: i32 = 24; // u8
export const D_SUGGESTION_COUNT: i32 = 25; // u8
export const D_TRACE_COUNT: i32 = 26; // u16 0 unless explain
export const D_DETAIL_LEN: i32 = 28; // u32 detail byte length
export const D_HOLDS: i32 = 32; // 8 × HoldEntry (4 bytes each)
export const D_HOLDS_MAX: i32 = 8;
export const D_WARNINGS: i32 = 64; // 8 × u8 (1 bytes each) warning codes (catalogue table 4)
export const D_WARNINGS_MAX: i32 = 8;
export const D_TRACE: i32 = 72; // 32 × TraceEntry (2 bytes each)
export const D_TRACE_MAX: i32 = 32;
export const D_SUGGESTION_LENS: i32 = 136; // 4 × u16 (2 bytes each) suggestion byte lengths
export const D_SUGGESTION_LENS_MAX: i32 = 4;
export const D_DETAIL: i32 = 144; // 1024 × u8 (1 bytes each) detail (UTF-8)
export const D_DETAIL_MAX: i32 = 1024;
export const D_SUGGESTIONS: i32 = 1168; // 1024 × u8 (1 bytes each) 4 suggestions of up to SUGGESTION_MAX bytes each (UTF-8)
export const D_SUGGESTIONS_MAX: i32 = 1024;
export const D_SIZE: i32 = 2192;
/** One spending window of spend_caps (docs/abi.md). */
export const WC_LIMIT: i32 = 0; // i64 the tightest cap on this window, or -1 when none
export const WC_SPENT: i32 = 8; // i64 spent in the window (the snapshot's counter)
export const WC_HELD: i32 = 16; // i64 reserved by a pending approval (weighs on every window)
export const WC_HEADROOM: i32 = 24; // i64 max(0, limit - spent - held): the largest cost that still passes, or -1 when no cap
export const WC_RULE: i32 = 32; // u32 rule id of the tightest cap (catalogue table 0), 0xffffffff when none
export const WC_PAD: i32 = 36; // u32 zero
export const WC_SIZE: i32 = 40;
/** Output of spend_caps: the passport's effective spending caps at a counter snapshot. */
export const SC_PER_ACTION: i32 = 0; // i64 core:cost:max_per_action, or -1 when none
export const SC_WINDOWS: i32 = 8; // 4 × WindowCap (40 bytes each) daily, weekly, monthly, total
export const SC_WINDOWS_MAX: i32 = 4;
export const SC_SIZE: i32 = 168;
/** Input of spend_runway after the request header and the count: one committed spend (docs/abi.md "spend_runway"). */
export const SE_AT: i32 = 0; // i64 when it was committed, epoch ms
export const SE_CENTS: i32 = 8; // i64 the amount (negative for a refund or a true-up downwards)
export const SE_SIZE: i32 = 16;
/** One spending window of spend_runway (docs/abi.md). */
export const WR_AT: i32 = 0; // i64 RunsOut: when the cap runs out at this pace; Exhausted: now; ResetsFirst: when the window resets; else -1
export const WR_KIND: i32 = 8; // u32 RunwayKind
export const WR_PAD: i32 = 12; // u32 zero
export const WR_SIZE: i32 = 16;
/** Output of spend_runway: the pace of the last 7 days and, per spending window, when its cap runs out at that pace. */
export const RW_PACE_CENTS: i32 = 0; // i64 spent in the 7 days before now (events with now - 7 d < at <= now), clamped to [0, 2^53 - 1]
export const RW_PACE_SINCE: i32 = 8; // i64 now - 7 d: where the pace window starts (exclusive)
export const RW_WINDOWS: i32 = 16; // 4 × WindowRunway (16 bytes each) daily, weekly, monthly, total
export const RW_WINDOWS_MAX: i32 = 4;
export const RW_SIZE: i32 = 80;
/** Input of state_op: the arguments, then the approval id bytes and the state bytes. */
export const SA_NOW: i32 = 0; // i64
export const SA_A: i32 = 8; // i64
export const SA_B: i32 = 16; // i64
export const SA_C: i32 = 24; // i64
export const SA_D: i32 = 32; // i64
export const SA_ID_LEN: i32 = 40; // u32 approval id length, then its bytes
export const SA_SIZE: i32 = 44;
/** Sizes both sides need that are not offsets. */
export const SUGGESTION_MAX: i32 = 256;
