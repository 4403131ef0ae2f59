// Reference model of counter state (SPEC §6, §7, §10 "Approve", "Report", "Reset"): a plain list of
// timestamped events; every snapshot field is computed from its definition by filtering the list.
// Times must not go backwards (the enforcer's clock); the model refuses a clock that does.

import { dayOf, MS_PER_MINUTE, MS_PER_SECOND, monthOf, weekOf } from "./time";

export const APPROVAL_TTL_MS = 300_000;
/** A code sent to confirm an approver's phone or e-mail address expires this long after it is sent (docs/decisions.md). */
export const APPROVER_CODE_TTL_MS = 900_000;

export type ResetKind = "daily" | "weekly" | "monthly" | "total" | "all";
export type Status = "ok" | "already_pending" | "no_such_approval" | "kept";

/** A counted action: an allowed request, or an approved reservation (counted at approval time). */
interface Action {
  kind: "action";
  seq: number;
  at: number;
  cost: number;
}
type Event =
  | Action
  | { kind: "reset"; seq: number; at: number; window: ResetKind }
  | { kind: "reserve"; seq: number; at: number; id: string; cost: number }
  | { kind: "settle"; seq: number; at: number; id: string; how: "approved" | "denied" | "expired" | "released" }
  | { kind: "heartbeat" | "pause" | "trip" | "stop" | "resume"; seq: number; at: number };

type New<T> = T extends unknown ? Omit<T, "seq"> : never;

export interface ModelSnapshot {
  spent_today_cents: number;
  spent_week_cents: number;
  spent_month_cents: number;
  spent_total_cents: number;
  held_cents: number;
  actions_last_minute: number;
  actions_last_5_minutes: number;
  actions_last_30_minutes: number;
  actions_last_hour: number;
  actions_today: number;
  last_action_at: number | null;
  last_heartbeat_at: number | null;
  pending_approval_id: string | null;
  emergency_stopped: boolean;
  enforcement_paused: boolean;
  paused_by: "operator" | "fail_closed" | null;
  pending_cost_cents: number;
  pending_created_at: number | null;
}

export interface ModelResult {
  status: Status;
  expired?: { id: string; cost_cents: number };
  released?: { id: string; cost_cents: number };
  tripped?: boolean;
}

export class CounterModel {
  readonly events: Event[] = [];
  private clock = Number.NEGATIVE_INFINITY;

  private push(e: New<Event>): Event {
    const full = { ...e, seq: this.events.length } as Event;
    this.events.push(full);
    return full;
  }

  /** The newest reservation with no answer, approval, denial, expiry or release recorded yet. */
  openReservation(): { id: string; cost: number; at: number } | null {
    let open: { id: string; cost: number; at: number } | null = null;
    for (const e of this.events) {
      if (e.kind === "reserve") open = { id: e.id, cost: e.cost, at: e.at };
      if (e.kind === "settle" && open !== null && e.id === open.id) open = null;
    }
    return open;
  }

  /** The reservation still waiting for an answer at `now`, if any. */
  pending(now: number): { id: string; cost: number; at: number } | null {
    const open = this.openReservation();
    return open !== null && now < open.at + APPROVAL_TTL_MS ? open : null;
  }

  /** Every op first lets time pass: an approval unanswered for 300 s expires (SPEC §7, §10). */
  private advance(now: number, result: ModelResult): void {
    if (now < this.clock) throw new Error("model: the clock went backwards");
    this.clock = now;
    const open = this.openReservation();
    if (open !== null && now >= open.at + APPROVAL_TTL_MS) {
      this.push({ kind: "settle", at: now, id: open.id, how: "expired" });
      result.expired = { id: open.id, cost_cents: open.cost };
    }
  }

  private run(now: number, body: (r: ModelResult) => void): ModelResult {
    const r: ModelResult = { status: "ok" };
    this.advance(now, r);
    body(r);
    return r;
  }

  snapshotOp(now: number): ModelResult {
    return this.run(now, () => {});
  }

  commit(now: number, cost: number): ModelResult {
    return this.run(now, () => {
      this.push({ kind: "action", at: now, cost });
    });
  }

  reserve(now: number, cost: number, id: string): ModelResult {
    return this.run(now, (r) => {
      if (this.pending(now) !== null) r.status = "already_pending";
      else this.push({ kind: "reserve", at: now, id, cost });
    });
  }

  approve(now: number, id: string): ModelResult {
    return this.run(now, (r) => {
      const p = this.pending(now);
      if (p === null || p.id !== id) {
        r.status = "no_such_approval";
        return;
      }
      this.push({ kind: "settle", at: now, id, how: "approved" });
      this.push({ kind: "action", at: now, cost: p.cost }); // committed in the windows current at approval time
    });
  }

  release(now: number, id: string): ModelResult {
    return this.run(now, (r) => {
      const p = this.pending(now);
      if (p === null || p.id !== id) {
        r.status = "no_such_approval";
        return;
      }
      this.push({ kind: "settle", at: now, id, how: "denied" });
    });
  }

  reset(now: number, window: ResetKind): ModelResult {
    return this.run(now, () => {
      this.push({ kind: "reset", at: now, window });
    });
  }

  /**
   * A report: the action's actual cost replaces the committed one (SPEC §10 "Report"). From an
   * agent channel (`raiseOnly`, SPEC §11) a lower actual cost changes nothing: status `kept`.
   */
  trueUp(now: number, action: Action, actual: number, raiseOnly = false): ModelResult {
    return this.run(now, (r) => {
      if (raiseOnly && actual < action.cost) r.status = "kept";
      else action.cost = actual;
    });
  }

  heartbeat(now: number): ModelResult {
    return this.run(now, () => {
      this.push({ kind: "heartbeat", at: now });
    });
  }
  pause(now: number): ModelResult {
    return this.run(now, () => {
      this.push({ kind: "pause", at: now });
    });
  }

  /** A fail-closed trip (SPEC §11): pauses unless a pause is in force; `tripped` when it did. */
  trip(now: number): ModelResult {
    return this.run(now, (r) => {
      if (this.pausedBy() !== null) return;
      this.push({ kind: "trip", at: now });
      r.tripped = true;
    });
  }

  /**
   * Who holds enforcement paused (SPEC §11): an operator's pause until a resume; a trip until a
   * heartbeat or a resume (an operator's pause replaces it).
   */
  pausedBy(): "operator" | "fail_closed" | null {
    let by: "operator" | "fail_closed" | null = null;
    for (const e of this.events) {
      if (e.kind === "pause") by = "operator";
      else if (e.kind === "trip" && by === null) by = "fail_closed";
      else if (e.kind === "heartbeat" && by === "fail_closed") by = null;
      else if (e.kind === "resume") by = null;
    }
    return by;
  }
  resume(now: number): ModelResult {
    return this.run(now, () => {
      this.push({ kind: "resume", at: now });
    });
  }

  emergencyStop(now: number): ModelResult {
    return this.run(now, (r) => {
      const p = this.pending(now);
      this.push({ kind: "stop", at: now });
      if (p !== null) {
        this.push({ kind: "settle", at: now, id: p.id, how: "released" });
        r.released = { id: p.id, cost_cents: p.cost };
      }
    });
  }

  /** The newest counted action (for true-ups). */
  lastAction(): Action | null {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.kind === "action") return this.events[i] as Action;
    return null;
  }

  /** The sequence number of the newest reset that clears `window`. */
  private lastReset(...windows: ResetKind[]): number {
    let seq = -1;
    for (const e of this.events) if (e.kind === "reset" && windows.includes(e.window)) seq = e.seq;
    return seq;
  }

  private latest(kind: Event["kind"]): Event | null {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.kind === kind) return this.events[i]!;
    return null;
  }

  /** The SPEC §6 snapshot at `now`, from the list. */
  snapshot(now: number): ModelSnapshot {
    const actions = this.events.filter((e): e is Action => e.kind === "action");
    const after = (seq: number) => actions.filter((a) => a.seq > seq);
    const sum = (xs: Action[]) => xs.reduce((s, a) => s + a.cost, 0);
    const today = after(this.lastReset("daily", "all")).filter((a) => dayOf(a.at) === dayOf(now));
    const sinceAll = after(this.lastReset("all"));
    const sec = Math.floor(now / MS_PER_SECOND),
      min = Math.floor(now / MS_PER_MINUTE);
    // Sliding windows count the current second (minute) and the ones before it.
    const inLast = (n: number, unit: number, head: number) => sinceAll.filter((a) => Math.floor(a.at / unit) > head - n).length;
    const p = this.pending(now);
    const last = this.latest("action");
    const beat = this.latest("heartbeat");
    const stopOrResume = this.events.filter((e) => e.kind === "stop" || e.kind === "resume").at(-1);
    const pausedBy = this.pausedBy();
    return {
      spent_today_cents: sum(today),
      spent_week_cents: sum(after(this.lastReset("weekly", "all")).filter((a) => weekOf(a.at) === weekOf(now))),
      spent_month_cents: sum(after(this.lastReset("monthly", "all")).filter((a) => monthOf(a.at) === monthOf(now))),
      spent_total_cents: sum(after(this.lastReset("total", "all"))),
      held_cents: p?.cost ?? 0,
      actions_last_minute: inLast(60, MS_PER_SECOND, sec),
      actions_last_5_minutes: inLast(5, MS_PER_MINUTE, min),
      actions_last_30_minutes: inLast(30, MS_PER_MINUTE, min),
      actions_last_hour: inLast(60, MS_PER_MINUTE, min),
      actions_today: today.length,
      last_action_at: last?.at ?? null,
      last_heartbeat_at: beat?.at ?? null,
      pending_approval_id: p?.id ?? null,
      emergency_stopped: stopOrResume?.kind === "stop",
      enforcement_paused: pausedBy !== null,
      paused_by: pausedBy,
      pending_cost_cents: p?.cost ?? 0,
      pending_created_at: p?.at ?? null,
    };
  }
}
