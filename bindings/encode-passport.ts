// Encodes a validated passport into the compiled-passport bytes the module decodes once
// (docs/abi.md "Compiled passport"). Input preparation only: hosts are canonicalised with the
// runtime's URL parser, times parsed to epoch ms, schedules turned into minutes; no decisions.

import { ByteSink } from "./bytes";
import type { Catalogue } from "./core";
import { canonicalEntry } from "./host";

export const POLICY_MAGIC = 0x31505741; // "AWP1"

/** How each key's value is encoded; the numbers are the module's ValueKind (assembly/catalogue.ts). */
export const ValueKind = { Int: 0, Bool: 1, Window: 2, Patterns: 3, Domains: 4, Schedule: 5, Blackouts: 6 } as const;

const WINDOWS = ["daily", "weekly", "monthly", "total"];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const ALL_DAYS = 0x7f;

interface ScheduleRange {
  timezone?: string;
  days?: string[];
  start: string;
  end: string;
}
interface Blackout {
  start: string;
  end: string;
  reason?: string;
}

export interface PassportLike {
  status?: string;
  not_before?: string | null;
  expires_at?: string | null;
  permissions?: string[];
  constraints?: Record<string, unknown>;
}

export interface EncodedPassport {
  bytes: Uint8Array;
  /** Time zones of core:time:operating_hours, by index; the request carries their UTC offsets. */
  timezones: string[];
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

function dayMask(days: string[] | undefined): number {
  if (!days) return ALL_DAYS;
  let mask = 0;
  for (const d of days) mask |= 1 << DAYS.indexOf(d.toLowerCase());
  return mask;
}

function encodeSchedule(sink: ByteSink, value: unknown, timezones: string[]): void {
  const ranges = (Array.isArray(value) ? value : [value]) as ScheduleRange[];
  sink.u32(ranges.length);
  for (const r of ranges) {
    const tz = r.timezone ?? "UTC";
    let idx = timezones.indexOf(tz);
    if (idx < 0) idx = timezones.push(tz) - 1;
    sink.i32(idx);
    sink.i32(dayMask(r.days));
    sink.i32(minutes(r.start));
    sink.i32(minutes(r.end));
  }
}

function encodeValue(sink: ByteSink, kind: number, value: unknown, timezones: string[]): void {
  switch (kind) {
    case ValueKind.Int:
      sink.i64(value as number);
      break;
    case ValueKind.Bool:
      sink.i64(value ? 1 : 0);
      break;
    case ValueKind.Window:
      sink.i64(WINDOWS.indexOf(value as string));
      break;
    case ValueKind.Patterns: {
      const list = value as string[];
      sink.u32(list.length);
      for (const s of list) sink.str(s);
      break;
    }
    case ValueKind.Domains: {
      const list = value as string[];
      sink.u32(list.length);
      for (const entry of list) {
        const c = canonicalEntry(entry);
        if (!c) throw new Error(`unparsable domain entry survived validation: ${entry}`);
        sink.u8(c.wildcard ? 1 : 0);
        sink.str(c.host);
      }
      break;
    }
    case ValueKind.Schedule:
      encodeSchedule(sink, value, timezones);
      break;
    case ValueKind.Blackouts: {
      const list = value as Blackout[];
      sink.u32(list.length);
      for (const b of list) {
        sink.i64(Date.parse(b.start));
        sink.i64(Date.parse(b.end));
        sink.str(b.reason ?? "");
      }
      break;
    }
  }
}

/** Encodes a passport that validatePassport accepted. */
export function encodePassport(passport: PassportLike, catalogue: Catalogue): EncodedPassport {
  const body = new ByteSink(1024);
  const timezones: string[] = [];
  const constraints = passport.constraints ?? {};
  let count = 0;
  for (const key of Object.keys(constraints)) {
    const id = catalogue.keyIds.get(key);
    if (id === undefined) continue; // foreign namespaces: reported as warnings, ignored by the engine
    body.u32(id);
    encodeValue(body, catalogue.keyKinds[id], constraints[key], timezones);
    count++;
  }
  const head = new ByteSink(256);
  head.u32(POLICY_MAGIC);
  head.u32(passport.status === "revoked" ? 1 : 0);
  const nb = passport.not_before ?? null,
    exp = passport.expires_at ?? null;
  head.u32((nb !== null ? 1 : 0) | (exp !== null ? 2 : 0));
  head.i64(nb !== null ? Date.parse(nb) : 0);
  head.i64(exp !== null ? Date.parse(exp) : 0);
  const perms = passport.permissions ?? [];
  head.u32(perms.length);
  for (const p of perms) head.str(p);
  head.u32(timezones.length);
  head.u32(count);
  const out = new Uint8Array(head.len + body.len);
  out.set(head.bytes(), 0);
  out.set(body.bytes(), head.len);
  return { bytes: out, timezones };
}
