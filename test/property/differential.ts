// The differential check: the WASM engine and the reference model decide the same generated
// cases; decision, reason, rule, holds, limit, observed, retryable and warnings must agree.

import fc from "fast-check";
import type { Engine } from "../../bindings/engine";
import { decide, type ModelDecision } from "../reference/model";
import { type Case, hasRfc3339, resolveCase, resolvePassport, rfc3339, runSpecArb, type RunSpec } from "./arbitraries";
import type { Passport } from "../../bindings/gen/types";

/** `now` as epoch ms, as an RFC 3339 string (Z or an offset, varied fractions) or as a Date. */
function nowAs(ms: number, i: number): number | string | Date {
  if (i % 3 === 1 && hasRfc3339(ms, 330)) return rfc3339(ms, i % 2 === 0 ? 0 : 330);
  if (i % 3 === 2) return new Date(ms);
  return ms;
}

/** The fields of a decision both sides must agree on. */
export function project(d: ModelDecision): ModelDecision {
  const out: ModelDecision = { decision: d.decision, reason: d.reason, rule: d.rule, retryable: d.retryable, holds: d.holds, warnings: d.warnings };
  if (d.limit !== undefined) {
    out.limit = d.limit;
    out.observed = d.observed;
  }
  if (d.evaluated !== undefined) out.evaluated = d.evaluated;
  return out;
}

/** A divergence, with everything needed to reproduce it by hand or as a fixture. */
export class Divergence extends Error {
  constructor(
    readonly passport: unknown,
    readonly c: Case,
    readonly engine: unknown,
    readonly model: unknown,
  ) {
    super(
      [
        "engine and model disagree",
        `passport: ${JSON.stringify(passport)}`,
        `now:      ${new Date(c.now).toISOString()} (${c.now})`,
        `request:  ${JSON.stringify(c.request)}`,
        `counters: ${JSON.stringify(c.counters)}`,
        `engine:   ${JSON.stringify(engine)}`,
        `model:    ${JSON.stringify(model)}`,
      ].join("\n"),
    );
  }
}

/** Compiles the run's passport once and checks every case against the model. Returns the case count. */
export function checkRun(engine: Engine, run: RunSpec): number {
  const passport = resolvePassport(run.passport, run.base);
  const policy = engine.compile(passport as Passport);
  try {
    run.cases.forEach((spec, i) => {
      const c = resolveCase(spec, passport, run.base);
      const explain = i % 2 === 0; // the trace on half the cases; the other half shows it changes nothing else
      let got: unknown;
      try {
        got = project(policy.evaluate(c.request, c.counters, { now: nowAs(c.now, i), explain }) as ModelDecision);
      } catch (err) {
        got = { error: String(err) };
      }
      const want = project(decide(passport, c.request, c.counters, c.now, explain));
      if (!equal(got, want)) throw new Divergence(passport, c, got, want);
    });
  } finally {
    policy.dispose();
  }
  return run.cases.length;
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export const CASES_PER_RUN = 24;

/** The property: every run agrees. */
export function decisionProperty(engine: Engine, counter?: { cases: number }): fc.IProperty<[RunSpec]> {
  return fc.property(runSpecArb(CASES_PER_RUN), (run) => {
    const n = checkRun(engine, run);
    if (counter) counter.cases += n;
  });
}
