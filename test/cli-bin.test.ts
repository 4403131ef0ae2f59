// The built `warden` executable: bundled as scripts/build.mjs does (shebang, executable bit), run as a process.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tree } from "./cli-helpers";

// Under test-artifacts/<dir>/, two levels below the root like dist/cli/, so ../../build/warden.wasm resolves.
const OUT_DIR = `test-artifacts/cli-bin-${process.pid}`;
const BIN = `${OUT_DIR}/warden.js`;

beforeAll(() => {
  mkdirSync(OUT_DIR, { recursive: true });
  // The same settings as the CLI step of scripts/build.mjs.
  execFileSync(
    process.execPath,
    [
      "-e",
      `
    const { build } = await import("esbuild");
    const { chmodSync } = await import("node:fs");
    await build({ entryPoints: ["cli/warden.ts"], outfile: ${JSON.stringify(BIN)}, bundle: true, format: "esm", platform: "node",
      target: "node20", packages: "external", logLevel: "warning", banner: { js: "#!/usr/bin/env node" } });
    chmodSync(${JSON.stringify(BIN)}, 0o755);
  `,
      "--input-type=module",
    ],
    { stdio: "inherit" },
  );
});

afterAll(() => rmSync(OUT_DIR, { recursive: true, force: true }));

const run = (args: string[], cwd = process.cwd()) => spawnSync(`${process.cwd()}/${BIN}`, args, { cwd, encoding: "utf8" });

describe("the warden executable", () => {
  it("starts with a shebang and is executable", () => {
    expect(readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(() => accessSync(BIN, constants.X_OK)).not.toThrow();
  });

  it("runs the examples: exit 0 and the summary last", () => {
    const r = run(["test", "examples/"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd().split("\n").pop()).toMatch(/^\d+ passed, 0 failed$/);
  });

  it("exits 1 on a failing fixture and 2 on a usage error, without stack traces", () => {
    const dir = tree({
      "f.yaml": 'name: f\npassport: { constraints: {} }\nnow: "2026-02-24T15:00:00Z"\nrequest: { action: a }\nexpect: { decision: block }\n',
    });
    const failing = run(["test", "f.yaml"], dir);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain("FAIL f.yaml:1  f — expect.decision (line 5): expected block, got allow");
    const usage = run(["test", "--nope"], dir);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe("warden test: unknown option --nope\nRun `warden test --help` for usage.\n");
  });

  it("prints the version", () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };
    expect(run(["--version"]).stdout).toBe(`${pkg.version}\n`);
  });
});
