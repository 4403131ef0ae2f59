// Counter states of the stateful enforcer: opaque bytes the store keeps per passport, and the
// transitions on them. Every number is computed in WebAssembly (assembly/state/); this file only
// moves bytes across (docs/abi.md "Counter state").

import { readI64, utf8Length, writeI64 } from "./bytes";
import type { Core } from "./core";
import {
  ResetKind as AbiReset,
  StateStatus as AbiStatus,
  COUNTER_BLOCK,
  COUNTER_BLOCK_FIELDS,
  COUNTER_BLOCK_START,
  CounterFlag,
  R_COUNTER_FLAGS,
  R_LAST_ACTION,
  R_LAST_HEARTBEAT,
  SA_A,
  SA_B,
  SA_C,
  SA_D,
  SA_ID_LEN,
  SA_NOW,
  SA_SIZE,
  StateEvent,
  StateOp,
} from "./gen/abi-layout";
import type { Engine } from "./engine";
import { EngineError, RequestError } from "./errors";

/** The SPEC §6 counter snapshot, plus what the pending approval reserved and when. Times are epoch ms. */
export interface Snapshot {
  spent_today_cents: number;
  spent_week_cents: number;
  spent_month_cents: number;
  spent_total_cents: number;
  held_cents: number;
  actions_last_minute: number;
  actions_last_5_minutes: number;
  actions_last_30_minutes: number;
  actions_last_hour: number;
  actions_today: number;
  last_action_at: number | null;
  last_heartbeat_at: number | null;
  pending_approval_id: string | null;
  emergency_stopped: boolean;
  enforcement_paused: boolean;
  /** Who paused enforcement: an operator (only an operator's resume lifts it) or a fail-closed trip (a heartbeat lifts it). */
  paused_by: "operator" | "fail_closed" | null;
  pending_cost_cents: number;
  pending_created_at: number | null;
}

/** A pending approval that expired, or that an emergency stop released. */
export interface ApprovalEvent {
  id: string;
  cost_cents: number;
}

/** `kept`: an agent-channel report claimed a lower actual cost; the committed cost stays (SPEC §11). */
export type StateStatus = "ok" | "already_pending" | "no_such_approval" | "bad_state" | "kept";
export type ResetKind = "daily" | "weekly" | "monthly" | "total" | "all";

export interface StateResult {
  status: StateStatus;
  /** The new state to store (for `bad_state`: the bytes given, unchanged). */
  state: Uint8Array;
  snapshot: Snapshot;
  expired?: ApprovalEvent;
  released?: ApprovalEvent;
  /** This op set a fail-closed pause (`trip`): notify the operator, once. */
  tripped?: boolean;
  /** The snapshot's 104 raw bytes, in the layout of a request's counter block. */
  counterBlock: Uint8Array;
  /**
   * The new state's reset generation (every reset adds one). Record it with a commit (or an
   * approval) and pass it to `trueUp`, so a true-up leaves alone the windows reset since.
   */
  resets: number;
}

// Ops, statuses, events, reset kinds and the argument layout: schemas/abi-layout.json, generated.
const Op = StateOp;
type Op = (typeof StateOp)[keyof typeof StateOp];
const STATUS: Record<number, StateStatus> = {
  [AbiStatus.Ok]: "ok",
  [AbiStatus.BadInput]: "bad_state",
  [AbiStatus.AlreadyPending]: "already_pending",
  [AbiStatus.NoSuchApproval]: "no_such_approval",
  [AbiStatus.Kept]: "kept",
};
const RESET_KINDS: Record<ResetKind, number> = {
  daily: AbiReset.Daily,
  weekly: AbiReset.Weekly,
  monthly: AbiReset.Monthly,
  total: AbiReset.Total,
  all: AbiReset.All,
};
const EVENT_EXPIRED = StateEvent.Expired,
  EVENT_RELEASED = StateEvent.Released,
  EVENT_TRIPPED = StateEvent.Tripped;
const ARGS = SA_SIZE;
const RESETS_UNKNOWN = -1;
const RESETS_MAX = 0xffff_ffff;
const APPROVAL_ID_MAX = 128;
const C_LAST_ACTION = CounterFlag.HasLastAction,
  C_LAST_HEARTBEAT = CounterFlag.HasLastHeartbeat;
const C_PENDING = CounterFlag.PendingApproval,
  C_STOPPED = CounterFlag.EmergencyStopped,
  C_PAUSED = CounterFlag.EnforcementPaused;
const C_FAIL_CLOSED = CounterFlag.PausedByFailClosed;
const COUNTER_FIELDS = COUNTER_BLOCK_FIELDS;
// The snapshot is the counter block rebased to 0 (docs/abi.md "Counter state"), so its offsets are the request's minus this.
const FLAGS_AT = R_COUNTER_FLAGS - COUNTER_BLOCK_START;
const LAST_ACTION_AT = R_LAST_ACTION - COUNTER_BLOCK_START,
  LAST_HEARTBEAT_AT = R_LAST_HEARTBEAT - COUNTER_BLOCK_START;

const encoder = new TextEncoder();
const EMPTY_ID = new Uint8Array(0);
const EMPTY_STATE = new Uint8Array(0);

function bad(path: string, expected: string, value: unknown): never {
  throw new RequestError({ code: "out_of_range", path, message: "invalid argument", expected, found: String(value) });
}

function instant(v: number, path: string): number {
  if (!Number.isSafeInteger(v)) bad(path, "epoch milliseconds (a safe integer)", v);
  return v;
}

function cents(v: number, path: string): number {
  if (!Number.isSafeInteger(v) || v < 0) bad(path, "integer cents, 0 ≤ n ≤ 2^53−1", v);
  return v;
}

function approvalId(id: string): Uint8Array {
  if (typeof id !== "string" || id.length === 0 || utf8Length(id) > APPROVAL_ID_MAX) {
    bad("approval_id", `a non-empty string of at most ${APPROVAL_ID_MAX} UTF-8 bytes`, id);
  }
  return encoder.encode(id);
}

function generation(v: number | undefined): number {
  if (v === undefined) return RESETS_UNKNOWN;
  if (!Number.isSafeInteger(v) || v < 0 || v > RESETS_MAX) bad("committed_resets", "a reset generation, 0 ≤ n ≤ 2^32−1", v);
  return v;
}

/** Transitions on counter states. Each takes the stored state and `now` and returns the state to store. */
export class CounterStates {
  constructor(private readonly engine: Engine) {}

  /** A state with nothing counted. */
  fresh(): Uint8Array {
    return this.run(Op.Fresh, EMPTY_STATE, 0).state;
  }

  /** The snapshot at `now` (the state returned is normalised: windows rolled, an expired approval released). */
  snapshot(state: Uint8Array, now: number): StateResult {
    return this.run(Op.Snapshot, state, now);
  }

  /** An allowed action: `cost` in every spending window, one action in every rate window. */
  commit(state: Uint8Array, now: number, cost: number): StateResult {
    return this.run(Op.Commit, state, now, cents(cost, "cost_cents"));
  }

  /** A held action reserves its cost; `already_pending` if an approval is pending. */
  reserve(state: Uint8Array, now: number, cost: number, id: string): StateResult {
    return this.run(Op.Reserve, state, now, cents(cost, "cost_cents"), 0, 0, approvalId(id));
  }

  /** Commits the reservation in the windows current at `now`. */
  approve(state: Uint8Array, now: number, id: string): StateResult {
    return this.run(Op.Approve, state, now, 0, 0, 0, approvalId(id));
  }

  /** Releases the reservation (a denial). */
  release(state: Uint8Array, now: number, id: string): StateResult {
    return this.run(Op.Release, state, now, 0, 0, 0, approvalId(id));
  }

  /** Zeroes a spending window; `all` also actions today and the rate windows. Reservations stay. */
  reset(state: Uint8Array, now: number, kind: ResetKind): StateResult {
    const k = Object.hasOwn(RESET_KINDS, kind) ? RESET_KINDS[kind] : -1;
    if (k < 0) bad("kind", Object.keys(RESET_KINDS).join(" | "), kind);
    return this.run(Op.Reset, state, now, k);
  }

  /**
   * Replaces `oldCost` by `newCost` in each window still current since `committedAt` and not reset
   * since the commit, and in the total unless it was reset since. `committedResets` is the `resets`
   * of the result that committed the action; `undefined` means unknown (a commit recorded before
   * generations existed) and is taken as the current generation: the reset test is skipped.
   * `raiseOnly` (a report from an agent channel, SPEC §11): a lower `newCost` changes nothing and
   * the status is `kept`.
   */
  trueUp(
    state: Uint8Array,
    now: number,
    committedAt: number,
    committedResets: number | undefined,
    oldCost: number,
    newCost: number,
    raiseOnly = false,
  ): StateResult {
    return this.run(
      raiseOnly ? Op.TrueUpRaise : Op.TrueUp,
      state,
      now,
      instant(committedAt, "committed_at"),
      cents(oldCost, "old_cost_cents"),
      cents(newCost, "actual_cost_cents"),
      EMPTY_ID,
      generation(committedResets),
    );
  }

  /** Records a heartbeat; lifts a fail-closed pause, never an operator's. */
  heartbeat(state: Uint8Array, now: number): StateResult {
    return this.run(Op.Heartbeat, state, now);
  }
  /** An operator's pause (lifted only by `resume`). */
  pause(state: Uint8Array, now: number): StateResult {
    return this.run(Op.Pause, state, now);
  }
  /** A fail-closed trip: pauses with `paused_by: fail_closed` unless paused already; `tripped` when it did. */
  trip(state: Uint8Array, now: number): StateResult {
    return this.run(Op.Trip, state, now);
  }
  /** Stops the passport; a pending approval is released and reported in `released`. */
  emergencyStop(state: Uint8Array, now: number): StateResult {
    return this.run(Op.EmergencyStop, state, now);
  }
  resume(state: Uint8Array, now: number): StateResult {
    return this.run(Op.Resume, state, now);
  }

  /** When the day, ISO week and month windows containing `now` reset (epoch ms). */
  windowResets(now: number): { daily: number; weekly: number; monthly: number } {
    instant(now, "now");
    const core = this.engine.core;
    return this.engine.call(() => {
      writeI64(core.view, core.io(8), now);
      core.exports.window_resets();
      core.refresh();
      const o = core.outPtr;
      return { daily: readI64(core.view, o), weekly: readI64(core.view, o + 8), monthly: readI64(core.view, o + 16) };
    });
  }

  private run(op: Op, state: Uint8Array, now: number, a = 0, b = 0, c = 0, id: Uint8Array = EMPTY_ID, d = 0): StateResult {
    instant(now, "now");
    if (!(state instanceof Uint8Array)) bad("state", "a Uint8Array", state);
    const core = this.engine.core;
    return this.engine.call(() => {
      const len = ARGS + id.length + state.length;
      const base = core.io(len);
      writeI64(core.view, base + SA_NOW, now);
      writeI64(core.view, base + SA_A, a);
      writeI64(core.view, base + SA_B, b);
      writeI64(core.view, base + SA_C, c);
      writeI64(core.view, base + SA_D, d);
      core.view.setUint32(base + SA_ID_LEN, id.length, true);
      core.bytes.set(id, base + ARGS);
      core.bytes.set(state, base + ARGS + id.length);
      const n = core.exports.state_op(op, len);
      core.refresh();
      return readResult(core, n, state);
    });
  }
}

function readResult(core: Core, n: number, input: Uint8Array): StateResult {
  const { view, bytes } = core;
  let p = core.outPtr;
  const end = p + n;
  const status = STATUS[view.getInt32(p, true)];
  if (status === undefined || n < 24 + COUNTER_BLOCK) {
    throw new EngineError("state_op_failed", `the module returned an unknown state result (code ${view.getInt32(p, true)})`);
  }
  const flags = view.getUint32(p + 4, true);
  const idLen = view.getUint32(p + 8, true);
  const event: ApprovalEvent = { id: core.readUtf8(p + 12, idLen), cost_cents: readI64(view, p + 12 + idLen) };
  p += 20 + idLen;
  const stateLen = view.getUint32(p, true);
  const state = status === "bad_state" ? input : bytes.slice(p + 4, p + 4 + stateLen);
  p += 4 + stateLen;
  if (p + COUNTER_BLOCK + 4 + view.getUint32(p + COUNTER_BLOCK, true) + 16 + 4 !== end) {
    throw new EngineError("state_op_failed", "the module returned a malformed state result");
  }
  const counterBlock = bytes.slice(p, p + COUNTER_BLOCK);
  const snapshot = readSnapshot(core, p);
  const resets = view.getUint32(end - 4, true);
  const result: StateResult = { status, state, snapshot, counterBlock, resets };
  if (flags & EVENT_EXPIRED) result.expired = event;
  if (flags & EVENT_RELEASED) result.released = event;
  if (flags & EVENT_TRIPPED) result.tripped = true;
  return result;
}

function readSnapshot(core: Core, at: number): Snapshot {
  const { view } = core;
  const i64 = (k: number): number => readI64(view, at + k * 8);
  const flags = view.getUint32(at + FLAGS_AT, true);
  const idLen = view.getUint32(at + COUNTER_BLOCK, true);
  const tail = at + COUNTER_BLOCK + 4 + idLen;
  const pending = (flags & C_PENDING) !== 0;
  // One object filled in place (two snapshots per decision: no spread copy).
  const snap = {} as Record<string, unknown>;
  for (let k = 0; k < COUNTER_FIELDS.length; k++) snap[COUNTER_FIELDS[k]!] = i64(k);
  snap.last_action_at = flags & C_LAST_ACTION ? readI64(view, at + LAST_ACTION_AT) : null;
  snap.last_heartbeat_at = flags & C_LAST_HEARTBEAT ? readI64(view, at + LAST_HEARTBEAT_AT) : null;
  snap.pending_approval_id = pending ? core.readUtf8(at + COUNTER_BLOCK + 4, idLen) : null;
  snap.emergency_stopped = (flags & C_STOPPED) !== 0;
  snap.enforcement_paused = (flags & C_PAUSED) !== 0;
  snap.paused_by = (flags & C_PAUSED) === 0 ? null : (flags & C_FAIL_CLOSED) !== 0 ? "fail_closed" : "operator";
  snap.pending_cost_cents = readI64(view, tail);
  snap.pending_created_at = pending ? readI64(view, tail + 8) : null;
  return snap as unknown as Snapshot;
}
