// The SPEC §6 counter snapshot of a state, written in the exact layout of the request's counter
// block (assembly/request.ts, R_SPENT_TODAY..R_COUNTER_FLAGS), so a host copies it straight in.
//
// Layout: the 104-byte counter block (request offsets 40..143, rebased to 0; bytes 100..103 are
// zero padding), then u32 pending id length, the id bytes, i64 pending cost, i64 pending created_at.

import {
  COUNTER_BLOCK, CounterFlag, R_ACTIONS_30MIN, R_ACTIONS_5MIN, R_ACTIONS_HOUR, R_ACTIONS_MINUTE, R_ACTIONS_TODAY,
  R_COUNTER_FLAGS, R_HELD, R_LAST_ACTION, R_LAST_HEARTBEAT, R_SPENT_MONTH, R_SPENT_TODAY, R_SPENT_TOTAL,
  R_SPENT_WEEK,
} from "../request";
import { CounterState, StateFlag, WINDOW_30_MIN, WINDOW_5_MIN, WINDOW_60_MIN } from "./state";
import { normalise } from "./transitions";

@inline function put(into: usize, requestOffset: i32, v: i64): void {
  store<i64>(into + <usize>(requestOffset - R_SPENT_TODAY), v);
}

function counterFlags(s: CounterState): u32 {
  let f: u32 = 0;
  if (s.has(StateFlag.HasLastAction)) f |= CounterFlag.HasLastAction;
  if (s.has(StateFlag.HasLastHeartbeat)) f |= CounterFlag.HasLastHeartbeat;
  if (s.has(StateFlag.Pending)) f |= CounterFlag.PendingApproval;
  if (s.has(StateFlag.EmergencyStopped)) f |= CounterFlag.EmergencyStopped;
  if (s.has(StateFlag.EnforcementPaused)) f |= CounterFlag.EnforcementPaused;
  if (s.has(StateFlag.PausedByFailClosed)) f |= CounterFlag.PausedByFailClosed;
  return f;
}

/** Writes the snapshot of `s` at `now` (normalising it first); returns the bytes written. */
export function writeSnapshot(s: CounterState, now: i64, into: usize): i32 {
  writeCounterBlock(s, now, into);
  let p = into + <usize>COUNTER_BLOCK;
  store<u32>(p, <u32>s.pendingLen); p += 4;
  memory.copy(p, s.pendingPtr(), <usize>s.pendingLen); p += <usize>s.pendingLen;
  store<i64>(p, s.pendingCost); p += 8;
  store<i64>(p, s.pendingAt); p += 8;
  return <i32>(p - into);
}

/**
 * Writes only the 104-byte counter block of `s` at `now` (normalising it first): a request's
 * bytes 40–143 when `into` is the request's base + 40 (what-if replay, assembly/state/replay.ts).
 */
export function writeCounterBlock(s: CounterState, now: i64, into: usize): void {
  normalise(s, now);
  put(into, R_SPENT_TODAY, s.spentDay);
  put(into, R_SPENT_WEEK, s.spentWeek);
  put(into, R_SPENT_MONTH, s.spentMonth);
  put(into, R_SPENT_TOTAL, s.spentTotal);
  put(into, R_HELD, s.held);
  put(into, R_ACTIONS_MINUTE, s.actionsLastMinute());
  put(into, R_ACTIONS_5MIN, s.actionsLastMinutes(WINDOW_5_MIN));
  put(into, R_ACTIONS_30MIN, s.actionsLastMinutes(WINDOW_30_MIN));
  put(into, R_ACTIONS_HOUR, s.actionsLastMinutes(WINDOW_60_MIN));
  put(into, R_ACTIONS_TODAY, s.actionsToday);
  put(into, R_LAST_ACTION, s.has(StateFlag.HasLastAction) ? s.lastActionAt : 0);
  put(into, R_LAST_HEARTBEAT, s.has(StateFlag.HasLastHeartbeat) ? s.lastHeartbeatAt : 0);
  store<u32>(into + <usize>(R_COUNTER_FLAGS - R_SPENT_TODAY), counterFlags(s));
  store<u32>(into + <usize>(R_COUNTER_FLAGS - R_SPENT_TODAY + 4), 0);
}
