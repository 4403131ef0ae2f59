// The module's exports: the ABI documented in docs/abi.md, and nothing else.

import { nextDayStart, nextMonthStart, nextWeekStart } from "./calendar";
import { catalogueEntry, Key, warningName } from "./catalogue";
import { APPROVAL_TTL_MS, MS_PER_DAY, PERMIT_TTL_MS } from "./constants";
import { decision } from "./decision";
import { ensureIo, ioBase, OUT } from "./io";
import { evaluatePolicy } from "./pipeline";
import { decodePolicy, lastCompileError, Policy, Window } from "./policy";
import { input, readInput, ReqFlag } from "./request";

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

/** Writes a catalogue name (table 0 rules, 1 reasons, 2 keys, 3 key kinds, 4 warnings) as UTF-8 into the output area. */
export function catalogue_name(table: i32, id: i32): i32 {
  const s = table == 4 ? warningName(id) : catalogueEntry(table, id);
  return String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, OUT) as i32;
}

/**
 * When an approval request (kind 0) or a permit (kind 1) issued at the i64 epoch ms in the input
 * area expires; the i64 is written to the output area. At that instant it is already expired.
 * Kind 2: a passport issued at that instant for the i64 number of days that follows it (Modei's
 * `expires_in_days`) expires that many whole UTC days later.
 */
export function deadline(kind: i32): void {
  const at = load<i64>(ioBase());
  if (kind == 2) { store<i64>(OUT, at + load<i64>(ioBase(), 8) * MS_PER_DAY); return; }
  store<i64>(OUT, at + (kind == 0 ? APPROVAL_TTL_MS : PERMIT_TTL_MS));
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
