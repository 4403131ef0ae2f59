// The search behind `warden diff`: concrete probes (request, counter snapshot, time) built from the
// values of two passports' constraints — list entries, action patterns, every threshold ± 1, the
// edges of every time window — evaluated against both passports in the module. A probe whose two
// verdicts differ lands in a class named by the first rule, in pipeline order, whose outcome differs
// between the two traces. Nothing here decides: the module evaluates every probe, and which counter
// a cap reads or where its edge lies is found by probing, not written down here.

import { COUNTER_BLOCK_FIELDS } from "../../bindings/gen/abi-layout";
import type { Engine, Policy } from "../../bindings/engine";
import type { Decision, Outcome, Verdict } from "../../bindings/decision";
import { tzOffsetMinutes } from "../../bindings/timezone";

export interface Probe {
  request: { action: string; cost_cents?: number; target?: string; context?: Record<string, unknown> };
  counters: Record<string, number | string>;
  now: number;
}

/** A class of requests whose verdict differs: where the two traces first part, and how. */
export interface ClassKey {
  rule: string;
  old_outcome: Outcome;
  new_outcome: Outcome;
}

export interface Found {
  key: ClassKey;
  probe: Probe;
  old: Decision;
  new: Decision;
}

/** The counter snapshot's numeric fields, in the order of the ABI's counter block (schemas/abi-layout.json). */
const COUNTERS = COUNTER_BLOCK_FIELDS;
type Counter = (typeof COUNTERS)[number];
const MAX = Number.MAX_SAFE_INTEGER;
const MIN_MS = 60_000,
  DAY_MS = 86_400_000;

/** A value ladder for amounts and counts (each decade), refined by thresholds ± 1 from the passports. */
const LADDER = [0, 1, 2, 5, 10, 20, 50, 100, 1_000, 10_000, 100_000, 1_000_000, 1e9, 1e12, MAX];
/** Strings that carry a secret and personal data (SPEC §5 shapes), for the detection switches. */
const SECRET_SAMPLE = "sk-probeAAAAbbbbCCCCdddd1234";
const PII_SAMPLE = "jane.doe@example.com";
const PLAIN_ACTION = "probe:read";
/** A target no URL parser accepts: a domain list blocks it (invalid_target) even when empty. */
const UNPARSABLE_TARGET = "http://[probe/";

/** The dimensions a probe varies, each with its candidate values (`undefined` = absent). */
interface Space {
  actions: string[];
  targets: (string | undefined)[];
  contexts: (Record<string, unknown> | undefined)[];
  amounts: number[];
  counts: number[];
  idle: (number | undefined)[]; // ms before now of last_action_at
  heartbeat: (number | undefined)[]; // ms before now of last_heartbeat_at
  pending: (string | undefined)[];
  nows: number[];
}

type Point = {
  action: number;
  target: number;
  context: number;
  cost: number;
  counters: number[]; // index into amounts (spent/held) or counts (actions)
  idle: number;
  heartbeat: number;
  pending: number;
  now: number;
};

// ---- candidate values from the passports --------------------------------------------------------

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
}
function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Patterns of a passport: permissions, action lists and approval patterns with sentinels expanded (from the module). */
function patternsOf(p: Policy, sentinels: Map<string, string[]>): string[] {
  const c = (p.passport.constraints ?? {}) as Record<string, unknown>;
  const out: string[] = [...(asList(p.passport.permissions) as string[])];
  for (const k of ["core:scope:action_allowlist", "core:scope:action_blocklist", "core:approval:for_actions"]) {
    for (const x of asList(c[k]) as string[]) out.push(...(sentinels.get(x.toLowerCase()) ?? [x]));
  }
  return uniq(out.filter((x) => typeof x === "string"));
}

/**
 * Actions that match each pattern, alone and together with another (one pattern's instance put in
 * the other's `*`), plus write-verb variants so read-only has something to bite on.
 */
function actionsFrom(patterns: string[]): string[] {
  const fills = ["probe", "", "write_probe"];
  // Actions that match few patterns too: without a colon, and of other first and last letters.
  const out: string[] = [PLAIN_ACTION, "probe:write_probe", "probe", "q9", "write"];
  for (const p of patterns) for (const f of fills) out.push(p.replaceAll("*", f));
  for (const p of patterns) {
    if (!p.includes("*")) continue;
    for (const q of patterns) if (q !== p) out.push(p.replace("*", q.replaceAll("*", "")), p.replace("*", q.replaceAll("*", "probe")));
  }
  // Patterns match regardless of case, but a verb's first word ends at a lower-to-upper change
  // (SPEC §10): the same action in one case may write and in another not.
  const cased = out.flatMap((a) => [a, a.toUpperCase(), a.toLowerCase()]);
  return uniq(cased.filter((a) => a.length > 0 && a.length <= 1024));
}

/** Entries shared by both passports' lists that are probed (lists of 100,000 entries are expected). */
const SHARED_ENTRIES = 16;
/** Entries in one list and not the other that are probed: one is enough to show the class. */
const DIFFERING_ENTRIES = 1000;

/**
 * Hosts from the domain lists: every entry one passport has and the other lacks, and a few of those
 * both share (a target both accept, for probing the other rules); each as itself and a subdomain.
 */
function hostsFrom(a: Policy, b: Policy): string[] {
  const out: string[] = [];
  for (const k of ["core:scope:domain_allowlist", "core:scope:domain_blocklist"]) {
    const la = asList((a.passport.constraints as Record<string, unknown> | undefined)?.[k]).filter((e): e is string => typeof e === "string");
    const lb = asList((b.passport.constraints as Record<string, unknown> | undefined)?.[k]).filter((e): e is string => typeof e === "string");
    const sa = new Set(la),
      sb = new Set(lb);
    const differ = [...la.filter((e) => !sb.has(e)), ...lb.filter((e) => !sa.has(e))].slice(0, DIFFERING_ENTRIES);
    const shared = la.filter((e) => sb.has(e)).slice(0, SHARED_ENTRIES);
    for (const e of [...differ, ...shared]) {
      const bare = e.startsWith("*.") ? e.slice(2) : e;
      out.push(bare, `probe.${bare}`);
    }
  }
  return out;
}

/** Every integer a constraint holds, as amounts, counts and minutes. */
function numbersFrom(p: Policy, kinds: Map<string, number>): number[] {
  const c = (p.passport.constraints ?? {}) as Record<string, unknown>;
  const out: number[] = [];
  for (const [k, v] of Object.entries(c)) if (kinds.get(k) === 0 && typeof v === "number") out.push(v);
  return out;
}

function around(vs: number[]): number[] {
  const out: number[] = [];
  for (const v of vs) for (const d of [-1, 0, 1]) if (v + d >= 0 && v + d <= MAX) out.push(v + d);
  return out;
}

/** Monday 00:00 UTC of the ISO week containing `t`. */
function weekStart(t: number): number {
  const day = Math.floor(t / DAY_MS);
  return (day - ((((day + 3) % 7) + 7) % 7)) * DAY_MS;
}

function localToUtc(tz: string, local: number): number {
  let utc = local - tzOffsetMinutes(tz, local) * MIN_MS;
  utc = local - tzOffsetMinutes(tz, utc) * MIN_MS;
  return utc;
}

function instantsFrom(p: Policy, weeks: number[]): number[] {
  const pp = p.passport as Record<string, unknown>;
  const c = (pp.constraints ?? {}) as Record<string, unknown>;
  const out: number[] = [];
  for (const k of ["not_before", "expires_at"]) if (typeof pp[k] === "string") out.push(Date.parse(pp[k] as string));
  for (const b of asList(c["core:time:blackout_windows"]) as { start?: string; end?: string }[]) {
    if (typeof b?.start === "string") out.push(Date.parse(b.start));
    if (typeof b?.end === "string") out.push(Date.parse(b.end));
  }
  for (const r of asList(c["core:time:operating_hours"]) as { timezone?: string; start?: string; end?: string }[]) {
    if (typeof r?.start !== "string" || typeof r.end !== "string") continue;
    const tz = r.timezone ?? "UTC";
    const mins = [r.start, r.end].map((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5)));
    for (const w of weeks) for (let d = -1; d < 8; d++) for (const m of mins) out.push(localToUtc(tz, w + d * DAY_MS + m * MIN_MS));
  }
  return out.filter((t) => Number.isFinite(t));
}

/** Breakpoints of every time condition, and a point inside each interval between two of them. */
function timeCandidates(points: number[]): number[] {
  const sorted = uniq(points).sort((a, b) => a - b);
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    out.push(sorted[i]!, sorted[i]! - 1);
    if (i + 1 < sorted.length) out.push(Math.floor((sorted[i]! + sorted[i + 1]!) / 2));
  }
  return uniq(out);
}

const REFERENCE_NOW = Date.parse("2026-02-24T15:00:00Z");

function buildSpace(engine: Engine, a: Policy, b: Policy): Space {
  const cat = engine.core.catalogue;
  const kinds = new Map(cat.keys.map((k, i) => [k, cat.keyKinds[i]!]));
  const patterns = uniq([...patternsOf(a, cat.sentinels), ...patternsOf(b, cat.sentinels)]);
  const numbers = uniq([...numbersFrom(a, kinds), ...numbersFrom(b, kinds)]);
  const nb = [a, b]
    .map((p) => p.passport.not_before)
    .filter((x): x is string => typeof x === "string")
    .map(Date.parse);
  const ea = [a, b]
    .map((p) => p.passport.expires_at)
    .filter((x): x is string => typeof x === "string")
    .map(Date.parse);
  // The reference instant: inside both passports' validity when they overlap.
  const lo = nb.length ? Math.max(...nb) : -Infinity,
    hi = ea.length ? Math.min(...ea) : Infinity;
  const ref = lo <= REFERENCE_NOW && REFERENCE_NOW < hi ? REFERENCE_NOW : Number.isFinite(lo) ? lo + DAY_MS : hi - 8 * DAY_MS;
  const anchors = [ref, ...instantsFrom(a, []), ...instantsFrom(b, [])];
  const weeks = uniq(anchors.filter(Number.isFinite).map(weekStart)).slice(0, 12);
  const nows = timeCandidates([ref, ...instantsFrom(a, weeks), ...instantsFrom(b, weeks)]).filter((t) => Number.isSafeInteger(t) && Math.abs(t) < 8.6e15);
  const minutes = numbers.flatMap((v) => [v * MIN_MS, v * MIN_MS + 1, v * MIN_MS + MIN_MS]).filter((v) => v <= 1e14);
  return {
    actions: actionsFrom(patterns),
    targets: uniq([undefined, "probe.invalid", UNPARSABLE_TARGET, ...hostsFrom(a, b)]),
    contexts: [undefined, { note: SECRET_SAMPLE }, { note: PII_SAMPLE }],
    amounts: uniq([...LADDER, ...around(numbers)]).sort((x, y) => x - y),
    counts: uniq([...LADDER, ...around(numbers)]).sort((x, y) => x - y),
    idle: uniq([undefined, 0, 1, MIN_MS, ...minutes]),
    heartbeat: [undefined, 0, 121_000, ...minutes],
    pending: [undefined, "apr_probe"],
    nows: nows.length ? nows : [ref],
  };
}

// ---- probes ---------------------------------------------------------------------------------------

/**
 * The probe at a point. `closed`: a snapshot the enforcer could have produced (a longer window
 * holds at least what a shorter one does), tried first so examples look like real traffic; the raw
 * point is tried too, since evaluate accepts any snapshot and diff speaks for all of them.
 */
function probeAt(s: Space, p: Point, closed: boolean): Probe {
  const now = s.nows[p.now]!;
  const counters: Record<string, number | string> = {};
  const v = COUNTERS.map((name, i) => (i < 5 ? s.amounts : s.counts)[p.counters[i]!]!);
  if (closed) {
    v[7] = Math.max(v[7]!, v[6]!, v[5]!);
    v[6] = Math.max(v[6]!, v[5]!);
    v[8] = Math.max(v[8]!, v[7]!);
    v[3] = Math.max(v[3]!, v[0]!, v[1]!, v[2]!);
  }
  COUNTERS.forEach((name: Counter, i) => {
    if (v[i]) counters[name] = v[i]!;
  });
  const idle = s.idle[p.idle],
    hb = s.heartbeat[p.heartbeat],
    pending = s.pending[p.pending];
  if (idle !== undefined && Math.abs(now - idle) < 8.6e15) counters.last_action_at = now - idle;
  if (hb !== undefined && Math.abs(now - hb) < 8.6e15) counters.last_heartbeat_at = now - hb;
  if (pending !== undefined) counters.pending_approval_id = pending;
  const request: Probe["request"] = { action: s.actions[p.action]! };
  const cost = s.amounts[p.cost]!;
  if (cost) request.cost_cents = cost;
  const target = s.targets[p.target],
    context = s.contexts[p.context];
  if (target !== undefined) request.target = target;
  if (context !== undefined) request.context = context;
  return { request, counters, now };
}

const OUTCOME_PASS: Outcome = "pass";

/** The first rule, in pipeline order, whose outcome differs between the two traces (a rule a passport lacks passes). */
export function classify(rules: readonly string[], a: Decision, b: Decision): ClassKey | null {
  if (a.decision === b.decision) return null;
  const oa = new Map(a.evaluated!.map((e) => [e.rule, e.outcome]));
  const ob = new Map(b.evaluated!.map((e) => [e.rule, e.outcome]));
  for (const rule of rules) {
    const x = oa.get(rule) ?? OUTCOME_PASS,
      y = ob.get(rule) ?? OUTCOME_PASS;
    if (x !== y) return { rule, old_outcome: x, new_outcome: y };
  }
  // Same outcomes everywhere yet different verdicts cannot happen; say so rather than hide it.
  return { rule: "(none)", old_outcome: OUTCOME_PASS, new_outcome: OUTCOME_PASS };
}

export const keyId = (k: ClassKey): string => `${k.rule} ${k.old_outcome}→${k.new_outcome}`;

/** A small deterministic generator (mulberry32): the same passports give the same report. */
function rng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const VERDICT_RANK: Record<Verdict, number> = { allow: 0, request_hold: 1, block: 2 };

export interface SearchOptions {
  samples?: number;
}
/** Values per dimension tried in pairs (spread over its candidates). */
const PAIR_VALUES = 12;

/** Searches the probe space; returns the first probe found for each class and each from→to within it. */
export function search(engine: Engine, a: Policy, b: Policy, opts: SearchOptions = {}): Found[] {
  const s = buildSpace(engine, a, b);
  const rules = engine.core.catalogue.rules;
  const ruleIndex = new Map(rules.map((r, i) => [r, i]));
  const found = new Map<string, Found>();

  const evalBoth = (pt: Point, closed = true): [Decision, Decision, Probe] | null => {
    const probe = probeAt(s, pt, closed);
    try {
      const da = a.evaluate(probe.request, probe.counters, { now: probe.now, explain: true });
      const db = b.evaluate(probe.request, probe.counters, { now: probe.now, explain: true });
      return [da, db, probe];
    } catch {
      return null; // a probe the bindings refuse (an instant out of range): not a request anyone can send
    }
  };
  const consider = (pt: Point): void => {
    for (const closed of [true, false]) {
      const r = evalBoth(pt, closed);
      if (r === null) continue;
      const [da, db, probe] = r;
      const key = classify(rules, da, db);
      if (key === null) continue;
      const id = `${keyId(key)} ${da.decision}→${db.decision}`;
      if (!found.has(id)) found.set(id, { key, probe, old: da, new: db });
    }
  };
  /** Lower is closer to a probe both passports allow: late blocks beat early ones, fewer holds beat more. */
  const badness = (pt: Point): number => {
    const r = evalBoth(pt);
    if (r === null) return Infinity;
    let score = 0;
    for (const d of [r[0], r[1]]) {
      if (d.decision === "block") score += 1000 * (rules.length - (ruleIndex.get(d.rule ?? "") ?? 0));
      score += d.holds.length + VERDICT_RANK[d.decision];
    }
    return score;
  };

  const dims: { size: number; get: (p: Point) => number; set: (p: Point, v: number) => void }[] = [
    {
      size: s.actions.length,
      get: (p) => p.action,
      set: (p, v) => {
        p.action = v;
      },
    },
    {
      size: s.targets.length,
      get: (p) => p.target,
      set: (p, v) => {
        p.target = v;
      },
    },
    {
      size: s.contexts.length,
      get: (p) => p.context,
      set: (p, v) => {
        p.context = v;
      },
    },
    {
      size: s.amounts.length,
      get: (p) => p.cost,
      set: (p, v) => {
        p.cost = v;
      },
    },
    ...COUNTERS.map((_, i) => ({
      size: (i < 5 ? s.amounts : s.counts).length,
      get: (p: Point) => p.counters[i]!,
      set: (p: Point, v: number) => {
        p.counters[i] = v;
      },
    })),
    {
      size: s.idle.length,
      get: (p) => p.idle,
      set: (p, v) => {
        p.idle = v;
      },
    },
    {
      size: s.heartbeat.length,
      get: (p) => p.heartbeat,
      set: (p, v) => {
        p.heartbeat = v;
      },
    },
    {
      size: s.pending.length,
      get: (p) => p.pending,
      set: (p, v) => {
        p.pending = v;
      },
    },
    {
      size: s.nows.length,
      get: (p) => p.now,
      set: (p, v) => {
        p.now = v;
      },
    },
  ];
  const copy = (p: Point): Point => ({ ...p, counters: [...p.counters] });
  const nowIdx = Math.max(0, s.nows.indexOf(s.nows.find((t) => t === REFERENCE_NOW) ?? s.nows[0]!));
  const base: Point = { action: 0, target: 0, context: 0, cost: 0, counters: COUNTERS.map(() => 0), idle: 0, heartbeat: 0, pending: 0, now: nowIdx };

  // 1. A neutral base: coordinate descent towards a probe both passports allow.
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const d of dims) {
      let best = d.get(base),
        bestScore = badness(base);
      for (let v = 0; v < d.size; v++) {
        const p = copy(base);
        d.set(p, v);
        const sc = badness(p);
        if (sc < bestScore) {
          best = v;
          bestScore = sc;
        }
      }
      d.set(base, best);
    }
  }
  // 2. One dimension at a time, then two at a time (the large ones thinned), from the base.
  for (const d of dims)
    for (let v = 0; v < d.size; v++) {
      const p = copy(base);
      d.set(p, v);
      consider(p);
    }
  const step = (n: number): number => Math.max(1, Math.ceil(n / PAIR_VALUES));
  for (let i = 0; i < dims.length; i++) {
    for (let j = i + 1; j < dims.length; j++) {
      const di = dims[i]!,
        dj = dims[j]!;
      for (let x = 0; x < di.size; x += step(di.size)) {
        for (let y = 0; y < dj.size; y += step(dj.size)) {
          const p = copy(base);
          di.set(p, x);
          dj.set(p, y);
          consider(p);
        }
      }
    }
  }
  // 3. Random probes around the base: each dimension kept or drawn afresh.
  const rand = rng(0x5eed);
  const samples = opts.samples ?? 20_000;
  for (let k = 0; k < samples; k++) {
    const p = copy(base);
    for (const d of dims) if (rand() < 0.35) d.set(p, Math.floor(rand() * d.size));
    consider(p);
  }
  return [...found.values()];
}

// ---- regions ----------------------------------------------------------------------------------------

/** A numeric input and the interval around the example's value over which the class holds. */
export interface Range {
  field: string;
  from: number | string;
  to: number | string;
}

type Field = { name: string; get: (p: Probe) => number; set: (p: Probe, v: number) => void; min: number; max: number; time?: boolean };

const YEARS_10 = 10 * 365 * DAY_MS;

function fieldsOf(p: Probe): Field[] {
  const out: Field[] = [
    {
      name: "cost_cents",
      get: (q) => q.request.cost_cents ?? 0,
      set: (q, v) => {
        q.request.cost_cents = v;
      },
      min: 0,
      max: MAX,
    },
  ];
  for (const c of COUNTERS) {
    out.push({
      name: c,
      get: (q) => (q.counters[c] as number | undefined) ?? 0,
      set: (q, v) => {
        q.counters[c] = v;
      },
      min: 0,
      max: MAX,
    });
  }
  if (typeof p.counters.last_action_at === "number") {
    out.push({
      name: "minutes since last_action_at",
      get: (q) => q.now - (q.counters.last_action_at as number),
      set: (q, v) => {
        q.counters.last_action_at = q.now - v;
      },
      min: 0,
      max: YEARS_10,
    });
  }
  out.push({
    name: "now",
    get: (q) => q.now,
    set: (q, v) => {
      q.now = v;
    },
    min: p.now - YEARS_10,
    max: p.now + YEARS_10,
    time: true,
  });
  return out;
}

function cloneProbe(p: Probe): Probe {
  return { request: { ...p.request }, counters: { ...p.counters }, now: p.now };
}

/**
 * For each numeric input, the interval around the example's value (the others held) over which a
 * probe stays in the class with the same from→to: found by bisection against the module, so it
 * shows where each passport's edge lies (`>` or `≥`, which counters) without this code knowing.
 * Inputs the class does not depend on (in class over their whole range) are left out.
 */
export function regionOf(engine: Engine, a: Policy, b: Policy, f: Found): Range[] {
  const rules = engine.core.catalogue.rules;
  const want = `${keyId(f.key)} ${f.old.decision}→${f.new.decision}`;
  const inClass = (p: Probe): boolean => {
    try {
      const da = a.evaluate(p.request, p.counters, { now: p.now, explain: true });
      const db = b.evaluate(p.request, p.counters, { now: p.now, explain: true });
      const k = classify(rules, da, db);
      return k !== null && `${keyId(k)} ${da.decision}→${db.decision}` === want;
    } catch {
      return false;
    }
  };
  const out: Range[] = [];
  for (const field of fieldsOf(f.probe)) {
    const x0 = field.get(f.probe);
    const at = (v: number): boolean => {
      const q = cloneProbe(f.probe);
      field.set(q, v);
      return inClass(q);
    };
    const edge = (dir: 1 | -1): number => {
      const limit = dir > 0 ? field.max : field.min;
      let inside = x0,
        stepSize = 1;
      let outside: number | null = null;
      while (outside === null) {
        const next = dir > 0 ? Math.min(limit, inside + stepSize) : Math.max(limit, inside - stepSize);
        if (next === inside) return inside;
        if (at(next)) inside = next;
        else outside = next;
        stepSize *= 2;
      }
      while (Math.abs(outside - inside) > 1) {
        const mid = Math.floor((inside + outside) / 2);
        if (at(mid)) inside = mid;
        else outside = mid;
      }
      return inside;
    };
    const lo = edge(-1),
      hi = edge(1);
    if (lo === field.min && hi === field.max) continue;
    if (field.name.startsWith("minutes")) {
      out.push({ field: "time since last_action_at (ms)", from: lo, to: hi === field.max ? "∞" : hi });
    } else if (field.time) {
      out.push({ field: "now", from: lo === field.min ? "-∞" : new Date(lo).toISOString(), to: hi === field.max ? "∞" : new Date(hi).toISOString() });
    } else {
      out.push({ field: field.name, from: lo, to: hi === field.max ? "∞" : hi });
    }
  }
  return out;
}
