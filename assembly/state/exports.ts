// The counter-state ABI: one entry point, `state_op`, that applies one transition to a state the
// host keeps (docs/abi.md "Counter state"). All arithmetic is here; the host only moves bytes.
//
// Input (in the area from io_ptr): i64 now, i64 a, i64 b, i64 c, i64 d, u32 idLen, id bytes, state
// bytes (the rest; empty = a fresh state).
// Output (at out_ptr): i32 status, u32 flags (StateEvent bits), u32 event id length, its bytes,
// i64 its cost, u32 state length, the state bytes, the snapshot (assembly/state/snapshot.ts), then
// u32 the new state's reset generation (a host records it with a commit, for a later true-up).
// Returns the output length. Bad bytes give status BadInput and empty fields, never a trap.

import { MAX_SAFE } from "../constants";
import { ioBase, OUT } from "../io";
import { writeSnapshot } from "./snapshot";
import { APPROVAL_ID_MAX, CounterState } from "./state";
import {
  approve, commit, emergencyStop, event, heartbeat, normalise, pause, release, reserve, reset, resume,
  RESETS_UNKNOWN, StateStatus, trueUp,
} from "./transitions";

import { SA_A, SA_B, SA_C, SA_D, SA_ID_LEN, SA_NOW, SA_SIZE, StateOp } from "../gen/abi-layout";

const ARGS: i32 = SA_SIZE;
const state = new CounterState();

function money(v: i64): bool { return v >= 0 && v <= MAX_SAFE; }
function instant(v: i64): bool { return v >= -MAX_SAFE && v <= MAX_SAFE; }

/** Arguments each op needs in range; the state's own numbers are checked by decode. */
function argsOk(op: i32, now: i64, a: i64, b: i64, c: i64, d: i64, idLen: i32): bool {
  if (!instant(now)) return false;
  switch (op) {
    case StateOp.Commit: return money(a);
    case StateOp.Reserve: return money(a) && idLen > 0;
    case StateOp.Approve: case StateOp.Release: return idLen > 0;
    case StateOp.Reset: return a >= 0 && a <= 4;
    case StateOp.TrueUp:
      return instant(a) && money(b) && money(c) && (d == RESETS_UNKNOWN || (d >= 0 && d <= <i64>u32.MAX_VALUE));
    default: return op >= StateOp.Snapshot && op <= StateOp.Fresh;
  }
}

function apply(op: i32, now: i64, a: i64, b: i64, c: i64, d: i64, id: usize, idLen: i32): StateStatus {
  const s = state;
  switch (op) {
    case StateOp.Commit: return commit(s, now, a);
    case StateOp.Reserve: return reserve(s, now, a, id, idLen);
    case StateOp.Approve: return approve(s, now, id, idLen);
    case StateOp.Release: return release(s, now, id, idLen);
    case StateOp.Reset: return reset(s, now, <i32>a);
    case StateOp.TrueUp: return trueUp(s, now, a, d, b, c);
    case StateOp.Heartbeat: return heartbeat(s, now);
    case StateOp.Pause: return pause(s, now);
    case StateOp.EmergencyStop: return emergencyStop(s, now);
    case StateOp.Resume: return resume(s, now);
    case StateOp.Snapshot: normalise(s, now); return StateStatus.Ok;
    default: return StateStatus.Ok; // Fresh: left unrolled, so any later `now` (even before 1970) rolls it
  }
}

/** Applies op to the state in the input area; writes the result at out_ptr and returns its length. */
export function state_op(op: i32, len: i32): i32 {
  event.clear();
  const base = ioBase();
  // The whole input must lie in memory, or reading it would trap.
  if (base == 0 || len < ARGS || <u64>base + <u64>len > (<u64>memory.size() << 16)) return fail();
  const now = load<i64>(base + SA_NOW), a = load<i64>(base + SA_A), b = load<i64>(base + SA_B), c = load<i64>(base + SA_C);
  const d = load<i64>(base + SA_D);
  const idLen = load<u32>(base + SA_ID_LEN);
  if (idLen > <u32>APPROVAL_ID_MAX || ARGS + <i32>idLen > len) return fail();
  if (!argsOk(op, now, a, b, c, d, <i32>idLen)) return fail();
  const id = base + <usize>ARGS;
  const stateLen = len - ARGS - <i32>idLen;
  if (op == StateOp.Fresh) state.fresh();
  else if (!state.decode(id + <usize>idLen, stateLen)) return fail();
  const status = apply(op, now, a, b, c, d, id, <i32>idLen);
  return writeOutput(status, now);
}

function writeOutput(status: StateStatus, now: i64): i32 {
  let p = OUT;
  store<i32>(p, <i32>status); p += 4;
  store<u32>(p, event.flags); p += 4;
  store<u32>(p, <u32>event.idLen); p += 4;
  memory.copy(p, event.idPtr(), <usize>event.idLen); p += <usize>event.idLen;
  store<i64>(p, event.cost); p += 8;
  // The state is encoded before the snapshot, which would roll a fresh state to `now`.
  const stateLen = state.encode(p + 4);
  store<u32>(p, <u32>stateLen); p += 4 + <usize>stateLen;
  p += <usize>writeSnapshot(state, now, p);
  store<u32>(p, state.resets); p += 4;
  return <i32>(p - OUT);
}

/** Bad input: status BadInput, no event, an empty state, the snapshot of a fresh state, generation 0. */
function fail(): i32 {
  event.clear();
  state.fresh();
  let p = OUT;
  store<i32>(p, <i32>StateStatus.BadInput); p += 4;
  store<u32>(p, 0); p += 4;
  store<u32>(p, 0); p += 4;
  store<i64>(p, 0); p += 8;
  store<u32>(p, 0); p += 4;
  p += <usize>writeSnapshot(state, 0, p);
  store<u32>(p, 0); p += 4;
  return <i32>(p - OUT);
}
