// Writes one request, its counter snapshot, `now` and the time-zone offsets straight into the
// module's input area (docs/abi.md "Request"). No JSON, no allocation beyond the context bytes.

import { ByteSink, writeI64, writeUtf8 } from "./bytes";
import type { Core } from "./core";
import { encodeContext, encodeContextInto } from "./encode-context";
import { canonicalHost } from "./host";
import { tzOffsetMinutes } from "./timezone";
import { COUNTER_FIELD_SET, fastInstant, isAmount } from "./validate";
import {
  COUNTER_BLOCK_FIELDS,
  COUNTER_BLOCK_START,
  CounterFlag,
  R_ACTION_LEN,
  R_ACTIONS_30MIN,
  R_ACTIONS_5MIN,
  R_ACTIONS_HOUR,
  R_ACTIONS_MINUTE,
  R_ACTIONS_TODAY,
  R_CONTEXT_LEN,
  R_COST,
  R_COUNTER_FLAGS,
  R_FLAGS,
  R_HELD,
  R_HOST_LEN,
  R_LAST_ACTION,
  R_LAST_HEARTBEAT,
  R_NOW,
  R_SPENT_MONTH,
  R_SPENT_TODAY,
  R_SPENT_TOTAL,
  R_SPENT_WEEK,
  R_TARGET_LEN,
  R_TZ_COUNT,
  REQ_HEADER,
  ReqFlag,
} from "./gen/abi-layout";

// The layout is generated from schemas/abi-layout.json, as the module's is (npm run gen).
export { COUNTER_BLOCK_FIELDS, REQ_HEADER };
const FLAG_HAS_TARGET = ReqFlag.HasTarget,
  FLAG_TARGET_INVALID = ReqFlag.TargetInvalid,
  FLAG_HAS_CONTEXT = ReqFlag.HasContext;
const FLAG_EXPLAIN = ReqFlag.Explain,
  FLAG_APPROVAL_RECHECK = ReqFlag.ApprovalRecheck;

/** What to evaluate: the whole pipeline, or only the checks an approval repeats. */
export type EvalMode = "full" | "approval_recheck";
const C_LAST_ACTION = CounterFlag.HasLastAction,
  C_LAST_HEARTBEAT = CounterFlag.HasLastHeartbeat;
const C_PENDING = CounterFlag.PendingApproval,
  C_STOPPED = CounterFlag.EmergencyStopped,
  C_PAUSED = CounterFlag.EnforcementPaused;
const C_FAIL_CLOSED = CounterFlag.PausedByFailClosed;

/** Request fields after validation (SPEC §10 "Request"). */
export interface RequestInput {
  action: string;
  cost_cents?: number;
  target?: string;
  context?: object;
  action_id?: string;
}

/** A counter snapshot after validation: times are epoch ms (SPEC §6). */
export interface CounterInput {
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
  last_action_at?: number | null;
  last_heartbeat_at?: number | null;
  pending_approval_id?: string | null;
  emergency_stopped?: boolean;
  enforcement_paused?: boolean;
  paused_by?: "operator" | "fail_closed" | null;
}

/** Writes a counter only when it is non-zero: the block was zeroed first. */
function put(view: DataView, at: number, v: number | null | undefined): void {
  if (v) writeI64(view, at, v);
}

/**
 * Writes a counter snapshot that is already valid (validateCounters' result, or the counter-state
 * module's) into the counter block (COUNTER_BLOCK_START up to REQ_HEADER) of the request at `base`.
 */
export function writeCounterBlock(core: Core, base: number, c: CounterInput): void {
  const view = core.view;
  zeroCounterBlock(core, base);
  put(view, base + R_SPENT_TODAY, c.spent_today_cents);
  put(view, base + R_SPENT_WEEK, c.spent_week_cents);
  put(view, base + R_SPENT_MONTH, c.spent_month_cents);
  put(view, base + R_SPENT_TOTAL, c.spent_total_cents);
  put(view, base + R_HELD, c.held_cents);
  put(view, base + R_ACTIONS_MINUTE, c.actions_last_minute);
  put(view, base + R_ACTIONS_5MIN, c.actions_last_5_minutes);
  put(view, base + R_ACTIONS_30MIN, c.actions_last_30_minutes);
  put(view, base + R_ACTIONS_HOUR, c.actions_last_hour);
  put(view, base + R_ACTIONS_TODAY, c.actions_today);
  put(view, base + R_LAST_ACTION, c.last_action_at);
  put(view, base + R_LAST_HEARTBEAT, c.last_heartbeat_at);
  view.setUint32(base + R_COUNTER_FLAGS, counterFlags(c), true);
}

/** Zeroes the counter block; the area is 16-byte aligned (docs/abi.md), so a word at a time. */
function zeroCounterBlock(core: Core, base: number): void {
  if ((base & 3) !== 0) {
    core.bytes.fill(0, base + COUNTER_BLOCK_START, base + REQ_HEADER);
    return;
  }
  const words = core.words;
  for (let w = (base + COUNTER_BLOCK_START) >> 2, end = (base + REQ_HEADER) >> 2; w < end; w++) words[w] = 0;
}

/** Writes an amount that is present (the block was zeroed); returns 0, or NaN when it is not an amount. */
function amountAt(view: DataView, at: number, v: unknown): number {
  if (v === undefined) return 0;
  if (!isAmount(v)) return Number.NaN;
  writeI64(view, at, v);
  return 0;
}

/** Writes an optional instant (epoch ms or RFC 3339) when present; returns its flag, 0, or NaN when it is not one. */
function instantAt(view: DataView, at: number, v: unknown, flag: number): number {
  const ms = fastInstant(v);
  if (ms === null) return 0;
  if (Number.isNaN(ms)) return ms;
  writeI64(view, at, ms);
  return flag;
}

/** An optional boolean as a flag, or NaN. */
function boolFlag(v: unknown, flag: number): number {
  return v === undefined || v === false ? 0 : v === true ? flag : Number.NaN;
}

/** `paused_by` as its flag (only beside a pause), or NaN when it is not one of its values. */
function pausedBy(v: unknown, paused: boolean): number {
  if (v === undefined || v === null || v === "operator") return 0;
  return v === "fail_closed" ? (paused ? C_FAIL_CLOSED : 0) : Number.NaN;
}

/** A field of the SPEC §6 snapshot. A switch: for-in keys are interned, so each case is one comparison. */
function isCounterField(key: string): boolean {
  switch (key) {
    case "spent_today_cents":
    case "spent_week_cents":
    case "spent_month_cents":
    case "spent_total_cents":
    case "held_cents":
    case "actions_last_minute":
    case "actions_last_5_minutes":
    case "actions_last_30_minutes":
    case "actions_last_hour":
    case "actions_today":
    case "last_action_at":
    case "last_heartbeat_at":
    case "pending_approval_id":
    case "emergency_stopped":
    case "enforcement_paused":
    case "paused_by":
      return true;
    default:
      return false;
  }
}

// The switch must name exactly the schema's fields (fields it missed would send every snapshot
// using them down the slow path). Checked once, at load.
if ([...COUNTER_FIELD_SET].some((k) => !isCounterField(k)) || COUNTER_FIELD_SET.size !== 16) {
  throw new Error("encode-request: isCounterField does not match the counter snapshot schema");
}

/**
 * Checks a caller's counter snapshot while writing it into the counter block: the hot path of
 * `policy.evaluate`, with no intermediate object. Accepts only what validateCounters accepts;
 * returns false for anything else, and the caller then runs validateCounters to name the problem.
 */
export function writeCounterSnapshot(core: Core, base: number, raw: unknown): boolean {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return false;
  const c = raw as Record<string, unknown>;
  for (const key in c) if (!isCounterField(key)) return false;
  const view = core.view;
  zeroCounterBlock(core, base);
  // Every helper returns a number; a NaN anywhere survives the sum.
  const amounts =
    amountAt(view, base + R_SPENT_TODAY, c.spent_today_cents) +
    amountAt(view, base + R_SPENT_WEEK, c.spent_week_cents) +
    amountAt(view, base + R_SPENT_MONTH, c.spent_month_cents) +
    amountAt(view, base + R_SPENT_TOTAL, c.spent_total_cents) +
    amountAt(view, base + R_HELD, c.held_cents) +
    amountAt(view, base + R_ACTIONS_MINUTE, c.actions_last_minute) +
    amountAt(view, base + R_ACTIONS_5MIN, c.actions_last_5_minutes) +
    amountAt(view, base + R_ACTIONS_30MIN, c.actions_last_30_minutes) +
    amountAt(view, base + R_ACTIONS_HOUR, c.actions_last_hour) +
    amountAt(view, base + R_ACTIONS_TODAY, c.actions_today);
  const pending = c.pending_approval_id;
  const flags =
    instantAt(view, base + R_LAST_ACTION, c.last_action_at, C_LAST_ACTION) +
    instantAt(view, base + R_LAST_HEARTBEAT, c.last_heartbeat_at, C_LAST_HEARTBEAT) +
    (pending === undefined || pending === null ? 0 : typeof pending === "string" ? C_PENDING : Number.NaN) +
    boolFlag(c.emergency_stopped, C_STOPPED) +
    boolFlag(c.enforcement_paused, C_PAUSED) +
    pausedBy(c.paused_by, c.enforcement_paused === true);
  if (Number.isNaN(amounts + flags)) return false;
  view.setUint32(base + R_COUNTER_FLAGS, flags, true);
  return true;
}

const encoder = new TextEncoder();
const contextSink = new ByteSink(4096);

/** A target as the module reads it: its canonical host (null when unparsable) and the UTF-8 of host then target. */
interface TargetBytes {
  host: string | null;
  hostLen: number;
  targetLen: number;
  bytes: Uint8Array;
}

/**
 * A small cache of target → its bytes: agents call the same endpoints again and again, and URL
 * parsing costs more than a whole evaluation (copying the text by hand costs a few ns per character).
 */
const targetCache = new Map<string, TargetBytes>();
const TARGET_CACHE_MAX = 1024;

function targetBytes(target: string): TargetBytes {
  let entry = targetCache.get(target);
  if (entry === undefined) {
    const host = canonicalHost(target);
    const h = encoder.encode(host ?? ""),
      t = encoder.encode(target);
    const bytes = new Uint8Array(h.length + t.length);
    bytes.set(h);
    bytes.set(t, h.length);
    entry = { host, hostLen: h.length, targetLen: t.length, bytes };
    if (targetCache.size >= TARGET_CACHE_MAX) targetCache.clear();
    targetCache.set(target, entry);
  }
  return entry;
}

function counterFlags(c: CounterInput): number {
  return (
    (c.last_action_at != null ? C_LAST_ACTION : 0) |
    (c.last_heartbeat_at != null ? C_LAST_HEARTBEAT : 0) |
    (c.pending_approval_id != null ? C_PENDING : 0) |
    (c.emergency_stopped ? C_STOPPED : 0) |
    (c.enforcement_paused ? C_PAUSED : 0) |
    (c.enforcement_paused && c.paused_by === "fail_closed" ? C_FAIL_CLOSED : 0)
  );
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Room for a context the fast encoder writes in place; a larger one goes through the sink once, and the area grows. */
const CONTEXT_ROOM = 1024;

/**
 * Writes the request (not its counter block: see writeCounterBlock / writeCounterSnapshot) into the
 * input area; returns its length in bytes. The address is `core.inputPtr`. Leaves `core.writing`
 * set: the caller clears it once the counter block is written too.
 * @throws RequestError when the context holds a value JSON cannot carry
 */
export function writeRequest(core: Core, timezones: readonly string[], req: RequestInput, now: number, explain: boolean, mode: EvalMode = "full"): number {
  const len = write(core, timezones, req, now, explain, mode, false);
  if (len >= 0) return len;
  // The sink encoder reads the context before it asks for the area: nothing is half-written meanwhile.
  core.writing = false;
  return write(core, timezones, req, now, explain, mode, true);
}

/**
 * One attempt. The fast one encodes the context in place and returns -1 when that encoder gives up;
 * the other encodes it into a sink first (which throws, naming the path, on a bad value) and sizes
 * the area to fit.
 */
function write(core: Core, timezones: readonly string[], req: RequestInput, now: number, explain: boolean, mode: EvalMode, viaSink: boolean): number {
  const target = req.target;
  const tb = target !== undefined ? targetBytes(target) : null;
  const context = req.context;
  const hasContext = context !== undefined && hasKeys(context);
  if (viaSink && hasContext) {
    contextSink.reset();
    encodeContext(contextSink, context);
  }
  const fixed = REQ_HEADER + timezones.length * 4 + req.action.length * 3 + (tb?.bytes.length ?? 0);
  const base = core.io(fixed + (!hasContext ? 0 : viaSink ? contextSink.len : CONTEXT_ROOM));
  // From here until the caller clears it, the request is half-written (see Core.writing).
  core.writing = true;
  const { view, bytes } = core;

  writeI64(view, base + R_NOW, now);
  writeI64(view, base + R_COST, req.cost_cents ?? 0);
  view.setUint32(
    base + R_FLAGS,
    (tb !== null ? FLAG_HAS_TARGET : 0) |
      (tb !== null && tb.host === null ? FLAG_TARGET_INVALID : 0) |
      (hasContext ? FLAG_HAS_CONTEXT : 0) |
      (explain ? FLAG_EXPLAIN : 0) |
      (mode === "approval_recheck" ? FLAG_APPROVAL_RECHECK : 0),
    true,
  );
  view.setUint32(base + R_TZ_COUNT, timezones.length, true);

  let p = base + REQ_HEADER;
  for (let i = 0; i < timezones.length; i++) {
    view.setInt32(p, tzOffsetMinutes(timezones[i]!, now), true);
    p += 4;
  }
  const actionLen = writeUtf8(bytes, p, req.action);
  p += actionLen;
  const hostLen = tb?.hostLen ?? 0,
    targetLen = tb?.targetLen ?? 0;
  if (tb !== null) {
    bytes.set(tb.bytes, p);
    p += tb.bytes.length;
  }
  let ctxLen = 0;
  if (hasContext && viaSink) {
    ctxLen = contextSink.len;
    bytes.set(contextSink.bytes(), p);
  } else if (hasContext) {
    const end = encodeContextInto(bytes, view, p, base + core.ioCapacity, context);
    if (end < 0) return -1;
    ctxLen = end - p;
  }
  p += ctxLen;
  view.setUint32(base + R_ACTION_LEN, actionLen, true);
  view.setUint32(base + R_HOST_LEN, hostLen, true);
  view.setUint32(base + R_TARGET_LEN, targetLen, true);
  view.setUint32(base + R_CONTEXT_LEN, ctxLen, true);
  return p - base;
}

/**
 * For a batch (`policy.evaluateMany`): writes the request (not its counter block) at `base`, with the
 * time-zone offsets already computed for `now`; returns its length, or -1 when it does not fit
 * before `end` (the caller evaluates what it wrote and starts again with a fresh area).
 * @throws RequestError when the context holds a value JSON cannot carry
 */
export function writeRequestAt(core: Core, base: number, end: number, tzOffsets: Int32Array, req: RequestInput, now: number, explain: boolean): number {
  const target = req.target;
  const tb = target !== undefined ? targetBytes(target) : null;
  const context = req.context;
  const hasContext = context !== undefined && hasKeys(context);
  const tzCount = tzOffsets.length;
  if (base + REQ_HEADER + tzCount * 4 + req.action.length * 3 + (tb?.bytes.length ?? 0) > end) return -1;
  const { view, bytes } = core;
  writeI64(view, base + R_NOW, now);
  writeI64(view, base + R_COST, req.cost_cents ?? 0);
  view.setUint32(
    base + R_FLAGS,
    (tb !== null ? FLAG_HAS_TARGET : 0) |
      (tb !== null && tb.host === null ? FLAG_TARGET_INVALID : 0) |
      (hasContext ? FLAG_HAS_CONTEXT : 0) |
      (explain ? FLAG_EXPLAIN : 0),
    true,
  );
  view.setUint32(base + R_TZ_COUNT, tzCount, true);
  let p = base + REQ_HEADER;
  for (let i = 0; i < tzCount; i++, p += 4) view.setInt32(p, tzOffsets[i]!, true);
  const actionLen = writeUtf8(bytes, p, req.action);
  p += actionLen;
  if (tb !== null) {
    bytes.set(tb.bytes, p);
    p += tb.bytes.length;
  }
  let ctxLen = 0;
  if (hasContext) {
    const done = encodeContextInto(bytes, view, p, end, context);
    if (done >= 0) ctxLen = done - p;
    else {
      // Too deep, too big or a bad value for the in-place encoder: the sink encoder names a bad one.
      contextSink.reset();
      encodeContext(contextSink, context);
      ctxLen = contextSink.len;
      if (p + ctxLen > end) return -1;
      bytes.set(contextSink.bytes(), p);
    }
  }
  p += ctxLen;
  view.setUint32(base + R_ACTION_LEN, actionLen, true);
  view.setUint32(base + R_HOST_LEN, tb?.hostLen ?? 0, true);
  view.setUint32(base + R_TARGET_LEN, tb?.targetLen ?? 0, true);
  view.setUint32(base + R_CONTEXT_LEN, ctxLen, true);
  return p - base;
}

/** The time-zone offsets of a compiled passport at `now`, once for a whole batch. */
export function tzOffsetsAt(timezones: readonly string[], now: number): Int32Array {
  const out = new Int32Array(timezones.length);
  for (let i = 0; i < timezones.length; i++) out[i] = tzOffsetMinutes(timezones[i]!, now);
  return out;
}
