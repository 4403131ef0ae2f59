// Differential testing of decisions (issue 5): the WASM engine against the reference model of
// test/reference/, on generated passports, requests, counter snapshots and times aimed at the
// edges. At least 100,000 cases per run; FC_SEED replays a run, PROP_CASES changes its size.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine, type Engine } from "../../bindings/index";
import { hasPii, hasSecret } from "../reference/detect";
import { decide } from "../reference/model";
import { detectStringArb } from "./arbitraries";
import { decisionProperty, project } from "./differential";
import { casesFor, runUntil, SEED } from "./run";

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const CASES = casesFor(200_000);

describe(`engine = reference model (seed ${SEED})`, () => {
  it(`agrees on ${CASES.toLocaleString("en")} generated decisions`, () => {
    const counter = { cases: 0 };
    runUntil(CASES, counter, () => decisionProperty(engine, counter));
    expect(counter.cases).toBeGreaterThanOrEqual(CASES);
  }, 600_000);

  it("agrees on what is a secret and what is PII, string by string", () => {
    const secrets = engine.compile({ constraints: { "core:data:no_secrets_export": true } });
    const pii = engine.compile({ constraints: { "core:data:no_pii_export": true } });
    const now = Date.parse("2026-02-24T15:00:00Z");
    const counter = { cases: 0 };
    const check = (policy: typeof pii, request: { action: string; target?: string; context?: Record<string, unknown> }) =>
      expect(project(policy.evaluate(request, {}, { now }) as never)).toEqual(project(decide(policy.passport as never, request, {}, now)));
    runUntil(
      casesFor(20_000),
      counter,
      () =>
        fc.property(fc.array(detectStringArb, { minLength: 1, maxLength: 20 }), (strings) => {
          for (const s of strings) {
            for (const policy of [secrets, pii]) {
              check(policy, { action: "a", context: { v: s } });
              if (s !== "") check(policy, { action: "a", target: s });
            }
            counter.cases++;
          }
        }),
      { chunkRuns: 200 },
    );
    // The generators reach both answers of both detectors.
    const sample = fc.sample(detectStringArb, { numRuns: 2000, seed: 1 });
    for (const f of [hasSecret, hasPii]) {
      expect(sample.some(f)).toBe(true);
      expect(sample.some((s) => !f(s))).toBe(true);
    }
  }, 600_000);
});
