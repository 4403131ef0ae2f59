// Differential testing of counter-state transitions (issue 5): sequences of commit, reserve,
// approve, deny, expiry, reset, true-up, heartbeat, pause, stop and resume across window edges,
// through the module's CounterStates and the event-list model of test/reference/counters.ts.

import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine, type Engine } from "../../bindings/index";
import { casesFor, runUntil, SEED } from "./run";
import { stateProperty } from "./state-diff";

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const OPS = casesFor(100_000);

describe(`counter states = event-list model (seed ${SEED})`, () => {
  it(`agrees on ${OPS.toLocaleString("en")} transitions in generated sequences`, () => {
    const counter = { cases: 0 };
    runUntil(OPS, counter, () => stateProperty(engine, 40, counter), { chunkRuns: 200 });
    expect(counter.cases).toBeGreaterThanOrEqual(OPS);
  }, 600_000);
});
