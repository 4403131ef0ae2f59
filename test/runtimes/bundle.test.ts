// Static checks on the per-runtime entries (no runtime needed): the browser and edge entries bundle
// without Node built-ins, every entry exports the same API, and the module stays within its budget.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, type Metafile, build } from "esbuild";
import { describe, expect, it } from "vitest";
import { WEB_RUNTIMES, type WebRuntime, loaderSwap } from "../../scripts/runtimes/build-entries.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WASM_BUDGET_BYTES = 150 * 1024;

const RUNTIMES: Record<string, WebRuntime> = WEB_RUNTIMES;

async function bundle(entry: string, options: BuildOptions = {}): Promise<{ metafile: Metafile; text: string }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    write: false,
    metafile: true,
    minify: true,
    outdir: "out",
    external: ["*.wasm"],
    logLevel: "silent",
    ...options,
  });
  return { metafile: result.metafile!, text: result.outputFiles!.map((f) => f.text).join("\n") };
}

const nodeImports = (m: Metafile): string[] =>
  Object.values(m.inputs)
    .flatMap((i) => i.imports.map((x) => x.path))
    .filter((p) => p.startsWith("node:"));
const exportsOf = (m: Metafile): string[] =>
  Object.values(m.outputs)
    .flatMap((o) => o.exports)
    .sort();

describe("browser and edge entries", () => {
  for (const [name, rt] of Object.entries(RUNTIMES)) {
    it(`${name}: the engine entry bundles for platform browser with no node: imports`, async () => {
      const { metafile } = await bundle(rt.loader, { platform: "browser", conditions: rt.conditions });
      expect(nodeImports(metafile)).toEqual([]);
    });

    it(`${name}: the full entry (enforcer + engine) bundles for platform browser with no node: imports`, async () => {
      const { metafile } = await bundle("enforcer/index.ts", { platform: "browser", conditions: rt.conditions, plugins: [loaderSwap(rt.loader)] });
      expect(nodeImports(metafile)).toEqual([]);
      expect(Object.keys(metafile.inputs)).toContain(rt.loader);
      expect(Object.keys(metafile.inputs)).not.toContain("bindings/index.ts");
    });
  }

  it("the check bites: the Node entry does not bundle for the browser", async () => {
    await expect(bundle("bindings/index.ts", { platform: "browser" })).rejects.toThrow(/node:fs/);
  });
});

describe("one API in every runtime", () => {
  it("each loader exports exactly what the Node entry exports", async () => {
    const node = exportsOf((await bundle("bindings/index.ts", { platform: "node" })).metafile);
    expect(node).toContain("loadEngine");
    expect(node).toContain("loadEngineSync");
    for (const rt of Object.values(RUNTIMES)) {
      expect(exportsOf((await bundle(rt.loader, { platform: "browser", conditions: rt.conditions })).metafile), rt.loader).toEqual(node);
    }
  });

  it("each full entry exports exactly what the Node package entry exports", async () => {
    const node = exportsOf((await bundle("enforcer/index.ts", { platform: "node", packages: "external" })).metafile);
    for (const rt of Object.values(RUNTIMES)) {
      const m = (await bundle("enforcer/index.ts", { platform: "browser", conditions: rt.conditions, plugins: [loaderSwap(rt.loader)] })).metafile;
      expect(exportsOf(m), rt.loader).toEqual(node);
    }
  });

  it("the engine entry leaves the enforcer and its crypto out", async () => {
    const { metafile } = await bundle("bindings/loaders/browser.ts", { platform: "browser" });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.filter((i) => i.startsWith("enforcer/") || i.includes("node_modules/jose/"))).toEqual([]);
  });
});

describe("module budget", () => {
  it(`build/warden.wasm is at most ${WASM_BUDGET_BYTES / 1024} KB (gzipped size reported)`, () => {
    const bytes = readFileSync(new URL("../../build/warden.wasm", import.meta.url));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    console.log(`warden.wasm: ${bytes.length} bytes (${(bytes.length / 1024).toFixed(1)} KB), gzip -9: ${gzip} bytes (${(gzip / 1024).toFixed(1)} KB)`);
    expect(bytes.length).toBeLessThanOrEqual(WASM_BUDGET_BYTES);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toEqual([]);
  });
});
