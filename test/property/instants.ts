// Interesting instants for the property suites: DST switches in awkward zones, UTC day, ISO week,
// month and year edges, leap days. Computed once per process with Intl (offsets), cheaply.

export const ZONES = [
  "UTC",
  "America/New_York",
  "Europe/Berlin",
  "Europe/London",
  "Europe/Dublin",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "America/St_Johns",
  "Pacific/Kiritimati",
  "Pacific/Niue",
  "America/Santiago",
  "America/Havana",
  "Africa/Casablanca",
  "Antarctica/Troll",
  "Asia/Tehran",
  "Etc/GMT+12",
] as const;

const fmt = new Map<string, Intl.DateTimeFormat>();

/** Minutes east of UTC in `tz` at `ms`, from the wall clock Intl reports. */
export function offsetMinutes(tz: string, ms: number): number {
  let f = fmt.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    fmt.set(tz, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const d = new Date(0);
  d.setUTCFullYear(p.year!, p.month! - 1, p.day!);
  d.setUTCHours(p.hour!, p.minute!, p.second!, 0);
  return Math.round((d.getTime() - Math.floor(ms / 1000) * 1000) / 60_000);
}

const DAY = 86_400_000;

/** Instants where a zone's offset changes, 2025–2027, to the millisecond. */
function transitions(tz: string, from: number, to: number): number[] {
  const out: number[] = [];
  let prev = offsetMinutes(tz, from);
  for (let t = from + DAY; t <= to; t += DAY) {
    const cur = offsetMinutes(tz, t);
    if (cur !== prev) {
      let lo = t - DAY,
        hi = t; // offset(lo) = prev, offset(hi) = cur
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutes(tz, mid) === prev) lo = mid;
        else hi = mid;
      }
      out.push(hi);
      prev = cur;
    }
  }
  return out;
}

const utc = (s: string): number => Date.parse(s);

let cached: number[] | null = null;

/** A pool of base instants for generated cases. */
export function baseInstants(): number[] {
  if (cached) return cached;
  const out = new Set<number>();
  const from = utc("2025-01-01T00:00:00Z"),
    to = utc("2027-12-31T00:00:00Z");
  for (const tz of ZONES) for (const t of transitions(tz, from, to)) out.add(t);
  for (const s of [
    "2026-02-24T15:00:00Z",
    "2026-03-02T00:00:00Z",
    "2026-03-01T00:00:00Z",
    "2026-01-01T00:00:00Z",
    "2025-12-29T00:00:00Z",
    "2028-02-29T12:00:00Z",
    "2028-03-01T00:00:00Z",
    "2024-02-29T23:59:59.999Z",
    "2026-06-15T09:00:00Z",
    "2026-06-14T23:30:00Z",
    "2027-01-04T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2000-01-01T00:00:00Z",
    "2038-01-19T03:14:08Z",
    "1999-12-31T23:59:59Z",
    "2100-03-01T00:00:00Z",
    // Ancient and far instants: years < 100, local mean time offsets with seconds, the ends of time.
    "0050-06-15T12:00:00Z",
    "0001-01-01T00:00:00Z",
    "1919-12-31T18:00:00Z",
    "1899-06-01T11:00:00Z",
    "9999-12-31T20:00:00Z",
    "1969-12-31T23:59:59.999Z",
  ])
    out.add(utc(s));
  for (const ms of [-8_640_000_000_000_000 + 5 * DAY, 8_640_000_000_000_000 - 5 * DAY, -62_198_755_200_000]) out.add(ms);
  cached = [...out].sort((a, b) => a - b);
  return cached;
}
