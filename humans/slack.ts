// Slack: a hold is posted to a channel as a Block Kit message with Approve / Deny buttons (@slack/web-api);
// a click comes back to POST /v1/slack/interactivity, whose v0 request signature (HMAC-SHA256 with the
// app's signing secret over "v0:<timestamp>:<body>") and timestamp (5 minutes) are checked, each request is
// acted on once, and only the message posted for that approval can answer it. The message is then updated
// with the outcome. Channel: operator (SPEC §11) — whoever can click in that Slack channel approves.

import { Records } from "../enforcer/records";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { ApprovalDesk } from "../desk/desk";
import type { Notice, Notifier } from "./notify";
import { HttpError, header, readBody, sendError, sendJson } from "../desk/web";
import { validateBody } from "../bindings/validate-body";
import { propertyTypes, slackInteractivitySchema } from "../bindings/gen/zod";

/** Slack's own tolerance for X-Slack-Request-Timestamp. */
export const SLACK_TOLERANCE_S = 300;
const MESSAGE_TTL_MS = 24 * 3600_000;
const MAX_BODY = 64 * 1024;

export interface SlackOptions {
  /** A bot token (xoxb-…) with chat:write. */
  token: string;
  /** The channel id (C…) or name holds are posted to. */
  channel: string;
  /** The app's signing secret (Basic Information → App Credentials). */
  signingSecret: string;
  desk: ApprovalDesk;
  clock?: () => number;
  /** Passed to WebClient (tests point slackApiUrl at a loopback fake). */
  client?: WebClientOptions;
}

interface MessageRef {
  channel: string;
  ts: string;
}

export class SlackApp implements Notifier {
  readonly client: WebClient;
  private readonly clock: () => number;
  private readonly posted = new Set<string>();

  constructor(private readonly opts: SlackOptions) {
    this.client = new WebClient(opts.token, { retryConfig: { retries: 1 }, ...opts.client });
    this.clock = opts.clock ?? Date.now;
  }

  /** Posts holds with buttons; updates the hold's message with the outcome; other notices are posted as text. */
  async notify(notice: Notice): Promise<void> {
    // A confirmation code is for the person it is sent to, not for the team's channel.
    if (notice.kind === "approver_confirmation") return;
    const messages = new Records<MessageRef>(this.opts.desk.enforcer.store, "slackMessages");
    if (notice.kind === "approval_requested") {
      if (this.once(`${notice.kind}:${notice.approval_id}`)) return; // one post per hold, not one per phone
      const text = `${notice.agent_name} wants to ${notice.action} for ${notice.amount} (${notice.spend}); expires in ${notice.expires_in_minutes} minutes.`;
      const res = await this.client.chat.postMessage({
        channel: this.opts.channel,
        text,
        blocks: [
          {
            type: "section",
            text: {
              type: "mrkdwn",
              text: `*${esc(notice.agent_name)}* wants to \`${esc(notice.action)}\` for *${esc(notice.amount)}*.\nSpent: ${esc(notice.spend)} · expires in ${notice.expires_in_minutes} minutes`,
            },
          },
          {
            type: "actions",
            block_id: "warden_answer",
            elements: [
              { type: "button", action_id: "warden_approve", text: { type: "plain_text", text: "Approve" }, style: "primary", value: notice.approval_id },
              { type: "button", action_id: "warden_deny", text: { type: "plain_text", text: "Deny" }, style: "danger", value: notice.approval_id },
            ],
          },
        ],
      });
      if (!res.ok || !res.ts || !res.channel) throw new Error(`slack chat.postMessage failed: ${res.error ?? "no ts"}`);
      await messages.put(notice.approval_id, { channel: res.channel, ts: res.ts }, { ttlMs: MESSAGE_TTL_MS, now: this.clock() });
      return;
    }
    if (this.once(`${notice.kind}:${notice.passport_id}:${notice.seq}`)) return;
    const ref = notice.approval_id ? await messages.get(notice.approval_id, this.clock()) : null;
    if (ref) {
      await this.client.chat.update({
        channel: ref.channel,
        ts: ref.ts,
        text: notice.text,
        blocks: [{ type: "section", text: { type: "mrkdwn", text: esc(notice.text) } }],
      });
    } else {
      await this.client.chat.postMessage({ channel: this.opts.channel, text: notice.text });
    }
  }

  /** True when this notice was already posted (the notifier is called once per approver phone). */
  private once(key: string): boolean {
    if (this.posted.has(key)) return true;
    this.posted.add(key);
    if (this.posted.size > 1000) this.posted.delete(this.posted.values().next().value!);
    return false;
  }

  /** POST /v1/slack/interactivity. */
  async interactivity(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, MAX_BODY);
    const verdict = verifySlackSignature(
      this.opts.signingSecret,
      header(req, "x-slack-request-timestamp"),
      header(req, "x-slack-signature"),
      raw,
      this.clock(),
    );
    if (verdict !== "ok") return sendError(res, "bad_signature", `slack signature ${verdict}`);
    const now = this.clock();
    const store = this.opts.desk.enforcer.store;
    const seen = await new Records<object>(store, "slackSeen").put(
      header(req, "x-slack-signature")!,
      {},
      { ifAbsent: true, ttlMs: 2 * SLACK_TOLERANCE_S * 1000, now },
    );
    if (!seen) return sendError(res, "replayed", "this request was already handled");
    // The form is read only once the signature over its exact bytes holds; payload is decoded and checked by the schema.
    const form = Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
    let decoded: unknown;
    try {
      decoded = form.payload === undefined ? undefined : JSON.parse(form.payload);
    } catch {
      throw new HttpError("invalid_payload", "payload must be Slack's JSON", "payload");
    }
    const { payload } = validateBody(slackInteractivitySchema, form, "Slack interaction", propertyTypes.SlackInteractivity, {
      ...form,
      ...(decoded !== undefined && { payload: decoded }),
    });
    const action = payload.actions[0]!;
    // Only the message posted for this approval answers it: a button value naming another approval is refused.
    const ref = await new Records<MessageRef>(store, "slackMessages").get(action.value, now);
    if (!ref || ref.channel !== payload.channel?.id || ref.ts !== payload.message?.ts) return sendError(res, "not_found", "no approval for this message");
    const user = payload.user?.username ?? payload.user?.name ?? payload.user?.id ?? "slack user";
    const answer = await this.opts.desk.answer(action.value, action.action_id === "warden_approve", { by: `slack:${user}`, channel: "slack" });
    sendJson(res, 200, { status: answer.status });
  }
}

/** Slack's v0 scheme: "ok", or why not ("missing", "stale", "mismatch"). */
export function verifySlackSignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  nowMs: number,
): "ok" | "missing" | "stale" | "mismatch" {
  if (!timestamp || !signature) return "missing";
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TOLERANCE_S) return "stale";
  const expected = Buffer.from(`v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`);
  const got = Buffer.from(signature);
  return got.length === expected.length && timingSafeEqual(got, expected) ? "ok" : "mismatch";
}

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
