// The human report of `warden test`: one line per failing case, coverage, and `N passed, N failed` last.

import type { TestReport } from "../runner/model";
import type { CaseResult, Failure } from "../runner/model";
import { paint } from "../paint";
import { plural } from "../words";

export interface PrettyOptions {
  coverage: boolean;
  verbose: boolean;
  debug: boolean;
  color: boolean;
}

export function prettyTestReport(report: TestReport, opts: PrettyOptions): string {
  const c = paint(opts.color);
  const lines: string[] = [];
  for (const r of report.cases) {
    if (r.status === "failed") {
      lines.push(`${c.red("FAIL")} ${caseLine(r)}`);
      if (opts.debug) for (const f of r.failures) if (f.stack) lines.push(f.stack);
    } else if (opts.verbose) {
      lines.push(`${c.green("PASS")} ${where(r)}  ${r.name}`);
    }
  }
  if (lines.length > 0) lines.push("");
  lines.push(...coverageLines(report, opts.coverage));
  lines.push(...skippedLines(report, opts.verbose));
  if (report.cases.length === 0 && report.filter !== null) lines.push(`no case matches --filter ${JSON.stringify(report.filter)}`);
  const summary = `${report.passed} passed, ${report.failed} failed`;
  lines.push(report.failed > 0 ? c.red(summary) : report.cases.length > 0 ? c.green(summary) : summary);
  return lines.join("\n") + "\n";
}

const where = (r: CaseResult) => (r.line === undefined ? r.file : `${r.file}:${r.line}`);

/** `file:line  name — field (line N): message; field: message`, fields relative to the case. */
export function caseLine(r: CaseResult): string {
  const parts = r.failures.map((f) => failureText(f, r));
  const name = r.name === r.file ? "" : `  ${r.name}`;
  return `${where(r)}${name} — ${parts.join("; ")}`;
}

function failureText(f: Failure, r: CaseResult): string {
  const field = relative(f.field, r.path);
  const line = f.line !== undefined && (f.line !== r.line || f.file !== r.file) ? ` (${f.file === r.file ? "" : `${f.file}:`}line ${f.line})` : "";
  const head = field === "" ? (line === "" ? "" : `${line.slice(2, -1)}: `) : `${field}${line}: `;
  return `${head}${f.message}`;
}

/** A case's failures name fields inside the case: `cases[2].expect.reason` shows as `expect.reason`. */
function relative(field: string, base: string): string {
  if (base === "") return field;
  if (field === base) return "";
  return field.startsWith(base + ".") ? field.slice(base.length + 1) : field.startsWith(base + "[") ? field.slice(base.length) : field;
}

function coverageLines(report: TestReport, table: boolean): string[] {
  const cov = report.coverage;
  if (cov.decisions === 0) return [];
  const total = cov.rules.length;
  const idle = new Set(cov.not_exercised);
  const fired = total - cov.never_fired.length,
    passed = total - cov.never_passed.length;
  const out = [
    `coverage: ${total - idle.size}/${plural(total, "configured rule")} exercised, ${fired} fired, ${passed} passed (${plural(cov.decisions, "decision")})`,
  ];
  if (table) {
    const width = Math.max(...cov.rules.map((r) => r.rule.length));
    out.push(`  ${"rule".padEnd(width)}  ${"passed".padStart(6)}  ${"fired".padStart(6)}`);
    for (const r of cov.rules) out.push(`  ${r.rule.padEnd(width)}  ${String(r.passed).padStart(6)}  ${String(r.fired).padStart(6)}`);
    return out;
  }
  const list = (label: string, rules: readonly string[]) => (rules.length > 0 ? [`  ${label}: ${rules.join(", ")}`] : []);
  out.push(
    ...list(
      "never fired",
      cov.never_fired.filter((r) => !idle.has(r)),
    ),
  );
  out.push(
    ...list(
      "never passed",
      cov.never_passed.filter((r) => !idle.has(r)),
    ),
  );
  out.push(...list("not exercised", cov.not_exercised));
  return out;
}

/** Files a walk found that are not fixtures (passports beside them, mostly): a count, listed with --verbose. */
function skippedLines(report: TestReport, verbose: boolean): string[] {
  const n = report.skipped.length;
  if (n === 0) return [];
  const head = `skipped ${plural(n, "file")} that ${n === 1 ? "is not a fixture" : "are not fixtures"}`;
  if (!verbose) return [`${head} (--verbose lists ${n === 1 ? "it" : "them"})`];
  return [`${head}:`, ...report.skipped.map((s) => `  ${s.file}: ${s.reason}`)];
}
