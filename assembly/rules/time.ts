// core:time:* — blackout windows, operating hours in the passport's time zones, idle timeout
// (SPEC §2 steps 6 and 10, §10 "Schedule").

import { floorDiv, writeInstant, writeOffset } from "../calendar";
import { Key, Outcome, Reason, Rule } from "../catalogue";
import { MS_PER_DAY, MS_PER_MINUTE } from "../constants";
import { decision, detail } from "../decision";
import { Policy } from "../policy";
import { CounterFlag, input, R_LAST_ACTION } from "../request";

export function blackoutWindows(p: Policy): Outcome {
  for (let i = 0, n = p.blackoutStart.length; i < n; i++) {
    if (unchecked(p.blackoutStart[i]) <= input.now && input.now < unchecked(p.blackoutEnd[i])) {
      decision.block(Rule.BlackoutWindows, Reason.BlackoutWindow, true);
      const lifts = blackoutEnd(p, unchecked(p.blackoutEnd[i]));
      detail.str("inside a blackout window");
      const rn = p.blackoutReason.len(i);
      if (rn > 0) { detail.str(": "); detail.raw(p.blackoutReason.ptr(i), min(rn, 200)); }
      detail.str(" (it lifts at "); writeInstant(detail, lifts); detail.byte(0x29);
      const s = decision.beginSuggestion();
      s.str("retry at or after "); writeInstant(s, lifts);
      decision.endSuggestion();
      return Outcome.Block;
    }
  }
  return Outcome.Pass;
}

/** When a blackout ending at `end` really lifts: windows that hold `end` (overlapping or back to back) carry it on. */
function blackoutEnd(p: Policy, end: i64): i64 {
  for (let moved = true, rounds = 0, n = p.blackoutStart.length; moved && rounds <= n; rounds++) {
    moved = false;
    for (let j = 0; j < n; j++) {
      if (unchecked(p.blackoutStart[j]) <= end && end < unchecked(p.blackoutEnd[j])) { end = unchecked(p.blackoutEnd[j]); moved = true; }
    }
  }
  return end;
}

/** Weekday (0 = Monday) and minute of day of `now` on the wall clock `offsetMin` minutes from UTC. */
let localDay: i32 = 0;
let localMinute: i32 = 0;
function toLocal(offsetMin: i32): void {
  const local = input.now + <i64>offsetMin * MS_PER_MINUTE;
  const days = floorDiv(local, MS_PER_DAY);
  localDay = <i32>((days + 3) % 7 + 7) % 7; // 1970-01-01 was a Thursday
  localMinute = <i32>((local - days * MS_PER_DAY) / MS_PER_MINUTE);
}

function onDay(mask: i32, day: i32): bool { return (mask & (1 << day)) != 0; }

/** A range with end ≤ start runs overnight and belongs to the day it starts on. */
function inRange(mask: i32, start: i32, end: i32): bool {
  if (start < end) return onDay(mask, localDay) && localMinute >= start && localMinute < end;
  if (localMinute >= start) return onDay(mask, localDay);
  return localMinute < end && onDay(mask, (localDay + 6) % 7);
}

export function operatingHours(p: Policy): Outcome {
  const r = p.ranges;
  for (let i = 0, n = r.length; i < n; i += 4) {
    toLocal(input.tzOffsetMinutes(unchecked(r[i])));
    if (inRange(unchecked(r[i + 1]), unchecked(r[i + 2]), unchecked(r[i + 3]))) return Outcome.Pass;
  }
  decision.block(Rule.OperatingHours, Reason.OutsideOperatingHours, true);
  toLocal(input.tzOffsetMinutes(r.length > 0 ? unchecked(r[0]) : 0));
  detail.str("outside operating hours (local time ");
  detail.pad2(localMinute / 60);
  detail.byte(0x3a);
  detail.pad2(localMinute % 60);
  detail.str(" in the schedule's first time zone)");
  const opens = nextOpening(p);
  if (opens != i64.MAX_VALUE) {
    detail.str("; they open next at "); detail.pad2(openMinute / 60); detail.byte(0x3a); detail.pad2(openMinute % 60);
    detail.str(" "); writeOffset(detail, openOffset); detail.str(", "); writeInstant(detail, opens);
  }
  const s = decision.beginSuggestion();
  if (opens == i64.MAX_VALUE) s.str("retry inside the operating hours");
  else { s.str("retry at or after "); writeInstant(s, opens); }
  decision.endSuggestion();
  return Outcome.Block;
}

/** The local start minute and UTC offset of the opening nextOpening found. */
let openMinute: i32 = 0;
let openOffset: i32 = 0;

/**
 * The first instant after `now` at which a range opens: each range's next start on one of its days,
 * within the coming week, read with its zone's offset in force now (a daylight-saving change before
 * that start moves the true instant by the change; the retry is then decided again).
 */
function nextOpening(p: Policy): i64 {
  const r = p.ranges;
  let best = i64.MAX_VALUE;
  for (let i = 0, n = r.length; i < n; i += 4) {
    const offset = input.tzOffsetMinutes(unchecked(r[i]));
    toLocal(offset);
    const start = unchecked(r[i + 2]);
    const today = floorDiv(input.now + <i64>offset * MS_PER_MINUTE, MS_PER_DAY);
    for (let d = 0; d <= 7; d++) {
      if (!onDay(unchecked(r[i + 1]), (localDay + d) % 7)) continue;
      const at = (today + d) * MS_PER_DAY + <i64>start * MS_PER_MINUTE - <i64>offset * MS_PER_MINUTE;
      if (at <= input.now) continue;
      if (at < best) { best = at; openMinute = start; openOffset = offset; }
      break;
    }
  }
  return best;
}

export function idleTimeout(p: Policy): Outcome {
  if (!input.counter(CounterFlag.HasLastAction)) return Outcome.Pass;
  const idle = input.now - input.i64at(R_LAST_ACTION);
  if (idle <= p.int(Key.TimeIdleTimeoutMinutes) * MS_PER_MINUTE) return Outcome.Pass;
  if (decision.hold(Rule.IdleTimeout, Reason.IdleTimeout)) {
    detail.str("idle for ");
    detail.int(idle / MS_PER_MINUTE);
    detail.str(" min, more than the ");
    detail.int(p.int(Key.TimeIdleTimeoutMinutes));
    detail.str(" min idle timeout");
  }
  return Outcome.Hold;
}
