// The module's exports: the ABI documented in docs/abi.md, and nothing else.

import { nextDayStart, nextMonthStart, nextWeekStart } from "./calendar";
import { catalogueEntry, Key, warningName } from "./catalogue";
import { APPROVAL_TTL_MS, APPROVER_CODE_TTL_MS, HEARTBEAT_STALE_MS, MS_PER_DAY, PERMIT_TTL_MS } from "./constants";
import { decision } from "./decision";
import { writeSentinelEntry } from "./match/sentinels";
import { ensureIo, ioBase, OUT } from "./io";
import { evaluatePolicy } from "./pipeline";
import { decodePolicy, lastCompileError, Policy, Window } from "./policy";
import { spendCapsInputOk, writeFold, writeSpendCaps } from "./limits";
import { runwayInputOk, writeRunway } from "./runway";
import { CatalogueTable, DeadlineKind } from "./gen/abi-layout";
import { input, readInput, REQ_HEADER, ReqFlag } from "./request";
import { evaluateBatch } from "./batch";
import { finishStep, freshLane, laneOk, laneOp, prepareStep } from "./state/replay";

const enum Status { BadHandle = -10, BadRequest = -11 }

const policies: Array<Policy | null> = [];
const freeHandles: Array<i32> = [];

/** An input area of at least `len` bytes; its address may change between calls. */
export function io_ptr(len: i32): usize { return ensureIo(len); }

/** The output area, where decisions and names are written. Fixed for the life of the instance. */
export function out_ptr(): usize { return OUT; }

/** Compiles the passport bytes in the input area; returns a handle ≥ 0 or a negative error code. */
export function compile(len: i32): i32 {
  const p = decodePolicy(ioBase(), len);
  if (p == null) return lastCompileError;
  if (freeHandles.length > 0) {
    const h = freeHandles.pop();
    policies[h] = p;
    return h;
  }
  policies.push(p);
  return policies.length - 1;
}

export function release(handle: i32): void {
  if (handle < 0 || handle >= policies.length || policies[handle] == null) return;
  policies[handle] = null;
  freeHandles.push(handle);
}

/** Evaluates the request in the input area against a compiled passport; returns the decision's length. */
export function evaluate(handle: i32, len: i32): i32 {
  if (handle < 0 || handle >= policies.length) return Status.BadHandle;
  const p = policies[handle];
  if (p == null) return Status.BadHandle;
  if (!readInput(ioBase(), len)) return Status.BadRequest;
  decision.reset(input.hasFlag(ReqFlag.Explain));
  evaluatePolicy(p);
  return decision.serialize();
}

/** Many requests against one passport in one call: assembly/batch.ts, docs/abi.md "evaluate_many". */
export function evaluate_many(handle: i32, count: i32, table: i32): i32 { return evaluateBatch(handle >= 0 && handle < policies.length ? policies[handle] : null, count, table); }

/** Writes a catalogue name (table 0 rules, 1 reasons, 2 keys, 3 key kinds, 4 warnings, 5 sentinels) as UTF-8 into the output area. */
export function catalogue_name(table: i32, id: i32): i32 {
  if (table == CatalogueTable.Sentinels) return writeSentinelEntry(id, OUT);
  const s = table == CatalogueTable.Warnings ? warningName(id) : catalogueEntry(table, id);
  return String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, OUT) as i32;
}

/**
 * When an approval request (kind 0) or a permit (kind 1) issued at the i64 epoch ms in the input
 * area expires, a heartbeat (kind 2) sent then turns stale, or (kind 3) a passport issued then for
 * the i64 number of days that follows it (Modei's `expires_in_days`) expires that many whole UTC
 * days later; the i64 is written to the output area. At that instant it is already expired (a
 * heartbeat exactly 120 s old is still fresh). Kind 4: when a code sent then to confirm an
 * approver's phone or e-mail address expires.
 */
export function deadline(kind: i32): void {
  const at = load<i64>(ioBase());
  if (kind == DeadlineKind.ExpiryDays) { store<i64>(OUT, at + load<i64>(ioBase(), 8) * MS_PER_DAY); return; }
  if (kind == DeadlineKind.ApproverCode) { store<i64>(OUT, at + APPROVER_CODE_TTL_MS); return; }
  store<i64>(OUT, kind == DeadlineKind.Approval ? at + APPROVAL_TTL_MS : kind == DeadlineKind.Permit ? at + PERMIT_TTL_MS : at + HEARTBEAT_STALE_MS + 1);
}

/**
 * The daily caps of a compiled passport, as shown to people (Modei's `daily_cost_limit_cents` and
 * `daily_request_limit`): writes two i64 to the output area, the tightest daily spending cap
 * (core:cost:max_per_day, and core:cost:max_cumulative when its window is daily) and
 * core:rate:max_per_day; −1 where none is set. Returns 0, or BadHandle.
 */
export function daily_limits(handle: i32): i32 {
  if (handle < 0 || handle >= policies.length) return Status.BadHandle;
  const p = policies[handle];
  if (p == null) return Status.BadHandle;
  let cost: i64 = p.has(Key.CostMaxPerDay) ? p.int(Key.CostMaxPerDay) : -1;
  const cumulativeDaily = !p.has(Key.CostCumulativeWindow) || <i32>p.int(Key.CostCumulativeWindow) == Window.Daily;
  if (p.has(Key.CostMaxCumulative) && cumulativeDaily) {
    const c = p.int(Key.CostMaxCumulative);
    if (cost < 0 || c < cost) cost = c;
  }
  store<i64>(OUT, cost);
  store<i64>(OUT, p.has(Key.RateMaxPerDay) ? p.int(Key.RateMaxPerDay) : -1, 8);
  return 0;
}

/**
 * The effective spending caps of a compiled passport at the counter block of the request header in
 * the input area (docs/abi.md "spend_caps"); returns the record's length, or -10 unknown handle,
 * -11 input too short.
 */
export function spend_caps(handle: i32, len: i32): i32 {
  if (handle < 0 || handle >= policies.length) return Status.BadHandle;
  const p = policies[handle];
  if (p == null) return Status.BadHandle;
  if (!spendCapsInputOk(len)) return Status.BadRequest;
  return writeSpendCaps(p, ioBase());
}

/**
 * Budget runway (docs/abi.md "spend_runway"): the input area holds a request header (its `now` and
 * counter block), a u32 count, a u32 zero and that many SpendEvents; writes SpendRunway to the output
 * area and returns its length, or -10 unknown handle, -11 bad input.
 */
export function spend_runway(handle: i32, len: i32): i32 {
  if (handle < 0 || handle >= policies.length) return Status.BadHandle;
  const p = policies[handle];
  if (p == null) return Status.BadHandle;
  if (!runwayInputOk(ioBase(), len)) return Status.BadRequest;
  return writeRunway(p, ioBase());
}

/** Folds the UTF-8 text in the input area as action patterns are compared (SPEC §3); returns its length or -1. */
export function fold_action(len: i32): i32 { return writeFold(ioBase(), len); }

/** Reads an i64 `now` from the input area; writes when the day, ISO week and month windows reset (3 × i64). */
export function window_resets(): void {
  const now = load<i64>(ioBase());
  store<i64>(OUT, nextDayStart(now));
  store<i64>(OUT, nextWeekStart(now), 8);
  store<i64>(OUT, nextMonthStart(now), 16);
}

/** Traps on purpose, so tests can prove the bindings recover from a trap. */
export function selftest_trap(): void { unreachable(); }

/**
 * Frees unreachable objects (released passports, compile-time temporaries). The module uses the
 * `minimal` runtime: no automatic collection, so no shadow stack on the hot path (it halved the
 * cost of an evaluation); the host calls this after compiling and releasing.
 */
export function collect(): void { __collect(); }

/** An empty call: the floor the benchmarks measure against. */
export function noop(): void {}

export * from "./detect/exports";
export * from "./state/exports";

// ---- what-if replay (docs/abi.md "Replay lanes") ------------------------------------------------

const enum ReplayStatus { BadLane = -12 }

/** Resets a replay lane to a state with nothing counted; 0, or -12 for a lane out of range. */
export function replay_reset(lane: i32): i32 {
  if (!laneOk(lane)) return ReplayStatus.BadLane;
  freshLane(lane);
  return 0;
}

/**
 * Decides the request in the input area against a compiled passport with the counters of a replay
 * lane (its snapshot at the request's `now` replaces the request's counter block), then applies
 * the transition the decision calls for to the lane: allow → commit; hold → approved at once
 * (flags & 3 = 0) or left to the host (1). Flag 4: decide as if a heartbeat had just come.
 * Returns the decision's length, like evaluate, or -10, -11, -12.
 */
export function replay_step(handle: i32, lane: i32, len: i32, flags: i32): i32 {
  if (!laneOk(lane)) return ReplayStatus.BadLane;
  if (handle < 0 || handle >= policies.length) return Status.BadHandle;
  const p = policies[handle];
  if (p == null) return Status.BadHandle;
  const base = ioBase();
  if (len < REQ_HEADER || <u64>base + <u64>len > (<u64>memory.size() << 16)) return Status.BadRequest;
  prepareStep(lane, base, flags);
  if (!readInput(base, len)) return Status.BadRequest;
  decision.reset(input.hasFlag(ReqFlag.Explain));
  evaluatePolicy(p);
  finishStep(lane, <i32>decision.verdict, input.now, input.cost, flags);
  return decision.serialize();
}

/** A counter-state op (state_op's codes and input layout, no state bytes) on a replay lane; returns its status. */
export function replay_op(lane: i32, op: i32, len: i32): i32 {
  if (!laneOk(lane)) return ReplayStatus.BadLane;
  return laneOp(lane, op, ioBase(), len);
}
