// What the gateway asks of an enforcer, for one passport, always as the agent's channel (SPEC §11).

import type { Enforcer } from "../enforcer/enforcer";
import type { Approval, EnforceRequest, EnforcedDecision, ReportAnswer, ReportInput } from "../enforcer/types";
import type { Policy } from "../bindings/engine";

/** The decisions behind the gateway: an embedded enforcer today; a remote `warden serve` would be another. */
export interface Guard {
  readonly passportId: string;
  /** The passport as compiled now (hide_denied_tools probes it; redaction reads its PII flag). */
  policy(): Promise<Policy>;
  enforce(request: Omit<EnforceRequest, "passport_id">): Promise<EnforcedDecision>;
  report(input: Omit<ReportInput, "passport_id">): Promise<ReportAnswer>;
  approval(id: string): Promise<Approval | null>;
  /** The permit an operator's approval issued, when the approving channel kept it for the agent. */
  approvedPermit(approvalId: string): Promise<string | null>;
  /** A sign of life on the agent's behalf (throttled by the caller's choice). */
  heartbeat(): Promise<void>;
  /** Wakes waiting calls when this process appends a record (an approval answered here); returns the unsubscribe. */
  onActivity(listener: () => void): () => void;
}

export interface EmbeddedGuardOptions {
  /** Where approved permits are collected (the approval desk keeps them for the agent). */
  approvedPermit?: (passportId: string, approvalId: string) => Promise<{ permit_token: string } | null>;
  /** The heartbeat to send (a throttle); default: one per call to `heartbeat`. */
  heartbeat?: () => Promise<void>;
}

/**
 * The channel every gateway call is made on: the agent's (SPEC §11): a report can raise a committed
 * cost but never lower it, a heartbeat never lifts an operator's pause. Passed here and nowhere else.
 */
export const AGENT_CHANNEL = { channel: "agent" } as const;

/** An enforcer in this process, acting for one passport. */
export class EmbeddedGuard implements Guard {
  constructor(
    private readonly enforcer: Enforcer,
    readonly passportId: string,
    private readonly opts: EmbeddedGuardOptions = {},
  ) {}

  policy(): Promise<Policy> {
    return this.enforcer.policy(this.passportId);
  }

  enforce(request: Omit<EnforceRequest, "passport_id">): Promise<EnforcedDecision> {
    return this.enforcer.enforce({ ...request, passport_id: this.passportId }, AGENT_CHANNEL);
  }

  report(input: Omit<ReportInput, "passport_id">): Promise<ReportAnswer> {
    return this.enforcer.report({ ...input, passport_id: this.passportId }, AGENT_CHANNEL);
  }

  async approval(id: string): Promise<Approval | null> {
    const a = await this.enforcer.getApproval(id);
    return a && a.passport_id === this.passportId ? a : null;
  }

  async approvedPermit(approvalId: string): Promise<string | null> {
    return (await this.opts.approvedPermit?.(this.passportId, approvalId))?.permit_token ?? null;
  }

  async heartbeat(): Promise<void> {
    if (this.opts.heartbeat) await this.opts.heartbeat();
    else await this.enforcer.heartbeat(this.passportId, AGENT_CHANNEL);
  }

  onActivity(listener: () => void): () => void {
    return this.enforcer.onEvent(() => listener());
  }
}
