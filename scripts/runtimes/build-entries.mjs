// Builds the per-runtime entry points that package.json `exports` conditions choose between:
// dist/browser, dist/workerd and dist/deno (self-contained ESM, warden.wasm beside them, no Node
// built-ins) and dist/cjs (CommonJS for `require`). The Node ESM entries are built by scripts/build.mjs.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const at = (p) => path.join(ROOT, p);

/** The web-standard families: which loader replaces the Node one, and the resolve conditions. */
export const WEB_RUNTIMES = {
  browser: { loader: "bindings/loaders/browser.ts", platform: "browser", conditions: [] },
  workerd: { loader: "bindings/loaders/workerd.ts", platform: "neutral", conditions: ["workerd", "worker", "browser"] },
  deno: { loader: "bindings/loaders/deno.ts", platform: "neutral", conditions: ["deno"] },
};

/**
 * The enforcer imports its default loader from bindings/index.ts (Node); each runtime build points
 * that import at the runtime's own loader instead, and refuses any node:* import.
 */
export function loaderSwap(loader) {
  const nodeLoader = at("bindings/index");
  return {
    name: "warden-runtime-loader",
    setup(b) {
      b.onResolve({ filter: /(^|\/)index(\.ts)?$/ }, (args) => {
        if (!args.path.startsWith(".")) return undefined;
        const abs = path.resolve(args.resolveDir, args.path).replace(/\.ts$/, "");
        return abs === nodeLoader ? { path: at(loader) } : undefined;
      });
      b.onResolve({ filter: /^node:/ }, (args) => ({
        errors: [{ text: `${args.path} imported by ${path.relative(ROOT, args.importer)}: runtime entries must not use Node built-ins` }],
      }));
    },
  };
}

async function buildWeb(name, { loader, platform, conditions }) {
  const outdir = at(`dist/${name}`);
  rmSync(outdir, { recursive: true, force: true }); // chunk names change with content
  await build({
    absWorkingDir: ROOT,
    // The browser build also carries the dashboard's passport form script, on the same engine chunk.
    entryPoints: {
      index: at("enforcer/index.ts"),
      engine: at(loader),
      ...(name === "browser" && { "passport-form": at("humans/pages/passport-form-client.ts") }),
    },
    outdir,
    bundle: true,
    splitting: true, // index and engine share one copy of the engine (and one compiled module)
    format: "esm",
    platform,
    conditions,
    mainFields: ["module", "main"],
    target: "es2022",
    minify: true, // a plain <script type="module"> gets a small file; the source map keeps it readable
    keepNames: true, // error classes report their own names (WardenError sets name from the class)
    external: ["*.wasm"],
    plugins: [loaderSwap(loader)],
    sourcemap: true,
    logLevel: "warning",
  });
  mkdirSync(outdir, { recursive: true });
  copyFileSync(at("build/warden.wasm"), path.join(outdir, "warden.wasm"));
}

/** CommonJS for `require("agent-warden")` (and "/engine", "/node"): import.meta.url becomes the file URL of the bundle. */
async function buildCjs() {
  rmSync(at("dist/cjs"), { recursive: true, force: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: { index: at("enforcer/index.ts"), engine: at("bindings/loaders/node.ts"), node: at("embed/index.ts") },
    outdir: at("dist/cjs"),
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    packages: "external",
    keepNames: true,
    define: { "import.meta.url": "__warden_import_meta_url" },
    inject: [at("scripts/runtimes/import-meta-url.mjs")],
    sourcemap: true,
    logLevel: "warning",
  });
}

export async function buildRuntimeEntries() {
  for (const [name, spec] of Object.entries(WEB_RUNTIMES)) await buildWeb(name, spec);
  await buildCjs();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildRuntimeEntries();
