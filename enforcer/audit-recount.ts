// The counter state a passport's audit log implies: its records' state operations replayed, in
// order, through the module's own transitions (bindings/state.ts, the ones the enforcer applied),
// then compared with the state the store holds. No arithmetic here: every number is the module's.

import type { Engine } from "../bindings/engine";
import { CounterStates, type ResetKind, type Snapshot, type StateResult } from "../bindings/state";
import type { AuditRecord } from "./audit";

/** One counter whose stored value is not the value the log implies. */
export interface CounterMismatch {
  passport_id: string;
  counter: keyof Snapshot;
  /** What the log's records give. */
  expected: unknown;
  /** What the store holds. */
  found: unknown;
}

/**
 * The counters compared. Pause flags and `last_heartbeat_at` are not: heartbeats are not audit
 * records (an agent sends them every few seconds), and a heartbeat lifts a fail-closed pause.
 */
export const RECOUNTED: readonly (keyof Snapshot)[] = [
  "spent_today_cents",
  "spent_week_cents",
  "spent_month_cents",
  "spent_total_cents",
  "held_cents",
  "actions_last_minute",
  "actions_last_5_minutes",
  "actions_last_30_minutes",
  "actions_last_hour",
  "actions_today",
  "last_action_at",
  "pending_approval_id",
  "pending_cost_cents",
  "emergency_stopped",
];

interface Committed {
  at: number;
  resets: number;
}

/**
 * The counter state (opaque bytes) after every state operation `records` name, each at its `at`:
 * an allowed decision commits its cost, a held one reserves it, a block for paused enforcement
 * trips; an approval approves or releases; a report with an actual cost trues up (raise-only from
 * the agent channel); pause, panic, resume and reset do what the operator did.
 */
export function recountState(engine: Engine, records: Iterable<AuditRecord>): Uint8Array {
  const states = new CounterStates(engine);
  let state: Uint8Array = new Uint8Array(0);
  const commits = new Map<string, Committed>(); // decision_id → when and in which reset generation its cost was committed
  const held = new Map<string, string>(); // approval id → decision_id
  for (const r of records) {
    const at = Date.parse(r.at);
    if (!Number.isSafeInteger(at)) continue;
    const snap = states.snapshot(state, at);
    const next = step(states, snap.state, at, r, commits, held);
    state = next && next.status !== "bad_state" ? next.state : snap.state;
  }
  return state;
}

function step(
  states: CounterStates,
  s: Uint8Array,
  at: number,
  r: AuditRecord,
  commits: Map<string, Committed>,
  held: Map<string, string>,
): StateResult | null {
  switch (r.type) {
    case "decision": {
      const cost = num((r.request as { cost_cents?: unknown } | undefined)?.cost_cents);
      if (r.decision === "allow") {
        const out = states.commit(s, at, cost);
        if (typeof r.decision_id === "string") commits.set(r.decision_id, { at, resets: out.resets });
        return out;
      }
      if (r.decision === "request_hold" && typeof r.approval_request_id === "string") {
        if (typeof r.decision_id === "string") held.set(r.approval_request_id, r.decision_id);
        return states.reserve(s, at, cost, r.approval_request_id);
      }
      return r.reason === "enforcement_paused" ? states.trip(s, at) : null;
    }
    case "approval": {
      if (typeof r.approval_id !== "string") return null;
      if (r.status !== "approved") return states.release(s, at, r.approval_id);
      const out = states.approve(s, at, r.approval_id);
      const decisionId = held.get(r.approval_id);
      if (decisionId !== undefined && out.status === "ok") commits.set(decisionId, { at, resets: out.resets });
      return out;
    }
    case "permit_report": {
      const actual = r.actual_cost_cents;
      const committed = num(r.committed_cost_cents);
      if (typeof actual !== "number" || actual === committed || typeof r.decision_id !== "string") return null;
      const c = commits.get(r.decision_id);
      if (c === undefined) return null;
      return states.trueUp(s, at, c.at, c.resets, committed, actual, r.channel === "agent");
    }
    case "pause":
      return r.paused_by === "fail_closed" ? states.trip(s, at) : states.pause(s, at);
    case "panic":
      return states.emergencyStop(s, at);
    case "resume":
      return states.resume(s, at);
    case "reset":
      return states.reset(s, at, r.window_type as ResetKind);
    case "heartbeat":
      return states.heartbeat(s, at);
    default:
      return null;
  }
}

/** Each counter of `RECOUNTED` where the stored state differs from the recounted one, both seen at `now`. */
export function compareCounters(engine: Engine, passportId: string, recounted: Uint8Array, stored: Uint8Array, now: number): CounterMismatch[] {
  const states = new CounterStates(engine);
  const expected = states.snapshot(recounted, now).snapshot;
  const found = states.snapshot(stored, now);
  if (found.status === "bad_state")
    return [{ passport_id: passportId, counter: "spent_total_cents", expected: expected.spent_total_cents, found: "unreadable state" }];
  const out: CounterMismatch[] = [];
  for (const k of RECOUNTED) {
    if (expected[k] !== found.snapshot[k]) out.push({ passport_id: passportId, counter: k, expected: expected[k], found: found.snapshot[k] });
  }
  return out;
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}
