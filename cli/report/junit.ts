// The JUnit XML report of `warden test`, for CI systems: a testsuite per file, a testcase per case.

import type { TestReport } from "../runner/model";
import type { CaseResult } from "../runner/model";
import { caseLine } from "./pretty";

/** Malformed fixtures are <error>s, wrong answers <failure>s, as JUnit readers expect. */
export function junitReport(report: TestReport): string {
  const byFile = new Map<string, CaseResult[]>();
  for (const r of report.cases) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const errors = report.cases.filter(isError).length;
  out.push(
    `<testsuites name="warden test" tests="${report.cases.length}" failures="${report.failed - errors}" errors="${errors}" time="${seconds(report.cases)}">`,
  );
  for (const [file, cases] of byFile) {
    const errs = cases.filter(isError).length;
    const fails = cases.filter((c) => c.status === "failed").length - errs;
    out.push(`  <testsuite name="${attr(file)}" tests="${cases.length}" failures="${fails}" errors="${errs}" time="${seconds(cases)}">`);
    for (const c of cases) out.push(...testcase(c));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

function testcase(c: CaseResult): string[] {
  const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.file)}" file="${attr(c.file)}"${c.line === undefined ? "" : ` line="${c.line}"`} time="${seconds([c])}"`;
  if (c.status === "passed") return [`${open}/>`];
  const tag = isError(c) ? "error" : "failure";
  const first = c.failures[0];
  const message = first ? `${first.field === "" ? "" : `${first.field}: `}${first.message}` : "failed";
  return [
    `${open}>`,
    `      <${tag} message="${attr(message)}" type="${attr(first?.code ?? first?.kind ?? tag)}">${text(caseLine(c))}</${tag}>`,
    "    </testcase>",
  ];
}

/** A case that could not run (malformed fixture, error) rather than one that answered wrong. */
const isError = (c: CaseResult) => c.status === "failed" && c.failures.some((f) => f.kind !== "mismatch");

const seconds = (cases: readonly CaseResult[]) => (cases.reduce((s, c) => s + c.ms, 0) / 1000).toFixed(3);

// XML 1.0 cannot carry most control characters, even escaped.
// eslint-disable-next-line no-control-regex -- these are the characters XML forbids
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const text = (s: string) => s.replace(INVALID_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const attr = (s: string) => text(s).replace(/"/g, "&quot;").replace(/\n/g, "&#10;");
