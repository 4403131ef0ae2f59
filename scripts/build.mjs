// Builds the package: the release WebAssembly module, then the JavaScript entry points (esbuild)
// and their type declarations (tsc + API Extractor). `npm ci` runs it through the `prepare` script.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { build } from "esbuild";

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });

run("npx", ["asc", "assembly/index.ts", "--target", "release"]);

// No code splitting: each entry finds build/warden.wasm relative to its own file (../../build/).
const common = {
  outdir: "dist",
  outbase: ".",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
};

// node/node-crypto.ts is the package export "./node-crypto": node:crypto signing for the Enforcer on Node;
// embed/index.ts is "./node": the durable stores, the HTTP server and MCP for existing Node apps.
// adapters/*: the framework adapters, the HTTP client and OpenTelemetry ("./ai", "./client", ...); their
// libraries are optional peer dependencies and stay external (packages: "external").
export const ADAPTER_ENTRIES = ["adapters/ai.ts", "adapters/openai-agents.ts", "adapters/langchain.ts", "adapters/client/index.ts", "adapters/otel/index.ts"];
const libraries = ["bindings/index.ts", "enforcer/index.ts", "hitl/index.ts", "embed/index.ts", "node/node-crypto.ts", ...ADAPTER_ENTRIES].filter((f) =>
  existsSync(f),
);
await build({ ...common, entryPoints: libraries });

// The other runtimes' entries (browser, workerd, deno, CommonJS): see scripts/runtimes/build-entries.mjs.
await (await import("./runtimes/build-entries.mjs")).buildRuntimeEntries();

// The CLI is the package's "bin": it needs a shebang and the executable bit.
const CLI = "cli/warden.ts";
if (existsSync(CLI)) {
  await build({ ...common, entryPoints: [CLI], banner: { js: "#!/usr/bin/env node" } });
  chmodSync("dist/cli/warden.js", 0o755);
}

// Declarations for every typed entry of package.json `exports` (scripts/build-types.mjs).
run(process.execPath, ["scripts/build-types.mjs", ...process.argv.slice(2).filter((a) => a === "--update-api" || a === "--check")]);
