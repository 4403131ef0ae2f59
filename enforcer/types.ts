// The enforcer's public shapes: what enforce takes and returns, approvals, permits, reports, state.

import type { Decision } from "../bindings/decision";
import type { Lifetimes, SpendCaps } from "../bindings/limits";
import type { Snapshot } from "../bindings/state";

/**
 * Who is calling (SPEC §11). `agent`: the untrusted agent (MCP, the gateway, agent API keys,
 * framework adapters) — it may enforce, heartbeat, read its own state and approvals, and report a
 * permit (never lowering a committed cost). `operator` (the default: the embedding code itself) may
 * do everything, including approve, deny, pause, stop, resume, reset and register.
 */
export type Channel = "agent" | "operator";

/** The per-call options of every Enforcer method an agent may call. */
export interface CallOptions {
  /** Default `operator`. */
  channel?: Channel;
  /** Who acted and through what (sms, link, dashboard, api, slack): recorded, signed, on the approval or stop it answers. */
  actor?: Actor;
}

/** The body of enforce (POST /v1/enforce): generated from schemas/enforce-request.schema.json, a Request with its passport_id. */
export type { EnforceRequest } from "../bindings/gen/types";

/** A decision as the enforcer returns it: SPEC §8 plus the stateful fields, signed. */
export interface EnforcedDecision extends Decision {
  decision_id: string;
  passport_id: string;
  action_id: string | null;
  at: string;
  approval_request_id?: string;
  permit_token?: string;
  permit_expires_at?: string;
  /** Compact JWS (EdDSA) over the canonical JSON of the decision without this field. */
  signature: string;
}

export type ApprovalStatus = "pending" | "approved" | "denied" | "expired";

export interface Approval {
  id: string;
  passport_id: string;
  agent_name: string | null;
  decision_id: string;
  action: string;
  cost_cents: number;
  target: string | null;
  holds: string[];
  /** SHA-256 (hex) of the canonical JSON of {action, cost_cents, target, context}: the exact request approved (SPEC §11). */
  request_digest?: string;
  status: ApprovalStatus;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  /** Why an approval ended as it did (e.g. "emergency_stopped", "passport_revoked"). */
  outcome_reason: string | null;
  /** Who answered (an issuer id, a phone number, a Slack user) and through which channel; absent when nobody did. */
  answered_by?: string | null;
  channel?: string | null;
}

/** Who acts on an approval or a passport, and through which channel (sms, link, dashboard, api, slack, twilio, email). */
export interface Actor {
  by: string;
  channel: string;
}

export interface ApprovalAnswer {
  status: ApprovalStatus | "not_found";
  permit: boolean;
  permit_token?: string;
  permit_expires_at?: string;
  /** With a permit: the digest of the exact request approved; forward only a call whose digest matches (SPEC §11). */
  request_digest?: string;
  reason?: string;
}

export interface Permit {
  token: string;
  passport_id: string;
  action: string;
  cost_cents: number;
  decision_id: string;
  committed_at: number;
  /**
   * The counter state's reset generation when the cost was committed: a true-up leaves alone the
   * windows reset since. Absent in permits issued before it existed (the true-up then ignores resets).
   */
  committed_resets?: number;
  issued_at: number;
  expires_at: number;
  /** On a permit issued by an approval: the digest of the exact request approved (SPEC §11). */
  request_digest?: string;
}

export interface ReportInput {
  permit_token: string;
  /** When given, must be the permit's passport and action (permits are bound to both). */
  passport_id?: string;
  action?: string;
  success: boolean;
  result?: unknown;
  actual_cost_cents?: number;
}

export interface ReportAnswer {
  accepted: boolean;
  reason?: "unknown_or_used_permit" | "permit_expired" | "permit_mismatch";
  /**
   * Set when an agent-channel report claimed an actual cost below the committed one: the claim is
   * recorded (audit `claimed_actual_cost_cents`) but the counted spend stays (SPEC §11).
   */
  claimed_actual_cost_cents?: number;
}

export type WindowType = "daily" | "weekly" | "monthly" | "total" | "all";

/** `enforcer.state()`: the SPEC §6 snapshot (times in RFC 3339), the passport's limits and when windows reset. */
export interface PassportState extends Omit<Snapshot, "last_action_at" | "last_heartbeat_at" | "pending_created_at"> {
  passport_id: string;
  last_action_at: string | null;
  last_heartbeat_at: string | null;
  limits: Record<string, number>;
  window_resets_at: { daily: string; weekly: string; monthly: string };
}

/**
 * `enforcer.limits()`: what people and agents are shown about a passport's limits at `at`, every
 * number computed by the module — the effective cap, spend and headroom per spending window (the
 * tightest of max_per_<window> and max_cumulative on that window), the per-action cap, the
 * heartbeat's freshness and the approval / permit lifetimes.
 */
export interface PassportLimits extends SpendCaps {
  passport_id: string;
  at: string;
  /** A heartbeat was recorded and is not older than `lifetimes.heartbeat_fresh_ms`. */
  heartbeat_fresh: boolean;
  /** When the last heartbeat turns (or turned) stale; null without one. */
  heartbeat_stale_at: string | null;
  lifetimes: Lifetimes;
}

/** What `Enforcer.updatePassport` and `reissuePassport` answer: the passport as now stored and what changed. */
export interface PassportUpdate {
  passport: Record<string, unknown>;
  version: number;
  previous_version: number;
  /** JSON paths of the changed fields, sorted: `constraints["core:cost:max_per_day"]`, `permissions`, ... */
  changed: string[];
  /** The engine's warnings (constraint keys outside core:, kept and ignored). */
  warnings: string[];
}
