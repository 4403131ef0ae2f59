// generated — do not edit. The ABI byte layout from schemas/abi-layout.json by scripts/gen-abi.mjs; run `npm run gen`.

/** Byte offsets in the request header (docs/abi.md "Request"). */
export const R_NOW = 0; // i64 now, epoch ms
export const R_COST = 8; // i64 cost_cents
export const R_FLAGS = 16; // u32 request flags (ReqFlag)
export const R_ACTION_LEN = 20; // u32 action byte length
export const R_HOST_LEN = 24; // u32 canonical host byte length (0 when none)
export const R_TARGET_LEN = 28; // u32 raw target byte length
export const R_CONTEXT_LEN = 32; // u32 context byte length
export const R_TZ_COUNT = 36; // u32 number of time-zone offsets after the header
export const R_SPENT_TODAY = 40; // i64 spent_today_cents
export const R_SPENT_WEEK = 48; // i64 spent_week_cents
export const R_SPENT_MONTH = 56; // i64 spent_month_cents
export const R_SPENT_TOTAL = 64; // i64 spent_total_cents
export const R_HELD = 72; // i64 held_cents
export const R_ACTIONS_MINUTE = 80; // i64 actions_last_minute
export const R_ACTIONS_5MIN = 88; // i64 actions_last_5_minutes
export const R_ACTIONS_30MIN = 96; // i64 actions_last_30_minutes
export const R_ACTIONS_HOUR = 104; // i64 actions_last_hour
export const R_ACTIONS_TODAY = 112; // i64 actions_today
export const R_LAST_ACTION = 120; // i64 last_action_at (ms), valid with CounterFlag.HasLastAction
export const R_LAST_HEARTBEAT = 128; // i64 last_heartbeat_at (ms), valid with CounterFlag.HasLastHeartbeat
export const R_COUNTER_FLAGS = 136; // u32 counter flags (CounterFlag)
export const R_RESERVED = 140; // u32 reserved (0)
/** The header's length: the time-zone offsets start here. */
export const REQ_HEADER = 144;
/** The counter block: request bytes 40..143, the layout of a counter-state snapshot. */
export const COUNTER_BLOCK_START = 40;
export const COUNTER_BLOCK = 104;
/** The i64 counters of the counter block, in order from COUNTER_BLOCK_START (SPEC §6 field names). */
export const COUNTER_BLOCK_FIELDS = ["spent_today_cents", "spent_week_cents", "spent_month_cents", "spent_total_cents", "held_cents", "actions_last_minute", "actions_last_5_minutes", "actions_last_30_minutes", "actions_last_hour", "actions_today"] as const;
/** The request's u32 flags. */
export const ReqFlag = Object.freeze({ HasTarget: 1, TargetInvalid: 2, HasContext: 4, Explain: 8, ApprovalRecheck: 16 } as const);
/** The counter block's u32 flags. */
export const CounterFlag = Object.freeze({ HasLastAction: 1, HasLastHeartbeat: 2, PendingApproval: 4, EmergencyStopped: 8, EnforcementPaused: 16, PausedByFailClosed: 32 } as const);
export const StateOp = Object.freeze({ Snapshot: 0, Commit: 1, Reserve: 2, Approve: 3, Release: 4, Reset: 5, TrueUp: 6, Heartbeat: 7, Pause: 8, EmergencyStop: 9, Resume: 10, Fresh: 11, TrueUpRaise: 12, Trip: 13 } as const);
export const StateStatus = Object.freeze({ Ok: 0, BadInput: -1, AlreadyPending: -2, NoSuchApproval: -3, Kept: -4 } as const);
export const StateEvent = Object.freeze({ None: 0, Expired: 1, Released: 2, Tripped: 4 } as const);
export const ResetKind = Object.freeze({ Daily: 0, Weekly: 1, Monthly: 2, Total: 3, All: 4 } as const);
export const CatalogueTable = Object.freeze({ Rules: 0, Reasons: 1, Keys: 2, KeyKinds: 3, Warnings: 4, Sentinels: 5 } as const);
export const DeadlineKind = Object.freeze({ Approval: 0, Permit: 1, Heartbeat: 2, ExpiryDays: 3, ApproverCode: 4 } as const);
export const RunwayKind = Object.freeze({ NoCap: 0, Exhausted: 1, RunsOut: 2, NoPace: 3, ResetsFirst: 4, Beyond: 5 } as const);
/** One hold of a decision: rule and reason ids (catalogue tables 0 and 1). */
export const DH_RULE = 0; // u16
export const DH_REASON = 2; // u16
export const DH_SIZE = 4;
/** One trace entry of a decision: rule id and outcome (0 pass, 1 hold, 2 block, 3 skipped). */
export const DT_RULE = 0; // u8
export const DT_OUTCOME = 1; // u8
export const DT_SIZE = 2;
/** Output of evaluate (docs/abi.md "Decision"): every section at a fixed place, so the module writes in place. */
export const D_VERDICT = 0; // u8 0 allow, 1 request_hold, 2 block
export const D_RETRYABLE = 1; // u8
export const D_HAS_LIMIT = 2; // u8 1 when limit and observed are set
export const D_HOLD_COUNT = 3; // u8 number of holds (at most D_HOLDS_MAX)
export const D_RULE = 4; // u16 rule id, 0xffff none
export const D_REASON = 6; // u16 reason id
export const D_LIMIT = 8; // i64
export const D_OBSERVED = 16; // i64 clamped to 2^53 - 1
export const D_WARNING_COUNT = 24; // u8
export const D_SUGGESTION_COUNT = 25; // u8
export const D_TRACE_COUNT = 26; // u16 0 unless explain
export const D_DETAIL_LEN = 28; // u32 detail byte length
export const D_HOLDS = 32; // 8 × HoldEntry (4 bytes each)
export const D_HOLDS_MAX = 8;
export const D_WARNINGS = 64; // 8 × u8 (1 bytes each) warning codes (catalogue table 4)
export const D_WARNINGS_MAX = 8;
export const D_TRACE = 72; // 32 × TraceEntry (2 bytes each)
export const D_TRACE_MAX = 32;
export const D_SUGGESTION_LENS = 136; // 4 × u16 (2 bytes each) suggestion byte lengths
export const D_SUGGESTION_LENS_MAX = 4;
export const D_DETAIL = 144; // 1024 × u8 (1 bytes each) detail (UTF-8)
export const D_DETAIL_MAX = 1024;
export const D_SUGGESTIONS = 1168; // 1024 × u8 (1 bytes each) 4 suggestions of up to SUGGESTION_MAX bytes each (UTF-8)
export const D_SUGGESTIONS_MAX = 1024;
export const D_SIZE = 2192;
/** One spending window of spend_caps (docs/abi.md). */
export const WC_LIMIT = 0; // i64 the tightest cap on this window, or -1 when none
export const WC_SPENT = 8; // i64 spent in the window (the snapshot's counter)
export const WC_HELD = 16; // i64 reserved by a pending approval (weighs on every window)
export const WC_HEADROOM = 24; // i64 max(0, limit - spent - held): the largest cost that still passes, or -1 when no cap
export const WC_RULE = 32; // u32 rule id of the tightest cap (catalogue table 0), 0xffffffff when none
export const WC_PAD = 36; // u32 zero
export const WC_SIZE = 40;
/** Output of spend_caps: the passport's effective spending caps at a counter snapshot. */
export const SC_PER_ACTION = 0; // i64 core:cost:max_per_action, or -1 when none
export const SC_WINDOWS = 8; // 4 × WindowCap (40 bytes each) daily, weekly, monthly, total
export const SC_WINDOWS_MAX = 4;
export const SC_SIZE = 168;
/** Input of spend_runway after the request header and the count: one committed spend (docs/abi.md "spend_runway"). */
export const SE_AT = 0; // i64 when it was committed, epoch ms
export const SE_CENTS = 8; // i64 the amount (negative for a refund or a true-up downwards)
export const SE_SIZE = 16;
/** One spending window of spend_runway (docs/abi.md). */
export const WR_AT = 0; // i64 RunsOut: when the cap runs out at this pace; Exhausted: now; ResetsFirst: when the window resets; else -1
export const WR_KIND = 8; // u32 RunwayKind
export const WR_PAD = 12; // u32 zero
export const WR_SIZE = 16;
/** Output of spend_runway: the pace of the last 7 days and, per spending window, when its cap runs out at that pace. */
export const RW_PACE_CENTS = 0; // i64 spent in the 7 days before now (events with now - 7 d < at <= now), clamped to [0, 2^53 - 1]
export const RW_PACE_SINCE = 8; // i64 now - 7 d: where the pace window starts (exclusive)
export const RW_WINDOWS = 16; // 4 × WindowRunway (16 bytes each) daily, weekly, monthly, total
export const RW_WINDOWS_MAX = 4;
export const RW_SIZE = 80;
/** Input of state_op: the arguments, then the approval id bytes and the state bytes. */
export const SA_NOW = 0; // i64
export const SA_A = 8; // i64
export const SA_B = 16; // i64
export const SA_C = 24; // i64
export const SA_D = 32; // i64
export const SA_ID_LEN = 40; // u32 approval id length, then its bytes
export const SA_SIZE = 44;
/** Sizes both sides need that are not offsets. */
export const SUGGESTION_MAX = 256;
