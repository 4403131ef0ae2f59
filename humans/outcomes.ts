// Outcome notices: when an approval is answered or expires, when a passport is emergency-stopped or
// resumed (from any source), or when enforcement pauses (fail-closed), the approvers hear of it through
// the same notifier as holds. The facts come from the signed audit record the enforcer just appended.

import type { ApprovalDesk } from "../desk/desk";
import type { EnforcerEvent } from "../enforcer/enforcer";
import { formatCents } from "../desk/format";
import type { Notifier, OutcomeKind, OutcomeNotice } from "./notice";

export type { OutcomeKind, OutcomeNotice } from "./notice";

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** The notice for one audit record, or null when the record is not an outcome people are told about. */
export function outcomeNotice(record: EnforcerEvent, agentName: string, currency: string, emails: string[], to: string | null): OutcomeNotice | null {
  const kind = kindOf(record);
  if (!kind) return null;
  const cost = num(record.cost_cents);
  const action = str(record.action);
  const answeredBy = str(record.answered_by) ?? str(record.by);
  const channel = str(record.channel);
  const reason = str(record.reason);
  const amount = cost === null ? null : formatCents(cost, currency);
  const via = answeredBy ? ` by ${answeredBy}${channel ? ` (${channel})` : ""}` : "";
  const what = `${action ?? "?"}${amount ? ` for ${amount}` : ""}`;
  const texts: Record<OutcomeKind, string> = {
    approval_approved: `Approved${via}: ${agentName} may ${what}.`,
    approval_denied: `Denied${via}: ${agentName} may not ${what}${reason && reason !== "denied" ? ` (${reason})` : ""}.`,
    approval_expired: `Expired unanswered: ${agentName}'s request to ${what} was not approved.`,
    emergency_stop: `Emergency stop${via}: every action of ${agentName} is blocked until resumed.`,
    resumed: `Resumed${via}: ${agentName} acts again under its passport.`,
    enforcement_paused:
      str(record.paused_by) === "fail_closed"
        ? `Enforcement paused for ${agentName}: every action is blocked until the agent sends a heartbeat (fail-closed).`
        : `Enforcement paused${via}: every action of ${agentName} is blocked until an operator resumes it.`,
  };
  return {
    kind,
    to,
    passport_id: record.passport_id,
    agent_name: agentName,
    approval_id: str(record.approval_id),
    action,
    cost_cents: cost,
    amount,
    answered_by: answeredBy,
    channel,
    reason,
    at: record.at,
    seq: record.seq,
    emails,
    text: `Agent Warden: ${texts[kind]}`,
  };
}

function kindOf(record: EnforcerEvent): OutcomeKind | null {
  switch (record.type) {
    case "approval":
      return record.status === "approved"
        ? "approval_approved"
        : record.status === "denied"
          ? "approval_denied"
          : record.status === "expired"
            ? "approval_expired"
            : null;
    case "panic":
      return "emergency_stop";
    case "resume":
      return "resumed";
    case "pause":
      return "enforcement_paused";
    default:
      return null;
  }
}

export interface OutcomeAlertsOptions {
  desk: ApprovalDesk;
  notifier: Notifier | null;
  log: (line: string) => void;
}

/** Sends an outcome notice for every audit record that is one; phones that replied STOP are skipped (not e-mail or Slack). */
export class OutcomeAlerts {
  private readonly inflight = new Set<Promise<void>>();
  constructor(private readonly opts: OutcomeAlertsOptions) {}

  /** Listens to the enforcer's records (not the hub: the hub's events drop who answered). Returns the unsubscribe. */
  watch(enforcer: { onEvent(listener: (e: EnforcerEvent) => void): () => void }): () => void {
    return enforcer.onEvent((record) => {
      if (!this.opts.notifier || !kindOf(record)) return;
      const job = this.send(record).catch((err) =>
        this.opts.log(`warden: outcome notice for ${record.passport_id} #${record.seq} failed: ${(err as Error).message}`),
      );
      this.inflight.add(job);
      void job.finally(() => this.inflight.delete(job));
    });
  }

  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async send(record: EnforcerEvent): Promise<void> {
    const { desk, notifier } = this.opts;
    const p = await desk.passport(record.passport_id);
    // Only approvers that confirmed for the passport's issuer hear of its outcomes.
    const confirmed = await desk.confirmedApprovers(p);
    const phones = [];
    for (const phone of confirmed.phones) if (!(await desk.isOptedOut(phone))) phones.push(phone);
    // Phone-less channels (e-mail, Slack, webhook) get one notice; texting channels one per number.
    const first = outcomeNotice(record, p.agent_name, p.currency, confirmed.emails, phones[0] ?? null)!;
    await notifier!.notify(first);
    for (const phone of phones.slice(1)) await notifier!.notify({ ...first, to: phone, emails: [] });
  }
}
