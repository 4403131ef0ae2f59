// The counter-state ops of state_op, by code: argument checks and dispatch to the transitions.
// Shared by state_op (a state the host keeps) and the replay lanes (states the module keeps).

import { MAX_SAFE } from "../constants";
import { CounterState } from "./state";
import {
  approve, commit, emergencyStop, heartbeat, normalise, pause, release, reserve, reset, resume,
  RESETS_UNKNOWN, StateStatus, trip, trueUp, trueUpRaise,
} from "./transitions";

// The op numbers cross the boundary: defined in schemas/abi-layout.json.
import { StateOp } from "../gen/abi-layout";
export { StateOp };

function money(v: i64): bool { return v >= 0 && v <= MAX_SAFE; }
function instant(v: i64): bool { return v >= -MAX_SAFE && v <= MAX_SAFE; }

/** Arguments each op needs in range; the state's own numbers are checked by decode. */
export function argsOk(op: i32, now: i64, a: i64, b: i64, c: i64, d: i64, idLen: i32): bool {
  if (!instant(now)) return false;
  switch (op) {
    case StateOp.Commit: return money(a);
    case StateOp.Reserve: return money(a) && idLen > 0;
    case StateOp.Approve: case StateOp.Release: return idLen > 0;
    case StateOp.Reset: return a >= 0 && a <= 4;
    case StateOp.TrueUp: case StateOp.TrueUpRaise:
      return instant(a) && money(b) && money(c) && (d == RESETS_UNKNOWN || (d >= 0 && d <= <i64>u32.MAX_VALUE));
    default: return op >= StateOp.Snapshot && op <= StateOp.Trip;
  }
}

export function apply(s: CounterState, op: i32, now: i64, a: i64, b: i64, c: i64, d: i64, id: usize, idLen: i32): StateStatus {
  switch (op) {
    case StateOp.Commit: return commit(s, now, a);
    case StateOp.Reserve: return reserve(s, now, a, id, idLen);
    case StateOp.Approve: return approve(s, now, id, idLen);
    case StateOp.Release: return release(s, now, id, idLen);
    case StateOp.Reset: return reset(s, now, <i32>a);
    case StateOp.TrueUp: return trueUp(s, now, a, d, b, c);
    case StateOp.TrueUpRaise: return trueUpRaise(s, now, a, d, b, c);
    case StateOp.Trip: return trip(s, now);
    case StateOp.Heartbeat: return heartbeat(s, now);
    case StateOp.Pause: return pause(s, now);
    case StateOp.EmergencyStop: return emergencyStop(s, now);
    case StateOp.Resume: return resume(s, now);
    case StateOp.Snapshot: normalise(s, now); return StateStatus.Ok;
    default: return StateStatus.Ok; // Fresh: left unrolled, so any later `now` (even before 1970) rolls it
  }
}

