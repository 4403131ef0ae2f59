// The counter-state ABI: one entry point, `state_op`, that applies one transition to a state the
// host keeps (docs/abi.md "Counter state"). All arithmetic is here; the host only moves bytes.
//
// Input (in the area from io_ptr): i64 now, i64 a, i64 b, i64 c, i64 d, u32 idLen, id bytes, state
// bytes (the rest; empty = a fresh state).
// Output (at out_ptr): i32 status, u32 flags (StateEvent bits), u32 event id length, its bytes,
// i64 its cost, u32 state length, the state bytes, the snapshot (assembly/state/snapshot.ts), then
// u32 the new state's reset generation (a host records it with a commit, for a later true-up).
// Returns the output length. Bad bytes give status BadInput and empty fields, never a trap.

import { ioBase, OUT } from "../io";
import { apply, argsOk, StateOp } from "./ops";
import { writeSnapshot } from "./snapshot";
import { APPROVAL_ID_MAX, CounterState } from "./state";
import { event, StateStatus } from "./transitions";
import { SA_A, SA_B, SA_C, SA_D, SA_ID_LEN, SA_NOW, SA_SIZE } from "../gen/abi-layout";

const ARGS: i32 = SA_SIZE;
const state = new CounterState();

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
  const status = apply(state, op, now, a, b, c, d, id, <i32>idLen);
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
