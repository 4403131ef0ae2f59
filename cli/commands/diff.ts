// `warden diff OLD NEW`: the classes of request two passports decide differently, each with a concrete
// request, counter snapshot and time, checked by evaluating both passports in the module.
// Exit 0 equivalent, 1 not, 2 usage error or a passport that cannot be used.

import { loadEngine, PassportError, type Policy } from "../../enforcer/index";
import type { Decision, Outcome } from "../../bindings/decision";
import { parse, type Io } from "../args";
import { InputError, UsageError, explainError } from "../errors";
import { paint } from "../paint";
import { compileFile } from "./replay";
import { keyId, type Probe, type Range, regionOf, search } from "../diff/probe";

const DIFF_OPTIONS = { json: { type: "boolean" } } as const;

export interface DecisionSummary {
  decision: string;
  reason: string;
  rule: string | null;
}

export interface DiffFlip {
  from: string;
  to: string;
  example: { request: Probe["request"]; counters: Record<string, unknown>; now: string };
  /** Numeric inputs this flip depends on, and the interval around the example where it holds. */
  region: Range[];
  old: DecisionSummary;
  new: DecisionSummary;
}

export interface DiffClass {
  /** The first rule, in pipeline order, whose outcome differs; and its outcome under each passport. */
  rule: string;
  old_outcome: Outcome;
  new_outcome: Outcome;
  /** What the passports say for that rule (constraint values, or the passport field). */
  change: { old: unknown; new: unknown; added?: unknown[]; removed?: unknown[] };
  flips: DiffFlip[];
}

export interface DiffReport {
  equivalent: boolean;
  /** Every field and constraint whose value differs, whether or not it changes a decision. */
  changed_keys: string[];
  classes: DiffClass[];
}

export async function diffCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("diff", args, DIFF_OPTIONS, true);
  if (positionals.length !== 2) throw new UsageError(`give exactly two passports, OLD and NEW (found ${positionals.length})`, "diff");
  try {
    const engine = await loadEngine();
    const a = await compileFile(engine, io, positionals[0]!);
    const b = await compileFile(engine, io, positionals[1]!);
    const report = diffPolicies(engine, a, b);
    io.stdout(values.json === true ? JSON.stringify(report, null, 2) + "\n" : pretty(report, positionals[0]!, positionals[1]!, io.color));
    return report.equivalent ? 0 : 1;
  } catch (err) {
    if (err instanceof InputError || err instanceof PassportError) {
      io.stderr(`warden diff: ${explainError(err)}\n`);
      return 2;
    }
    throw err;
  }
}

/** The diff of two compiled passports (what the command prints as JSON). */
export function diffPolicies(engine: Parameters<typeof search>[0], a: Policy, b: Policy, opts: { samples?: number; regions?: boolean } = {}): DiffReport {
  const found = search(engine, a, b, opts);
  const classes = new Map<string, DiffClass>();
  const rules = engine.core.catalogue.rules;
  for (const f of found) {
    const id = keyId(f.key);
    let c = classes.get(id);
    if (c === undefined) {
      c = { rule: f.key.rule, old_outcome: f.key.old_outcome, new_outcome: f.key.new_outcome, change: changeOf(a, b, f.key.rule), flips: [] };
      classes.set(id, c);
    }
    c.flips.push({
      from: f.old.decision,
      to: f.new.decision,
      example: { request: f.probe.request, counters: shownCounters(f.probe.counters), now: new Date(f.probe.now).toISOString() },
      region: opts.regions === false ? [] : regionOf(engine, a, b, f),
      old: summary(f.old),
      new: summary(f.new),
    });
  }
  const list = [...classes.values()].sort((x, y) => rules.indexOf(x.rule) - rules.indexOf(y.rule) || keyId(asKey(x)).localeCompare(keyId(asKey(y))));
  return { equivalent: list.length === 0, changed_keys: changedKeys(a, b), classes: list };
}

/** Times as RFC 3339, as a person (and validateCounters) reads them. */
function shownCounters(c: Probe["counters"]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c };
  for (const k of ["last_action_at", "last_heartbeat_at"]) if (typeof out[k] === "number") out[k] = new Date(out[k] as number).toISOString();
  return out;
}

const asKey = (c: DiffClass) => ({ rule: c.rule, old_outcome: c.old_outcome, new_outcome: c.new_outcome });

function summary(d: Decision): DecisionSummary {
  return { decision: d.decision, reason: d.reason, rule: d.rule };
}

/** Where a rule's setting lives in a passport: the passport field of passport:* rules, else the constraint key(s). */
function settingOf(p: Policy, rule: string): unknown {
  const pp = p.passport as Record<string, unknown>;
  const c = (pp.constraints ?? {}) as Record<string, unknown>;
  if (rule.startsWith("passport:")) return pp[rule.slice("passport:".length)] ?? null;
  if (rule === "core:cost:max_cumulative") return { max: c[rule] ?? null, window: c["core:cost:cumulative_window"] ?? null };
  return c[rule] ?? null;
}

function changeOf(a: Policy, b: Policy, rule: string): DiffClass["change"] {
  const old = settingOf(a, rule),
    neu = settingOf(b, rule);
  const out: DiffClass["change"] = { old, new: neu };
  if (Array.isArray(old) || Array.isArray(neu)) {
    const o = (Array.isArray(old) ? old : []).map((x) => JSON.stringify(x)),
      n = (Array.isArray(neu) ? neu : []).map((x) => JSON.stringify(x));
    const so = new Set(o),
      sn = new Set(n);
    out.added = n.filter((x) => !so.has(x)).map((x) => JSON.parse(x) as unknown);
    out.removed = o.filter((x) => !sn.has(x)).map((x) => JSON.parse(x) as unknown);
  }
  return out;
}

function changedKeys(a: Policy, b: Policy): string[] {
  const pa = a.passport as Record<string, unknown>,
    pb = b.passport as Record<string, unknown>;
  const out: string[] = [];
  for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
    if (k === "constraints") continue;
    if (JSON.stringify(pa[k] ?? null) !== JSON.stringify(pb[k] ?? null)) out.push(k);
  }
  const ca = (pa.constraints ?? {}) as Record<string, unknown>,
    cb = (pb.constraints ?? {}) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ca), ...Object.keys(cb)])) {
    if (JSON.stringify(ca[k] ?? null) !== JSON.stringify(cb[k] ?? null)) out.push(`constraints.${k}`);
  }
  return out.sort();
}

const show = (v: unknown): string => (v === null || v === undefined ? "(not set)" : JSON.stringify(v));

function pretty(r: DiffReport, oldPath: string, newPath: string, color: boolean): string {
  const ink = paint(color);
  const out: string[] = [`${oldPath} → ${newPath}`];
  out.push(`changed: ${r.changed_keys.length === 0 ? "nothing" : r.changed_keys.join(", ")}`);
  if (r.equivalent) {
    out.push(ink.green("equivalent: no request, counter snapshot or time is decided differently (checked in the module)"));
    return out.join("\n") + "\n";
  }
  out.push(ink.red(`${r.classes.length} class${r.classes.length === 1 ? "" : "es"} of request decided differently:`));
  for (const c of r.classes) {
    out.push("", ink.bold(`${c.rule}: ${c.old_outcome} → ${c.new_outcome}`));
    if (c.change.added !== undefined || c.change.removed !== undefined) {
      if (c.change.added?.length) out.push(`  added:   ${c.change.added.map(show).join(", ")}`);
      if (c.change.removed?.length) out.push(`  removed: ${c.change.removed.map(show).join(", ")}`);
    } else {
      out.push(`  was ${show(c.change.old)}, now ${show(c.change.new)}`);
    }
    for (const f of c.flips) {
      const req = f.example.request;
      const parts = [req.action, req.cost_cents ? `${req.cost_cents}¢` : "", req.target ?? "", req.context ? JSON.stringify(req.context) : ""].filter(
        (x) => x !== "",
      );
      out.push(`  ${f.from} → ${f.to}: ${parts.join(" ")} at ${f.example.now}`);
      const counters = Object.entries(f.example.counters)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ");
      if (counters) out.push(`    counters: ${counters}`);
      for (const g of f.region) out.push(`    holds for ${g.field} in [${g.from}, ${g.to}]`);
      out.push(`    old: ${f.old.decision} (${f.old.reason})   new: ${f.new.decision} (${f.new.reason})`);
    }
  }
  return out.join("\n") + "\n";
}
