// What-if replay (warden replay): counter states kept inside the module, one per lane, so that a
// recorded request is decided and its transition applied in one call, with no state bytes crossing
// the boundary. The transitions are those of the enforcer (transitions.ts); only the choice of
// what to do with a hold is the host's, because it comes from the recording.

import { CounterFlag, R_COUNTER_FLAGS, R_LAST_HEARTBEAT, R_SPENT_TODAY } from "../request";
import { writeCounterBlock } from "./snapshot";
import { CounterState } from "./state";
import { apply, argsOk, StateOp } from "./ops";
import { approve, commit, reserve, StateStatus } from "./transitions";

/** How many lanes a host may use at once (a replay uses one per passport it compares). */
export const REPLAY_LANES: i32 = 8;

/** What the step does with a hold: approve it at once, or leave it to the host (replay_op). */
export const enum HoldMode { Approve = 0, Host = 1 }
/** Step flag: decide as if a heartbeat had just been received (the recorded traffic was served). */
export const STEP_FRESH_HEARTBEAT: i32 = 4;

const lanes = new Array<CounterState>(REPLAY_LANES);
for (let i = 0; i < REPLAY_LANES; i++) lanes[i] = new CounterState();

// The reservation id of a hold the step approves at once; never seen outside the module.
const STEP_ID: usize = memory.data<u8>([0x72, 0x65, 0x70, 0x6c, 0x61, 0x79]); // "replay"
const STEP_ID_LEN: i32 = 6;

export function laneOk(lane: i32): bool { return lane >= 0 && lane < REPLAY_LANES; }

/** A lane back to a state with nothing counted. */
export function freshLane(lane: i32): void { unchecked(lanes[lane]).fresh(); }

/**
 * Before evaluating: the lane's snapshot at the request's `now` goes into the request's counter
 * block (bytes 40–143), and with STEP_FRESH_HEARTBEAT a heartbeat at `now`.
 */
export function prepareStep(lane: i32, base: usize, flags: i32): void {
  const s = unchecked(lanes[lane]);
  const now = load<i64>(base);
  writeCounterBlock(s, now, base + <usize>R_SPENT_TODAY);
  if ((flags & STEP_FRESH_HEARTBEAT) != 0) {
    store<i64>(base + <usize>R_LAST_HEARTBEAT, now);
    const at = base + <usize>R_COUNTER_FLAGS;
    store<u32>(at, load<u32>(at) | CounterFlag.HasLastHeartbeat);
  }
}

/** After evaluating: allow → commit; hold → reserve and approve at once (HoldMode.Approve) or nothing. */
export function finishStep(lane: i32, verdict: i32, now: i64, cost: i64, flags: i32): void {
  const s = unchecked(lanes[lane]);
  if (verdict == 0) { commit(s, now, cost); return; }
  if (verdict == 1 && (flags & 3) == HoldMode.Approve) {
    // The snapshot showed no pending approval (else the hold would be a block), so this succeeds.
    if (reserve(s, now, cost, STEP_ID, STEP_ID_LEN) == StateStatus.Ok) approve(s, now, STEP_ID, STEP_ID_LEN);
  }
}

/**
 * A transition of state_op (same op codes and argument layout, without state bytes) on a lane:
 * a recorded approval, denial, reset, stop or resume, or a reservation the host keeps pending.
 * Returns the status (StateStatus); bad arguments give BadInput.
 */
export function laneOp(lane: i32, op: i32, base: usize, len: i32): i32 {
  if (base == 0 || len < 44 || <u64>base + <u64>len > (<u64>memory.size() << 16)) return StateStatus.BadInput;
  const now = load<i64>(base), a = load<i64>(base + 8), b = load<i64>(base + 16), c = load<i64>(base + 24);
  const d = load<i64>(base + 32);
  const idLen = load<u32>(base + 40);
  if (idLen > 128 || 44 + <i32>idLen > len || op == StateOp.Fresh) return StateStatus.BadInput;
  if (!argsOk(op, now, a, b, c, d, <i32>idLen)) return StateStatus.BadInput;
  return apply(unchecked(lanes[lane]), op, now, a, b, c, d, base + 44, <i32>idLen);
}
