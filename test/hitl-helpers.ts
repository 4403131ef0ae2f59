// Shared setup for the human-in-the-loop tests: an enforcer with a passport, the Hitl routes on a loopback server, signed SMS posts.

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Enforcer } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { randomId } from "../enforcer/ids";
import { createHitl, type Hitl, type HitlOptions } from "../server/hitl";
import type { ApprovalNotice, Notice, Notifier } from "../humans/notify";
import type { OutcomeNotice } from "../humans/outcomes";
import type { ConfirmationNotice } from "../humans/notice";
import { staticKeys } from "../humans/session";
import type { ApprovalDesk } from "../desk/desk";
import type { ApproverKind } from "../desk/approvers";
import { signatureHeaders } from "../humans/signature";

export const SMS_SECRET = "test-sms-secret";
export const API_KEY = "wk_test_dashboard_key_0123456789abcdef";
export const OTHER_KEY = "wk_test_other_issuer_key_0123456789ab";
export const PHONE = "+15550100001";

/** Captures notices instead of sending them. */
export class RecordingNotifier implements Notifier {
  /** Holds (approval_requested). */
  readonly notices: ApprovalNotice[] = [];
  /** Everything else: answers, expiries, stops, resumes, pauses. */
  readonly outcomes: OutcomeNotice[] = [];
  /** Confirmation codes sent to approvers not yet confirmed for the issuer. */
  readonly confirmations: ConfirmationNotice[] = [];
  async notify(notice: Notice): Promise<void> {
    if (notice.kind === "approval_requested") this.notices.push(notice);
    else if (notice.kind === "approver_confirmation") this.confirmations.push(notice);
    else this.outcomes.push(notice);
  }
}

export function travelPassport(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: randomId("pass"),
    agent_id: "travel-bot",
    agent_name: "Travel bot",
    issuer_id: "iss_acme",
    currency: "USD",
    constraints: {
      "core:cost:approval_threshold": 2000,
      "core:cost:max_per_day": 50000,
      "core:scope:action_blocklist": ["files:delete*"],
    },
    metadata: { approver_phone: "+1 (555) 010-0001" },
    ...extra,
  };
}

export interface Rig {
  enforcer: Enforcer;
  hitl: Hitl;
  notifier: RecordingNotifier;
  server: Server;
  base: string;
  pid: string;
  close(): Promise<void>;
}

/**
 * Confirms `address` as an approver of `issuer` the way a person does: a code is made (as for a hold)
 * and returned (CONFIRM over SMS for a phone, the link's token for an e-mail address).
 */
export async function confirmApprover(desk: ApprovalDesk, issuer: string | null, kind: ApproverKind, address: string): Promise<void> {
  const req = await desk.approvers.request(issuer, kind, address);
  if (!req) throw new Error(`not an address: ${address}`);
  if (req.status === "confirmed") return;
  if (req.code === null) throw new Error(`a code for ${address} is already live; confirm with it`);
  const done = kind === "phone" ? await desk.approvers.confirmPhone(address, req.code) : await desk.approvers.confirmToken(req.code);
  if (!done.ok) throw new Error(`confirming ${address} failed: ${done.reason}`);
}

/** Confirms every approver a passport names for its issuer (test setup for the hold and reply tests). */
export async function confirmApproversOf(desk: ApprovalDesk, passport: Record<string, unknown>): Promise<void> {
  const metadata = (passport.metadata ?? {}) as Record<string, unknown>;
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as string[];
  const issuer = typeof passport.issuer_id === "string" ? passport.issuer_id : null;
  for (const phone of list(metadata.approver_phone)) await confirmApprover(desk, issuer, "phone", phone);
  for (const email of list(metadata.approver_email)) await confirmApprover(desk, issuer, "email", email);
}

/**
 * An enforcer with one passport and the Hitl routes on 127.0.0.1 (port chosen by the OS). The
 * passport's approvers are confirmed for its issuer unless `confirm: false`.
 */
export async function startRig(opts: Partial<HitlOptions> = {}, passport = travelPassport(), setup: { confirm?: boolean } = {}): Promise<Rig> {
  const enforcer = await Enforcer.create({ store: new MemoryStore(), ...(opts.clock ? { clock: opts.clock, timers: false } : {}) });
  await enforcer.register(passport);
  const notifier = new RecordingNotifier();
  let hitl: Hitl | null = null;
  const server = createServer((req, res) => {
    hitl!.handle(req, res).then(
      (handled) => {
        if (!handled) {
          res.statusCode = 404;
          res.end();
        }
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hitl = createHitl({
    enforcer,
    notifier,
    smsSecret: SMS_SECRET,
    auth: staticKeys({ [API_KEY]: "iss_acme", [OTHER_KEY]: "iss_other" }),
    log: () => undefined,
    publicUrl: base,
    ...opts,
  });
  if (setup.confirm !== false) await confirmApproversOf(hitl.desk, passport);
  return {
    enforcer,
    hitl,
    notifier,
    server,
    base,
    pid: passport.id as string,
    async close() {
      hitl!.close();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      enforcer.close();
    },
  };
}

/** POSTs a text-message reply to /v1/sms/inbound, signed with the shared secret (form-encoded, like most SMS providers). */
export async function sms(base: string, from: string, body: string, secret = SMS_SECRET, nowMs = Date.now()): Promise<Response> {
  const form = new URLSearchParams({ From: from, Body: body }).toString();
  return fetch(`${base}/v1/sms/inbound`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...signatureHeaders(secret, form, nowMs) },
    body: form,
  });
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse("2026-02-24T10:00:00Z")) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Signs in to the dashboard with an API key; returns the session cookie and the page's CSRF token. */
export async function signIn(base: string, key = API_KEY): Promise<{ cookie: string; csrf: string; html: string }> {
  const login = await fetch(`${base}/dashboard/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ api_key: key }).toString(),
  });
  if (login.status !== 303) throw new Error(`sign-in answered ${login.status}`);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const html = await (await fetch(`${base}/dashboard`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  return { cookie, csrf, html };
}
