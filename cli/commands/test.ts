// `warden test PATH...`: runs every fixture under the paths and reports failures, coverage and a summary.

import { generateSigningKey, loadEngine } from "../../enforcer/index";
import { discover } from "../discover";
import { readSource } from "../source";
import { Coverage, type CoverageReport } from "../runner/coverage";
import { loadFixtureFile } from "../runner/load";
import type { CaseResult, LoadedCase, SkippedFile } from "../runner/model";
import { runCase, type RunContext } from "../runner/run";
import { junitReport } from "../report/junit";
import { prettyTestReport } from "../report/pretty";
import { option, parse, type Io } from "../args";
import { UsageError } from "../errors";
import { VERSION } from "../version";

export interface TestReport {
  version: string;
  passed: number;
  failed: number;
  files: number;
  filter: string | null;
  cases: CaseResult[];
  skipped: SkippedFile[];
  coverage: CoverageReport;
}

export const REPORTERS = ["pretty", "json", "junit"] as const;
type Reporter = (typeof REPORTERS)[number];

export const TEST_OPTIONS = {
  json: { type: "boolean" },
  reporter: { type: "string" },
  filter: { type: "string" },
  coverage: { type: "boolean" },
  verbose: { type: "boolean" },
} as const;

export async function testCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse("test", args, TEST_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError("give at least one file or directory of fixtures, like: warden test examples/", "test");
  const reporter = reporterOf(values.json === true, option(values.reporter));
  const report = await runFixtures(positionals, io.cwd, option(values.filter));
  if (reporter === "json") io.stdout(JSON.stringify(report, null, 2) + "\n");
  else if (reporter === "junit") io.stdout(junitReport(report));
  else io.stdout(prettyTestReport(report, { coverage: values.coverage === true, verbose: values.verbose === true, debug: io.debug, color: io.color }));
  // Nothing run is not a pass: a filter that matches nothing is most likely a mistake.
  return report.failed === 0 && report.cases.length > 0 ? 0 : 1;
}

function reporterOf(json: boolean, reporter: string | undefined): Reporter {
  if (json && reporter !== undefined && reporter !== "json") throw new UsageError(`--json and --reporter ${reporter} ask for two reports: choose one`, "test");
  if (json) return "json";
  if (reporter === undefined) return "pretty";
  if (!(REPORTERS as readonly string[]).includes(reporter)) {
    throw new UsageError(`unknown reporter "${reporter}": expected one of ${REPORTERS.join(", ")}`, "test");
  }
  return reporter as Reporter;
}

/** Finds, loads and runs the fixtures; the programmatic core of `warden test`. */
export async function runFixtures(paths: readonly string[], cwd: string, filter?: string): Promise<TestReport> {
  const files = await discover(paths, cwd);
  const cases: LoadedCase[] = [];
  const skipped: SkippedFile[] = [];
  for (const f of files) {
    const verdict = loadFixtureFile(await readSource(f.abs, f.shown), f.explicit);
    if ("skipped" in verdict) skipped.push(verdict.skipped);
    else cases.push(...verdict.cases);
  }
  if (files.length === skipped.length) {
    throw new UsageError(`no fixtures found under ${paths.join(", ")} (fixtures are .yaml, .yml or .json files with name, request and expect, steps, or cases)`, "test");
  }
  const wanted = filter === undefined ? cases : cases.filter((c) => matches(c, filter));
  const [engine, signingKey] = await Promise.all([loadEngine(), generateSigningKey()]);
  const coverage = new Coverage();
  const ctx: RunContext = { engine, signingKey, coverage, cwd, passports: new Map() };
  const results: CaseResult[] = [];
  for (const c of wanted) results.push(await runCase(c, ctx));
  const failed = results.filter((r) => r.status === "failed").length;
  return {
    version: VERSION, passed: results.length - failed, failed, files: files.length - skipped.length,
    filter: filter ?? null, cases: results, skipped, coverage: coverage.report(),
  };
}

/** `--filter TEXT` keeps the cases whose file path or name contains TEXT, ignoring case. */
function matches(c: LoadedCase, filter: string): boolean {
  const needle = filter.toLowerCase();
  return c.name.toLowerCase().includes(needle) || c.source.file.toLowerCase().includes(needle);
}
