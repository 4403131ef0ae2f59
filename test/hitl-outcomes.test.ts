// A notice for every outcome: approved / denied (who, which channel), expired, emergency stop and resume
// from the dashboard, SMS and the API, and the answer's actor in the signed audit record.

import { afterEach, describe, expect, it } from "vitest";
import { verifyAuditLog, type AuditRecord } from "../enforcer/audit";
import { PHONE, manualClock, signIn, sms, startRig, travelPassport, type Rig } from "./hitl-helpers";
import { outcomeNotice } from "../humans/outcomes";
import type { EnforcerEvent } from "../enforcer/enforcer";

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

async function hold(r: Rig) {
  const d = await r.enforcer.enforce({ passport_id: r.pid, action: "travel:book", cost_cents: 35000 });
  expect(d.decision).toBe("request_hold");
  await r.hitl.settled();
  return d.approval_request_id!;
}

describe("outcome notices", () => {
  it("an SMS YES: the approval and its signed record name the phone and the sms channel; the approver hears of it", async () => {
    rig = await startRig();
    const id = await hold(rig);
    expect((await sms(rig.base, PHONE, "YES")).status).toBe(200);
    await rig.hitl.settled();
    expect(await rig.enforcer.getApproval(id)).toMatchObject({ status: "approved", answered_by: PHONE, channel: "sms" });
    const records: AuditRecord[] = [];
    for await (const r of rig.enforcer.auditLog(rig.pid)) records.push(r);
    expect(records.at(-1)).toMatchObject({ type: "approval", status: "approved", answered_by: PHONE, channel: "sms" });
    expect(await verifyAuditLog(records, rig.enforcer.publicJwk)).toEqual({ ok: true });
    // The actor is inside the signed record: changing it breaks the chain.
    const forged = records.map((r) => (r === records.at(-1) ? { ...r, answered_by: "+15559999999" } : r));
    expect(await verifyAuditLog(forged, rig.enforcer.publicJwk)).toMatchObject({ ok: false, problem: "edited" });
    expect(rig.notifier.outcomes).toHaveLength(1);
    expect(rig.notifier.outcomes[0]).toMatchObject({
      kind: "approval_approved",
      to: PHONE,
      approval_id: id,
      answered_by: PHONE,
      channel: "sms",
      amount: "$350.00",
    });
    expect(rig.notifier.outcomes[0]!.text).toBe(`Agent Warden: Approved by ${PHONE} (sms): Travel bot may travel:book for $350.00.`);
  });

  it("a dashboard Deny names the issuer; an expiry names nobody", async () => {
    const clock = manualClock();
    rig = await startRig({ clock: clock.now });
    const first = await hold(rig);
    const { cookie, csrf } = await signIn(rig.base);
    const res = await fetch(`${rig.base}/dashboard/approvals/${first}/deny`, {
      method: "POST",
      headers: { cookie, "x-csrf-token": csrf, accept: "application/json" },
    });
    expect(res.status).toBe(200);
    await rig.hitl.settled();
    expect(rig.notifier.outcomes.at(-1)).toMatchObject({ kind: "approval_denied", answered_by: "iss_acme", channel: "dashboard" });
    const second = await hold(rig);
    clock.advance(5 * 60_000 + 1);
    expect((await rig.enforcer.approve(second)).status).toBe("expired");
    await rig.hitl.settled();
    expect(rig.notifier.outcomes.at(-1)).toMatchObject({ kind: "approval_expired", approval_id: second, answered_by: null, channel: null });
    expect((await rig.enforcer.getApproval(second))!.answered_by).toBeUndefined();
  });

  it("emergency stop and resume from the dashboard, SMS STOP and the enforcer API each send a notice", async () => {
    rig = await startRig();
    const { cookie, csrf } = await signIn(rig.base);
    const post = (op: string) =>
      fetch(`${rig!.base}/dashboard/passports/${rig!.pid}/${op}`, {
        method: "POST",
        headers: { cookie, "x-csrf-token": csrf, accept: "application/json", "content-type": "application/x-www-form-urlencoded" },
        // As the dashboard's script sends them: confirm=yes with the stop only (resume takes no other field).
        body: op === "emergency-stop" ? "confirm=yes" : "",
      });
    expect((await post("emergency-stop")).status).toBe(200);
    expect((await post("resume")).status).toBe(200);
    await rig.enforcer.emergencyStop(rig.pid, { actor: { by: "iss_acme", channel: "api" } });
    await rig.enforcer.resume(rig.pid);
    await rig.hitl.settled();
    expect(rig.notifier.outcomes.map((o) => [o.kind, o.answered_by, o.channel])).toEqual([
      ["emergency_stop", "iss_acme", "dashboard"],
      ["resumed", "iss_acme", "dashboard"],
      ["emergency_stop", "iss_acme", "api"],
      ["resumed", null, null],
    ]);
    // STOP by text silences that phone: the stop is recorded with the phone, and the notice is not texted back to it.
    expect((await sms(rig.base, PHONE, "STOP")).status).toBe(200);
    await rig.hitl.settled();
    const last = rig.notifier.outcomes.at(-1)!;
    expect(last).toMatchObject({ kind: "emergency_stop", answered_by: PHONE, channel: "sms", to: null });
  });

  it("an operator's pause is told as the operator's (not fail-closed); a plain decision is not an outcome", async () => {
    rig = await startRig();
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "web:search", cost_cents: 10 });
    await rig.enforcer.pause(rig.pid);
    await rig.hitl.settled();
    expect(rig.notifier.outcomes.map((o) => o.kind)).toEqual(["enforcement_paused"]);
    expect(rig.notifier.outcomes[0]!.text).toMatch(/until an operator resumes it/);
    expect(rig.notifier.outcomes[0]!.text).not.toMatch(/fail-closed|heartbeat/);
  });

  it("a fail-closed trip's pause says the agent's heartbeat lifts it", () => {
    const trip = { type: "pause", passport_id: "pass_x", seq: 3, at: "2026-12-06T00:00:00.000Z", paused_by: "fail_closed", reason: "heartbeat_stale" };
    const notice = outcomeNotice(trip as unknown as EnforcerEvent, "Travel bot", "USD", [], null)!;
    expect(notice.kind).toBe("enforcement_paused");
    expect(notice.text).toMatch(/until the agent sends a heartbeat \(fail-closed\)/);
  });
});

describe("dashboard meters", () => {
  it("max_cumulative gets a meter on its window's counter (the seeds' example showed 'No spending caps')", async () => {
    rig = await startRig({}, travelPassport({ constraints: { "core:cost:max_cumulative": 10000, "core:cost:cumulative_window": "weekly" } }));
    await rig.enforcer.enforce({ passport_id: rig.pid, action: "web:search", cost_cents: 1234 });
    const { cookie } = await signIn(rig.base);
    const summary = await (await fetch(`${rig.base}/dashboard/passports/${rig.pid}/summary`, { headers: { cookie } })).text();
    expect(summary).not.toContain("No spending caps");
    expect(summary).toContain("This week: $12.34 of $100.00"); // the weekly meter's cap is max_cumulative, from the module
    expect(summary).toContain('<meter min="0" max="10000"');
  });
});
