// E-mail notifier: each notice goes to the passport's approvers (`metadata.approver_email`) through an SMTP
// server, with nodemailer. `WARDEN_NOTIFY=smtp://[user:pass@]host:port?from=warden@example.com` (smtps:// for TLS).

import nodemailer, { type Transporter } from "nodemailer";
import { escapeHtml, formatClock } from "../../desk/format";
import type { ApprovalNotice, Notice, Notifier } from "../notice";

export interface SmtpNotifierOptions {
  /** `smtp://[user:pass@]host:port` or `smtps://…`; nodemailer's own URL options (e.g. `?requireTLS=true`) pass through. */
  url: string;
  /** The sender address (`from=` in the spec). */
  from: string;
}

/** Sends each notice as one e-mail (text and HTML) to every approver address; a notice without addresses sends nothing. */
export class SmtpNotifier implements Notifier {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(opts: SmtpNotifierOptions) {
    this.transport = nodemailer.createTransport(opts.url);
    this.from = opts.from;
  }

  /** `smtp://user:pass@host:port?from=a@b` → a notifier; the `from` parameter is required. */
  static fromSpec(spec: string): SmtpNotifier {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new TypeError(`smtp notifier: not a URL: ${JSON.stringify(spec)}`);
    }
    if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new TypeError(`smtp notifier: use smtp:// or smtps://, not ${url.protocol}`);
    const from = url.searchParams.get("from");
    if (!from || !from.includes("@"))
      throw new TypeError("smtp notifier: add ?from=<sender address> (e.g. smtp://mail.example.com:587?from=warden@example.com)");
    url.searchParams.delete("from");
    return new SmtpNotifier({ url: url.toString(), from });
  }

  async notify(notice: Notice): Promise<void> {
    if (notice.emails.length === 0) return;
    const mail =
      notice.kind === "approval_requested"
        ? approvalMail(notice)
        : {
            subject: notice.text.replace(/^Agent Warden: /, "Agent Warden — "),
            text: `${notice.text}\n`,
            html: `<p>${escapeHtml(notice.text)}</p>`,
          };
    await this.transport.sendMail({ from: this.from, to: notice.emails, ...mail });
  }

  close(): void {
    this.transport.close();
  }
}

/** The hold's mail: what, how much, spend against the limit, until when, and the approval link. */
export function approvalMail(n: ApprovalNotice): { subject: string; text: string; html: string } {
  const on = n.target ? ` on ${n.target}` : "";
  const until = `${n.expires_in_minutes} minutes (until ${formatClock(n.expires_at)})`;
  const text = [
    `${n.agent_name} wants to ${n.action}${on} for ${n.amount}.`,
    "",
    `Amount: ${n.amount}`,
    `Spent: ${n.spend}`,
    `Answer within ${until}; after that the request expires and is not approved.`,
    "",
    `Approve or deny: ${n.link}`,
    "",
    "The link is the permission to answer: do not forward this mail.",
  ].join("\n");
  const h = escapeHtml;
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<p><strong>${h(n.agent_name)}</strong> wants to <code>${h(n.action)}</code>${n.target ? ` on <code>${h(n.target)}</code>` : ""} for <strong>${h(n.amount)}</strong>.</p>
<table>
<tr><th align="left">Amount</th><td>${h(n.amount)}</td></tr>
<tr><th align="left">Spent</th><td>${h(n.spend)}</td></tr>
<tr><th align="left">Expires</th><td>in ${h(until)}</td></tr>
</table>
<p><a href="${h(n.link)}">Approve or deny</a></p>
<p style="color:#666">The link is the permission to answer: do not forward this mail.</p>
</body></html>`;
  return { subject: `Approval needed: ${n.agent_name} wants to ${n.action} for ${n.amount}`, text, html };
}
