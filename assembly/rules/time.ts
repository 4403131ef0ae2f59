// core:time:* — blackout windows, operating hours in the passport's time zones, idle timeout
// (SPEC §2 steps 6 and 10, §10 "Schedule").

import { floorDiv } from "../calendar";
import { Key, Outcome, Reason, Rule } from "../catalogue";
import { MS_PER_DAY, MS_PER_MINUTE } from "../constants";
import { decision, detail } from "../decision";
import { Policy } from "../policy";
import { CounterFlag, input, R_LAST_ACTION } from "../request";

export function blackoutWindows(p: Policy): Outcome {
  for (let i = 0, n = p.blackoutStart.length; i < n; i++) {
    if (unchecked(p.blackoutStart[i]) <= input.now && input.now < unchecked(p.blackoutEnd[i])) {
      decision.block(Rule.BlackoutWindows, Reason.BlackoutWindow, true);
      detail.str("inside a blackout window");
      const rn = p.blackoutReason.len(i);
      if (rn > 0) { detail.str(": "); detail.raw(p.blackoutReason.ptr(i), min(rn, 200)); }
      return Outcome.Block;
    }
  }
  return Outcome.Pass;
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
  const s = decision.beginSuggestion();
  s.str("retry inside the operating hours");
  decision.endSuggestion();
  return Outcome.Block;
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
