// UTC calendar arithmetic shared by the rules and the counter state: day, ISO week and month
// indexes, and when each window next resets. Integers only.

import { MS_PER_DAY, MS_PER_MINUTE } from "./constants";
import { TextWriter } from "./io";

export function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

export function dayIndex(now: i64): i64 { return floorDiv(now, MS_PER_DAY); }

/** ISO weeks start on Monday 00:00 UTC; 1970-01-01 was a Thursday, so day 4 starts week 1. */
export function weekIndex(now: i64): i64 { return floorDiv(dayIndex(now) + 3, 7); }

/** year × 12 + month (0-based), from days since the epoch (Hinnant's civil_from_days, integers only). */
export function monthIndex(now: i64): i64 {
  const z = dayIndex(now) + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const month = mp < 10 ? mp + 2 : mp - 10; // 0 = January
  const year = yoe + era * 400 + (month <= 1 ? 1 : 0);
  return year * 12 + month;
}

/** Days since the epoch of a civil date (Hinnant's days_from_civil); month is 0-based. */
export function daysFromCivil(year: i64, month0: i64): i64 {
  const m = month0 + 1;
  const y = m <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = m > 2 ? m - 3 : m + 9;
  const doy = (153 * mp + 2) / 5; // first of the month
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/** When the day, ISO week and month windows that contain `now` end (epoch ms). */
export function nextDayStart(now: i64): i64 { return (dayIndex(now) + 1) * MS_PER_DAY; }
export function nextWeekStart(now: i64): i64 { return ((weekIndex(now) + 1) * 7 - 3) * MS_PER_DAY; }
export function nextMonthStart(now: i64): i64 {
  const next = monthIndex(now) + 1;
  return daysFromCivil(floorDiv(next, 12), next - floorDiv(next, 12) * 12) * MS_PER_DAY;
}

/** Writes an instant as RFC 3339 UTC, `2026-02-25T08:00:00Z` (milliseconds when there are any). */
export function writeInstant(w: TextWriter, ms: i64): void {
  const days = dayIndex(ms);
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year >= 0 && year < 1000) { w.byte(0x30); if (year < 100) w.byte(0x30); if (year < 10) w.byte(0x30); }
  w.int(year); w.byte(0x2d); w.pad2(<i32>month); w.byte(0x2d); w.pad2(<i32>day);
  const rest = ms - days * MS_PER_DAY;
  const minutes = <i32>(rest / MS_PER_MINUTE);
  w.byte(0x54); w.pad2(minutes / 60); w.byte(0x3a); w.pad2(minutes % 60); w.byte(0x3a);
  const millis = <i32>(rest % MS_PER_MINUTE);
  w.pad2(millis / 1000);
  if (millis % 1000 != 0) { w.byte(0x2e); const f = millis % 1000; w.byte(<u32>(0x30 + f / 100)); w.pad2(f % 100); }
  w.byte(0x5a);
}

/** Writes a UTC offset in minutes as `UTC`, `UTC+01:00` or `UTC-05:30`. */
export function writeOffset(w: TextWriter, offsetMin: i32): void {
  w.str("UTC");
  if (offsetMin == 0) return;
  w.byte(offsetMin < 0 ? 0x2d : 0x2b);
  const a = offsetMin < 0 ? -offsetMin : offsetMin;
  w.pad2(a / 60); w.byte(0x3a); w.pad2(a % 60);
}
