// Installs the pinned Deno, Bun and workerd binaries (npm packages that carry them as optional
// platform dependencies) into node_modules/.cache/agent-warden-runtimes, outside the project's
// own dependencies, and checks that each one runs. Chromium comes from the OS (apt: chromium).
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RUNTIMES_PREFIX, ROOT, runtimeBins } from "./bins.mjs";

const versions = JSON.parse(readFileSync(path.join(ROOT, "scripts/runtimes/versions.json"), "utf8"));
const packages = ["deno", "bun", "workerd"].map((name) => `${name}@${versions[name]}`);

mkdirSync(RUNTIMES_PREFIX, { recursive: true });
writeFileSync(path.join(RUNTIMES_PREFIX, "package.json"), `${JSON.stringify({ private: true, description: "agent-warden test runtimes" }, null, 2)}\n`);
console.log(`installing ${packages.join(", ")} into ${path.relative(ROOT, RUNTIMES_PREFIX)}`);
execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", "--no-package-lock", "--loglevel=error", ...packages], {
  cwd: RUNTIMES_PREFIX,
  stdio: "inherit",
});

let missing = 0;
for (const [name, bin] of Object.entries(runtimeBins())) {
  console.log(
    `${name.padEnd(9)} ${bin.path ? `${bin.version}  (${bin.path.startsWith(ROOT) ? path.relative(ROOT, bin.path) : bin.path})` : `MISSING: ${bin.reason}`}`,
  );
  if (!bin.path) missing++;
}
process.exit(missing === 0 ? 0 : 1);
