// Packaging of the adapters: each package export is a build entry; the main entry bundled for a
// browser or workerd pulls no adapter library (ai, @openai/agents, LangChain, OpenTelemetry); the
// adapters reach Agent Warden only through enforcer/ types and the client, never server/ or hitl/.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type BuildOptions, type Metafile, build } from "esbuild";
import { describe, expect, it } from "vitest";
import { WEB_RUNTIMES, loaderSwap } from "../../scripts/runtimes/build-entries.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  exports: Record<string, { types?: string; default?: string; node?: { import?: string } }>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};
const ADAPTER_EXPORTS: Record<string, string> = {
  "./ai": "adapters/ai.ts",
  "./openai-agents": "adapters/openai-agents.ts",
  "./langchain": "adapters/langchain.ts",
  "./client": "adapters/client/index.ts",
  "./otel": "adapters/otel/index.ts",
};
const LIBRARIES = /node_modules\/(ai|@ai-sdk|@openai|openai|@langchain|@opentelemetry)\//;

async function inputsOf(entry: string, options: BuildOptions = {}): Promise<string[]> {
  const r = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    write: false,
    metafile: true,
    outdir: "out",
    external: ["*.wasm"],
    logLevel: "silent",
    ...options,
  });
  return Object.keys((r.metafile as Metafile).inputs);
}

describe("adapter package exports", () => {
  it.each(Object.entries(ADAPTER_EXPORTS))("%s is built from %s with types, node import and default", (sub, source) => {
    // scripts/build.mjs runs the build when imported, so its entry list is read as text.
    const entries = /ADAPTER_ENTRIES = \[([^\]]*)\]/.exec(readFileSync(new URL("../../scripts/build.mjs", import.meta.url), "utf8"))?.[1] ?? "";
    expect(entries).toContain(JSON.stringify(source));
    const js = `./dist/${source.replace(/\.ts$/, ".js")}`;
    expect(PKG.exports[sub]).toEqual({ types: js.replace(/\.js$/, ".d.ts"), node: { import: js }, default: js });
  });

  it("the framework libraries are optional peer dependencies", () => {
    for (const lib of ["ai", "@openai/agents", "@langchain/core", "@opentelemetry/api"]) {
      expect(PKG.peerDependencies[lib], lib).toBeTypeOf("string");
      expect(PKG.peerDependenciesMeta[lib]?.optional, lib).toBe(true);
    }
  });
});

describe("the main entry stays free of adapter libraries", () => {
  for (const [name, rt] of Object.entries(WEB_RUNTIMES)) {
    it(`${name}: agent-warden bundled for the browser pulls no adapter library and no adapters/ file`, async () => {
      const inputs = await inputsOf("enforcer/index.ts", { platform: "browser", conditions: rt.conditions, plugins: [loaderSwap(rt.loader)] });
      expect(inputs.filter((i) => LIBRARIES.test(i) || i.startsWith("adapters/"))).toEqual([]);
    });
  }

  it("the check bites: an adapter bundled whole does pull its library", async () => {
    const inputs = await inputsOf("adapters/langchain.ts", { platform: "node" });
    expect(inputs.some((i) => /node_modules\/@langchain\/core\//.test(i))).toBe(true);
  });
});

describe("adapters' imports point one way", () => {
  it.each(Object.values(ADAPTER_EXPORTS))("%s imports no server/, hitl/ or cli/ code", async (source) => {
    const inputs = await inputsOf(source, { platform: "node", packages: "external" });
    expect(inputs.filter((i) => /^(server|hitl|cli)\//.test(i))).toEqual([]);
  });

  it("the client and the core guard load no engine: only their own code is bundled", async () => {
    expect(await inputsOf("adapters/client/index.ts", { platform: "browser", packages: "external" })).toEqual(["adapters/client/index.ts"]);
    expect(await inputsOf("adapters/core.ts", { platform: "browser", packages: "external" })).toEqual(["adapters/core.ts"]);
  });
});
