// Writes one request, its counter snapshot, `now` and the time-zone offsets straight into the
// module's input area (docs/abi.md "Request"). No JSON, no allocation beyond the context bytes.

import { ByteSink, writeI64 } from "./bytes";
import type { Core } from "./core";
import { encodeContext } from "./encode-context";
import { canonicalHost } from "./host";
import { tzOffsetMinutes } from "./timezone";

export const REQ_HEADER = 144;
const FLAG_HAS_TARGET = 1, FLAG_TARGET_INVALID = 2, FLAG_HAS_CONTEXT = 4, FLAG_EXPLAIN = 8, FLAG_APPROVAL_RECHECK = 16;

/** What to evaluate: the whole pipeline, or only the checks an approval repeats. */
export type EvalMode = "full" | "approval_recheck";
const C_LAST_ACTION = 1, C_LAST_HEARTBEAT = 2, C_PENDING = 4, C_STOPPED = 8, C_PAUSED = 16;

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
  spent_today_cents?: number; spent_week_cents?: number; spent_month_cents?: number; spent_total_cents?: number;
  held_cents?: number;
  actions_last_minute?: number; actions_last_5_minutes?: number; actions_last_30_minutes?: number;
  actions_last_hour?: number; actions_today?: number;
  last_action_at?: number | null; last_heartbeat_at?: number | null;
  pending_approval_id?: string | null; emergency_stopped?: boolean; enforcement_paused?: boolean;
}

/** The ten counters of the counter block (bytes 40–119), in order, eight bytes each. */
export const COUNTER_BLOCK_FIELDS = [
  "spent_today_cents", "spent_week_cents", "spent_month_cents", "spent_total_cents", "held_cents",
  "actions_last_minute", "actions_last_5_minutes", "actions_last_30_minutes", "actions_last_hour", "actions_today",
] as const;

/** Writes a counter only when it is non-zero: the block was zeroed first. */
function put(view: DataView, at: number, v: number | null | undefined): void {
  if (v) writeI64(view, at, v);
}

/** The counter block (bytes 40–143), fields written out: a keyed loop is slower. */
function writeCounters(bytes: Uint8Array, view: DataView, base: number, c: CounterInput): void {
  bytes.fill(0, base + 40, base + REQ_HEADER);
  put(view, base + 40, c.spent_today_cents);
  put(view, base + 48, c.spent_week_cents);
  put(view, base + 56, c.spent_month_cents);
  put(view, base + 64, c.spent_total_cents);
  put(view, base + 72, c.held_cents);
  put(view, base + 80, c.actions_last_minute);
  put(view, base + 88, c.actions_last_5_minutes);
  put(view, base + 96, c.actions_last_30_minutes);
  put(view, base + 104, c.actions_last_hour);
  put(view, base + 112, c.actions_today);
  put(view, base + 120, c.last_action_at);
  put(view, base + 128, c.last_heartbeat_at);
  view.setUint32(base + 136, counterFlags(c), true);
}

const encoder = new TextEncoder();
const contextSink = new ByteSink(4096);

/** A small cache of target → canonical host: URL parsing costs more than a whole evaluation. */
const hostCache = new Map<string, string | null>();
const HOST_CACHE_MAX = 1024;

function hostOf(target: string): string | null {
  let host = hostCache.get(target);
  if (host === undefined) {
    host = canonicalHost(target);
    if (hostCache.size >= HOST_CACHE_MAX) hostCache.clear();
    hostCache.set(target, host);
  }
  return host;
}

function counterFlags(c: CounterInput): number {
  return (c.last_action_at != null ? C_LAST_ACTION : 0)
    | (c.last_heartbeat_at != null ? C_LAST_HEARTBEAT : 0)
    | (c.pending_approval_id != null ? C_PENDING : 0)
    | (c.emergency_stopped ? C_STOPPED : 0)
    | (c.enforcement_paused ? C_PAUSED : 0);
}

/** Short ASCII strings (actions, hosts) are copied by hand: encodeInto's call overhead dominates them. */
function writeText(bytes: Uint8Array, at: number, s: string): number {
  const n = s.length;
  if (n <= 64) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      bytes[at + i] = c;
    }
    if (i === n) return n;
  }
  return encoder.encodeInto(s, bytes.subarray(at)).written;
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Writes the request into the input area; returns its length in bytes. */
export function writeRequest(
  core: Core, timezones: readonly string[], req: RequestInput, counters: CounterInput, now: number, explain: boolean,
  mode: EvalMode = "full",
): number {
  const target = req.target;
  const host = target !== undefined ? hostOf(target) : null;
  const hasContext = req.context !== undefined && hasKeys(req.context);
  if (hasContext) { contextSink.reset(); encodeContext(contextSink, req.context as object); }
  const textBound = (req.action.length + (host?.length ?? 0) + (target?.length ?? 0)) * 3;
  const ctxLen = hasContext ? contextSink.len : 0;
  const base = core.io(REQ_HEADER + timezones.length * 4 + textBound + ctxLen);
  const { view, bytes } = core;

  writeI64(view, base, now);
  writeI64(view, base + 8, req.cost_cents ?? 0);
  view.setUint32(base + 16,
    (target !== undefined ? FLAG_HAS_TARGET : 0) | (target !== undefined && host === null ? FLAG_TARGET_INVALID : 0)
    | (hasContext ? FLAG_HAS_CONTEXT : 0) | (explain ? FLAG_EXPLAIN : 0)
    | (mode === "approval_recheck" ? FLAG_APPROVAL_RECHECK : 0), true);
  view.setUint32(base + 36, timezones.length, true);
  writeCounters(bytes, view, base, counters);

  let p = base + REQ_HEADER;
  for (const tz of timezones) { view.setInt32(p, tzOffsetMinutes(tz, now), true); p += 4; }
  const actionLen = writeText(bytes, p, req.action); p += actionLen;
  const hostLen = host ? writeText(bytes, p, host) : 0; p += hostLen;
  const targetLen = target !== undefined ? writeText(bytes, p, target) : 0; p += targetLen;
  if (ctxLen > 0) { bytes.set(contextSink.bytes(), p); p += ctxLen; }
  view.setUint32(base + 20, actionLen, true);
  view.setUint32(base + 24, hostLen, true);
  view.setUint32(base + 28, targetLen, true);
  view.setUint32(base + 32, ctxLen, true);
  return p - base;
}
