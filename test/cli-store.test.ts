// `warden mcp` and `warden serve` say which store they opened, and `warden mcp` never makes an empty
// store for a passport it was told to serve: the built CLI in child processes.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Enforcer } from "../enforcer/enforcer";
import { SqliteStore } from "../enforcer/sqlite-store";

// Two levels below the root, like dist/cli/, so ../../build/warden.wasm resolves from the bundle.
const OUT_DIR = `test-artifacts/cli-store-${process.pid}`;
const BIN = resolve(`${OUT_DIR}/warden.js`);

beforeAll(() => {
  mkdirSync(OUT_DIR, { recursive: true });
  execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { build } = await import("esbuild");
       await build({ entryPoints: ["cli/warden.ts"], outfile: ${JSON.stringify(BIN)}, bundle: true, format: "esm", platform: "node",
         target: "node20", packages: "external", logLevel: "warning" });`,
    ],
    { stdio: "inherit" },
  );
});

afterAll(() => rmSync(OUT_DIR, { recursive: true, force: true }));

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "WARDEN_STORE" && k !== "WARDEN_PASSPORT_ID"));
/** `warden ...args` in `cwd`, stdin closed at once (an MCP client that leaves immediately). */
function warden(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, input: "", encoding: "utf8", env, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A SQLite store at `db` holding these passports, closed again. */
async function storeWith(db: string, ids: string[]): Promise<void> {
  const store = SqliteStore.open(db);
  const enforcer = await Enforcer.create({ store, timers: false });
  for (const id of ids) await enforcer.register({ id, constraints: {} });
  enforcer.close();
  await store.close();
}

describe("warden mcp --passport ID", () => {
  it("refuses a store file that is not there (exit 2), naming the absolute path and --store, and creates nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-cli-store-"));
    const r = warden(["mcp", "--passport", "pass_travel", "--store", "sqlite:./elsewhere/warden.db"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `warden mcp: no store at sqlite:${join(dir, "elsewhere/warden.db")} (the file does not exist); give the store warden serve uses with --store sqlite:/absolute/path (or WARDEN_STORE)`,
    );
    expect(r.stdout).toBe("");
    // The default store too: started in the wrong folder, it makes no warden.db there.
    const byDefault = warden(["mcp", "--passport", "pass_travel"], dir);
    expect(byDefault.code).toBe(2);
    expect(byDefault.stderr).toContain(`no store at sqlite:${join(dir, "warden.db")}`);
    expect(existsSync(join(dir, "warden.db"))).toBe(false);
    expect(existsSync(join(dir, "elsewhere"))).toBe(false);
  });

  it("names the store it opened, and the store a passport is missing from", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-cli-store-"));
    const db = join(dir, "warden.db");
    await storeWith(db, ["pass_other_1", "pass_other_2"]);
    const r = warden(["mcp", "--passport", "pass_travel", "--store", `sqlite:${db}`], dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")).toEqual([
      `warden mcp: store sqlite:${db} (opened, 2 passports)`,
      `warden mcp: no passport pass_travel in store sqlite:${db}; give the store that holds it with --store (the one warden serve uses), or register it with --passport-file`,
      "",
    ]);
  });

  it("serves a passport the store holds, after naming the store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-cli-store-"));
    await storeWith(join(dir, "warden.db"), ["pass_travel"]);
    const r = warden(["mcp", "--passport", "pass_travel", "--store", "sqlite:warden.db"], dir);
    expect(r.stderr).toContain(`warden mcp: store sqlite:${join(dir, "warden.db")} (opened, 1 passport)\nwarden mcp: serving passport pass_travel on stdio`);
    expect(r.code).toBe(0);
  });

  it("with --passport-file it may create the store, and says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-cli-store-"));
    writeFileSync(join(dir, "p.json"), JSON.stringify({ id: "pass_travel", constraints: {} }));
    const r = warden(["mcp", "--passport", "pass_travel", "--passport-file", "p.json"], dir);
    expect(r.stderr).toContain(`warden mcp: store sqlite:${join(dir, "warden.db")} (created, 0 passports)`);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, "warden.db"))).toBe(true);
  });
});

describe("warden serve", () => {
  it("names the store it opened on stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warden-cli-store-"));
    const db = join(dir, "warden.db");
    await storeWith(db, ["pass_a", "pass_b", "pass_c"]);
    const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--store", "sqlite:warden.db"], { cwd: dir, env });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((ok) => child.once("exit", (c) => ok(c)));
    try {
      for (let i = 0; i < 300 && !stdout.includes("listening on"); i++) await new Promise((ok) => setTimeout(ok, 50));
      expect(stdout).toContain("listening on http://127.0.0.1:");
      expect(stderr).toContain(`warden serve: store sqlite:${db} (opened, 3 passports)\n`);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
