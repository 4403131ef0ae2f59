// Finds, loads and runs every fixture under some paths, and gathers the report: the programmatic core of `warden test`.

import { generateSigningKey, loadEngine } from "../../enforcer/index";
import { discover } from "../discover";
import { UsageError } from "../errors";
import { readSource } from "../source";
import { VERSION } from "../version";
import { Coverage } from "./coverage";
import { loadFixtureFile } from "./load";
import type { CaseResult, LoadedCase, SkippedFile, TestReport } from "./model";
import { runCase, type RunContext } from "./run";

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
    throw new UsageError(
      `no fixtures found under ${paths.join(", ")} (fixtures are .yaml, .yml or .json files with name, request and expect, steps, or cases)`,
      "test",
    );
  }
  const wanted = filter === undefined ? cases : cases.filter((c) => matches(c, filter));
  const [engine, signingKey] = await Promise.all([loadEngine(), generateSigningKey()]);
  const coverage = new Coverage();
  const ctx: RunContext = { engine, signingKey, coverage, cwd, passports: new Map() };
  const results: CaseResult[] = [];
  for (const c of wanted) results.push(await runCase(c, ctx));
  const failed = results.filter((r) => r.status === "failed").length;
  return {
    version: VERSION,
    passed: results.length - failed,
    failed,
    files: files.length - skipped.length,
    filter: filter ?? null,
    cases: results,
    skipped,
    coverage: coverage.report(),
  };
}

/** `--filter TEXT` keeps the cases whose file path or name contains TEXT, ignoring case. */
function matches(c: LoadedCase, filter: string): boolean {
  const needle = filter.toLowerCase();
  return c.name.toLowerCase().includes(needle) || c.source.file.toLowerCase().includes(needle);
}
