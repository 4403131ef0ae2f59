// `warden replay`: recorded traffic through a changed passport, counters rebuilt as the replay goes;
// prints what would have been decided differently. Exit 0 nothing changes, 1 something does.

import { resolve } from "node:path";
import { loadEngine, PassportError, type Policy } from "../../enforcer/index";
import type { Engine } from "../../bindings/engine";
import type { Passport } from "../../bindings/gen/types";
import { option, parse, type Io } from "../args";
import { shownPath } from "../discover";
import { InputError, UsageError, explainError } from "../errors";
import { paint } from "../paint";
import { readSource } from "../source";
import { problemLines } from "./check";
import { readRecordings } from "../replay/input";
import { firstUnrecorded, replay, type ReplayReport } from "../replay/run";

const REPLAY_OPTIONS = {
  passport: { type: "string" },
  baseline: { type: "string" },
  json: { type: "boolean" },
} as const;

export async function replayCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("replay", args, REPLAY_OPTIONS, true);
  const passportPath = option(values.passport);
  if (passportPath === undefined) throw new UsageError("--passport FILE is required", "replay");
  if (positionals.length === 0) throw new UsageError("give at least one INPUT file (JSON Lines)", "replay");
  const baselinePath = option(values.baseline);
  try {
    const engine = await loadEngine();
    const policy = await compileFile(engine, io, passportPath);
    const baseline = baselinePath === undefined ? null : await compileFile(engine, io, baselinePath);
    const files = positionals.map((p) => ({ abs: resolve(io.cwd, p), shown: shownPath(io.cwd, resolve(io.cwd, p)) }));
    const events = await readRecordings(files);
    if (baseline === null) {
      const missing = firstUnrecorded(events);
      if (missing !== undefined) {
        throw new InputError(`${missing.source}: no recorded decision to compare with; give --baseline OLD_PASSPORT, or record "decision" on every line`);
      }
    }
    const report = replay(engine, events, policy, baseline);
    io.stdout(
      values.json === true
        ? JSON.stringify(report, null, 2) + "\n"
        : pretty(report, { passport: passportPath, baseline: baselinePath ?? null, inputs: positionals }, io.color),
    );
    return report.changed === 0 ? 0 : 1;
  } catch (err) {
    // 1 means "something changes": an input that cannot be used is told apart as 2, like a usage error.
    if (err instanceof InputError || err instanceof PassportError) {
      io.stderr(`warden replay: ${explainError(err)}\n`);
      return 2;
    }
    throw err;
  }
}

/** Reads and compiles a passport file; problems are listed with their lines. */
export async function compileFile(engine: Engine, io: Io, path: string): Promise<Policy> {
  const abs = resolve(io.cwd, path);
  const source = await readSource(abs, shownPath(io.cwd, abs));
  if (source.errors.length > 0) throw new InputError(`${source.file}: ${source.errors[0]!.message}`);
  try {
    return engine.compile(source.value as Passport);
  } catch (err) {
    if (err instanceof PassportError) throw new InputError([`${source.file} is not a valid passport:`, ...problemLines(source, err.problems)].join("\n"));
    throw err;
  }
}

const num = (n: number): string => n.toLocaleString("en-US");

function pretty(r: ReplayReport, what: { passport: string; baseline: string | null; inputs: string[] }, color: boolean): string {
  const out: string[] = [];
  out.push(`replayed ${num(r.total)} request${r.total === 1 ? "" : "s"} from ${what.inputs.join(", ")}`);
  out.push(`  through ${what.passport}, against ${what.baseline ?? "the recorded decisions"}`);
  const pct = r.changed === 0 ? "0" : ((100 * r.changed) / r.total).toFixed(r.changed * 1000 < r.total ? 2 : 1);
  const ink = paint(color);
  out.push((r.changed === 0 ? ink.green : ink.red)(`${num(r.changed)} changed (${pct}%)`));
  if (r.changed > 0) {
    out.push("", "flips:");
    for (const [flip, n] of sorted(r.flips)) out.push(`  ${flip.padEnd(28)} ${num(n).padStart(10)}`);
    out.push("", "by rule:");
    for (const [rule, n] of sorted(r.by_rule)) out.push(`  ${rule.padEnd(34)} ${num(n).padStart(10)}`);
    out.push("", "first examples:");
    for (const ex of r.examples) {
      const req = ex.request;
      const what = [req.action, req.cost_cents ? `${req.cost_cents}¢` : "", req.target ?? ""].filter((s) => s !== "").join(" ");
      const why = ex.replayed.decision !== "allow" ? ex.replayed : ex.baseline;
      out.push(`  ${ex.at}  ${ex.flip.padEnd(22)} ${what}  [${why.rule ?? "-"}: ${why.reason ?? "-"}]  ${ex.source}`);
    }
  }
  return out.join("\n") + "\n";
}

function sorted(m: Record<string, number>): [string, number][] {
  return Object.entries(m).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}
