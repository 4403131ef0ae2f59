// The ABI byte layout is defined once (schemas/abi-layout.json): both generated sides are what
// scripts/gen-abi.mjs writes today, a stale one is named by --check, and docs/abi.md agrees.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { generateAs, generateTs, loadLayout, requestOffsets, structOffsets } from "../scripts/gen-abi.mjs";
import * as layoutTs from "../bindings/gen/abi-layout";
import { COUNTER_FIELD_SET } from "../bindings/validate";

const ROOT = join(import.meta.dirname, "..");
const SCRIPT = join(ROOT, "scripts", "gen-abi.mjs");
const layout = loadLayout();
type Offsets = { fields: { name: string; offset: number; type: string }[]; header: number; counterBlock: { start: number; length: number } };
const offsets = requestOffsets(layout) as Offsets;

describe("ABI layout (schemas/abi-layout.json → assembly/gen, bindings/gen)", () => {
  it("the checked-in constants are the generator's output, on both sides", () => {
    expect(readFileSync(join(ROOT, "assembly", "gen", "abi-layout.ts"), "utf8"), "stale: run npm run gen").toBe(generateAs(layout));
    expect(readFileSync(join(ROOT, "bindings", "gen", "abi-layout.ts"), "utf8"), "stale: run npm run gen").toBe(generateTs(layout));
  });

  it("--check passes on fresh output and names a file edited by hand", () => {
    const out = mkdtempSync(join(tmpdir(), "warden-abi-"));
    const run = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args, "--out", out], { encoding: "utf8" });
    try {
      expect(run().status).toBe(0);
      expect(run("--check").status).toBe(0);
      writeFileSync(join(out, "bindings-abi-layout.ts"), generateTs(layout).replace("R_HELD = 72", "R_HELD = 80"));
      const stale = run("--check");
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain("bindings-abi-layout.ts is stale");
      expect(stale.stderr).not.toContain("assembly-abi-layout.ts");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("a table that breaks alignment or repeats a flag bit is refused, not generated", () => {
    const broken = structuredClone(layout);
    broken.request.fields.splice(1, 0, { name: "PAD", type: "u32" });
    expect(() => requestOffsets(broken)).toThrow(/aligned/);
    const twice = structuredClone(layout);
    twice.flags.ReqFlag.Explain = twice.flags.ReqFlag.HasTarget;
    expect(() => generateTs(twice)).toThrow(/share a bit/);
  });

  it("docs/abi.md's request table gives the same offsets", () => {
    const doc = readFileSync(join(ROOT, "docs", "abi.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Request (input of `evaluate`)"), doc.indexOf("### Context"));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    const starts = [...new Set(offsets.fields.map((f) => f.offset))];
    // The doc groups the ten counters in one row (at 40) and ends with the time-zone offsets at the header's end.
    const counters = offsets.fields.filter((f) => f.offset > offsets.counterBlock.start && f.offset < 120).map((f) => f.offset);
    expect(documented).toEqual([...starts.filter((o) => !counters.includes(o)), offsets.header]);
  });

  it("docs/abi.md's decision table gives the same offsets", () => {
    const doc = readFileSync(join(ROOT, "docs", "abi.md"), "utf8");
    const section = doc.slice(doc.indexOf("## Decision (output of `evaluate`)"), doc.indexOf("## Counter state"));
    const documented = [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    const structs = structOffsets(layout) as { name: string; fields: { offset: number }[] }[];
    expect(documented).toEqual(structs.find((s) => s.name === "Decision")!.fields.map((f) => f.offset));
  });

  it("the counter block names exactly the snapshot's ten counters, and its flags are the snapshot's flags", () => {
    expect(layoutTs.COUNTER_BLOCK_FIELDS.every((f) => COUNTER_FIELD_SET.has(f))).toBe(true);
    expect(layoutTs.COUNTER_BLOCK).toBe(layoutTs.REQ_HEADER - layoutTs.COUNTER_BLOCK_START);
    expect(layoutTs.R_SPENT_TODAY).toBe(layoutTs.COUNTER_BLOCK_START);
    expect(layoutTs.R_LAST_ACTION).toBe(layoutTs.COUNTER_BLOCK_START + 8 * layoutTs.COUNTER_BLOCK_FIELDS.length);
  });
});
