// How a passport's enforcement looks to a person: a status badge and the "Not Enforced" banner, read off the enforcer's snapshot.

import type { PassportState } from "../enforcer/types";
import type { PassportInfo } from "./desk";

/**
 * No heartbeat for longer than this and the agent shows as Disconnected: the same 120 s after which
 * SPEC `core:safety:fail_closed` calls a heartbeat stale (exactly 120 s old is still fresh).
 */
export const DISCONNECTED_AFTER_MS = 120_000;

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
}

type StateFields = Pick<PassportState, "emergency_stopped" | "enforcement_paused" | "last_heartbeat_at">;

const RULES: Array<{ key: StatusKey; applies: (p: PassportInfo, s: StateFields, now: number) => boolean; detail: string }> = [
  { key: "revoked", applies: (p) => p.status === "revoked", detail: "The passport is revoked: every action is blocked." },
  { key: "stopped", applies: (_p, s) => s.emergency_stopped, detail: "Emergency stop: every action is blocked until you resume." },
  { key: "paused", applies: (_p, s) => s.enforcement_paused, detail: "Enforcement is paused until the agent sends a heartbeat." },
  {
    key: "disconnected", applies: (_p, s, now) => !heartbeatFresh(s.last_heartbeat_at, now),
    detail: "No heartbeat from the agent for 2 minutes; every action it sends is still checked (HTTP agents: POST /v1/passports/:id/heartbeat every minute).",
  },
  { key: "active", applies: () => true, detail: "The agent is connected and every action is checked." },
];

export function heartbeatFresh(lastHeartbeatAt: string | null, now: number): boolean {
  return lastHeartbeatAt !== null && now - Date.parse(lastHeartbeatAt) <= DISCONNECTED_AFTER_MS;
}

/** The detail when core:safety:fail_closed is set and the heartbeat is stale: the agent is cut off. */
export const FAIL_CLOSED_TRIPPED = "Fail-closed tripped: no fresh heartbeat from the agent, so every action is blocked until it sends one.";

export function classify(passport: PassportInfo, state: StateFields, now: number): PassportStatus {
  const rule = RULES.find((r) => r.applies(passport, state, now))!;
  const hasConstraints = Object.keys(passport.constraints).length > 0;
  // "Not Enforced" only when fail-closed is configured and tripped (or enforcement was paused, which is
  // what fail-closed acts on); a missing heartbeat alone does not stop the checks (issue #17).
  const failClosed = passport.constraints["core:safety:fail_closed"] === true;
  const tripped = rule.key === "disconnected" && failClosed;
  return {
    key: rule.key, label: STATUS_LABELS[rule.key], detail: tripped ? FAIL_CLOSED_TRIPPED : rule.detail,
    not_enforced: hasConstraints && (tripped || state.enforcement_paused) && rule.key !== "revoked",
  };
}
