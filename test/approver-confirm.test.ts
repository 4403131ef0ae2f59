// Approvers confirm per issuer (issue 15, finding 8b), from the attacker's side: issuer B names issuer
// A's approver phone (or e-mail) in its passport. B's holds must not reach that person until they
// confirm for B, B's holds must not make their bare YES ambiguous, and their STOP must not stop B's
// agents; codes are random, single-use, expire (the module's deadline) and allow few wrong tries.

import { afterEach, describe, expect, it } from "vitest";
import { APPROVER_CODE_TTL_MS } from "./reference/counters";
import { MAX_CONFIRM_ATTEMPTS } from "../desk/approvers";
import { signatureHeaders } from "../humans/signature";
import { API_KEY, OTHER_KEY, PHONE, SMS_SECRET, confirmApprover, manualClock, sms, startRig, travelPassport, type Rig } from "./hitl-helpers";

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** Issuer B (iss_other) names A's approver phone; A's passport is the rig's (iss_acme, PHONE confirmed). */
async function withIssuerB(r: Rig, extra: Record<string, unknown> = {}): Promise<string> {
  const b = travelPassport({ issuer_id: "iss_other", agent_name: "B's bot", metadata: { approver_phone: PHONE }, ...extra });
  await r.enforcer.register(b);
  return b.id as string;
}

async function hold(r: Rig, pid: string, cost = 35000): Promise<string> {
  const d = await r.enforcer.enforce({ passport_id: pid, action: "travel:book", cost_cents: cost, target: "airline.example" });
  expect(d.decision).toBe("request_hold");
  await r.hitl.settled();
  return d.approval_request_id!;
}

const codeOf = (text: string): string => /CONFIRM (\d{6})/.exec(text)![1]!;
/** Each reply is signed at a distinct second (from a fixed base), so identical texts are not replays of each other. */
const BASE = Date.now();
let tick = 0;
const reply = async (r: Rig, from: string, body: string, now?: number) =>
  (await sms(r.base, from, body, SMS_SECRET, (now ?? BASE) - 1000 * (++tick % 250))).json();

describe("a phone is an approver of an issuer only after confirming for it", () => {
  it("B's holds are not texted to A's approver; a code is, with no approval link; after CONFIRM they are", async () => {
    rig = await startRig();
    const b = await withIssuerB(rig);
    const first = await hold(rig, b);
    expect(rig.notifier.notices.filter((n) => n.to === PHONE)).toEqual([]);
    // Nothing the hold's notice says reaches the phone: only the code, naming the issuer that asks.
    expect(rig.notifier.confirmations).toHaveLength(1);
    const c = rig.notifier.confirmations[0]!;
    expect(c).toMatchObject({ kind: "approver_confirmation", to: PHONE, emails: [], issuer_id: "iss_other", link: null });
    expect(c.text).toMatch(/^Agent Warden: reply CONFIRM \d{6} to approve requests from iss_other \(valid 15 minutes\)/);
    expect(c.text).not.toContain("/a/");
    expect(c.text).not.toContain("travel:book");
    expect(JSON.stringify(c)).not.toContain(first);
    // A second hold while the code is live sends no new code (B cannot flood the number).
    await rig.enforcer.deny(first);
    const second = await hold(rig, b);
    expect(rig.notifier.confirmations).toHaveLength(1);
    expect(rig.notifier.notices.filter((n) => n.to === PHONE)).toEqual([]);
    // The person agrees to answer for B: from then on B's holds reach them.
    expect(await reply(rig, PHONE, `confirm ${codeOf(c.text)}`)).toMatchObject({ intent: "confirm", reply: expect.stringContaining("iss_other") });
    await rig.enforcer.deny(second);
    const third = await hold(rig, b);
    expect(rig.notifier.notices.filter((n) => n.to === PHONE).map((n) => n.approval_id)).toEqual([third]);
  });

  it("a bare YES with holds of A and B pending approves A's only (B's, unconfirmed, cannot make it ambiguous)", async () => {
    rig = await startRig();
    const b = await withIssuerB(rig);
    const fromB = await hold(rig, b);
    const fromA = await hold(rig, rig.pid);
    expect(await reply(rig, PHONE, "YES")).toMatchObject({ intent: "approve", approval_id: fromA, status: "approved" });
    expect((await rig.enforcer.getApproval(fromB))!.status).toBe("pending");
    // NO likewise reaches A's passports only.
    const fromA2 = await hold(rig, rig.pid, 3000);
    expect(await reply(rig, PHONE, "NO")).toMatchObject({ approval_id: fromA2, status: "denied" });
    expect((await rig.enforcer.getApproval(fromB))!.status).toBe("pending");
  });

  it("STOP stops the passports of the issuers the phone confirmed for, not B's", async () => {
    rig = await startRig();
    const b = await withIssuerB(rig);
    const out = await reply(rig, PHONE, "STOP");
    expect(out).toMatchObject({ intent: "stop", stopped: [rig.pid] });
    expect((await rig.enforcer.enforce({ passport_id: rig.pid, action: "web:search" })).reason).toBe("emergency_stopped");
    expect((await rig.enforcer.enforce({ passport_id: b, action: "web:search" })).decision).toBe("allow");
  });

  it("an unconfirmed phone's YES, NO and STOP do nothing, and say so", async () => {
    rig = await startRig({}, travelPassport(), { confirm: false });
    const id = await hold(rig, rig.pid);
    for (const word of ["YES", "NO"]) {
      const out = await reply(rig, PHONE, word);
      expect(out.reply).toContain("not confirmed");
      expect(out.approval_id).toBeUndefined();
    }
    expect((await rig.enforcer.getApproval(id))!.status).toBe("pending");
    const stop = await reply(rig, PHONE, "STOP");
    expect(stop).toMatchObject({ intent: "stop", stopped: [] });
    expect(stop.reply).toContain("no agent was stopped");
    expect((await rig.enforcer.state(rig.pid)).emergency_stopped).toBe(false);
  });
});

describe("confirmation codes", () => {
  it("a wrong code is refused and counted; after the last try the code is locked, even the right one", async () => {
    rig = await startRig({}, travelPassport(), { confirm: false });
    await hold(rig, rig.pid);
    const code = codeOf(rig.notifier.confirmations[0]!.text);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    for (let i = 1; i < MAX_CONFIRM_ATTEMPTS; i++) expect((await reply(rig, PHONE, `CONFIRM ${wrong}`)).reply).toContain("not right");
    expect((await reply(rig, PHONE, `CONFIRM ${wrong}`)).reply).toContain("not right");
    expect((await reply(rig, PHONE, `CONFIRM ${code}`)).reply).toContain("too many wrong codes");
    expect(await rig.hitl.desk.approvers.isConfirmed("iss_acme", "phone", PHONE)).toBe(false);
    expect((await reply(rig, PHONE, "CONFIRM 12")).reply).toMatch(/6-digit|too many/);
  });

  it("a code expires at the module's deadline (15 minutes), and a new one is sent with the next hold", async () => {
    const clock = manualClock();
    rig = await startRig({ clock: clock.now }, travelPassport(), { confirm: false });
    expect(rig.enforcer.engine.deadline("approver_code", 1_000)).toBe(1_000 + APPROVER_CODE_TTL_MS);
    const id = await hold(rig, rig.pid);
    const c = rig.notifier.confirmations[0]!;
    expect(Date.parse(c.expires_at)).toBe(clock.now() + APPROVER_CODE_TTL_MS);
    clock.advance(APPROVER_CODE_TTL_MS);
    expect((await reply(rig, PHONE, `CONFIRM ${codeOf(c.text)}`, clock.now())).reply).toContain("expired");
    expect(await rig.hitl.desk.approvers.isConfirmed("iss_acme", "phone", PHONE)).toBe(false);
    await rig.enforcer.deny(id);
    await hold(rig, rig.pid);
    expect(rig.notifier.confirmations).toHaveLength(2);
    expect(codeOf(rig.notifier.confirmations[1]!.text)).toMatch(/^\d{6}$/);
    expect((await reply(rig, PHONE, `CONFIRM ${codeOf(rig.notifier.confirmations[1]!.text)}`, clock.now())).reply).toContain("confirmed");
  });

  it("a code is single-use: a captured CONFIRM replayed (same signature, or re-signed) confirms nothing more", async () => {
    rig = await startRig({}, travelPassport(), { confirm: false });
    await hold(rig, rig.pid);
    const code = codeOf(rig.notifier.confirmations[0]!.text);
    const form = new URLSearchParams({ From: PHONE, Body: `CONFIRM ${code}` }).toString();
    const captured = signatureHeaders(SMS_SECRET, form);
    const post = (headers: Record<string, string>) =>
      fetch(`${rig!.base}/v1/sms/inbound`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: form });
    expect((await (await post(captured)).json()).reply).toContain("confirmed");
    const replayed = await post(captured);
    expect(replayed.status).toBe(401);
    expect((await replayed.json()).error.message).toContain("replayed");
    // Re-sent by the relay with a fresh signature: the code is used up.
    expect((await reply(rig, PHONE, `CONFIRM ${code}`)).reply).toContain("no confirmation is waiting");
    // The code was for iss_acme only: a later request of B for the same number needs its own code.
    const b = await withIssuerB(rig);
    expect((await reply(rig, PHONE, `CONFIRM ${code}`)).reply).toContain("no confirmation is waiting");
    await hold(rig, b);
    expect(await rig.hitl.desk.approvers.isConfirmed("iss_other", "phone", PHONE)).toBe(false);
    expect(rig.notifier.confirmations.at(-1)!.issuer_id).toBe("iss_other");
  });

  it("codes are random (no two of many alike in sequence) and kept only as a hash", async () => {
    rig = await startRig({}, travelPassport(), { confirm: false });
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await rig.hitl.desk.approvers.request(`iss_${i}`, "phone", PHONE);
      codes.add(r!.status === "pending" ? r!.code! : "");
    }
    expect(codes.size).toBeGreaterThan(15);
    const stored = JSON.stringify(await rig.enforcer.store.listDocs("hitl_approvers"));
    for (const c of codes) expect(stored).not.toContain(`"${c}"`);
  });
});

describe("e-mail approvers", () => {
  const withEmail = () => travelPassport({ metadata: { approver_email: "Ops@Example.test" } });

  it("an unconfirmed address gets a confirmation link (no approval link); the link's page confirms only on POST, once", async () => {
    rig = await startRig({}, withEmail(), { confirm: false });
    await hold(rig, rig.pid);
    expect(rig.notifier.notices.flatMap((n) => n.emails)).toEqual([]);
    const c = rig.notifier.confirmations[0]!;
    expect(c).toMatchObject({ to: null, emails: ["ops@example.test"], issuer_id: "iss_acme" });
    expect(c.link).toMatch(new RegExp(`^${rig.base}/approvers/confirm/[A-Za-z0-9_-]{22}$`));
    expect(c.text).not.toContain("/a/");
    // Opening the link (a mail scanner does) confirms nothing.
    const page = await fetch(c.link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Become an approver?");
    expect(await rig.hitl.desk.approvers.isConfirmed("iss_acme", "email", "ops@example.test")).toBe(false);
    const confirmed = await fetch(c.link!, { method: "POST" });
    expect(await confirmed.text()).toContain("now approves requests from iss_acme");
    expect((await fetch(c.link!, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${rig.base}/approvers/confirm/${"A".repeat(22)}`, { method: "POST" })).status).toBe(404);
    await rig.enforcer.deny((await rig.enforcer.listPendingApprovals(rig.pid))[0]!.id);
    await hold(rig, rig.pid);
    expect(rig.notifier.notices.at(-1)!.emails).toEqual(["Ops@Example.test"]);
  });

  it("issuer B naming A's confirmed address gets no mail to it, and outcomes of B's passports are not mailed there", async () => {
    rig = await startRig({}, withEmail());
    const b = travelPassport({ issuer_id: "iss_other", metadata: { approver_email: "ops@example.test" } });
    await rig.enforcer.register(b);
    const id = await hold(rig, b.id as string);
    expect(rig.notifier.notices.flatMap((n) => n.emails)).toEqual([]);
    await rig.enforcer.deny(id);
    await rig.hitl.settled();
    expect(rig.notifier.outcomes.filter((o) => o.passport_id === b.id).flatMap((o) => o.emails)).toEqual([]);
    expect(rig.notifier.confirmations.map((c) => c.issuer_id)).toEqual(["iss_other"]);
  });
});

describe("POST /v1/approvers (operator channel)", () => {
  const post = (r: Rig, body: unknown, key = API_KEY) =>
    fetch(`${r.base}/v1/approvers`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("adds a pending approver of the key's issuer and sends it a code; refuses bad bodies and other issuers", async () => {
    rig = await startRig({}, travelPassport(), { confirm: false });
    const res = await post(rig, { phone: "+1 (555) 010-0077" });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ issuer_id: "iss_acme", kind: "phone", address: "+15550100077", status: "pending" });
    expect(rig.notifier.confirmations.map((c) => c.to)).toEqual(["+15550100077"]);
    expect((await post(rig, { phone: "+15550100077" })).status).toBe(202);
    expect(rig.notifier.confirmations).toHaveLength(1);
    expect(await reply(rig, "+15550100077", `CONFIRM ${codeOf(rig.notifier.confirmations[0]!.text)}`)).toMatchObject({ intent: "confirm" });
    expect((await post(rig, { phone: "+15550100077" })).status).toBe(200);

    const bad = async (body: unknown, code: string) => {
      const r = await post(rig!, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect((await r.json()).error.code).toBe(code);
    };
    await bad({ phon: "+15550100078" }, "unknown_field");
    await bad({}, "missing_field");
    await bad({ phone: "+15550100078", email: "a@b.test" }, "conflicting_fields");
    await bad({ phone: 15550100078 }, "invalid_type");
    await bad({ phone: "555-0100" }, "invalid_value");
    await bad({ email: "not-an-address" }, "invalid_value");
    await bad({ phone: "+15550100078", issuer_id: "iss_other" }, "issuer_mismatch");
    expect((await fetch(`${rig.base}/v1/approvers`, { method: "POST", body: "{}" })).status).toBe(401);

    // Each issuer lists its own approvers only.
    const mine = await (await fetch(`${rig.base}/v1/approvers`, { headers: { authorization: `Bearer ${API_KEY}` } })).json();
    expect(mine.approvers.map((a: { address: string; status: string }) => [a.address, a.status])).toContainEqual(["+15550100077", "confirmed"]);
    expect(JSON.stringify(mine)).not.toMatch(/code|sha256/);
    const theirs = await (await fetch(`${rig.base}/v1/approvers`, { headers: { authorization: `Bearer ${OTHER_KEY}` } })).json();
    expect(theirs.approvers).toEqual([]);
  });

  it("confirming for one issuer gives another nothing (the registry is keyed by issuer)", async () => {
    rig = await startRig();
    await confirmApprover(rig.hitl.desk, "iss_acme", "phone", "+15550100055");
    expect(await rig.hitl.desk.approvers.isConfirmed("iss_acme", "phone", "+1 555 010 0055")).toBe(true);
    expect(await rig.hitl.desk.approvers.isConfirmed("iss_other", "phone", "+15550100055")).toBe(false);
    expect(await rig.hitl.desk.approvers.isConfirmed(null, "phone", "+15550100055")).toBe(false);
  });
});
