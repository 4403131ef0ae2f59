// The counter state of one passport (SPEC §6): sliding rings, UTC calendar windows, flags and the
// one pending approval, and its fixed little-endian byte layout (docs/abi.md "Counter state").
//
// Layout, version 2 (all integers little-endian; 632 bytes + the pending id):
//   0 u32 magic "AWCS"   4 u16 version (2)   6 u16 flags (StateFlag)
//   8 i64 second of the newest per-second bucket    16 i64 minute of the newest per-minute bucket
//  24 i64 day index     32 i64 spent that day      40 i64 actions that day
//  48 i64 week index    56 i64 spent that week     64 i64 month index   72 i64 spent that month
//  80 i64 spent_total   88 i64 held               96 i64 last_action_at  104 i64 last_heartbeat_at
// 112 i64 pending cost 120 i64 pending created_at 128 u32 pending id length (0..128)
// 132 u32[60] per-second ring (slot = second mod 60)   372 u32[60] per-minute ring (minute mod 60)
// 612 u32 reset generation (every reset op adds one; saturates at u32 max)
// 616 u32 generation of the last reset of the day window   620 … of the week window
// 624 … of the month window                                628 … of the total
// 632 pending id bytes
// Version 1 is the same up to 612, where its pending id bytes start: it decodes with every
// generation 0 (resets made before the upgrade are not known to any later true-up).
// An index or bucket head of EMPTY (i64 min) means "never used"; any `now` rolls it.
//
// Clock going backwards: when `now` is earlier than the newest bucket or the current calendar
// index, nothing is rolled back and nothing is zeroed; new counts land in the newest bucket and
// the current calendar windows. Counts are then kept longer than exact, never dropped early.

import { MAX_SAFE, MS_PER_DAY, MS_PER_MINUTE, MS_PER_SECOND } from "../constants";

import { dayIndex, floorDiv, monthIndex, weekIndex } from "../calendar";
export { dayIndex, floorDiv, monthIndex, weekIndex };

export const STATE_MAGIC: u32 = 0x53435741; // "AWCS"
export const STATE_VERSION: u16 = 2;
/** The previous layout, still read (decode migrates it). */
export const STATE_VERSION_1: u16 = 1;
export const APPROVAL_ID_MAX: i32 = 128;
/** Buckets per ring: 60 seconds, 60 minutes. */
export const RING: i32 = 60;
/** Sliding windows by minutes (SPEC §6): 5, 30 and 60 minutes, counting the current one. */
export const WINDOW_5_MIN: i32 = 5;
export const WINDOW_30_MIN: i32 = 30;
export const WINDOW_60_MIN: i32 = 60;
export const EMPTY: i64 = i64.MIN_VALUE;

export const enum StateFlag {
  EmergencyStopped = 1, EnforcementPaused = 2, HasLastAction = 4, HasLastHeartbeat = 8, Pending = 16,
  /** With EnforcementPaused: the pause was set by a fail-closed trip (a heartbeat lifts it). */
  PausedByFailClosed = 32,
  ALL = 63,
}

// Byte offsets in the encoded state.
const S_MAGIC = 0;
const S_VERSION = 4;
const S_FLAGS = 6;
const S_SEC_HEAD = 8;
const S_MIN_HEAD = 16;
const S_DAY = 24;
const S_SPENT_DAY = 32;
const S_ACTIONS_TODAY = 40;
const S_WEEK = 48;
const S_SPENT_WEEK = 56;
const S_MONTH = 64;
const S_SPENT_MONTH = 72;
const S_SPENT_TOTAL = 80;
const S_HELD = 88;
const S_LAST_ACTION = 96;
const S_LAST_HEARTBEAT = 104;
const S_PENDING_COST = 112;
const S_PENDING_AT = 120;
const S_PENDING_LEN = 128;
const S_SEC_RING = 132;
const S_MIN_RING = 372;
const S_RESETS = 612;
const S_DAY_RESET = 616;
const S_WEEK_RESET = 620;
const S_MONTH_RESET = 624;
const S_TOTAL_RESET = 628;
/** Where a version-1 state's pending id starts (it has no generations). */
const STATE_FIXED_V1: i32 = 612;
export const STATE_FIXED: i32 = 632;
export const STATE_MAX: i32 = STATE_FIXED + APPROVAL_ID_MAX;
const RING_BYTES: usize = <usize>RING * 4;

@inline function slot(t: i64): i32 { return <i32>(t - floorDiv(t, RING) * RING); }

/** a + b, clamped to [0, MAX_SAFE] (money and counts stay exact JavaScript numbers). */
export function addClamped(a: i64, b: i64): i64 {
  const v = a + b;
  return v > MAX_SAFE ? MAX_SAFE : v < 0 ? 0 : v;
}

function inSafe(v: i64): bool { return v >= -MAX_SAFE && v <= MAX_SAFE; }
function inMoney(v: i64): bool { return v >= 0 && v <= MAX_SAFE; }
function headOk(v: i64): bool { return v == EMPTY || inSafe(v); }

export class CounterState {
  flags: u32 = 0;
  secHead: i64 = EMPTY;
  minHead: i64 = EMPTY;
  secRing: StaticArray<u32> = new StaticArray<u32>(RING);
  minRing: StaticArray<u32> = new StaticArray<u32>(RING);
  day: i64 = EMPTY;
  spentDay: i64 = 0;
  actionsToday: i64 = 0;
  week: i64 = EMPTY;
  spentWeek: i64 = 0;
  month: i64 = EMPTY;
  spentMonth: i64 = 0;
  spentTotal: i64 = 0;
  held: i64 = 0;
  lastActionAt: i64 = 0;
  lastHeartbeatAt: i64 = 0;
  pendingCost: i64 = 0;
  pendingAt: i64 = 0;
  pendingLen: i32 = 0;
  pendingId: StaticArray<u8> = new StaticArray<u8>(APPROVAL_ID_MAX);
  /** Reset generation: how many reset ops this state has seen (saturating). */
  resets: u32 = 0;
  /** The generation of the last reset of each spending window (0: never reset, or before v2). */
  dayReset: u32 = 0;
  weekReset: u32 = 0;
  monthReset: u32 = 0;
  totalReset: u32 = 0;

  has(f: u32): bool { return (this.flags & f) != 0; }
  setFlag(f: u32, on: bool): void { this.flags = on ? this.flags | f : this.flags & ~f; }
  pendingPtr(): usize { return changetype<usize>(this.pendingId); }

  fresh(): void {
    this.flags = 0;
    this.secHead = EMPTY; this.minHead = EMPTY;
    memory.fill(changetype<usize>(this.secRing), 0, RING_BYTES);
    memory.fill(changetype<usize>(this.minRing), 0, RING_BYTES);
    this.day = EMPTY; this.spentDay = 0; this.actionsToday = 0;
    this.week = EMPTY; this.spentWeek = 0;
    this.month = EMPTY; this.spentMonth = 0;
    this.spentTotal = 0; this.held = 0;
    this.lastActionAt = 0; this.lastHeartbeatAt = 0;
    this.resets = 0; this.dayReset = 0; this.weekReset = 0; this.monthReset = 0; this.totalReset = 0;
    this.clearPending();
  }

  clearPending(): void {
    this.setFlag(StateFlag.Pending, false);
    this.pendingCost = 0; this.pendingAt = 0; this.pendingLen = 0;
  }

  setPending(idPtr: usize, idLen: i32, cost: i64, at: i64): void {
    memory.copy(this.pendingPtr(), idPtr, <usize>idLen);
    this.pendingLen = idLen; this.pendingCost = cost; this.pendingAt = at;
    this.setFlag(StateFlag.Pending, true);
  }

  /** True when an approval is pending under exactly these id bytes. */
  pendingIs(idPtr: usize, idLen: i32): bool {
    return this.has(StateFlag.Pending) && idLen == this.pendingLen
      && memory.compare(this.pendingPtr(), idPtr, <usize>idLen) == 0;
  }

  /** Reads an encoded state; `len` 0 is a fresh state. False (never a trap) when the bytes are not a valid state. */
  decode(ptr: usize, len: i32): bool {
    this.fresh();
    if (len == 0) return true;
    if (len < STATE_FIXED_V1) return false;
    if (load<u32>(ptr + S_MAGIC) != STATE_MAGIC) return false;
    // Earlier layout versions are migrated here, before the checks below. Version 1 has no reset
    // generations: every one reads as 0, so a true-up keeps the old behaviour for resets made
    // before the upgrade.
    const version = load<u16>(ptr + S_VERSION);
    if (version != STATE_VERSION && version != STATE_VERSION_1) return false;
    const fixed = version == STATE_VERSION ? STATE_FIXED : STATE_FIXED_V1;
    if (len < fixed) return false;
    const flags = <u32>load<u16>(ptr + S_FLAGS);
    const pendingLen = load<u32>(ptr + S_PENDING_LEN);
    if ((flags & ~(<u32>StateFlag.ALL)) != 0 || pendingLen > <u32>APPROVAL_ID_MAX) return false;
    if (len != fixed + <i32>pendingLen) return false;
    if (((flags & StateFlag.Pending) != 0) != (pendingLen > 0)) return false;
    if ((flags & StateFlag.PausedByFailClosed) != 0 && (flags & StateFlag.EnforcementPaused) == 0) return false;
    this.flags = flags;
    this.secHead = load<i64>(ptr + S_SEC_HEAD);
    this.minHead = load<i64>(ptr + S_MIN_HEAD);
    this.day = load<i64>(ptr + S_DAY);
    this.spentDay = load<i64>(ptr + S_SPENT_DAY);
    this.actionsToday = load<i64>(ptr + S_ACTIONS_TODAY);
    this.week = load<i64>(ptr + S_WEEK);
    this.spentWeek = load<i64>(ptr + S_SPENT_WEEK);
    this.month = load<i64>(ptr + S_MONTH);
    this.spentMonth = load<i64>(ptr + S_SPENT_MONTH);
    this.spentTotal = load<i64>(ptr + S_SPENT_TOTAL);
    this.held = load<i64>(ptr + S_HELD);
    this.lastActionAt = load<i64>(ptr + S_LAST_ACTION);
    this.lastHeartbeatAt = load<i64>(ptr + S_LAST_HEARTBEAT);
    this.pendingCost = load<i64>(ptr + S_PENDING_COST);
    this.pendingAt = load<i64>(ptr + S_PENDING_AT);
    this.pendingLen = <i32>pendingLen;
    memory.copy(changetype<usize>(this.secRing), ptr + S_SEC_RING, RING_BYTES);
    memory.copy(changetype<usize>(this.minRing), ptr + S_MIN_RING, RING_BYTES);
    if (version == STATE_VERSION) {
      this.resets = load<u32>(ptr + S_RESETS);
      this.dayReset = load<u32>(ptr + S_DAY_RESET);
      this.weekReset = load<u32>(ptr + S_WEEK_RESET);
      this.monthReset = load<u32>(ptr + S_MONTH_RESET);
      this.totalReset = load<u32>(ptr + S_TOTAL_RESET);
    }
    memory.copy(this.pendingPtr(), ptr + <usize>fixed, <usize>pendingLen);
    return this.valid();
  }

  /** Every number in range, so later arithmetic can neither overflow nor go negative. */
  private valid(): bool {
    return headOk(this.secHead) && headOk(this.minHead)
      && headOk(this.day) && headOk(this.week) && headOk(this.month)
      && inMoney(this.spentDay) && inMoney(this.actionsToday) && inMoney(this.spentWeek)
      && inMoney(this.spentMonth) && inMoney(this.spentTotal) && inMoney(this.held)
      && inMoney(this.pendingCost)
      && inSafe(this.lastActionAt) && inSafe(this.lastHeartbeatAt) && inSafe(this.pendingAt)
      // No window can have been reset in a generation the state has not reached.
      && this.dayReset <= this.resets && this.weekReset <= this.resets
      && this.monthReset <= this.resets && this.totalReset <= this.resets;
  }

  /** Writes the state at `into`; returns its length (at most STATE_MAX). */
  encode(into: usize): i32 {
    store<u32>(into + S_MAGIC, STATE_MAGIC);
    store<u16>(into + S_VERSION, STATE_VERSION);
    store<u16>(into + S_FLAGS, <u16>this.flags);
    store<i64>(into + S_SEC_HEAD, this.secHead);
    store<i64>(into + S_MIN_HEAD, this.minHead);
    store<i64>(into + S_DAY, this.day);
    store<i64>(into + S_SPENT_DAY, this.spentDay);
    store<i64>(into + S_ACTIONS_TODAY, this.actionsToday);
    store<i64>(into + S_WEEK, this.week);
    store<i64>(into + S_SPENT_WEEK, this.spentWeek);
    store<i64>(into + S_MONTH, this.month);
    store<i64>(into + S_SPENT_MONTH, this.spentMonth);
    store<i64>(into + S_SPENT_TOTAL, this.spentTotal);
    store<i64>(into + S_HELD, this.held);
    store<i64>(into + S_LAST_ACTION, this.lastActionAt);
    store<i64>(into + S_LAST_HEARTBEAT, this.lastHeartbeatAt);
    store<i64>(into + S_PENDING_COST, this.pendingCost);
    store<i64>(into + S_PENDING_AT, this.pendingAt);
    store<u32>(into + S_PENDING_LEN, <u32>this.pendingLen);
    memory.copy(into + S_SEC_RING, changetype<usize>(this.secRing), RING_BYTES);
    memory.copy(into + S_MIN_RING, changetype<usize>(this.minRing), RING_BYTES);
    store<u32>(into + S_RESETS, this.resets);
    store<u32>(into + S_DAY_RESET, this.dayReset);
    store<u32>(into + S_WEEK_RESET, this.weekReset);
    store<u32>(into + S_MONTH_RESET, this.monthReset);
    store<u32>(into + S_TOTAL_RESET, this.totalReset);
    memory.copy(into + <usize>STATE_FIXED, this.pendingPtr(), <usize>this.pendingLen);
    return STATE_FIXED + this.pendingLen;
  }

  /** Rolls every window forward to `now`, zeroing what fell out of it; never backwards. */
  roll(now: i64): void {
    this.secHead = rollRing(this.secRing, this.secHead, floorDiv(now, MS_PER_SECOND));
    this.minHead = rollRing(this.minRing, this.minHead, floorDiv(now, MS_PER_MINUTE));
    const d = dayIndex(now);
    if (this.day == EMPTY || d > this.day) { this.day = d; this.spentDay = 0; this.actionsToday = 0; }
    const w = weekIndex(now);
    if (this.week == EMPTY || w > this.week) { this.week = w; this.spentWeek = 0; }
    const m = monthIndex(now);
    if (this.month == EMPTY || m > this.month) { this.month = m; this.spentMonth = 0; }
  }

  /** Counts one action costing `cost` in the current windows (call `roll(now)` first). */
  count(cost: i64, now: i64): void {
    this.spentDay = addClamped(this.spentDay, cost);
    this.spentWeek = addClamped(this.spentWeek, cost);
    this.spentMonth = addClamped(this.spentMonth, cost);
    this.spentTotal = addClamped(this.spentTotal, cost);
    this.actionsToday = addClamped(this.actionsToday, 1);
    bump(this.secRing, this.secHead);
    bump(this.minRing, this.minHead);
    this.lastActionAt = now;
    this.setFlag(StateFlag.HasLastAction, true);
  }

  /** Zeroes both rate rings (their heads stay). */
  clearRates(): void {
    memory.fill(changetype<usize>(this.secRing), 0, RING_BYTES);
    memory.fill(changetype<usize>(this.minRing), 0, RING_BYTES);
  }

  /** Actions in the last 60 seconds, counting the current one (after `roll`). */
  actionsLastMinute(): i64 { return sumRing(this.secRing, this.secHead, RING); }

  /** Actions in the last `minutes` minutes (≤ 60), counting the current one (after `roll`). */
  actionsLastMinutes(minutes: i32): i64 { return sumRing(this.minRing, this.minHead, minutes); }
}

/** Moves a ring's head to `at`, zeroing the buckets it passes; a head in the future stays. */
function rollRing(ring: StaticArray<u32>, head: i64, at: i64): i64 {
  if (head != EMPTY && at <= head) return head;
  if (head == EMPTY || at - head >= <i64>RING) {
    memory.fill(changetype<usize>(ring), 0, RING_BYTES);
  } else {
    for (let t = head + 1; t <= at; t++) unchecked(ring[slot(t)] = 0);
  }
  return at;
}

function bump(ring: StaticArray<u32>, head: i64): void {
  const i = slot(head);
  const v = unchecked(ring[i]);
  if (v != u32.MAX_VALUE) unchecked(ring[i] = v + 1);
}

/** Sum of the `n` newest buckets, ending at `head`. */
function sumRing(ring: StaticArray<u32>, head: i64, n: i32): i64 {
  if (head == EMPTY) return 0;
  let sum: i64 = 0;
  for (let k = 0; k < n; k++) sum += <i64>unchecked(ring[slot(head - <i64>k)]);
  return sum;
}
