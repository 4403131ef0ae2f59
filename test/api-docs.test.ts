// docs/api.md lists the public surface: one section per package.json `exports` entry, and in each an
// "Exports:" line naming exactly what that entry's API Extractor report (docs/api/) exports.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { typedEntries } from "../scripts/build-types.mjs";

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { exports: Record<string, unknown> };
const doc = readFileSync("docs/api.md", "utf8");

/** The names a report exports: declarations and `export { A as B }` lines. */
export function reportNames(report: string): string[] {
  const names = new Set<string>();
  for (const m of report.matchAll(/^export (?:declare )?(?:abstract )?(?:function|class|interface|type|const|enum|namespace) ([A-Za-z0-9_$]+)/gm))
    names.add(m[1]!);
  for (const m of report.matchAll(/^export \{ ([^}]+) \}/gm))
    for (const part of m[1]!.split(","))
      names.add(
        part
          .trim()
          .split(/\s+as\s+/)
          .pop()!,
      );
  return [...names].sort();
}

/** The backticked names of the "Exports:" line in the section `## \`entry\``. */
function documented(entry: string): string[] | null {
  const start = doc.indexOf(`\n## \`${entry}\`\n`);
  if (start < 0) return null;
  const end = doc.indexOf("\n## ", start + 1);
  const line = doc
    .slice(start, end < 0 ? undefined : end)
    .split("\n")
    .find((l) => l.startsWith("Exports: "));
  return line ? [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort() : [];
}

const entries = typedEntries(pkg.exports);

describe("docs/api.md", () => {
  it("has a section for every typed entry of package.json exports", () => {
    expect(entries.map((e) => e.subpath)).toContain("./node");
    for (const { subpath } of entries) expect(documented(subpath === "." ? "agent-warden" : `agent-warden/${subpath.slice(2)}`), subpath).not.toBeNull();
  });

  it.each(entries.map((e) => [e.subpath]))("lists exactly what %s exports (its API report)", (subpath) => {
    const name = subpath === "." ? "agent-warden" : `agent-warden-${subpath.slice(2).replace(/\//g, "-")}`;
    const report = readFileSync(`docs/api/${name}.api.md`, "utf8");
    const names = reportNames(report);
    expect(names.length).toBeGreaterThan(0);
    expect(documented(subpath === "." ? "agent-warden" : `agent-warden/${subpath.slice(2)}`)).toEqual(names);
  });

  it("is linked from the README", () => {
    expect(readFileSync("README.md", "utf8")).toContain("](docs/api.md)");
  });
});
