// The live activity feed: audit records of the enforcer turned into short events, fanned out to subscribers (SSE, notifiers).

import type { Enforcer, EnforcerEvent } from "../enforcer/enforcer";
import { formatCents } from "../desk/format";

/** One line of a passport's activity feed. `id` orders events within this hub (the SSE event id). */
export interface ActivityEvent {
  id: number;
  passport_id: string;
  /** The audit record's type: decision, approval, permit_report, panic, resume, pause, reset. */
  type: string;
  at: string;
  /** The audit record's sequence number in the passport's chain. */
  seq: number;
  /** One sentence for people ("allow web:search ($0.20)"). */
  summary: string;
  decision?: string;
  reason?: string;
  action?: string;
  cost_cents?: number;
  approval_id?: string;
  status?: string;
  /** The decision's warnings (`heartbeat_stale`, ignored keys). */
  warnings?: string[];
}

export type ActivityListener = (event: ActivityEvent) => void;

/** How many recent events the hub keeps for late subscribers (`Last-Event-ID` replay). */
export const EVENT_BACKLOG = 500;

/** Fans enforcer events out to subscribers and keeps a bounded backlog. */
export class EventHub {
  private readonly listeners = new Set<ActivityListener>();
  private readonly backlog: ActivityEvent[] = [];
  private nextId = 1;

  /** Feeds the hub from an enforcer; returns the function that detaches it. */
  attach(enforcer: Pick<Enforcer, "onEvent">): () => void {
    return enforcer.onEvent((record) => this.publish(record));
  }

  /** Turns an audit record into an activity event and delivers it. */
  publish(record: EnforcerEvent): ActivityEvent {
    const event = toActivity(this.nextId++, record);
    this.backlog.push(event);
    if (this.backlog.length > EVENT_BACKLOG) this.backlog.shift();
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        /* a broken subscriber must not starve the others */
      }
    }
    return event;
  }

  subscribe(listener: ActivityListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Events after `id` still in the backlog (for a reconnecting client), oldest first. */
  since(id: number): ActivityEvent[] {
    return this.backlog.filter((e) => e.id > id);
  }

  /** The newest `limit` events of one passport, oldest first. */
  recent(passportId: string, limit: number): ActivityEvent[] {
    return this.backlog.filter((e) => e.passport_id === passportId).slice(-limit);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  /** The id of the newest event published (0 before any). */
  get lastId(): number {
    return this.nextId - 1;
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

/** The feed's view of one audit record (also used to render the log's tail on page load). */
export function toActivity(id: number, r: EnforcerEvent): ActivityEvent {
  const request = (r.request ?? {}) as Record<string, unknown>;
  const base = { id, passport_id: r.passport_id, type: r.type, at: r.at, seq: r.seq };
  switch (r.type) {
    case "decision": {
      const action = str(request.action) ?? "?";
      const cost = num(request.cost_cents) ?? 0;
      const decision = str(r.decision) ?? "?";
      const reason = str(r.reason);
      const why = decision === "allow" ? "" : ` — ${reason ?? ""}`;
      const warnings = Array.isArray(r.warnings) ? r.warnings.filter((w): w is string => typeof w === "string") : [];
      const warned = warnings.length > 0 ? ` ⚠ ${warnings.join(", ")}` : "";
      return {
        ...base,
        decision,
        reason,
        action,
        cost_cents: cost,
        approval_id: str(r.approval_request_id),
        ...(warnings.length > 0 && { warnings }),
        summary: `${decision} ${action} (${formatCents(cost)})${why}${warned}`,
      };
    }
    case "approval": {
      const action = str(r.action) ?? "?";
      const status = str(r.status) ?? "?";
      return {
        ...base,
        action,
        status,
        approval_id: str(r.approval_id),
        cost_cents: num(r.cost_cents),
        reason: str(r.reason),
        summary: `approval ${status}: ${action} (${formatCents(num(r.cost_cents) ?? 0)})`,
      };
    }
    case "permit_report":
      return {
        ...base,
        action: str(r.action),
        summary:
          `reported ${r.success === true ? "success" : "failure"}: ${str(r.action) ?? "?"}` +
          (typeof r.actual_cost_cents === "number" ? ` (actual ${formatCents(r.actual_cost_cents)})` : ""),
      };
    case "panic":
      return { ...base, summary: "emergency stop" };
    case "resume":
      return { ...base, summary: "resumed" };
    case "pause":
      return {
        ...base,
        summary: r.paused_by === "fail_closed" ? "enforcement paused: fail_closed tripped (heartbeat_stale)" : "enforcement paused by an operator",
      };
    case "reset":
      return { ...base, summary: `counters reset (${str(r.window_type) ?? "?"})` };
    default:
      return { ...base, summary: r.type };
  }
}
