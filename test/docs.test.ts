// The documentation a user reads lives in the repository (and the package): README and docs/ link
// only files that exist inside it, the contract copy is the contract, and the generated
// constraint reference is current.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SHARED_SPEC = resolve(ROOT, "../shared/SPEC.md");
const pages = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Relative link targets of a markdown page (no URLs, no in-page anchors), without their #anchor. */
function links(page: string): string[] {
  const text = readFileSync(join(ROOT, page), "utf8").replace(/```[\s\S]*?```/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith("#"))
    .map((l) => l.split("#")[0]!);
}

describe("documentation", () => {
  it.each(pages)("%s links only files inside the repository", (page) => {
    for (const link of links(page)) {
      const target = resolve(ROOT, dirname(page), link);
      expect(relative(ROOT, target).startsWith(".."), `${page} → ${link} leaves the repository`).toBe(false);
      expect(existsSync(target), `${page} → ${link} does not exist`).toBe(true);
    }
  });

  it("docs/spec.md is the behaviour contract as the project's shared/SPEC.md has it", () => {
    if (!existsSync(SHARED_SPEC)) return; // a clone outside the workplace has only the copy
    expect(readFileSync(join(ROOT, "docs/spec.md"), "utf8")).toBe(readFileSync(SHARED_SPEC, "utf8"));
  });

  it("docs/constraints.md names every core key and is what the schemas generate", () => {
    const text = readFileSync(join(ROOT, "docs/constraints.md"), "utf8");
    const schema = JSON.parse(readFileSync(join(ROOT, "schemas/constraints.schema.json"), "utf8")) as { properties: Record<string, unknown> };
    for (const key of Object.keys(schema.properties)) expect(text).toContain(`| \`${key}\` |`);
    execFileSync(process.execPath, ["scripts/gen-reference.mjs", "--check"], { cwd: ROOT });
  });

  it("the generator's --check fails on a stale reference", () => {
    const r = spawnSync(
      process.execPath,
      [
        "-e",
        `
      const fs = require("node:fs"); const real = fs.readFileSync;
      fs.readFileSync = (p, ...a) => String(p).endsWith("docs/constraints.md") ? "stale" : real(p, ...a);
      import(${JSON.stringify(join(ROOT, "scripts/gen-reference.mjs"))});`,
        "--",
        "--check",
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("docs/constraints.md is stale");
  });
});
