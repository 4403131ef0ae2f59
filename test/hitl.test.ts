// Human in the loop without a browser: SMS reply parsing and the signed webhook, approval links, notifiers,
// status badges, the dashboard's sign-in, CSRF and issuer isolation, and the live feed.

import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ApprovalView } from "../desk/desk";
import { EVENT_BACKLOG, EventHub } from "../humans/events";
import { formatCents, normalizePhone } from "../desk/format";
import { ConsoleNotifier, FileNotifier, WebhookNotifier, approvalNotice, notifierFromSpecs } from "../humans/notify";
import { SIGNATURE_TOLERANCE_S, SignatureVerifier, signatureHeaders } from "../humans/signature";
import { parseSmsReply } from "../humans/sms";
import { classify } from "../desk/status";
import { getEngine } from "./helpers";
import type { PassportInfo } from "../desk/desk";
import * as hitlEntry from "../hitl/index";
import { API_KEY, OTHER_KEY, PHONE, SMS_SECRET, manualClock, signIn, sms, startRig, travelPassport, type Rig } from "./hitl-helpers";

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** Opens the approval link the notifier was given for the newest hold. */
async function holdAndLink(r: Rig, cost = 35000, pid = r.pid) {
  const d = await r.enforcer.enforce({ passport_id: pid, action: "travel:book", cost_cents: cost, target: "airline.example" });
  expect(d.decision).toBe("request_hold");
  await r.hitl.settled();
  const notice = r.notifier.notices.at(-1)!;
  expect(notice.approval_id).toBe(d.approval_request_id);
  return { decision: d, notice, path: new URL(notice.link).pathname };
}

describe("SMS replies", () => {
  it.each([
    ["YES", "approve"],
    ["y", "approve"],
    [" ApProVe ", "approve"],
    ["1", "approve"],
    ["y e s", "approve"],
    ["Yes!", "approve"],
    ["NO", "deny"],
    ["n", "deny"],
    ["Deny", "deny"],
    ["0", "deny"],
    [" n o ", "deny"],
    ["STOP", "stop"],
    ["stop", "stop"],
    ["START", "start"],
    [" Start ", "start"],
    ["maybe", "help"],
    ["yes please", "help"],
    ["", "help"],
    ["11", "help"],
    ["HELP", "help"],
    ["yesno", "help"],
  ])("%j is %s", (body, intent) => {
    expect(parseSmsReply(body)).toBe(intent);
  });

  it("the webhook signature: valid once, refused when missing, wrong, stale or replayed; secrets rotate", () => {
    const clock = manualClock();
    const v = new SignatureVerifier(["old", SMS_SECRET], clock.now);
    const body = "From=%2B1&Body=yes";
    const h = signatureHeaders(SMS_SECRET, body, clock.now());
    expect(v.verify(h, body)).toEqual({ ok: true });
    expect(v.verify(h, body)).toEqual({ ok: false, reason: "replayed" });
    expect(v.verify({}, body)).toEqual({ ok: false, reason: "missing" });
    expect(v.verify(signatureHeaders("nope", body, clock.now()), body)).toEqual({ ok: false, reason: "mismatch" });
    expect(v.verify(signatureHeaders(SMS_SECRET, body, clock.now()), body + "x")).toMatchObject({ ok: false });
    expect(v.verify(signatureHeaders(SMS_SECRET, body, clock.now() - (SIGNATURE_TOLERANCE_S + 1) * 1000), body)).toEqual({ ok: false, reason: "stale" });
    clock.advance(1000);
    expect(v.verify(signatureHeaders("old", body, clock.now()), body)).toEqual({ ok: true });
    expect(() => new SignatureVerifier("")).toThrow();
  });

  it("refuses unsigned or mis-signed posts, and answers 503 without a secret", async () => {
    rig = await startRig();
    const form = "From=%2B15550100001&Body=yes";
    const unsigned = await fetch(`${rig.base}/v1/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form,
    });
    expect(unsigned.status).toBe(401);
    expect((await sms(rig.base, PHONE, "yes", "wrong-secret")).status).toBe(401);
    const bare = await startRig({ smsSecret: undefined });
    expect((await sms(bare.base, PHONE, "yes")).status).toBe(503);
    await bare.close();
  });

  it("fields the SmsReply schema refuses are 400s naming the field, only once the signature holds; the approval stays pending", async () => {
    rig = await startRig();
    const { decision } = await holdAndLink(rig);
    const signed = (form: string, type = "application/x-www-form-urlencoded") =>
      fetch(`${rig!.base}/v1/sms/inbound`, { method: "POST", headers: { "content-type": type, ...signatureHeaders(SMS_SECRET, form) }, body: form });
    const cases: [string, string, string, string?][] = [
      [new URLSearchParams({ From: "+1".padEnd(65, "5"), Body: "yes" }).toString(), "out_of_range", "From"],
      [new URLSearchParams({ from: PHONE, body: "y".repeat(1601) }).toString(), "out_of_range", "body"],
      [new URLSearchParams({ Body: "yes" }).toString(), "missing_field", "from"],
      [new URLSearchParams({ From: PHONE }).toString(), "missing_field", "body"],
      [JSON.stringify({ from: "", body: "yes" }), "out_of_range", "from", "application/json"],
    ];
    for (const [form, code, path, type] of cases) {
      const r = await signed(form, type);
      expect(r.status, form.slice(0, 80)).toBe(400);
      expect((await r.json()).error, form.slice(0, 80)).toMatchObject({ code, path });
    }
    // A provider's extra fields are allowed (Twilio-style gateways add them).
    const extra = await signed(new URLSearchParams({ From: PHONE, Body: "yes", AccountSid: "AC1", NumMedia: "0" }).toString());
    expect(await extra.json()).toMatchObject({ intent: "approve", approval_id: decision.approval_request_id });
    // An unsigned body is refused for its signature before its fields are read.
    const unsigned = await fetch(`${rig.base}/v1/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ Body: "yes" }).toString(),
    });
    expect(unsigned.status).toBe(401);
  });

  it("YES approves and NO denies the one pending approval; JSON bodies and TwiML answers work too", async () => {
    rig = await startRig();
    const first = await holdAndLink(rig);
    const res = await sms(rig.base, "+1 555-010-0001", "no");
    expect(await res.json()).toMatchObject({
      intent: "deny",
      status: "denied",
      approval_id: first.decision.approval_request_id,
      reply: expect.stringMatching(/Denied — Travel bot: travel:book for \$350\.00/),
    });
    expect((await rig.enforcer.state(rig.pid)).held_cents).toBe(0);

    const second = await holdAndLink(rig, 5000);
    const body = JSON.stringify({ from: PHONE, body: "APPROVE" });
    const json = await fetch(`${rig.base}/v1/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signatureHeaders(SMS_SECRET, body) },
      body,
    });
    expect(await json.json()).toMatchObject({ intent: "approve", status: "approved", approval_id: second.decision.approval_request_id });
    expect((await rig.enforcer.state(rig.pid)).spent_today_cents).toBe(5000);

    const form = new URLSearchParams({ From: PHONE, Body: "yes" }).toString();
    const xml = await fetch(`${rig.base}/v1/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/xml", ...signatureHeaders(SMS_SECRET, form) },
      body: form,
    });
    expect(xml.headers.get("content-type")).toContain("application/xml");
    expect(await xml.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Agent Warden: nothing is waiting for your approval.</Message></Response>',
    );
  });

  it("an unknown number, nothing pending, a late answer and anything else get plain replies", async () => {
    const clock = manualClock();
    rig = await startRig({ clock: clock.now });
    const text = (from: string, body: string) => sms(rig!.base, from, body, SMS_SECRET, clock.now()).then((r) => r.json());
    expect((await text("+15559999999", "yes")).reply).toBe("Agent Warden: this number is not registered as an approver.");
    expect((await text(PHONE, "yes")).reply).toBe("Agent Warden: nothing is waiting for your approval.");
    expect(await text(PHONE, "what is this")).toMatchObject({ intent: "help", reply: expect.stringContaining("reply YES to approve or NO to deny") });
    await holdAndLink(rig);
    clock.advance(300_000);
    // Expired exactly at created + 300 s: nothing is pending any more.
    expect((await text(PHONE, "yes")).reply).toBe("Agent Warden: nothing is waiting for your approval.");
    expect((await rig.enforcer.state(rig.pid)).spent_today_cents).toBe(0);
  });

  it("two pending approvals on one number: a bare YES approves neither and each gets its own link", async () => {
    rig = await startRig();
    const other = travelPassport({ agent_name: "Expense bot" });
    await rig.enforcer.register(other);
    await holdAndLink(rig);
    await holdAndLink(rig, 4000, other.id as string);
    const out = await (await sms(rig.base, PHONE, "yes")).json();
    expect(out.reply).toMatch(/^Agent Warden: 2 requests are waiting; answer each from its link:/);
    expect(out.reply.match(/\/a\/[A-Za-z0-9_-]{22}/g)).toHaveLength(2);
    expect(await rig.enforcer.listPendingApprovals()).toHaveLength(2);
  });

  it("STOP emergency-stops every passport of that number and silences notifications; START turns them back on", async () => {
    rig = await startRig();
    const other = travelPassport({ agent_name: "Expense bot" });
    const unrelated = travelPassport({ agent_name: "Other team", metadata: { approver_phone: "+15550100999" } });
    await rig.enforcer.register(other);
    await rig.enforcer.register(unrelated);
    const pending = await holdAndLink(rig);
    const out = await (await sms(rig.base, PHONE, " stop ")).json();
    expect(out).toMatchObject({ intent: "stop", stopped: expect.arrayContaining([rig.pid, other.id]) });
    expect(out.stopped).toHaveLength(2);
    expect(out.reply).toContain("2 agents stopped");
    expect((await rig.enforcer.getApproval(pending.decision.approval_request_id!))?.status).toBe("denied");
    for (const id of [rig.pid, other.id as string]) {
      expect((await rig.enforcer.enforce({ passport_id: id, action: "web:search" })).reason).toBe("emergency_stopped");
    }
    expect((await rig.enforcer.enforce({ passport_id: unrelated.id as string, action: "web:search" })).decision).toBe("allow");

    await rig.enforcer.resume(rig.pid);
    const before = rig.notifier.notices.length;
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "travel:book", cost_cents: 9000 });
    await rig.hitl.settled();
    expect(rig.notifier.notices).toHaveLength(before);
    const start = await (await sms(rig.base, PHONE, "START")).json();
    expect(start).toMatchObject({ intent: "start", reply: expect.stringContaining("notifications are on again") });
    await sms(rig.base, PHONE, "no");
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "travel:book", cost_cents: 9100 });
    await rig.hitl.settled();
    expect(rig.notifier.notices).toHaveLength(before + 1);
    expect(normalizePhone(rig.notifier.notices.at(-1)!.to!)).toBe(PHONE);
  });
});

describe("approval links", () => {
  it("the page shows agent, action, amount and today's spend against the daily limit, with safe headers", async () => {
    rig = await startRig();
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "web:search", cost_cents: 1234 });
    const { path, notice } = await holdAndLink(rig);
    expect(path).toMatch(/^\/a\/[A-Za-z0-9_-]{22}$/);
    const res = await fetch(`${rig.base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+'/);
    const html = await res.text();
    for (const text of ["Travel bot", "travel:book", "airline.example", "$350.00", "$12.34 of $500.00 daily limit", "Approve", "Deny"])
      expect(html).toContain(text);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain(`action="${path}/approve"`);
    // Opening the link (a phone's preview, a prefetch) answers nothing.
    expect((await rig.enforcer.getApproval(notice.approval_id))?.status).toBe("pending");
  });

  it("Deny answers once; the page then says it was answered, and a later Approve changes nothing", async () => {
    rig = await startRig();
    const { path, notice } = await holdAndLink(rig);
    const deny = await fetch(`${rig.base}${path}/deny`, { method: "POST", redirect: "manual" });
    expect(deny.status).toBe(303);
    expect(deny.headers.get("location")).toBe(path);
    const approve = await fetch(`${rig.base}${path}/approve`, { method: "POST" });
    expect(approve.status).toBe(200);
    const html = await approve.text();
    expect(html).toContain("<h1>Denied</h1>");
    expect(html).toContain("This request was already answered: denied");
    expect(html).not.toContain(`action="${path}/approve"`);
    expect((await rig.enforcer.getApproval(notice.approval_id))?.status).toBe("denied");
  });

  it("an expired approval's link says so and cannot approve; unknown or malformed codes are 404", async () => {
    const clock = manualClock();
    rig = await startRig({ clock: clock.now });
    const { path, notice } = await holdAndLink(rig);
    clock.advance(300_000);
    const page = await (await fetch(`${rig.base}${path}`)).text();
    expect(page).toContain("<h1>Expired</h1>");
    await fetch(`${rig.base}${path}/approve`, { method: "POST" });
    expect((await rig.enforcer.getApproval(notice.approval_id))?.status).toBe("expired");
    expect((await rig.enforcer.state(rig.pid)).spent_today_cents).toBe(0);
    expect((await fetch(`${rig.base}/a/%E0%A4%A`)).status).toBe(404);
    for (const bad of ["/a/AAAAAAAAAAAAAAAAAAAAAA", "/a/short", `/a/${notice.approval_id}`]) {
      const res = await fetch(`${rig.base}${bad}`);
      expect(res.status, bad).toBe(404);
      expect(await res.text()).toContain("This link is not valid");
    }
    expect((await fetch(`${rig.base}/a/AAAAAAAAAAAAAAAAAAAAAA/approve`, { method: "POST" })).status).toBe(404);
  });

  it("each link is a fresh 128-bit code for one approval only", async () => {
    rig = await startRig();
    const { notice } = await holdAndLink(rig);
    const codes = new Set<string>();
    for (let i = 0; i < 50; i++) codes.add(new URL(await rig.hitl.alerts.linkFor(notice.approval_id)).pathname);
    expect(codes.size).toBe(50);
    for (const c of codes) expect(c).toMatch(/^\/a\/[A-Za-z0-9_-]{22}$/);
  });
});

describe("notifiers", () => {
  const view = (to: string | null = null): ApprovalView => ({
    approval: {
      id: "apr_1",
      passport_id: "pass_1",
      agent_name: "Travel bot",
      decision_id: "dec_1",
      action: "travel:book",
      cost_cents: 35000,
      target: null,
      holds: ["core:cost:approval_threshold"],
      status: "pending",
      created_at: "2026-02-24T10:00:00.000Z",
      expires_at: "2026-02-24T10:05:00.000Z",
      decided_at: null,
      outcome_reason: null,
    },
    passport: {
      id: "pass_1",
      agent_id: null,
      agent_name: "Travel bot",
      issuer_id: null,
      status: "active",
      currency: "EUR",
      expires_at: null,
      constraints: {},
      phones: to ? [to] : [],
      emails: [],
    },
    action: "travel:book",
    target: null,
    spent_today_cents: 0,
    daily_limit_cents: null,
  });

  it("the message names the agent, the action, the amount, the link and the 5-minute expiry", () => {
    const n = approvalNotice(view(), "https://w.example/a/CODE", null);
    expect(n.text).toBe("Travel bot wants to travel:book for €350.00. Approve or deny within 5 minutes (until 10:05 UTC): https://w.example/a/CODE");
    expect(approvalNotice(view(PHONE), "https://w.example/a/CODE", PHONE).text).toMatch(/Or reply YES to approve, NO to deny\.$/);
  });

  it("the webhook notifier POSTs signed JSON, retries a 5xx a bounded number of times, and gives up on a 4xx", async () => {
    const got: Array<{ status: number; headers: IncomingMessage["headers"]; body: string }> = [];
    const plan = [503, 200, 400];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const status = plan.shift() ?? 500;
        got.push({ status, headers: req.headers, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const notifier = new WebhookNotifier({ url, secret: "hook-secret", retries: 2 });
      const notice = approvalNotice(view(PHONE), "https://w.example/a/CODE", PHONE);
      await notifier.notify(notice);
      expect(got.map((g) => g.status)).toEqual([503, 200]);
      expect(JSON.parse(got[1]!.body)).toEqual(notice);
      expect(got[1]!.headers["content-type"]).toBe("application/json");
      expect(new SignatureVerifier("hook-secret").verify(got[1]!.headers, got[1]!.body)).toEqual({ ok: true });
      await expect(notifier.notify(notice)).rejects.toThrow("webhook answered 400");
      expect(got).toHaveLength(3);
    } finally {
      server.close();
    }
    await expect(new WebhookNotifier({ url: "http://127.0.0.1:9/", retries: 1, timeoutMs: 500 }).notify(approvalNotice(view(), "x", null))).rejects.toThrow();
    expect(() => new WebhookNotifier({ url: "ftp://x" })).toThrow();
  });

  it("file and console notifiers; specs from the command line", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "warden-hitl-")), "outbox.jsonl");
    const n = approvalNotice(view(), "https://w.example/a/CODE", null);
    await new FileNotifier(file).notify(n);
    await new FileNotifier(file).notify(n);
    expect(
      readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).link),
    ).toEqual(["https://w.example/a/CODE", "https://w.example/a/CODE"]);
    const lines: string[] = [];
    await new ConsoleNotifier((l) => lines.push(l)).notify(n);
    expect(lines).toEqual([`[warden] ${n.text}\n`]);
    expect(notifierFromSpecs(["none"])).toBeNull();
    expect(notifierFromSpecs(["console"])).toBeInstanceOf(ConsoleNotifier);
    expect(notifierFromSpecs(["console", `file:${file}`])).not.toBeNull();
    expect(() => notifierFromSpecs(["pager:1"])).toThrow(/unknown notifier/);
  });
});

describe("status badges", () => {
  const now = Date.parse("2026-02-24T10:00:00Z");
  const info = (extra: Partial<PassportInfo> = {}): PassportInfo => ({
    id: "pass_1",
    agent_id: null,
    agent_name: "a",
    issuer_id: null,
    status: "active",
    currency: "USD",
    expires_at: null,
    constraints: { "core:cost:max_per_day": 100 },
    phones: [],
    emails: [],
    ...extra,
  });
  const NO_HB = "No heartbeat (enforcement still on)";
  const at = (msAgo: number | null) => (msAgo === null ? null : new Date(now - msAgo).toISOString());
  const state = (s: { hb?: number | null; paused?: boolean; stopped?: boolean } = {}) => ({
    last_heartbeat_at: at(s.hb === undefined ? 1000 : s.hb),
    enforcement_paused: s.paused ?? false,
    emergency_stopped: s.stopped ?? false,
  });
  /** Freshness as the enforcer reports it (`limits().heartbeat_fresh`): stale from the module's heartbeat deadline on. */
  const heartbeat = async (lastHeartbeatAt: string | null) => {
    const engine = await getEngine();
    const fresh = lastHeartbeatAt !== null && now < engine.deadline("heartbeat", Date.parse(lastHeartbeatAt));
    return { heartbeat_fresh: fresh, lifetimes: engine.lifetimes };
  };

  it.each([
    ["a fresh heartbeat", "Active", info(), state(), false],
    ["a heartbeat exactly 120 s old", "Active", info(), state({ hb: 120_000 }), false],
    ["a heartbeat 120.001 s old", NO_HB, info(), state({ hb: 120_001 }), false],
    ["no heartbeat ever (HTTP agent without heartbeats: still checked)", NO_HB, info(), state({ hb: null }), false],
    ["no heartbeat with fail-closed: tripped", NO_HB, info({ constraints: { "core:safety:fail_closed": true } }), state({ hb: null }), true],
    ["a fresh heartbeat with fail-closed", "Active", info({ constraints: { "core:safety:fail_closed": true } }), state(), false],
    ["a pause", "Enforcement Paused", info(), state({ paused: true }), true],
    ["a stop (over a pause)", "Emergency Stopped", info(), state({ stopped: true, paused: true }), true],
    ["a revoked passport", "Revoked", info({ status: "revoked" }), state({ stopped: true }), false],
    ["no constraints, disconnected", NO_HB, info({ constraints: {} }), state({ hb: null }), false],
  ])("%s → %s", async (_name, label, p, s, notEnforced) => {
    expect(classify(p, s, await heartbeat(s.last_heartbeat_at))).toMatchObject({ label, not_enforced: notEnforced });
  });
});

describe("dashboard without a browser", () => {
  it("signs in with an API key; a wrong key, a forged cookie and no key get the sign-in form", async () => {
    rig = await startRig();
    const first = await fetch(`${rig.base}/dashboard`);
    expect(await first.text()).toContain('<label for="api_key">API key</label>');
    const wrong = await fetch(`${rig.base}/dashboard/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "api_key=nope",
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("That API key was not accepted.");
    const { cookie, html } = await signIn(rig.base);
    expect(cookie).toMatch(/^warden_dashboard=/);
    expect(html).toContain("Travel bot");
    const forged = cookie.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect(await (await fetch(`${rig.base}/dashboard`, { headers: { cookie: forged } })).text()).toContain("API key");
  });

  it("a key sees only its issuer's passports; another issuer's are 404", async () => {
    rig = await startRig();
    const theirs = travelPassport({ agent_name: "Their bot", issuer_id: "iss_other" });
    await rig.enforcer.register(theirs);
    const mine = await signIn(rig.base, API_KEY);
    expect(mine.html).toContain("Travel bot");
    expect(mine.html).not.toContain("Their bot");
    const other = await signIn(rig.base, OTHER_KEY);
    expect(other.html).toContain("Their bot");
    expect(other.html).not.toContain("Travel bot");
    expect((await fetch(`${rig.base}/dashboard/passports/${rig.pid}/summary`, { headers: { cookie: other.cookie } })).status).toBe(404);
    const stop = await fetch(`${rig.base}/dashboard/passports/${rig.pid}/emergency-stop`, {
      method: "POST",
      headers: { cookie: other.cookie, "x-csrf-token": other.csrf, accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
      body: "confirm=yes",
    });
    expect(stop.status).toBe(404);
    expect((await rig.enforcer.state(rig.pid)).emergency_stopped).toBe(false);
  });

  it("actions need the CSRF token; a stop needs confirmation", async () => {
    rig = await startRig();
    const { cookie, csrf } = await signIn(rig.base);
    const { decision } = await holdAndLink(rig);
    const post = (path: string, headers: Record<string, string>, body = "") =>
      fetch(`${rig!.base}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
        body,
      });
    expect((await post(`/dashboard/approvals/${decision.approval_request_id}/approve`, { accept: "application/json" })).status).toBe(403);
    const ok = await post(`/dashboard/approvals/${decision.approval_request_id}/approve`, { accept: "application/json", "x-csrf-token": csrf });
    expect(await ok.json()).toMatchObject({ ok: true, status: "approved", message: "Approved travel:book for $350.00." });
    const noConfirm = await post(`/dashboard/passports/${rig.pid}/emergency-stop`, {}, `csrf=${encodeURIComponent(csrf)}`);
    expect(noConfirm.status).toBe(200);
    expect(await noConfirm.text()).toContain("Emergency stop Travel bot?");
    expect((await rig.enforcer.state(rig.pid)).emergency_stopped).toBe(false);
    const confirmed = await post(`/dashboard/passports/${rig.pid}/emergency-stop`, {}, `csrf=${encodeURIComponent(csrf)}&confirm=yes`);
    expect(confirmed.status).toBe(303);
    expect((await rig.enforcer.state(rig.pid)).emergency_stopped).toBe(true);
    const summary = await (await fetch(`${rig.base}/dashboard/passports/${rig.pid}/summary`, { headers: { cookie } })).text();
    expect(summary).toContain('data-status="stopped"');
    // A stop blocks every action: that is enforcement, so no "Not Enforced" banner (only a tripped fail-closed or a pause shows it).
    expect(summary).toContain("Emergency Stopped");
    expect(summary).not.toContain("Not Enforced");
    expect(summary).toContain("Resume");
  });

  it("the event streams: the dashboard's (cookie) and /v1/events (API key) carry decisions as they happen", async () => {
    rig = await startRig();
    expect((await fetch(`${rig.base}/v1/events`)).status).toBe(401);
    expect((await fetch(`${rig.base}/dashboard/events`)).status).toBe(401);
    expect((await fetch(`${rig.base}/v1/events?passport_id=pass_nope`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(404);
    const { cookie } = await signIn(rig.base);
    const streams = [
      await readEvents(`${rig.base}/v1/events?passport_id=${rig.pid}`, { authorization: `Bearer ${API_KEY}` }),
      await readEvents(`${rig.base}/dashboard/events`, { cookie }),
      await readEvents(`${rig.base}/v1/events`, { authorization: `Bearer ${OTHER_KEY}` }),
    ];
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "web:search", cost_cents: 20 });
    for (const s of streams.slice(0, 2)) {
      const e = await s.next();
      expect(e).toMatchObject({ passport_id: rig.pid, type: "decision", decision: "allow", action: "web:search", summary: "allow web:search ($0.20)" });
    }
    // Another issuer's stream stays silent.
    expect(await streams[2]!.next(300)).toBeNull();
    for (const s of streams) s.close();
    // Closed streams let go of their subscriptions (only the notifier's stays).
    for (let i = 0; i < 100 && rig.hitl.hub.subscriberCount > 1; i++) await new Promise((ok) => setTimeout(ok, 20));
    expect(rig.hitl.hub.subscriberCount).toBe(1);
  });
});

describe("pieces", () => {
  it("the hitl entry point exports what a user needs, the same as agent-warden/node, and no internals", async () => {
    const nodeEntry = (await import("../embed/index")) as Record<string, unknown>;
    for (const name of ["createHitl", "createMcpServer", "staticKeys", "WebhookNotifier", "SmtpNotifier", "TwilioNotifier", "SignatureVerifier"]) {
      expect(typeof (hitlEntry as Record<string, unknown>)[name], name).toBe("function");
      expect((hitlEntry as Record<string, unknown>)[name], name).toBe(nodeEntry[name]);
    }
    for (const name of [
      "mcpCommand",
      "handleSmsInbound",
      "renderApprovalPage",
      "renderDashboard",
      "EventHub",
      "classify",
      "hitlRoutes",
      "SseStreams",
      "ApprovalDesk",
    ]) {
      expect(name in hitlEntry, name).toBe(false);
    }
  });

  it("the hub keeps a bounded backlog and replays after an id", () => {
    const hub = new EventHub();
    for (let i = 1; i <= EVENT_BACKLOG + 10; i++) {
      hub.publish({ type: "panic", at: "2026-02-24T10:00:00Z", passport_id: "p", seq: i, prev_hash: "", hash: "", signature: "" });
    }
    expect(hub.since(0)).toHaveLength(EVENT_BACKLOG);
    expect(hub.since(EVENT_BACKLOG + 8).map((e) => e.id)).toEqual([EVENT_BACKLOG + 9, EVENT_BACKLOG + 10]);
    expect(hub.recent("p", 3).map((e) => e.summary)).toEqual(["emergency stop", "emergency stop", "emergency stop"]);
  });

  it("money, phones and the daily limit", () => {
    expect(formatCents(0)).toBe("$0.00");
    expect(formatCents(123456)).toBe("$1,234.56");
    expect(formatCents(5, "EUR")).toBe("€0.05");
    expect(formatCents(100, "XYZ")).toBe("1.00 XYZ");
    expect(formatCents(Number.MAX_SAFE_INTEGER)).toBe("$90,071,992,547,409.91");
    expect(normalizePhone(" +1 (555) 010-0001 ")).toBe("+15550100001");
    // The daily limit is the module's now (Policy.spendCaps, Enforcer.limits): test/limits.test.ts.
  });
});

/** Reads Server-Sent Events `activity` messages from a stream, with a bounded wait for each. */
async function readEvents(url: string, headers: Record<string, string>) {
  const ctrl = new AbortController();
  const res = await fetch(url, { headers, signal: ctrl.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const queue: unknown[] = [];
  let pending: Promise<void> | null = null;
  const pump = () =>
    (pending ??= reader.read().then(
      ({ value, done }) => {
        pending = null;
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let i;
        while ((i = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: "));
          if (block.includes("event: activity") && data) queue.push(JSON.parse(data.slice(6)));
        }
      },
      () => {
        pending = null;
      },
    ));
  return {
    async next(timeoutMs = 5000): Promise<any> {
      const until = Date.now() + timeoutMs;
      while (queue.length === 0 && Date.now() < until) {
        await Promise.race([pump(), new Promise((ok) => setTimeout(ok, Math.max(1, until - Date.now())))]);
      }
      return queue.shift() ?? null;
    },
    close() {
      ctrl.abort();
    },
  };
}

describe("createHitl().handle on a plain node:http server", () => {
  it("routes with find-my-way as warden serve does: 405 with Allow, slashes ignored, other paths left to the host", async () => {
    rig = await startRig();
    // A path of ours with the wrong method: 405 naming the methods the path has.
    const wrong = await fetch(`${rig.base}/v1/approvers`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST, GET");
    expect((await fetch(`${rig.base}/dashboard/login`)).status).toBe(405);
    // Doubled and trailing slashes reach the same route.
    expect((await fetch(`${rig.base}//v1//approvers/`, { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(200);
    // A capture is URI-decoded; a malformed escape or an unknown path is not ours: the host answers (404).
    const { path } = await holdAndLink(rig);
    expect((await fetch(`${rig.base}${path}`)).status).toBe(200);
    expect((await fetch(`${rig.base}${path.replace(/[^/]+$/, "%zz")}`)).status).toBe(404);
    expect((await fetch(`${rig.base}/dashboard/nowhere`)).status).toBe(404);
  });
});
