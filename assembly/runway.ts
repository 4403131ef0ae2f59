// Budget runway (issue #17): when each spending cap runs out at the pace of the last 7 days. A number
// shown to people, so it is computed here, from the caps spend_caps shows and the committed spends
// the host reads from its records; the host only gathers and encodes them.

import { nextDayStart, nextMonthStart, nextWeekStart } from "./calendar";
import { MAX_SAFE, RUNWAY_PACE_MS } from "./constants";
import { OUT } from "./io";
import { Policy } from "./policy";
import { writeSpendCaps } from "./limits";
import {
  REQ_HEADER, R_NOW, RunwayKind, RW_PACE_CENTS, RW_PACE_SINCE, RW_SIZE, RW_WINDOWS, SC_WINDOWS, SE_AT, SE_CENTS, SE_SIZE,
  WC_HEADROOM, WC_LIMIT, WC_SIZE, WR_AT, WR_KIND, WR_PAD, WR_SIZE,
} from "./gen/abi-layout";

/** Bytes after the request header: u32 count of SpendEvents, u32 zero, then the events. */
const EVENTS_AT: i32 = REQ_HEADER + 8;

/** Whether `len` bytes hold a header, a count and that many events, and `now` and every amount are in range. */
export function runwayInputOk(base: usize, len: i32): bool {
  if (len < EVENTS_AT || <u64>base + <u64>len > (<u64>memory.size() << 16)) return false;
  const n = <u64>load<u32>(base + <usize>REQ_HEADER);
  if (<u64>EVENTS_AT + n * <u64>SE_SIZE > <u64>len) return false;
  const now = load<i64>(base + <usize>R_NOW);
  if (now < 0 || now > MAX_SAFE) return false;
  for (let i: u64 = 0; i < n; i++) {
    const c = load<i64>(base + <usize>EVENTS_AT + <usize>(i * <u64>SE_SIZE) + <usize>SE_CENTS);
    if (c > MAX_SAFE || c < -MAX_SAFE) return false;
  }
  return true;
}

/** The spend of the events with now − 7 d < at ≤ now, summed in order with saturation at ±(2^53 − 1), then at least 0. */
function pace(base: usize, now: i64): i64 {
  const n = load<u32>(base + <usize>REQ_HEADER);
  const since = now - RUNWAY_PACE_MS;
  let sum: i64 = 0;
  for (let i: u32 = 0; i < n; i++) {
    const e = base + <usize>EVENTS_AT + <usize>(i * <u32>SE_SIZE);
    const at = load<i64>(e + <usize>SE_AT);
    if (at <= since || at > now) continue;
    sum += load<i64>(e + <usize>SE_CENTS);
    if (sum > MAX_SAFE) sum = MAX_SAFE;
    else if (sum < -MAX_SAFE) sum = -MAX_SAFE;
  }
  return sum > 0 ? sum : 0;
}

/** floor(r × m / d) for 0 ≤ r < d ≤ 2^53 and 0 < m < 2^31, by binary long division (no 128-bit product). */
function mulDivSmall(r: i64, m: i64, d: i64): i64 {
  let q: i64 = 0, rem: i64 = 0;
  for (let bit = 30; bit >= 0; bit--) {
    q <<= 1; rem <<= 1;
    if (rem >= d) { rem -= d; q++; }
    if (((m >> bit) & 1) != 0) {
      rem += r;
      if (rem >= d) { rem -= d; q++; }
    }
  }
  return q;
}

/** The window's next reset, or MAX_SAFE + 1 for the lifetime total (never resets). */
function resetOf(w: i32, now: i64): i64 {
  return w == 0 ? nextDayStart(now) : w == 1 ? nextWeekStart(now) : w == 2 ? nextMonthStart(now) : MAX_SAFE + 1;
}

function put(w: i32, kind: RunwayKind, at: i64): void {
  const o = OUT + <usize>(RW_WINDOWS + w * WR_SIZE);
  store<i64>(o + <usize>WR_AT, at);
  store<u32>(o + <usize>WR_KIND, <u32>kind);
  store<u32>(o + <usize>WR_PAD, 0);
}

/**
 * Writes the SpendRunway record (docs/abi.md "spend_runway"); returns its length. Per window with a
 * cap: no headroom → Exhausted (now); no spend in the pace window → NoPace; else the cap runs out at
 * now + floor(headroom × 7 d / pace) — unless the window resets first (ResetsFirst, its reset), or
 * that instant is past 2^53 − 1 ms (Beyond).
 */
export function writeRunway(p: Policy, base: usize): i32 {
  const now = load<i64>(base + <usize>R_NOW);
  writeSpendCaps(p, base);
  const limits = new StaticArray<i64>(4), rooms = new StaticArray<i64>(4);
  for (let w = 0; w < 4; w++) {
    const at = OUT + <usize>(SC_WINDOWS + w * WC_SIZE);
    unchecked((limits[w] = load<i64>(at + <usize>WC_LIMIT)));
    unchecked((rooms[w] = load<i64>(at + <usize>WC_HEADROOM)));
  }
  const spend = pace(base, now);
  store<i64>(OUT + <usize>RW_PACE_CENTS, spend);
  store<i64>(OUT + <usize>RW_PACE_SINCE, now - RUNWAY_PACE_MS);
  for (let w = 0; w < 4; w++) {
    const room = unchecked(rooms[w]);
    if (unchecked(limits[w]) < 0) { put(w, RunwayKind.NoCap, -1); continue; }
    if (room == 0) { put(w, RunwayKind.Exhausted, now); continue; }
    if (spend == 0) { put(w, RunwayKind.NoPace, -1); continue; }
    const q = room / spend;
    // q × 7 d alone past what is left before 2^53 − 1: Beyond, without overflowing.
    let at: i64 = MAX_SAFE + 1;
    if (q <= (MAX_SAFE - now) / RUNWAY_PACE_MS) at = now + q * RUNWAY_PACE_MS + mulDivSmall(room % spend, RUNWAY_PACE_MS, spend);
    const reset = resetOf(w, now);
    if (w < 3 && at >= reset) put(w, RunwayKind.ResetsFirst, reset);
    else if (at > MAX_SAFE) put(w, RunwayKind.Beyond, -1);
    else put(w, RunwayKind.RunsOut, at);
  }
  return RW_SIZE;
}
