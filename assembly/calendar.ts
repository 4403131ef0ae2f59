// UTC calendar arithmetic shared by the rules and the counter state: day, ISO week and month
// indexes, and when each window next resets. Integers only.

import { MS_PER_DAY } from "./constants";

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
