// Reference model, times (SPEC §1, §6, §10 "Schedule"): RFC 3339, UTC calendar windows, wall clocks.
// Written for clarity, not speed. Shares nothing with assembly/ or bindings/ but the runtime's Intl,
// which is how any host learns what the wall clock reads in an IANA time zone.

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_DAY = 24 * 60 * MS_PER_MINUTE;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Epoch ms of an RFC 3339 date-time (milliseconds kept, finer digits dropped), or null. */
export function parseRfc3339(s: string): number | null {
  const m = RFC3339.exec(s);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = m[7] === undefined ? 0 : Number((m[7] + "00").slice(0, 3));
  let offsetMinutes = 0;
  if (m[8] !== "Z") {
    const sign = m[8]![0] === "-" ? -1 : 1;
    const oh = Number(m[8]!.slice(1, 3)),
      om = Number(m[8]!.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMinutes * MS_PER_MINUTE;
}

/** An instant given as epoch ms, an RFC 3339 string or a Date. */
export function toMs(v: number | string | Date): number {
  if (typeof v === "number") return v;
  if (v instanceof Date) return v.getTime();
  const ms = parseRfc3339(v);
  if (ms === null) throw new Error(`model: not a time: ${v}`);
  return ms;
}

/** The UTC calendar day, ISO week (from Monday 00:00) and calendar month an instant falls in. */
export function dayOf(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}
export function weekOf(ms: number): number {
  return Math.floor((dayOf(ms) + 3) / 7);
} // 1970-01-01 was a Thursday
export function monthOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** What a wall clock in `timeZone` shows at `ms`: the weekday and the minute of the day. */
export function wallClock(timeZone: string, ms: number): { weekday: Weekday; minute: number } {
  let f = wallFormats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", weekday: "short", hour: "2-digit", minute: "2-digit" });
    wallFormats.set(timeZone, f);
  }
  let weekday = "",
    hour = 0,
    minute = 0;
  for (const part of f.formatToParts(new Date(ms))) {
    if (part.type === "weekday") weekday = part.value.toLowerCase();
    else if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
  }
  return { weekday: weekday as Weekday, minute: hour * 60 + minute };
}

/** A passport issued at `issuedAt` for `days` whole days (Modei's `expires_in_days`) expires `days` UTC days later. */
export function expiryAfterDays(issuedAt: number, days: number): number {
  return issuedAt + days * MS_PER_DAY;
}
