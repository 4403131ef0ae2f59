// Slack: holds are posted (Block Kit, Approve / Deny) to a loopback fake of Slack's Web API through
// @slack/web-api; a signed click answers and the message is updated with the outcome. Attacker's side:
// bad signature, old timestamp, replayed request, a button naming another issuer's approval.

import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { verifySlackSignature } from "../humans/slack";
import { startRig, travelPassport, type Rig } from "./hitl-helpers";

const SECRET = "slack-signing-secret-for-tests";
let rig: Rig | null = null;
let fake: { server: Server; calls: Array<{ method: string; body: Record<string, unknown>; auth: string | undefined }> } | null = null;
afterEach(async () => {
  await rig?.close();
  if (fake) {
    fake.server.closeAllConnections();
    await new Promise((ok) => fake!.server.close(ok));
  }
  rig = null;
  fake = null;
});

async function fakeSlack() {
  const calls: Array<{ method: string; body: Record<string, unknown>; auth: string | undefined }> = [];
  let n = 0;
  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const method = req.url!.replace(/^\/api\//, "");
      const body = String(req.headers["content-type"]).includes("json") ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw));
      if (typeof body.blocks === "string") body.blocks = JSON.parse(body.blocks);
      calls.push({ method, body, auth: req.headers.authorization });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true, channel: "C0APPROVE", ts: body.ts ?? `1700000000.00000${++n}` }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  fake = { server, calls };
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
}

function sign(body: string, tsSeconds = Math.floor(Date.now() / 1000), secret = SECRET) {
  return {
    "x-slack-request-timestamp": String(tsSeconds),
    "x-slack-signature": `v0=${createHmac("sha256", secret).update(`v0:${tsSeconds}:${body}`).digest("hex")}`,
  };
}

function click(approvalId: string, opts: { action?: string; ts?: string; channel?: string } = {}) {
  return (
    "payload=" +
    encodeURIComponent(
      JSON.stringify({
        type: "block_actions",
        user: { id: "U123", username: "alice" },
        channel: { id: opts.channel ?? "C0APPROVE" },
        message: { ts: opts.ts ?? "1700000000.000001" },
        actions: [{ action_id: opts.action ?? "warden_approve", value: approvalId }],
      }),
    )
  );
}

async function post(base: string, body: string, headers: Record<string, string>) {
  return fetch(`${base}/v1/slack/interactivity`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });
}

async function slackRig(clock?: () => number) {
  const url = await fakeSlack();
  rig = await startRig({
    slack: { token: "xoxb-test", channel: "#approvals", signingSecret: SECRET, client: { slackApiUrl: url } },
    ...(clock ? { clock } : {}),
  });
  return rig;
}

describe("Slack", () => {
  it("posts the hold with Approve / Deny; a signed Approve answers as the Slack user and the message shows the outcome", async () => {
    const r = await slackRig();
    const d = await r.enforcer.enforce({ passport_id: r.pid, action: "travel:book", cost_cents: 35000 });
    await r.hitl.settled();
    expect(fake!.calls).toHaveLength(1);
    const posted = fake!.calls[0]!;
    expect(posted.method).toBe("chat.postMessage");
    expect(posted.auth).toBe("Bearer xoxb-test");
    expect(posted.body.channel).toBe("#approvals");
    const buttons = (posted.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find(
      (b) => b.type === "actions",
    )!.elements!;
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ["warden_approve", d.approval_request_id],
      ["warden_deny", d.approval_request_id],
    ]);
    const body = click(d.approval_request_id!);
    const signed = sign(body);
    const res = await post(r.base, body, signed);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "approved" });
    expect(await r.enforcer.getApproval(d.approval_request_id!)).toMatchObject({ status: "approved", answered_by: "slack:alice", channel: "slack" });
    await r.hitl.settled();
    const update = fake!.calls.find((c) => c.method === "chat.update")!;
    expect(update.body).toMatchObject({ channel: "C0APPROVE", ts: "1700000000.000001" });
    expect(String(update.body.text)).toContain("Approved by slack:alice (slack)");
    // The same signed request again (same timestamp and signature, however slow the machine) is a replay.
    const again = await post(r.base, body, signed);
    expect(again.status).toBe(409);
  });

  it("refuses a bad signature, another secret, an old or future timestamp, and a button for another approval", async () => {
    // Slack's clock is pinned, so the ±301 s timestamps stay just outside the 300 s tolerance however slow the machine is.
    const now = Math.floor(Date.now() / 1000);
    const r = await slackRig(() => now * 1000);
    const other = travelPassport({ issuer_id: "iss_other" });
    await r.enforcer.register(other);
    const mine = await r.enforcer.enforce({ passport_id: r.pid, action: "travel:book", cost_cents: 35000 });
    const theirs = await r.enforcer.enforce({ passport_id: other.id as string, action: "travel:book", cost_cents: 35000 });
    await r.hitl.settled();
    const body = click(mine.approval_request_id!, { action: "warden_deny" });
    for (const headers of [
      {},
      { ...sign(body, now), "x-slack-signature": "v0=00" },
      sign(body, now, "other-secret"),
      sign(body, now - 301),
      sign(body, now + 301),
    ]) {
      expect((await post(r.base, body, headers)).status).toBe(401);
    }
    // Signed, but the body was changed after signing.
    expect((await post(r.base, click(theirs.approval_request_id!), sign(body, now))).status).toBe(401);
    // Signed by Slack, but the click comes from my message and names the other issuer's approval.
    const forged = click(theirs.approval_request_id!, { ts: "1700000000.000001" });
    expect((await post(r.base, forged, sign(forged, now))).status).toBe(404);
    expect((await r.enforcer.getApproval(mine.approval_request_id!))!.status).toBe("pending");
    expect((await r.enforcer.getApproval(theirs.approval_request_id!))!.status).toBe("pending");
    expect(verifySlackSignature(SECRET, String(now), sign("x", now)["x-slack-signature"], Buffer.from("x"), now * 1000)).toBe("ok");
  });

  it("a signed payload the SlackBlockActions schema refuses is a 400 naming payload.<path>; Slack's extra fields are allowed", async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await slackRig(() => now * 1000);
    const d = await r.enforcer.enforce({ passport_id: r.pid, action: "travel:book", cost_cents: 35000 });
    await r.hitl.settled();
    const id = d.approval_request_id!;
    const good = { type: "block_actions", user: { id: "U123", username: "alice" }, channel: { id: "C0APPROVE" }, message: { ts: "1700000000.000001" } };
    const form = (payload: unknown) => "payload=" + encodeURIComponent(typeof payload === "string" ? payload : JSON.stringify(payload));
    const cases: [string, string, string][] = [
      [form({ ...good, actions: [{ action_id: "warden_approve_all", value: id }] }), "invalid_value", "payload.actions[0].action_id"],
      [form({ ...good, actions: [] }), "out_of_range", "payload.actions"],
      [form({ ...good, type: "view_submission", actions: [{ action_id: "warden_approve", value: id }] }), "invalid_value", "payload.type"],
      [form({ ...good, actions: [{ action_id: "warden_approve", value: 7 }] }), "invalid_type", "payload.actions[0].value"],
      [form({ ...good, channel: undefined, actions: [{ action_id: "warden_approve", value: id }] }), "missing_field", "payload.channel"],
      [form("{not json"), "invalid_payload", "payload"],
      ["nothing=here", "missing_field", "payload"],
    ];
    for (const [body, code, path] of cases) {
      const res = await post(r.base, body, sign(body, now));
      expect(res.status, body.slice(0, 80)).toBe(400);
      expect((await res.json()).error, body.slice(0, 80)).toMatchObject({ code, path });
    }
    expect((await r.enforcer.getApproval(id))!.status).toBe("pending");
    // Slack sends far more than Warden reads: extra fields anywhere are fine.
    const rich = form({ ...good, team: { id: "T1" }, trigger_id: "1.2.3", actions: [{ action_id: "warden_deny", value: id, type: "button", block_id: "b" }] });
    const res = await post(r.base, rich + "&extra=1", sign(rich + "&extra=1", now));
    expect(await res.json()).toEqual({ status: "denied" });
  });

  it("without Slack configured the endpoint answers 503", async () => {
    rig = await startRig();
    const body = click("apr_x");
    expect((await post(rig.base, body, sign(body))).status).toBe(503);
  });
});
