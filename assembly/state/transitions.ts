// The transitions of the counter state (SPEC §7, §10 "Approve", "Report", "Reset"). Each one first
// normalises the state at `now`: windows roll forward and an approval past its 300 s expires.

import { APPROVAL_TTL_MS } from "../constants";
import { addClamped, APPROVAL_ID_MAX, CounterState, dayIndex, monthIndex, StateFlag, weekIndex } from "./state";

// Status codes, events (what happened to a pending approval during the op: at most one, there is
// only one pending) and reset kinds cross the boundary: defined in schemas/abi-layout.json.
import { ResetKind, StateEvent, StateStatus } from "../gen/abi-layout";
export { ResetKind, StateEvent, StateStatus };

/** The approval that expired or was released by the last op: flags, id bytes and reserved cost. */
export class EventRecord {
  flags: u32 = 0;
  idLen: i32 = 0;
  cost: i64 = 0;
  id: StaticArray<u8> = new StaticArray<u8>(APPROVAL_ID_MAX);

  idPtr(): usize { return changetype<usize>(this.id); }
  clear(): void { this.flags = 0; this.idLen = 0; this.cost = 0; }
}

export const event = new EventRecord();

/** Frees the pending reservation and records it as `kind`. */
function dropPending(s: CounterState, kind: StateEvent): void {
  memory.copy(event.idPtr(), s.pendingPtr(), <usize>s.pendingLen);
  event.idLen = s.pendingLen;
  event.cost = s.pendingCost;
  event.flags |= <u32>kind;
  s.held = addClamped(s.held, -s.pendingCost);
  s.clearPending();
}

/** Rolls the windows to `now` and expires a pending approval at created + 300 s exactly. */
export function normalise(s: CounterState, now: i64): void {
  s.roll(now);
  if (s.has(StateFlag.Pending) && now >= s.pendingAt + APPROVAL_TTL_MS) dropPending(s, StateEvent.Expired);
}

/** An allowed action: its cost in every spending window, one action in every rate window. */
export function commit(s: CounterState, now: i64, cost: i64): StateStatus {
  normalise(s, now);
  s.count(cost, now);
  return StateStatus.Ok;
}

/** A held action: reserves its cost until approved, denied or expired. One pending at a time. */
export function reserve(s: CounterState, now: i64, cost: i64, idPtr: usize, idLen: i32): StateStatus {
  normalise(s, now);
  if (s.has(StateFlag.Pending)) return StateStatus.AlreadyPending;
  s.held = addClamped(s.held, cost);
  s.setPending(idPtr, idLen, cost, now);
  return StateStatus.Ok;
}

/** Approval: the reservation is committed in the windows current at approval time. */
export function approve(s: CounterState, now: i64, idPtr: usize, idLen: i32): StateStatus {
  normalise(s, now);
  if (!s.pendingIs(idPtr, idLen)) return StateStatus.NoSuchApproval;
  const cost = s.pendingCost;
  s.held = addClamped(s.held, -cost);
  s.clearPending();
  s.count(cost, now);
  return StateStatus.Ok;
}

/** Denial: the reservation is released and nothing is counted. */
export function release(s: CounterState, now: i64, idPtr: usize, idLen: i32): StateStatus {
  normalise(s, now);
  if (!s.pendingIs(idPtr, idLen)) return StateStatus.NoSuchApproval;
  s.held = addClamped(s.held, -s.pendingCost);
  s.clearPending();
  return StateStatus.Ok;
}

/**
 * An operator's reset of one window; `All` also clears actions and rate windows. Reservations stay.
 * Every reset starts a new reset generation and marks the windows it zeroed with it, so a later
 * true-up can tell whether the action it corrects was committed before (SPEC §10 "Report").
 */
export function reset(s: CounterState, now: i64, kind: i32): StateStatus {
  if (kind < ResetKind.Daily || kind > ResetKind.All) return StateStatus.BadInput;
  normalise(s, now);
  if (s.resets != u32.MAX_VALUE) s.resets++;
  const g = s.resets;
  const all = kind == ResetKind.All;
  if (all || kind == ResetKind.Daily) { s.spentDay = 0; s.actionsToday = 0; s.dayReset = g; }
  if (all || kind == ResetKind.Weekly) { s.spentWeek = 0; s.weekReset = g; }
  if (all || kind == ResetKind.Monthly) { s.spentMonth = 0; s.monthReset = g; }
  if (all || kind == ResetKind.Total) { s.spentTotal = 0; s.totalReset = g; }
  if (all) s.clearRates();
  return StateStatus.Ok;
}

/** `committedResets` for a commit whose reset generation is not known: taken as the current one. */
export const RESETS_UNKNOWN: i64 = -1;

/**
 * A reported actual cost replaces the committed one in each window the action still counts in:
 * one still current since `committedAt` and not reset since the commit (its last reset generation
 * ≤ `committedResets`, the state's generation when the action was committed), and the total
 * likewise. A reset window already dropped the action's cost, whatever the actual cost was.
 * RESETS_UNKNOWN (a commit recorded before generations existed) skips the reset test.
 */
export function trueUp(s: CounterState, now: i64, committedAt: i64, committedResets: i64, oldCost: i64, newCost: i64): StateStatus {
  normalise(s, now);
  const delta = newCost - oldCost;
  const g: i64 = committedResets == RESETS_UNKNOWN ? <i64>s.resets : committedResets;
  if (dayIndex(committedAt) == s.day && <i64>s.dayReset <= g) s.spentDay = addClamped(s.spentDay, delta);
  if (weekIndex(committedAt) == s.week && <i64>s.weekReset <= g) s.spentWeek = addClamped(s.spentWeek, delta);
  if (monthIndex(committedAt) == s.month && <i64>s.monthReset <= g) s.spentMonth = addClamped(s.spentMonth, delta);
  if (<i64>s.totalReset <= g) s.spentTotal = addClamped(s.spentTotal, delta);
  return StateStatus.Ok;
}

/**
 * A report from an agent channel (SPEC §11): the true-up may raise the committed cost, never lower
 * it. A lower claim changes nothing and answers Kept (the host records the claim in the audit log).
 */
export function trueUpRaise(s: CounterState, now: i64, committedAt: i64, committedResets: i64, oldCost: i64, newCost: i64): StateStatus {
  if (newCost < oldCost) { normalise(s, now); return StateStatus.Kept; }
  return trueUp(s, now, committedAt, committedResets, oldCost, newCost);
}

/**
 * A heartbeat is recorded and lifts a pause that a fail-closed trip set — that kind only: an
 * operator's pause is lifted only by an operator's resume (SPEC §7, §11).
 */
export function heartbeat(s: CounterState, now: i64): StateStatus {
  normalise(s, now);
  s.lastHeartbeatAt = now;
  s.setFlag(StateFlag.HasLastHeartbeat, true);
  if (s.has(StateFlag.PausedByFailClosed)) {
    s.setFlag(StateFlag.EnforcementPaused, false);
    s.setFlag(StateFlag.PausedByFailClosed, false);
  }
  return StateStatus.Ok;
}

/** An operator's pause; it replaces a fail-closed one, so a heartbeat no longer lifts it. */
export function pause(s: CounterState, now: i64): StateStatus {
  normalise(s, now);
  s.setFlag(StateFlag.EnforcementPaused, true);
  s.setFlag(StateFlag.PausedByFailClosed, false);
  return StateStatus.Ok;
}

/**
 * A fail-closed trip (a request blocked for a missing or stale heartbeat): pauses enforcement with
 * `paused_by: fail_closed`, unless a pause is already in force. Reports the event Tripped only when
 * it set the pause, so the host notifies the operator once per trip.
 */
export function trip(s: CounterState, now: i64): StateStatus {
  normalise(s, now);
  if (s.has(StateFlag.EnforcementPaused)) return StateStatus.Ok;
  s.setFlag(StateFlag.EnforcementPaused, true);
  s.setFlag(StateFlag.PausedByFailClosed, true);
  event.flags |= <u32>StateEvent.Tripped;
  return StateStatus.Ok;
}

/** Stops the passport and denies the pending approval, releasing its reservation (SPEC §7). */
export function emergencyStop(s: CounterState, now: i64): StateStatus {
  normalise(s, now);
  s.setFlag(StateFlag.EmergencyStopped, true);
  if (s.has(StateFlag.Pending)) dropPending(s, StateEvent.Released);
  return StateStatus.Ok;
}

/** An operator's resume: lifts an emergency stop and a pause of either kind. */
export function resume(s: CounterState, now: i64): StateStatus {
  normalise(s, now);
  s.setFlag(StateFlag.EmergencyStopped, false);
  s.setFlag(StateFlag.EnforcementPaused, false);
  s.setFlag(StateFlag.PausedByFailClosed, false);
  return StateStatus.Ok;
}
