// Notifiers: how a held action reaches a human. Console or file by default; an HTTP webhook (signed JSON POST) to route to any SMS or e-mail provider.

import { appendFile } from "node:fs/promises";
import { formatCents, formatClock } from "../desk/format";
import { signatureHeaders } from "./signature";
import type { ApprovalView } from "../desk/desk";
import type { ApprovalNotice, Notice, Notifier } from "./notice";
import { SmtpNotifier } from "./notifiers/smtp";
import { TwilioNotifier } from "./notifiers/twilio";

export type { ApprovalNotice, Notice, Notifier } from "./notice";

/** Builds the notice for one pending approval. */
export function approvalNotice(view: ApprovalView, link: string, to: string | null): ApprovalNotice {
  const { approval, passport } = view;
  const amount = formatCents(approval.cost_cents, passport.currency);
  const minutes = Math.round((Date.parse(approval.expires_at) - Date.parse(approval.created_at)) / 60_000);
  const on = view.target ? ` on ${view.target}` : "";
  const reply = to ? " Or reply YES to approve, NO to deny." : "";
  const text =
    `${passport.agent_name} wants to ${view.action}${on} for ${amount}. ` +
    `Approve or deny within ${minutes} minutes (until ${formatClock(approval.expires_at)}): ${link}${reply}`;
  return {
    kind: "approval_requested",
    to,
    passport_id: passport.id,
    agent_name: passport.agent_name,
    action: view.action,
    target: view.target,
    cost_cents: approval.cost_cents,
    currency: passport.currency,
    amount,
    approval_id: approval.id,
    link,
    created_at: approval.created_at,
    expires_at: approval.expires_at,
    expires_in_minutes: minutes,
    text,
    emails: passport.emails,
    spent_today_cents: view.spent_today_cents,
    daily_limit_cents: view.daily_limit_cents,
    spend:
      view.daily_limit_cents === null
        ? `${formatCents(view.spent_today_cents, passport.currency)} today`
        : `${formatCents(view.spent_today_cents, passport.currency)} of ${formatCents(view.daily_limit_cents, passport.currency)} daily limit`,
  };
}

/** Writes each notice as one line to a stream (stderr by default: in stdio MCP mode stdout is the protocol). */
export class ConsoleNotifier implements Notifier {
  constructor(
    private readonly write: (line: string) => void = (line) => {
      process.stderr.write(line);
    },
  ) {}

  async notify(notice: Notice): Promise<void> {
    this.write(`[warden] ${notice.to ? `to ${notice.to}: ` : ""}${notice.text}\n`);
  }
}

/** Appends each notice as a JSON line to a file (a local outbox another tool can tail). */
export class FileNotifier implements Notifier {
  constructor(private readonly path: string) {}

  async notify(notice: Notice): Promise<void> {
    await appendFile(this.path, JSON.stringify(notice) + "\n", { encoding: "utf8", mode: 0o600 });
  }
}

export interface WebhookNotifierOptions {
  url: string;
  /** Signs each POST (`x-warden-timestamp`, `x-warden-signature: v1=<HMAC-SHA256>`), as inbound replies are signed. */
  secret?: string;
  headers?: Record<string, string>;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /** Further attempts after a network error or a 5xx/429. Default 2. */
  retries?: number;
  fetch?: typeof fetch;
}

/** POSTs each notice as JSON; retries a bounded number of times with a growing pause. */
export class WebhookNotifier implements Notifier {
  private readonly opts: Required<Omit<WebhookNotifierOptions, "secret" | "headers">> & WebhookNotifierOptions;

  constructor(opts: WebhookNotifierOptions) {
    const url = new URL(opts.url);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError(`webhook URL must be http(s): ${opts.url}`);
    this.opts = { timeoutMs: 5000, retries: 2, fetch: globalThis.fetch, ...opts };
  }

  async notify(notice: Notice): Promise<void> {
    const body = JSON.stringify(notice);
    let lastError: unknown = null;
    for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
      if (attempt > 0) await sleep(250 * 4 ** (attempt - 1));
      try {
        const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "agent-warden", ...this.opts.headers };
        if (this.opts.secret) Object.assign(headers, signatureHeaders(this.opts.secret, body));
        const res = await this.opts.fetch(this.opts.url, { method: "POST", headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs) });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        lastError = new Error(`webhook answered ${res.status}`);
        if (res.status < 500 && res.status !== 429) break; // the receiver refuses it: retrying will not help
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
}

/** Sends to every notifier; one failing does not stop the others (the first error is rethrown after). */
export class FanoutNotifier implements Notifier {
  constructor(private readonly notifiers: Notifier[]) {}

  async notify(notice: Notice): Promise<void> {
    const results = await Promise.allSettled(this.notifiers.map((n) => n.notify(notice)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A notifier from a command-line spec: `console` (stderr), `none`, `file:PATH` (JSON lines) or
 * `webhook:URL` (signed with `webhookSecret` when given). Several specs fan out.
 */
export function notifierFromSpecs(specs: string[], webhookSecret?: string): Notifier | null {
  const list = specs.flatMap((spec): Notifier[] => {
    if (spec === "console") return [new ConsoleNotifier()];
    if (spec === "none") return [];
    if (spec.startsWith("file:") && spec.length > 5) return [new FileNotifier(spec.slice(5))];
    if (spec.startsWith("webhook:")) return [new WebhookNotifier({ url: spec.slice(8), secret: webhookSecret })];
    if (spec.startsWith("smtp:") || spec.startsWith("smtps:")) return [SmtpNotifier.fromSpec(spec)];
    if (spec === "twilio" || spec === "twilio:") return [TwilioNotifier.fromEnv(process.env)];
    throw new TypeError(`unknown notifier ${JSON.stringify(spec)}: use console, none, file:PATH, webhook:URL, smtp://HOST:PORT?from=ADDRESS or twilio:`);
  });
  if (list.length === 0) return null;
  return list.length === 1 ? list[0]! : new FanoutNotifier(list);
}
