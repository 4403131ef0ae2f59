// Approval alerts: when a decision is a hold, make its approval link and tell the passport's approvers through the notifier.

import type { ApprovalDesk } from "../desk/desk";
import type { ActivityEvent, EventHub } from "./events";
import { approvalNotice, type Notifier } from "./notify";
import { requestConfirmation } from "./confirm";

export interface ApprovalAlertsOptions {
  desk: ApprovalDesk;
  notifier: Notifier | null;
  /** Where people open approval links (`<publicUrl>/a/<code>`); a function is asked each time (a port known only after listen). */
  publicUrl: string | (() => string);
  log: (line: string) => void;
}

export class ApprovalAlerts {
  private readonly inflight = new Set<Promise<void>>();
  constructor(private readonly opts: ApprovalAlertsOptions) {}

  /** Where alerts go (null: none). */
  get notifier(): Notifier | null {
    return this.opts.notifier;
  }

  get publicUrl(): string {
    const url = this.opts.publicUrl;
    return (typeof url === "function" ? url() : url).replace(/\/+$/, "");
  }

  /** Sends an alert for every hold the hub reports; returns the unsubscribe. */
  watch(hub: EventHub): () => void {
    return hub.subscribe((e) => this.onActivity(e));
  }

  /** A fresh approval link (a new capability code) for one approval. */
  async linkFor(approvalId: string): Promise<string> {
    const approval = await this.opts.desk.enforcer.getApproval(approvalId);
    if (!approval) throw new Error(`no approval ${approvalId}`);
    return `${this.publicUrl}/a/${await this.opts.desk.createLink(approval)}`;
  }

  /** Resolves when every alert started so far has been sent (or has failed). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private onActivity(e: ActivityEvent): void {
    if (e.type !== "decision" || e.decision !== "request_hold" || !e.approval_id || !this.opts.notifier) return;
    const id = e.approval_id;
    const job = this.alert(id).catch((err) => this.opts.log(`warden: notification for ${id} failed: ${(err as Error).message}`));
    this.inflight.add(job);
    void job.finally(() => this.inflight.delete(job));
  }

  private async alert(approvalId: string): Promise<void> {
    const { desk, notifier } = this.opts;
    const approval = await desk.enforcer.getApproval(approvalId);
    if (!approval || approval.status !== "pending") return;
    const view = await desk.view(approval);
    const link = await this.linkFor(approval.id);
    // Only approvers that confirmed for the passport's issuer get the hold; the others get a code to confirm with.
    const confirmed = await desk.confirmedApprovers(view.passport);
    await this.askToConfirm(view.passport.issuer_id, view.passport.phones, view.passport.emails, confirmed);
    const notice = (to: string | null, emails: string[]) => ({ ...approvalNotice(view, link, to), emails });
    const phones = confirmed.phones;
    if (phones.length === 0) return notifier!.notify(notice(null, confirmed.emails));
    let emailed = false; // e-mail addresses ride on one notice only, so each address gets one mail
    for (const phone of phones) {
      if (await desk.isOptedOut(phone)) {
        this.opts.log(`warden: ${phone} replied STOP; not notified of ${approval.id} (reply START to get notifications again)`);
        continue;
      }
      await notifier!.notify(notice(phone, emailed ? [] : confirmed.emails));
      emailed = true;
    }
    if (!emailed && confirmed.emails.length > 0) await notifier!.notify(notice(null, confirmed.emails));
  }

  /** Sends a confirmation code to each named approver not yet confirmed for the issuer (one live code at a time). */
  private async askToConfirm(issuer: string | null, phones: string[], emails: string[], confirmed: { phones: string[]; emails: string[] }): Promise<void> {
    const sender = { desk: this.opts.desk, notifier: this.opts.notifier, publicUrl: () => this.publicUrl, log: this.opts.log };
    for (const phone of phones.filter((p) => !confirmed.phones.includes(p))) {
      if (!(await requestConfirmation(sender, issuer, "phone", phone))) this.opts.log(`warden: approver_phone ${phone} is not an E.164 number; not notified`);
    }
    for (const email of emails.filter((e) => !confirmed.emails.includes(e))) {
      if (!(await requestConfirmation(sender, issuer, "email", email))) this.opts.log(`warden: approver_email ${email} is not an e-mail address; not notified`);
    }
  }
}
