// `warden test PATH...`: runs every fixture under the paths and reports failures, coverage and a summary.

import { runFixtures } from "../runner/suite";
import { junitReport } from "../report/junit";
import { prettyTestReport } from "../report/pretty";
import { option, parse, type Io } from "../args";
import { UsageError } from "../errors";

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
