// `warden check PASSPORT...`: validates passports with the engine (and gateway configs) and lists every problem with its path and line.

import { loadEngine, PassportError, type Engine, type Problem } from "../../enforcer/index";
import { lintPassport } from "../../bindings/lint";
import { parse, type Io } from "../args";
import { discover } from "../discover";
import { looksLikeProxyConfig, proxyConfigProblems } from "../../gateway/config";
import { UsageError } from "../errors";
import { paint } from "../paint";
import { parsePath, readSource, type Source } from "../source";
import { plural } from "../words";
import type { Passport } from "../../bindings/gen/types";

const CHECK_OPTIONS = { json: { type: "boolean" }, strict: { type: "boolean" } } as const;

interface CheckedProblem extends Problem {
  line?: number;
}

export interface CheckResult {
  file: string;
  ok: boolean;
  problems: CheckedProblem[];
  /** Keys outside core: that the engine keeps and ignores (SPEC §1). */
  warnings: string[];
  /** Cross-field mistakes (bindings/lint.ts): warnings, failures under --strict. */
  lint: CheckedProblem[];
}

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("check", args, CHECK_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError("give at least one passport file, like: warden check examples/passports/research-agent.json", "check");
  const files = await discover(positionals, io.cwd);
  if (files.length === 0) throw new UsageError(`no .json, .yaml or .yml files under ${positionals.join(", ")}`, "check");
  const engine = await loadEngine();
  const results: CheckResult[] = [];
  for (const f of files) results.push(checkOne(await readSource(f.abs, f.shown), engine));
  const strict = values.strict === true;
  const bad = results.filter((r) => !r.ok || (strict && r.lint.length > 0)).length;
  if (values.json === true) io.stdout(JSON.stringify({ checked: results.length, invalid: bad, strict, passports: results }, null, 2) + "\n");
  else io.stdout(prettyCheck(results, io.color, strict));
  return bad === 0 ? 0 : 1;
}

function checkOne(source: Source, engine: Engine): CheckResult {
  if (source.errors.length > 0) {
    return {
      file: source.file,
      ok: false,
      warnings: [],
      lint: [],
      problems: source.errors.map((e) => ({ code: "invalid_file", path: "", message: e.message, line: e.line })),
    };
  }
  if (looksLikeProxyConfig(source.value)) {
    const problems = proxyConfigProblems(source.value).map((p) => ({ ...p, line: source.lineOf(parsePath(p.path)) }));
    return { file: source.file, ok: problems.length === 0, problems, warnings: [], lint: [] };
  }
  try {
    const policy = engine.compile(source.value as Passport);
    const warnings = [...policy.warnings];
    const lint = lintPassport(policy.passport).map((p) => ({ ...p, line: source.lineOf(parsePath(p.path)) }));
    policy.dispose();
    return { file: source.file, ok: true, problems: [], warnings, lint };
  } catch (err) {
    if (!(err instanceof PassportError)) throw err;
    const problems = err.problems.map((p) => ({ ...p, line: source.lineOf(parsePath(p.path)) }));
    return { file: source.file, ok: false, problems, warnings: [], lint: [] };
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

function prettyCheck(results: readonly CheckResult[], color: boolean, strict: boolean): string {
  const c = paint(color);
  const lines: string[] = [];
  for (const r of results) {
    if (!r.ok) lines.push(`${c.red("FAIL")} ${r.file}: ${plural(r.problems.length, "problem")}`, ...r.problems.map((p) => `  ${problemText(r.file, p)}`));
    else if (strict && r.lint.length > 0) lines.push(`${c.red("FAIL")} ${r.file}: ${plural(r.lint.length, "warning")} (--strict)`);
    else lines.push(`${c.green("ok")}   ${r.file}`);
    for (const p of r.lint) lines.push(`  ${c.yellow("warning")} ${problemText(r.file, p)}`);
    for (const w of r.warnings) lines.push(`  ${c.yellow("warning")}: ${warningText(w)}`);
  }
  const bad = results.filter((r) => !r.ok || (strict && r.lint.length > 0)).length;
  lines.push(`${plural(results.length, "passport")} checked, ${bad} with problems`);
  return lines.join("\n") + "\n";
}

function warningText(w: string): string {
  const key = w.startsWith("ignored_key:") ? w.slice("ignored_key:".length) : undefined;
  return key === undefined ? w : `constraints[${JSON.stringify(key)}] is not a core: key; the engine keeps and ignores it`;
}
