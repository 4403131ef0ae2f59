// `warden check PASSPORT...`: validates passports with the engine (and gateway configs) and lists every problem with its path and line.

import { loadEngine, PassportError, type Engine, type Problem } from "../../enforcer/index";
import { parse, type Io } from "../args";
import { discover } from "../discover";
import { looksLikeProxyConfig, proxyConfigProblems } from "../../gateway/config";
import { UsageError } from "../errors";
import { paint } from "../paint";
import { parsePath, readSource, type Source } from "../source";
import { plural } from "../words";

const CHECK_OPTIONS = { json: { type: "boolean" } } as const;

interface CheckedProblem extends Problem { line?: number }

export interface CheckResult {
  file: string;
  ok: boolean;
  problems: CheckedProblem[];
  /** Keys outside core: that the engine keeps and ignores (SPEC §1). */
  warnings: string[];
}

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("check", args, CHECK_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError("give at least one passport file, like: warden check examples/passports/research-agent.json", "check");
  const files = await discover(positionals, io.cwd);
  if (files.length === 0) throw new UsageError(`no .json, .yaml or .yml files under ${positionals.join(", ")}`, "check");
  const engine = await loadEngine();
  const results: CheckResult[] = [];
  for (const f of files) results.push(checkOne(await readSource(f.abs, f.shown), engine));
  const bad = results.filter((r) => !r.ok).length;
  if (values.json === true) io.stdout(JSON.stringify({ checked: results.length, invalid: bad, passports: results }, null, 2) + "\n");
  else io.stdout(prettyCheck(results, io.color));
  return bad === 0 ? 0 : 1;
}

function checkOne(source: Source, engine: Engine): CheckResult {
  if (source.errors.length > 0) {
    return { file: source.file, ok: false, warnings: [], problems: source.errors.map((e) => ({ code: "invalid_file", path: "", message: e.message, line: e.line })) };
  }
  if (looksLikeProxyConfig(source.value)) {
    const problems = proxyConfigProblems(source.value).map((p) => ({ ...p, line: source.lineOf(parsePath(p.path)) }));
    return { file: source.file, ok: problems.length === 0, problems, warnings: [] };
  }
  try {
    const policy = engine.compile(source.value);
    const warnings = [...policy.warnings];
    policy.dispose();
    return { file: source.file, ok: true, problems: [], warnings };
  } catch (err) {
    if (!(err instanceof PassportError)) throw err;
    const problems = err.problems.map((p) => ({ ...p, line: source.lineOf(parsePath(p.path)) }));
    return { file: source.file, ok: false, problems, warnings: [] };
  }
}

/** `  file:line path: message (expected X, found Y); hint`, one per problem. */
export function problemLines(source: Source, problems: readonly Problem[]): string[] {
  return problems.map((p) => `  ${problemText(source.file, { ...p, line: source.lineOf(parsePath(p.path)) })}`);
}

function problemText(file: string, p: CheckedProblem): string {
  const where = p.line === undefined ? file : `${file}:${p.line}`;
  const parts: string[] = [];
  if (p.expected !== undefined) parts.push(`expected ${p.expected}`);
  if (p.found !== undefined) parts.push(`found ${p.found}`);
  const detail = parts.length > 0 ? ` (${parts.join(", ")})` : "";
  return `${where} ${p.path === "" ? "" : `${p.path}: `}${p.message}${detail}${p.hint === undefined ? "" : `; ${p.hint}`}`;
}

function prettyCheck(results: readonly CheckResult[], color: boolean): string {
  const c = paint(color);
  const lines: string[] = [];
  for (const r of results) {
    if (r.ok) lines.push(`${c.green("ok")}   ${r.file}`);
    else lines.push(`${c.red("FAIL")} ${r.file}: ${plural(r.problems.length, "problem")}`, ...r.problems.map((p) => `  ${problemText(r.file, p)}`));
    for (const w of r.warnings) lines.push(`  ${c.yellow("warning")}: ${warningText(w)}`);
  }
  const bad = results.filter((r) => !r.ok).length;
  lines.push(`${plural(results.length, "passport")} checked, ${bad} with problems`);
  return lines.join("\n") + "\n";
}

function warningText(w: string): string {
  const key = w.startsWith("ignored_key:") ? w.slice("ignored_key:".length) : undefined;
  return key === undefined ? w : `constraints[${JSON.stringify(key)}] is not a core: key; the engine keeps and ignores it`;
}
