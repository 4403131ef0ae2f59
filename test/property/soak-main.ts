// The soak run behind `npm run soak` (scripts/soak.mjs bundles this file and runs it in worker
// threads): the differential properties for as many cases as asked, in chunks with a progress line
// each; and `digest`, the SHA-256 of the decision JSON of N deterministic cases (determinism test).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { Engine } from "../../bindings/engine";
import { engineFromModuleSync } from "../../bindings/load";
import { resolveCase, resolvePassport, runSpecArb, type RunSpec } from "./arbitraries";
import { CASES_PER_RUN, decisionProperty } from "./differential";
import { enforcerProperty } from "./enforcer-diff";
import { stateProperty } from "./state-diff";
import type { Passport } from "../../bindings/gen/types";

export interface SoakOptions {
  wasm: string;
  seed: number;
  decisions: number;
  transitions: number;
  sequences: number;
  label: string;
  log: (line: string) => void;
}

function report(result: fc.RunDetails<[never]>, seed: number): string {
  const cause = (result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance);
  return `${fc.defaultReportMessage(result)}\n\nreplay: --seed ${seed}\n\n${cause}`;
}

/** Runs `property` chunk by chunk until `counter.cases` reaches `target`; returns a failure report or null. */
async function soakOne(
  name: string,
  target: number,
  chunkRuns: number,
  counter: { cases: number },
  property: () => fc.IRawProperty<[never], boolean>,
  opts: SoakOptions,
): Promise<string | null> {
  const started = Date.now();
  let seed = opts.seed;
  while (counter.cases < target) {
    const result = await fc.check(property(), { numRuns: chunkRuns, seed });
    if (result.failed) return `${opts.label}${name}: divergence\n${report(result, seed)}`;
    const s = Math.max(1, (Date.now() - started) / 1000);
    opts.log(
      `${opts.label}${name}: ${counter.cases.toLocaleString("en")} / ${target.toLocaleString("en")} in ${s.toFixed(0)} s (${Math.round(counter.cases / s).toLocaleString("en")}/s)`,
    );
    seed = (seed + 1) | 0;
  }
  return null;
}

export async function soak(opts: SoakOptions): Promise<string | null> {
  const engine = engineFromModuleSync(new WebAssembly.Module(readFileSync(opts.wasm)));
  const d = { cases: 0 },
    t = { cases: 0 },
    e = { cases: 0 };
  return (
    (await soakOne("decisions", opts.decisions, 4000, d, () => decisionProperty(engine, d) as never, opts)) ??
    (await soakOne("transitions", opts.transitions, 500, t, () => stateProperty(engine, 40, t) as never, opts)) ??
    (await soakOne("enforcer ops", opts.sequences, 100, e, () => enforcerProperty(engine, e) as never, opts))
  );
}

/** The deterministic cases of the determinism test: `n` cases from fixed runs of the generators. */
export function deterministicRuns(n: number, seed = 20260224): RunSpec[] {
  const runs: RunSpec[] = [];
  let cases = 0;
  for (const run of fc.sample(runSpecArb(CASES_PER_RUN), { numRuns: n, seed })) {
    const take = run.cases.slice(0, n - cases);
    runs.push({ ...run, cases: take });
    cases += take.length;
    if (cases >= n) break;
  }
  return runs;
}

/** SHA-256 over the decision JSON (with the trace) of every case, in order. */
export function digestOf(engine: Engine, runs: RunSpec[]): string {
  const hash = createHash("sha256");
  for (const run of runs) {
    const passport = resolvePassport(run.passport, run.base);
    const policy = engine.compile(passport as Passport);
    for (const spec of run.cases) {
      const c = resolveCase(spec, passport, run.base);
      hash.update(JSON.stringify(policy.evaluate(c.request, c.counters, { now: c.now, explain: true })));
      hash.update("\n");
    }
    policy.dispose();
  }
  return hash.digest("hex");
}

export function digest(wasm: string, n: number): string {
  return digestOf(engineFromModuleSync(new WebAssembly.Module(readFileSync(wasm))), deterministicRuns(n));
}
