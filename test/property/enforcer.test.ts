// Differential testing of the stateful enforcer (issue 5): generated passports and sequences of
// enforce, approve, deny, report, heartbeat, pause, stop, resume, reset and state, with an injected
// clock, against the reference model of test/reference/enforcer.ts (SPEC §7).

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine, type Engine } from "../../bindings/index";
import { enforcerProperty } from "./enforcer-diff";
import { casesFor, SEED } from "./run";

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const OPS = casesFor(6_000);

describe(`enforcer = reference model (seed ${SEED})`, () => {
  it(`agrees on ${OPS.toLocaleString("en")} operations in generated sequences`, async () => {
    const counter = { cases: 0 };
    let seed = SEED;
    while (counter.cases < OPS) {
      const result = await fc.check(enforcerProperty(engine, counter), { numRuns: 100, seed });
      if (result.failed) {
        throw new Error(`${fc.defaultReportMessage(result)}\n\nreplay: FC_SEED=${SEED} (chunk seed ${seed})\n\n${(result.errorInstance as Error)?.message}`);
      }
      seed = (seed + 1) | 0;
    }
    expect(counter.cases).toBeGreaterThanOrEqual(OPS);
  }, 600_000);
});
