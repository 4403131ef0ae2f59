// UTC offsets of IANA time zones at a given instant, from Intl (the module has no tz database).
// Input preparation only: the wall-clock comparison happens in WebAssembly.

const formatters = new Map<string, Intl.DateTimeFormat>();
/** One cached offset per zone, valid for the 15-minute slot it was computed in (tz transitions fall on quarter hours). */
const cache = new Map<string, { slot: number; offset: number }>();
const SLOT_MS = 15 * 60_000;

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
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
    formatters.set(tz, f);
  }
  return f;
}

function computeOffset(tz: string, epochMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(epochMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  const seconds = Math.floor(epochMs / 1000) * 1000;
  return Math.round((wall - seconds) / 60_000);
}

/** Minutes east of UTC in force in `tz` at `epochMs`. */
export function tzOffsetMinutes(tz: string, epochMs: number): number {
  if (tz === "UTC") return 0;
  const slot = Math.floor(epochMs / SLOT_MS);
  const hit = cache.get(tz);
  if (hit && hit.slot === slot) return hit.offset;
  const offset = computeOffset(tz, slot * SLOT_MS);
  cache.set(tz, { slot, offset });
  return offset;
}
