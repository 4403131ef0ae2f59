// The counter-state differential: sequences of commit, reserve, approve, deny (release), expiry,
// reset, true-up, heartbeat, pause, stop and resume across window edges, run through the module's
// CounterStates and through the event-list model; status, events and the whole snapshot must agree.

import fc from "fast-check";
import type { Engine } from "../../bindings/engine";
import { CounterStates, type ResetKind, type StateResult } from "../../bindings/state";
import { CounterModel, type ModelResult } from "../reference/counters";
import { baseInstants } from "./instants";

const SEC = 1000,
  MIN = 60_000,
  HOUR = 3_600_000,
  DAY = 86_400_000;

export type Op =
  | { op: "commit"; cost: number }
  | { op: "reserve"; cost: number }
  | { op: "approve" | "release"; which: "last" | "other" }
  | { op: "reset"; kind: ResetKind }
  | { op: "trueUp"; actual: number; agent?: boolean }
  | { op: "heartbeat" | "pause" | "trip" | "stop" | "resume" | "snapshot" };

export interface Step {
  dt: number;
  op: Op;
}
export interface Sequence {
  start: number;
  steps: Step[];
}

/** Gaps that land on the edges: sliding seconds and minutes, the 300 s approval, days, weeks, months. */
const DT = [
  0,
  0,
  1,
  999,
  SEC,
  59 * SEC,
  59_999,
  MIN,
  MIN + 1,
  4 * MIN,
  5 * MIN,
  299_999,
  300_000,
  300_001,
  29 * MIN,
  30 * MIN,
  HOUR - 1,
  HOUR,
  DAY - 1,
  DAY,
  7 * DAY,
  31 * DAY,
];
const COSTS = [0, 1, 99, 100, 101, 1000, 10_000, 1_000_000_000_000];

const costArb = fc.oneof(fc.constantFrom(...COSTS), fc.integer({ min: 0, max: 5000 }));
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: costArb.map((cost) => ({ op: "commit" as const, cost })) },
  { weight: 3, arbitrary: costArb.map((cost) => ({ op: "reserve" as const, cost })) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("approve" as const), which: fc.constantFrom("last" as const, "last" as const, "other" as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("release" as const), which: fc.constantFrom("last" as const, "other" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("reset" as const), kind: fc.constantFrom<ResetKind>("daily", "weekly", "monthly", "total", "all") }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("trueUp" as const), actual: costArb, agent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constantFrom("heartbeat", "pause", "trip", "stop", "resume", "snapshot", "snapshot").map((op) => ({ op }) as Op) },
);

export const sequenceArb = (maxSteps: number): fc.Arbitrary<Sequence> =>
  fc.record({
    start: fc.oneof(
      fc
        .constantFrom(...baseInstants().filter((t) => t >= Date.parse("2000-01-01T00:00:00Z") && t < Date.parse("2100-01-01T00:00:00Z")))
        .map((t) => t - 2 * MIN),
      fc.integer({ min: Date.parse("2024-01-01T00:00:00Z"), max: Date.parse("2030-01-01T00:00:00Z") }),
    ),
    steps: fc.array(
      fc.record({ dt: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...DT) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 * DAY }) }), op: opArb }),
      { minLength: 1, maxLength: maxSteps },
    ),
  });

/** What both sides report after one op. */
function fromEngine(r: StateResult): unknown {
  const out: Record<string, unknown> = { status: r.status, snapshot: r.snapshot };
  if (r.expired) out.expired = r.expired;
  if (r.released) out.released = r.released;
  if (r.tripped) out.tripped = r.tripped;
  return out;
}
function fromModel(m: CounterModel, r: ModelResult, now: number): unknown {
  const out: Record<string, unknown> = { status: r.status, snapshot: m.snapshot(now) };
  if (r.expired) out.expired = r.expired;
  if (r.released) out.released = r.released;
  if (r.tripped) out.tripped = r.tripped;
  return out;
}

/** Runs a sequence on both sides; throws with the history on the first difference. Returns the op count. */
export function checkSequence(engine: Engine, seq: Sequence): number {
  const cs = new CounterStates(engine);
  const model = new CounterModel();
  let state = cs.fresh();
  let now = seq.start;
  let reserved = 0;
  const trued = new Set<unknown>();
  // The engine's reset generation each model action was committed under, as a host records it
  // with the commit (an enforcer's permit) to pass it back at the true-up.
  const committedResets = new Map<unknown, number>();
  const history: string[] = [];
  for (const { dt, op } of seq.steps) {
    now += dt;
    let got: StateResult;
    let want: ModelResult;
    const lastId = `apr_${reserved}`;
    switch (op.op) {
      case "commit":
        got = cs.commit(state, now, op.cost);
        want = model.commit(now, op.cost);
        break;
      case "reserve": {
        const id = `apr_${reserved + 1}`;
        got = cs.reserve(state, now, op.cost, id);
        want = model.reserve(now, op.cost, id);
        if (want.status === "ok") reserved++;
        break;
      }
      case "approve":
      case "release": {
        const id = op.which === "last" ? lastId : "apr_other";
        got = op.op === "approve" ? cs.approve(state, now, id) : cs.release(state, now, id);
        want = op.op === "approve" ? model.approve(now, id) : model.release(now, id);
        break;
      }
      case "reset":
        got = cs.reset(state, now, op.kind);
        want = model.reset(now, op.kind);
        break;
      case "trueUp": {
        const action = model.lastAction();
        if (action === null || trued.has(action)) {
          got = cs.snapshot(state, now);
          want = model.snapshotOp(now);
          break;
        }
        trued.add(action);
        got = cs.trueUp(state, now, action.at, committedResets.get(action), action.cost, op.actual, op.agent === true);
        want = model.trueUp(now, action, op.actual, op.agent === true);
        break;
      }
      case "heartbeat":
        got = cs.heartbeat(state, now);
        want = model.heartbeat(now);
        break;
      case "pause":
        got = cs.pause(state, now);
        want = model.pause(now);
        break;
      case "trip":
        got = cs.trip(state, now);
        want = model.trip(now);
        break;
      case "stop":
        got = cs.emergencyStop(state, now);
        want = model.emergencyStop(now);
        break;
      case "resume":
        got = cs.resume(state, now);
        want = model.resume(now);
        break;
      case "snapshot":
        got = cs.snapshot(state, now);
        want = model.snapshotOp(now);
        break;
    }
    const newest = model.lastAction();
    if (newest !== null && !committedResets.has(newest)) committedResets.set(newest, got.resets);
    history.push(`${new Date(now).toISOString()} ${JSON.stringify(op)}`);
    const a = fromEngine(got),
      b = fromModel(model, want, now);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      throw new Error(
        ["counter state: engine and model disagree after", ...history, `engine: ${JSON.stringify(a)}`, `model:  ${JSON.stringify(b)}`].join("\n"),
      );
    }
    state = got.state;
  }
  return seq.steps.length;
}

/** The property: every generated sequence agrees; `counter.cases` counts transitions. */
export const stateProperty = (engine: Engine, maxSteps = 40, counter?: { cases: number }) =>
  fc.property(sequenceArb(maxSteps), (seq) => {
    const n = checkSequence(engine, seq);
    if (counter) counter.cases += n;
  });
