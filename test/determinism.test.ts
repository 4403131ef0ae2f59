// Determinism (issue 5): the same 10,000 generated cases give a byte-identical SHA-256 of their
// decision JSON (with the trace) on repeated runs, across a forced trap and re-instantiation of the
// module, in reverse order, on a second engine, and in another process.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { EngineError, loadEngine, type Engine, type Policy } from "../bindings/index";
import { resolveCase, resolvePassport, type RunSpec } from "./property/arbitraries";
import { deterministicRuns, digestOf } from "./property/soak-main";
import type { Passport } from "../bindings/gen/types";

const N = 10_000;
let engine: Engine;
let runs: RunSpec[];
let reference: string;

beforeAll(async () => {
  engine = await loadEngine();
  runs = deterministicRuns(N);
  reference = digestOf(engine, runs);
});

/** Every case as [policy, request, counters, now], on policies compiled once and kept alive. */
function liveCases(e: Engine): { policies: Policy[]; cases: [Policy, ...Parameters<Policy["evaluate"]>][] } {
  const policies: Policy[] = [];
  const cases: [Policy, ...Parameters<Policy["evaluate"]>][] = [];
  for (const run of runs) {
    const passport = resolvePassport(run.passport, run.base);
    const policy = e.compile(passport as Passport);
    policies.push(policy);
    for (const spec of run.cases) {
      const c = resolveCase(spec, passport, run.base);
      cases.push([policy, c.request, c.counters, { now: c.now, explain: true }]);
    }
  }
  return { policies, cases };
}

const sha = (lines: string[]): string => {
  const h = createHash("sha256");
  for (const l of lines) {
    h.update(l);
    h.update("\n");
  }
  return h.digest("hex");
};

describe("determinism", () => {
  it(`${N.toLocaleString("en")} cases give the same digest twice`, () => {
    expect(runs.reduce((n, r) => n + r.cases.length, 0)).toBe(N);
    expect(digestOf(engine, runs)).toBe(reference);
  }, 120_000);

  it("the same digest across a trap in the middle (the module is re-instantiated, live policies recompiled)", () => {
    const { policies, cases } = liveCases(engine);
    const generation = engine.core.generation;
    const lines = cases.map(([policy, ...args], i) => {
      if (i === N / 2) expect(() => engine.trapForTest()).toThrow(EngineError);
      return JSON.stringify(policy.evaluate(...args));
    });
    expect(engine.core.generation).toBe(generation + 1);
    expect(sha(lines)).toBe(reference);
    for (const p of policies) p.dispose();
  }, 120_000);

  it("the same digest when the cases are decided in reverse order", () => {
    const { policies, cases } = liveCases(engine);
    const lines: string[] = new Array(cases.length);
    for (let i = cases.length - 1; i >= 0; i--) {
      const [policy, ...args] = cases[i]!;
      lines[i] = JSON.stringify(policy.evaluate(...args));
    }
    expect(sha(lines)).toBe(reference);
    for (const p of policies) p.dispose();
  }, 120_000);

  it("the same digest on a second engine", async () => {
    const second = await loadEngine();
    expect(second.core).not.toBe(engine.core);
    expect(digestOf(second, runs)).toBe(reference);
  }, 120_000);

  it("the same digest in another process (npm run soak -- --digest)", () => {
    const out = execFileSync(process.execPath, ["scripts/soak.mjs", "--digest", String(N), "--wasm", "build/warden.wasm"], { encoding: "utf8" });
    expect(out.trim()).toBe(reference);
  }, 120_000);
});
