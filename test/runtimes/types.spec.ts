// The package as a TypeScript user gets it: packed with `npm pack`, installed by name in a fresh
// project, README's examples type-check under moduleResolution nodenext, node16 (ESM and CJS) and
// bundler, and the tarball passes publint and @arethetypeswrong/cli.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Project, prepareProject } from "../../scripts/runtimes/harness.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HERE = fileURLToPath(new URL("./consumer/", import.meta.url));
const run = promisify(execFile);

let project: Project;

beforeAll(async () => {
  project = await prepareProject();
  for (const dep of ["typescript", "@types/node"]) {
    const to = path.join(project.project, "node_modules", dep);
    mkdirSync(path.dirname(to), { recursive: true });
    symlinkSync(path.join(ROOT, "node_modules", dep), to, "dir");
  }
  for (const f of ["example.mts", "example.cts"]) copyFileSync(path.join(HERE, f), path.join(project.project, f));
});

afterAll(() => project?.cleanup());

/** Runs tsc in the consumer project with these options; resolves to its output, rejects on errors. */
async function typecheck(name: string, compilerOptions: Record<string, unknown>, files: string[]): Promise<string> {
  const config = path.join(project.project, `tsconfig.${name}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: "ES2022", lib: ["ES2023", "DOM"], types: ["node"], skipLibCheck: false, ...compilerOptions },
      files,
    }),
  );
  try {
    const { stdout } = await run(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", config], { cwd: project.project });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc (${name}) failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

describe("README's examples in a consumer project", () => {
  it("type-check with moduleResolution nodenext, ESM and CommonJS", async () => {
    await typecheck("nodenext", { module: "nodenext", moduleResolution: "nodenext" }, ["example.mts", "example.cts"]);
  });
  it("type-check with moduleResolution node16, ESM and CommonJS", async () => {
    await typecheck("node16", { module: "node16", moduleResolution: "node16" }, ["example.mts", "example.cts"]);
  });
  it("type-check with moduleResolution bundler", async () => {
    await typecheck("bundler", { module: "esnext", moduleResolution: "bundler" }, ["example.mts"]);
  });
});

describe("the tarball", () => {
  it("passes publint", async () => {
    const installed = path.join(project.project, "node_modules", "agent-warden");
    const { stdout } = await run(process.execPath, [path.join(ROOT, "node_modules/publint/src/cli.js"), "--strict", installed]);
    expect(stdout).not.toMatch(/Errors:|Warnings:/);
  });
  it("passes @arethetypeswrong/cli (node16 and bundler; ./node-crypto and ./hitl are ESM-only on purpose, ./node is ESM and CJS)", async () => {
    await run(path.join(ROOT, "node_modules/.bin/attw"), [
      project.tarball,
      "--profile",
      "node16",
      "--exclude-entrypoints",
      "./warden.wasm",
      "--ignore-rules",
      "cjs-resolves-to-esm",
    ]);
  });
});
