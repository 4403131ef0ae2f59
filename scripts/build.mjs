// Builds the package: the release WebAssembly module, then the JavaScript entry points (esbuild)
// and their type declarations (tsc). `npm ci` runs it through the `prepare` script.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { build } from "esbuild";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });

run("npx", ["asc", "assembly/index.ts", "--target", "release"]);

const entries = ["bindings/index.ts", "enforcer/index.ts", "cli/warden.ts"].filter((f) => existsSync(f));
// No code splitting: each entry finds build/warden.wasm relative to its own file.
await build({
  entryPoints: entries,
  outdir: "dist",
  outbase: ".",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});

if (process.argv.includes("--types")) run("npx", ["tsc", "-p", "tsconfig.build.json"]);
