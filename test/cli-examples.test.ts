// `npm test` runs the examples suite: `warden test examples/` must pass, and cover every rule of SPEC §2.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../cli/runner/coverage";
import { lastLine, tree, warden } from "./cli-helpers";

describe("warden test examples/", () => {
  it("passes every fixture (exit 0, summary last)", async () => {
    const r = await warden(["test", "examples/"]);
    const failing = r.lines.filter((l) => l.startsWith("FAIL"));
    expect(failing, failing.join("\n")).toEqual([]);
    expect(r.code).toBe(0);
    expect(lastLine(r)).toMatch(/^[1-9]\d* passed, 0 failed$/);
  });

  it("the example passports are valid (warden check)", async () => {
    const r = await warden(["check", "examples/passports/"]);
    expect(r.code).toBe(0);
    expect(lastLine(r)).toMatch(/^\d+ passports checked, 0 with problems$/);
  });

  it("every rule fires somewhere in the examples", async () => {
    const report = JSON.parse((await warden(["test", "examples/", "--json"])).stdout);
    expect(report.coverage.rules.map((r: { rule: string }) => r.rule)).toEqual(RULES);
    expect(report.coverage.never_fired).toEqual([]);
  });

  it("every rule passes somewhere in the examples", async () => {
    const report = JSON.parse((await warden(["test", "examples/", "--json"])).stdout);
    expect(report.coverage.never_passed).toEqual([]);
  });

  it("the examples can fail: a copy with one expectation changed fails on that field", async () => {
    const edit = (file: string, from: string, to: string) => {
      const text = readFileSync(file, "utf8");
      expect(text).toContain(from);
      return text.replace(from, to);
    };
    const dir = tree({
      "cost.yaml": edit("examples/fixtures/rules/cost.yaml", "observed: 501", "observed: 502"),
      "approvals.yaml": edit(
        "examples/fixtures/stateful/approvals.yaml",
        "expect: { status: approved, permit: true }",
        "expect: { status: approved, permit: false }",
      ),
    });
    const r = await warden(["test", "."], dir);
    expect(r.code).toBe(1);
    expect(lastLine(r)).toMatch(/^\d+ passed, 2 failed$/);
    expect(r.stdout).toMatch(
      /^FAIL cost\.yaml:\d+ {2}max_per_action blocks one cent above the cap, not retryable — expect\.observed \(line \d+\): expected 502, got 501$/m,
    );
    expect(r.stdout).toMatch(
      /^FAIL approvals\.yaml:\d+ {2}a held flight is approved \(SPEC §9 example\) — steps\[1\]\.expect\.permit \(line \d+\): expected false, got true \(the 1 later step did not run\)$/m,
    );
  });
});
