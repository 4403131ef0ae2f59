// Twilio without a relay: the twilio: notifier sends through the official client (an injected HTTP client
// captures the request; no network), and POST /v1/sms/twilio checks X-Twilio-Signature with the package's
// own validator, acts on a MessageSid once, and answers TwiML. Attacker's side: no/bad signature, a
// signature for another URL or another token, a replayed message, a number that is not the approver's.

import twilio from "twilio";
import { afterEach, describe, expect, it } from "vitest";
import { TwilioNotifier } from "../humans/notifiers/twilio";
import { notifierFromSpecs } from "../humans/notify";
import { PHONE, confirmApproversOf, startRig, travelPassport, type Rig } from "./hitl-helpers";

const TOKEN = "twilio-test-auth-token-0123456789";
const SID = "AC00000000000000000000000000000000";

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

interface Captured {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  data?: Record<string, string>;
}
function capturingClient(captured: Captured[]) {
  return {
    async request(opts: Captured) {
      captured.push(opts);
      return {
        statusCode: 201,
        headers: {},
        body: JSON.stringify({
          sid: "SM" + "1".repeat(32),
          account_sid: SID,
          to: opts.data?.To,
          from: opts.data?.From,
          body: opts.data?.Body,
          status: "queued",
        }),
      };
    },
  };
}

let sidCounter = 0;
/** A reply as Twilio posts it, signed by the twilio package for `url` with `token`. */
async function reply(base: string, from: string, body: string, opts: { token?: string; url?: string; sid?: string; signature?: string | null } = {}) {
  const params = { MessageSid: opts.sid ?? `SM${String(++sidCounter).padStart(32, "0")}`, AccountSid: SID, From: from, To: "+15550009999", Body: body };
  const url = opts.url ?? `${base}/v1/sms/twilio`;
  const signature = opts.signature === undefined ? twilio.getExpectedTwilioSignature(opts.token ?? TOKEN, url, params) : opts.signature;
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["x-twilio-signature"] = signature;
  return fetch(`${base}/v1/sms/twilio`, { method: "POST", headers, body: new URLSearchParams(params).toString() });
}

async function hold(r: Rig, pid = r.pid) {
  const d = await r.enforcer.enforce({ passport_id: pid, action: "travel:book", cost_cents: 35000 });
  expect(d.decision).toBe("request_hold");
  await r.hitl.settled();
  return d.approval_request_id!;
}

describe("twilio: notifier", () => {
  it("texts the hold to the approver through Twilio's Messages API with the account's credentials", async () => {
    const captured: Captured[] = [];
    const notifier = TwilioNotifier.fromEnv(
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: "+15550009999" },
      capturingClient(captured) as never,
    );
    rig = await startRig({ notifier });
    await hold(rig);
    expect(captured).toHaveLength(1);
    const req = captured[0]!;
    expect(req.method).toBe("post");
    expect(req.uri).toBe(`https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages.json`);
    expect([req.username, req.password]).toEqual([SID, TOKEN]);
    expect(req.data).toMatchObject({ To: PHONE, From: "+15550009999" });
    expect(req.data!.Body).toMatch(/^Travel bot wants to travel:book for \$350\.00\. .*\/a\/[A-Za-z0-9_-]{22} Or reply YES to approve, NO to deny\.$/);
  });

  it("a messaging service sid sends as MessagingServiceSid; missing credentials are named", async () => {
    const captured: Captured[] = [];
    const n = TwilioNotifier.fromEnv(
      { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: "MG" + "2".repeat(32) },
      capturingClient(captured) as never,
    );
    await n.notify({ kind: "resumed", to: PHONE, text: "hi" } as never);
    await n.notify({ kind: "resumed", to: null, text: "e-mail only" } as never);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.data).toMatchObject({ To: PHONE, MessagingServiceSid: "MG" + "2".repeat(32), Body: "hi" });
    const saved = { ...process.env };
    try {
      delete process.env.TWILIO_ACCOUNT_SID;
      delete process.env.TWILIO_AUTH_TOKEN;
      delete process.env.TWILIO_FROM;
      expect(() => notifierFromSpecs(["twilio:"])).toThrow(/TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});

describe("POST /v1/sms/twilio", () => {
  it("a signed YES approves and is answered in TwiML; the same message again is refused", async () => {
    rig = await startRig({ twilioAuthToken: TOKEN });
    const id = await hold(rig);
    const res = await reply(rig.base, PHONE, "yes", { sid: "SM" + "a".repeat(32) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/xml");
    const xml = await res.text();
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Agent Warden: Approved — Travel bot: travel:book for $350.00.</Message></Response>',
    );
    expect(await rig.enforcer.getApproval(id)).toMatchObject({ status: "approved", answered_by: PHONE, channel: "sms" });
    const again = await reply(rig.base, PHONE, "yes", { sid: "SM" + "a".repeat(32) });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe("replayed");
  });

  it("refuses a missing or wrong signature, one for another URL or made with another token, and acts on nothing", async () => {
    rig = await startRig({ twilioAuthToken: TOKEN });
    const id = await hold(rig);
    for (const opts of [{ signature: null }, { signature: "AAAA" }, { token: "another-token" }, { url: "https://evil.example/v1/sms/twilio" }]) {
      const res = await reply(rig.base, PHONE, "YES", opts);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("bad_signature");
    }
    // A signed body whose fields were changed after signing.
    const params = { MessageSid: "SM" + "b".repeat(32), AccountSid: SID, From: "+15550000000", To: "+15550009999", Body: "NO" };
    const sig = twilio.getExpectedTwilioSignature(TOKEN, `${rig.base}/v1/sms/twilio`, params);
    const tampered = await fetch(`${rig.base}/v1/sms/twilio`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sig },
      body: new URLSearchParams({ ...params, From: PHONE, Body: "YES" }).toString(),
    });
    expect(tampered.status).toBe(401);
    expect((await rig.enforcer.getApproval(id))!.status).toBe("pending");
  });

  it("signed fields the TwilioInbound schema refuses are 400s naming the field; Twilio's extra fields are allowed", async () => {
    rig = await startRig({ twilioAuthToken: TOKEN });
    const id = await hold(rig);
    const signedPost = (params: Record<string, string>) => {
      const url = `${rig!.base}/v1/sms/twilio`;
      return fetch(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilio.getExpectedTwilioSignature(TOKEN, url, params) },
        body: new URLSearchParams(params).toString(),
      });
    };
    const cases: [Record<string, string>, string, string][] = [
      [{ MessageSid: "SM../../x", From: PHONE, Body: "YES" }, "invalid_format", "MessageSid"],
      [{ MessageSid: "SM" + "c".repeat(32), Body: "YES" }, "missing_field", "From"],
      [{ From: PHONE, Body: "YES" }, "missing_field", "MessageSid"],
      [{ MessageSid: "SM" + "d".repeat(32), From: PHONE, Body: "Y".repeat(1601) }, "out_of_range", "Body"],
    ];
    for (const [params, code, path] of cases) {
      const res = await signedPost(params);
      expect(res.status, JSON.stringify(params).slice(0, 80)).toBe(400);
      expect((await res.json()).error).toMatchObject({ code, path });
    }
    expect((await rig.enforcer.getApproval(id))!.status).toBe("pending");
    // An unsigned bad form is refused for its signature first.
    expect((await reply(rig.base, PHONE, "YES", { sid: "SM../../x", signature: null })).status).toBe(401);
    const ok = await signedPost({
      MessageSid: "SM" + "e".repeat(32),
      AccountSid: SID,
      From: PHONE,
      To: "+15550009999",
      Body: "YES",
      NumMedia: "0",
      ApiVersion: "2010-04-01",
    });
    expect(ok.status).toBe(200);
    expect((await rig.enforcer.getApproval(id))!.status).toBe("approved");
  });

  it("a number that is not the passport's approver answers nothing (another issuer's approval stays pending); no token: 503", async () => {
    rig = await startRig({ twilioAuthToken: TOKEN });
    const other = travelPassport({ issuer_id: "iss_other", metadata: { approver_phone: "+15550200002" } });
    await rig.enforcer.register(other);
    await confirmApproversOf(rig.hitl.desk, other); // iss_other's own, confirmed approver
    const id = await hold(rig);
    const res = await reply(rig.base, "+15550200002", "YES");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("nothing is waiting for your approval");
    expect((await rig.enforcer.getApproval(id))!.status).toBe("pending");
    await rig.close();
    rig = await startRig();
    expect((await reply(rig.base, PHONE, "YES")).status).toBe(503);
  });
});
