// The replay loop of `warden replay`: events in time order through the module, one lane per passport
// compared, and the summary of what changed. Decisions and counter states are the module's
// (bindings/replay.ts); this file only routes events to lanes and counts.

import type { Engine, Policy } from "../../bindings/engine";
import type { RequestInput } from "../../bindings/encode-request";
import { Replay } from "../../bindings/replay";
import type { Recorded, ReplayEvent, RequestEvent } from "./input";

export interface DecisionSummary {
  decision: string;
  reason: string | null;
  rule: string | null;
}

export interface ReplayExample {
  flip: string;
  at: string;
  source: string;
  request: RequestInput;
  baseline: DecisionSummary;
  replayed: DecisionSummary;
}

/** What `--json` prints (the pretty report shows the same). */
export interface ReplayReport {
  total: number;
  changed: number;
  /** "from→to" → count, e.g. "allow→block". */
  flips: Record<string, number>;
  /** The rule behind each change: the replayed decision's, or the baseline's when the replay allows. */
  by_rule: Record<string, number>;
  /** The first examples of each flip, in time order. */
  examples: ReplayExample[];
}

export const EXAMPLES_PER_FLIP = 3;

/** Per lane: the approval id the lane keeps pending for a recorded hold (answered by a later event). */
class Lanes {
  readonly pending: (string | null)[];
  constructor(
    readonly replay: Replay,
    n: number,
  ) {
    this.pending = new Array<string | null>(n).fill(null);
  }

  /** Decides the request on a lane; a hold follows the recording when it says how it was answered. */
  decide(lane: number, e: RequestEvent): number {
    const a = e.answer;
    const later = a !== null && a.id !== null;
    const approveNow = a === null || (!later && a.status === "approved");
    const r = this.replay.step(lane, e.request, e.at, approveNow ? "approve" : "caller");
    if (r.verdict === 1 && later) {
      // Pending until the recorded answer arrives (or it expires after 5 minutes, in the module).
      if (this.replay.op(lane, "reserve", e.at, { cost: e.request.cost_cents ?? 0, id: a.id! }) === "ok") this.pending[lane] = a.id;
    }
    return r.verdict;
  }

  answer(lane: number, id: string, approved: boolean, at: number): void {
    if (this.pending[lane] !== id) return;
    this.pending[lane] = null;
    this.replay.op(lane, approved ? "approve" : "release", at, { id });
  }
}

const VERDICTS = ["allow", "request_hold", "block"] as const;

/**
 * Replays `events` through `policy`, against `baseline` (another passport replayed the same way)
 * or, without one, against the decisions the recording holds. Throws when a request has no
 * recorded decision and there is no baseline (`missingBaseline`).
 */
export function replay(engine: Engine, events: readonly ReplayEvent[], policy: Policy, baseline: Policy | null): ReplayReport {
  const policies = baseline === null ? [policy] : [policy, baseline];
  const rp = new Replay(engine, policies);
  const lanes = new Lanes(rp, policies.length);
  const report: ReplayReport = { total: 0, changed: 0, flips: {}, by_rule: {}, examples: [] };
  const shown = new Map<string, number>();
  // An action_id decided before is answered with its first decisions and counts nothing (SPEC §7).
  const seen = new Map<string, [DecisionSummary, DecisionSummary]>();

  for (const e of events) {
    if (e.kind === "approval") {
      for (let lane = 0; lane < policies.length; lane++) lanes.answer(lane, e.id, e.status === "approved", e.at);
      continue;
    }
    if (e.kind !== "request") {
      for (let lane = 0; lane < policies.length; lane++) rp.op(lane, e.kind, e.at, { kind: e.window });
      continue;
    }
    report.total++;
    const id = e.request.action_id;
    let pair = id !== undefined ? seen.get(id) : undefined;
    if (pair === undefined) {
      lanes.decide(0, e);
      const replayed = summary(rp);
      let base: DecisionSummary;
      if (baseline !== null) {
        lanes.decide(1, e);
        base = summary(rp);
      } else base = recorded(e.recorded!);
      pair = [base, replayed];
      if (id !== undefined) seen.set(id, pair);
    }
    const [base, replayed] = pair;
    if (base.decision === replayed.decision) continue;
    report.changed++;
    const flip = `${base.decision}→${replayed.decision}`;
    report.flips[flip] = (report.flips[flip] ?? 0) + 1;
    const rule = (replayed.decision !== "allow" ? replayed.rule : base.rule) ?? "(none)";
    report.by_rule[rule] = (report.by_rule[rule] ?? 0) + 1;
    const n = shown.get(flip) ?? 0;
    if (n < EXAMPLES_PER_FLIP) {
      shown.set(flip, n + 1);
      report.examples.push({ flip, at: new Date(e.at).toISOString(), source: e.source, request: e.request, baseline: base, replayed });
    }
  }
  return report;
}

function summary(rp: Replay): DecisionSummary {
  const l = rp.last;
  return { decision: VERDICTS[l.verdict], reason: rp.reasonName(l.reason), rule: rp.ruleName(l.rule) };
}

function recorded(r: Recorded): DecisionSummary {
  return { decision: r.decision, reason: r.reason, rule: r.rule };
}

/** The first request line without a recorded decision, if any (then a baseline passport is needed). */
export function firstUnrecorded(events: readonly ReplayEvent[]): RequestEvent | undefined {
  return events.find((e): e is RequestEvent => e.kind === "request" && e.recorded === null);
}
