// What notifiers deliver: the notice of a hold and the notice of an outcome, and the notifier
// contract. The notifiers (notify.ts, notifiers/*) and the outcome watcher (outcomes.ts) all
// import it, so none of them imports another.

/** What a notifier is asked to deliver when an action waits for a human. */
export interface ApprovalNotice {
  kind: "approval_requested";
  /** The approver's phone number (passport `metadata.approver_phone`), or null when none is set. */
  to: string | null;
  passport_id: string;
  agent_name: string;
  action: string;
  target: string | null;
  cost_cents: number;
  currency: string;
  /** `cost_cents` as money text ("$350.00"). */
  amount: string;
  approval_id: string;
  /** The approval page: open it to approve or deny; it is the capability, share it with no one else. */
  link: string;
  created_at: string;
  expires_at: string;
  /** Minutes between created_at and expires_at (5, SPEC §7). */
  expires_in_minutes: number;
  /** The whole message, ready to send as a text. */
  text: string;
  /** The approvers' e-mail addresses (passport `metadata.approver_email`). */
  emails: string[];
  /** Today's committed spend and the daily limit, as the approval page shows them (null: no daily cap). */
  spent_today_cents: number;
  daily_limit_cents: number | null;
  /** "$12.34 of $500.00 daily limit", or "$12.34 today" without a cap. */
  spend: string;
}

/** Everything a notifier may be asked to deliver: a hold, an outcome (humans/outcomes.ts), or a confirmation code (humans/confirm.ts). */
export type Notice = ApprovalNotice | OutcomeNotice | ConfirmationNotice;

/**
 * Sent to a phone or e-mail address a passport names as its approver before it confirmed for the
 * passport's issuer: a code to reply with (text) or a link to open (e-mail). It never carries an
 * approval link or a hold's details.
 */
export interface ConfirmationNotice {
  kind: "approver_confirmation";
  /** The phone to text, or null (an e-mail confirmation). */
  to: string | null;
  /** The one address to mail, or empty (a text confirmation). */
  emails: string[];
  /** The issuer the address is asked to approve for (null: passports without an issuer). */
  issuer_id: string | null;
  /** E-mail: the page that confirms the address; null for a text (reply CONFIRM <code>). */
  link: string | null;
  expires_at: string;
  /** The whole message, ready to send. */
  text: string;
}

export interface Notifier {
  notify(notice: Notice): Promise<void>;
}

export type OutcomeKind = "approval_approved" | "approval_denied" | "approval_expired" | "emergency_stop" | "resumed" | "enforcement_paused";

/** What a notifier is asked to deliver when something a person must know has happened. */
export interface OutcomeNotice {
  kind: OutcomeKind;
  /** The approver's phone number, or null for channels that do not text (e-mail, Slack, webhook without one). */
  to: string | null;
  passport_id: string;
  agent_name: string;
  /** The approval it closes (approval_* kinds). */
  approval_id: string | null;
  action: string | null;
  cost_cents: number | null;
  amount: string | null;
  /** Who answered or acted and through which channel, as the audit record names them (null: nobody, e.g. expiry). */
  answered_by: string | null;
  channel: string | null;
  /** The audit record's reason (e.g. "emergency_stopped", "no answer within 5 minutes"). */
  reason: string | null;
  at: string;
  /** The audit record this notice reports (its place in the passport's signed chain). */
  seq: number;
  emails: string[];
  text: string;
}
