// Reference model of the stateful enforcer (SPEC §7, §9 step answers, §10 "Approve", "Report",
// "Idempotency"): the decision model over the event-list counter model, plus approvals, permits and
// remembered action_ids. Ids are the model's own; the test maps the enforcer's ids onto them.

import { CounterModel, type ModelSnapshot, type ResetKind } from "./counters";
import { decide, type ModelDecision, type ModelPassport, type ModelRequest } from "./model";
import { toMs } from "./time";

export const PERMIT_TTL_MS = 30_000;

export interface ApprovalAnswer {
  status: "approved" | "denied" | "expired" | "not_found";
  permit: boolean;
}

interface Approval {
  id: string;
  status: "pending" | "approved" | "denied" | "expired";
  action: string;
  cost: number;
}
interface Permit {
  issuedAt: number;
  used: boolean;
  action: ReturnType<CounterModel["lastAction"]>;
  cost: number;
}

export class EnforcerModel {
  readonly counters = new CounterModel();
  readonly approvals = new Map<string, Approval>();
  readonly permits: Permit[] = [];
  private readonly seen = new Map<string, { fingerprint: string; decision: ModelDecision }>();
  private approvalSeq = 0;

  constructor(readonly passport: ModelPassport) {}

  /** Approvals the counter model expired or a stop released are closed, as the enforcer closes them. */
  private settle(now: number): void {
    const pending = this.counters.pending(now);
    for (const a of this.approvals.values()) {
      if (a.status !== "pending" || pending?.id === a.id) continue;
      const stopped = this.counters.events.some((e) => e.kind === "settle" && e.id === a.id && e.how === "released");
      a.status = stopped ? "denied" : "expired";
    }
  }

  /** Decides, then commits (allow) or reserves (hold). Throws on an action_id reused for another request. */
  enforce(req: ModelRequest, now: number): ModelDecision & { approvalId?: string; permit?: number; repeated?: boolean } {
    if (req.action_id !== undefined) {
      const fingerprint = JSON.stringify(req);
      const prior = this.seen.get(req.action_id);
      if (prior && prior.fingerprint !== fingerprint) throw new Error("action_id_conflict");
      if (prior) return { ...prior.decision, repeated: true };
    }
    this.counters.snapshotOp(now);
    this.settle(now);
    const d: ModelDecision & { approvalId?: string; permit?: number } = decide(this.passport, req, this.counters.snapshot(now), now);
    const cost = req.cost_cents ?? 0;
    if (d.decision === "allow") {
      this.counters.commit(now, cost);
      this.permits.push({ issuedAt: now, used: false, action: this.counters.lastAction(), cost });
      d.permit = this.permits.length - 1;
    } else if (d.decision === "request_hold") {
      const id = `apr_${++this.approvalSeq}`;
      this.counters.reserve(now, cost, id);
      this.approvals.set(id, { id, status: "pending", action: req.action, cost });
      d.approvalId = id;
    } else if (d.reason === "enforcement_paused") {
      this.counters.trip(now); // SPEC §11: a fail-closed trip pauses until a fresh heartbeat
    }
    if (req.action_id !== undefined) this.seen.set(req.action_id, { fingerprint: JSON.stringify(req), decision: d });
    return d;
  }

  /** A human's answer. Approving re-checks only emergency stop, revocation and expiry (SPEC §10). */
  answer(id: string, yes: boolean, now: number): ApprovalAnswer & { permit_index?: number } {
    const a = this.approvals.get(id);
    if (!a) return { status: "not_found", permit: false };
    this.counters.snapshotOp(now);
    this.settle(now);
    if (a.status !== "pending") return { status: a.status, permit: false };
    const snap = this.counters.snapshot(now);
    const expiresAt = this.passport.expires_at != null ? toMs(this.passport.expires_at) : Number.POSITIVE_INFINITY;
    const refused = snap.emergency_stopped || this.passport.status === "revoked" || now >= expiresAt;
    if (!yes || refused) {
      this.counters.release(now, id);
      a.status = "denied";
      return { status: "denied", permit: false };
    }
    this.counters.approve(now, id);
    a.status = "approved";
    this.permits.push({ issuedAt: now, used: false, action: this.counters.lastAction(), cost: a.cost });
    return { status: "approved", permit: true, permit_index: this.permits.length - 1 };
  }

  /**
   * Closes a permit; an actual cost trues up the committed one (from an agent channel only upwards,
   * SPEC §11). A used or expired permit is refused.
   */
  report(index: number, actual: number | undefined, now: number, agent = false): { accepted: boolean } {
    const p = this.permits[index];
    if (!p || p.used) return { accepted: false };
    p.used = true;
    if (now >= p.issuedAt + PERMIT_TTL_MS) return { accepted: false };
    this.counters.snapshotOp(now);
    this.settle(now);
    if (actual !== undefined && actual !== p.cost) this.counters.trueUp(now, p.action!, actual, agent);
    return { accepted: true };
  }

  private op(now: number, f: () => unknown): { ok: boolean } {
    f();
    this.settle(now);
    return { ok: true };
  }

  heartbeat(now: number) {
    return this.op(now, () => this.counters.heartbeat(now));
  }
  pause(now: number) {
    return this.op(now, () => this.counters.pause(now));
  }
  emergencyStop(now: number) {
    return this.op(now, () => this.counters.emergencyStop(now));
  }
  resume(now: number) {
    return this.op(now, () => this.counters.resume(now));
  }
  reset(now: number, kind: ResetKind) {
    return this.op(now, () => this.counters.reset(now, kind));
  }

  state(now: number): ModelSnapshot {
    this.counters.snapshotOp(now);
    this.settle(now);
    return this.counters.snapshot(now);
  }
}
