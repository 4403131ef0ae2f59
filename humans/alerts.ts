// Approval alerts: when a decision is a hold, make its approval link and tell the passport's approvers through the notifier.

import type { ApprovalDesk } from "../desk/desk";
import type { ActivityEvent, EventHub } from "./events";
import { approvalNotice, type Notifier } from "./notify";

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
    const phones = view.passport.phones;
    if (phones.length === 0) return notifier!.notify(approvalNotice(view, link, null));
    let emailed = false; // e-mail addresses ride on one notice only, so each address gets one mail
    for (const phone of phones) {
      if (await desk.isOptedOut(phone)) {
        this.opts.log(`warden: ${phone} replied STOP; not notified of ${approval.id} (reply START to get notifications again)`);
        continue;
      }
      await notifier!.notify({ ...approvalNotice(view, link, phone), ...(emailed ? { emails: [] } : {}) });
      emailed = true;
    }
    if (!emailed && view.passport.emails.length > 0) await notifier!.notify(approvalNotice(view, link, null));
  }
}
