// How a passport's enforcement looks to a person: a status badge and the "Not Enforced" banner, read off the enforcer's snapshot.

import type { PassportLimits, PassportState } from "../enforcer/types";
import type { PassportInfo } from "./desk";
import { formatDuration } from "./format";

export type StatusKey = "active" | "disconnected" | "paused" | "stopped" | "revoked";

/** Badge text, in the order a person should read them (the first that applies wins). */
export const STATUS_LABELS: Record<StatusKey, string> = {
  revoked: "Revoked",
  stopped: "Emergency Stopped",
  paused: "Enforcement Paused",
  disconnected: "No heartbeat (enforcement still on)",
  active: "Active",
};

export interface PassportStatus {
  key: StatusKey;
  label: string;
  /** Constraints exist but are not being applied to a live, connected agent. */
  not_enforced: boolean;
  /** One sentence saying why. */
  detail: string;
  /** Who paused enforcement, when it is paused: an operator, or a fail-closed trip (SPEC §11). */
  paused_by: "operator" | "fail_closed" | null;
}

type StateFields = Pick<PassportState, "emergency_stopped" | "enforcement_paused"> & { paused_by?: "operator" | "fail_closed" | null };
/**
 * The heartbeat as the module judges it (`enforcer.limits()`): fresh or not, and how long one stays
 * fresh (the 120 s after which SPEC `core:safety:fail_closed` calls it stale). Stale shows as Disconnected.
 */
export type HeartbeatView = Pick<PassportLimits, "heartbeat_fresh"> & { lifetimes: Pick<PassportLimits["lifetimes"], "heartbeat_fresh_ms"> };

const RULES: Array<{ key: StatusKey; applies: (p: PassportInfo, s: StateFields, hb: HeartbeatView) => boolean; detail: (hb: HeartbeatView) => string }> = [
  { key: "revoked", applies: (p) => p.status === "revoked", detail: () => "The passport is revoked: every action is blocked." },
  { key: "stopped", applies: (_p, s) => s.emergency_stopped, detail: () => "Emergency stop: every action is blocked until you resume." },
  {
    key: "paused",
    applies: (_p, s) => s.enforcement_paused,
    detail: () => "Enforcement is paused by an operator: every action is blocked until an operator resumes it.",
  },
  {
    key: "disconnected",
    applies: (_p, _s, hb) => !hb.heartbeat_fresh,
    detail: (hb) =>
      `No heartbeat from the agent for ${formatDuration(hb.lifetimes.heartbeat_fresh_ms)}; every action it sends is still checked (HTTP agents: POST /v1/passports/:id/heartbeat every minute).`,
  },
  { key: "active", applies: () => true, detail: () => "The agent is connected and every action is checked." },
];

/** The detail when core:safety:fail_closed is set and the heartbeat is stale: the agent is cut off. */
export const FAIL_CLOSED_TRIPPED = "Fail-closed tripped: no fresh heartbeat from the agent, so every action is blocked until it sends one.";

export function classify(passport: PassportInfo, state: StateFields, heartbeat: HeartbeatView): PassportStatus {
  const rule = RULES.find((r) => r.applies(passport, state, heartbeat))!;
  const hasConstraints = Object.keys(passport.constraints).length > 0;
  // "Not Enforced" only when fail-closed is configured and tripped (or enforcement was paused, which is
  // what fail-closed acts on); a missing heartbeat alone does not stop the checks (issue #17).
  const failClosed = passport.constraints["core:safety:fail_closed"] === true;
  // Tripped: the pause a fail-closed trip set (warden serve's timer or a blocked request), or, before
  // it is set, the stale heartbeat the module already blocks every action for.
  const pausedBy = state.enforcement_paused ? (state.paused_by ?? "operator") : null;
  const tripped = (rule.key === "paused" && pausedBy === "fail_closed") || (rule.key === "disconnected" && failClosed);
  return {
    key: rule.key,
    label: STATUS_LABELS[rule.key],
    detail: tripped ? FAIL_CLOSED_TRIPPED : rule.detail(heartbeat),
    not_enforced: hasConstraints && (tripped || state.enforcement_paused) && rule.key !== "revoked",
    paused_by: pausedBy,
  };
}
