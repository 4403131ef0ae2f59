// Text-message replies from approvers: YES / NO answer the one pending approval, STOP stops every agent, START turns notifications back on,
// CONFIRM <code> makes the number an approver of the issuer that sent the code. YES / NO / STOP reach only the passports of issuers the
// number confirmed for (desk/approvers.ts): another issuer naming the number can neither text it holds nor make its YES ambiguous.

import type { ApprovalDesk, PassportInfo } from "../desk/desk";
import { formatCents, formatClock, normalizePhone } from "../desk/format";
import { issuerName, parseConfirm } from "./confirm";

export type SmsIntent = "approve" | "deny" | "stop" | "start" | "help" | "confirm";

/** The words each intent accepts, compared after removing spaces and case (and a trailing "." or "!"). */
export const SMS_WORDS: Record<Exclude<SmsIntent, "help" | "confirm">, readonly string[]> = {
  approve: ["YES", "Y", "APPROVE", "1"],
  deny: ["NO", "N", "DENY", "0"],
  stop: ["STOP"],
  start: ["START"],
};

export const SMS_HELP =
  "Agent Warden: reply YES to approve or NO to deny the pending request, STOP to emergency-stop your agents, START to get notifications again.";

export function parseSmsReply(body: string): SmsIntent {
  if (parseConfirm(body) !== null) return "confirm";
  const word = body
    .replace(/\s+/g, "")
    .replace(/[.!]+$/, "")
    .toUpperCase();
  for (const [intent, words] of Object.entries(SMS_WORDS) as Array<[SmsIntent, readonly string[]]>) {
    if (words.includes(word)) return intent;
  }
  return "help";
}

export interface SmsInbound {
  from: string;
  body: string;
}

export interface SmsOutcome {
  intent: SmsIntent;
  /** The text to send back to the approver. */
  reply: string;
  /** The approval answered, the passports stopped, or the links sent when the answer was ambiguous. */
  approval_id?: string;
  status?: string;
  stopped?: string[];
}

/** Links for approvals the approver must answer one by one (several pending at once). */
export type LinkMaker = (approvalId: string) => Promise<string>;

/** Acts on one inbound text message for the passports registered to the sender's number. */
export async function handleSmsInbound(desk: ApprovalDesk, msg: SmsInbound, linkFor: LinkMaker): Promise<SmsOutcome> {
  const intent = parseSmsReply(msg.body);
  if (intent === "confirm") return confirm(desk, msg.from, parseConfirm(msg.body)!);
  if (intent === "start") {
    await desk.optIn(msg.from);
    return { intent, reply: "Agent Warden: notifications are on again. Agents stopped by STOP stay stopped until resumed from the dashboard." };
  }
  const passports = await desk.passportsForPhone(msg.from);
  if (passports.length === 0) {
    if (intent === "stop") {
      // STOP always stops messages to the number (carriers require it), but stops no agent it did not confirm for.
      await desk.optOut(msg.from);
      return {
        intent,
        stopped: [],
        reply: "Agent Warden: this number is not a confirmed approver; no agent was stopped. You will get no more messages; reply START to get them again.",
      };
    }
    const named = (await desk.passportsForPhone(msg.from, { confirmed: false })).length > 0;
    return {
      intent,
      reply: named
        ? "Agent Warden: this number is not confirmed as an approver yet; reply CONFIRM and the code you were sent. Nothing was answered."
        : "Agent Warden: this number is not registered as an approver.",
    };
  }
  switch (intent) {
    case "approve":
    case "deny":
      return answerPending(desk, passports, intent === "approve", linkFor, msg.from);
    case "stop":
      return stopAll(desk, passports, msg.from);
    default:
      return { intent, reply: SMS_HELP };
  }
}

async function confirm(desk: ApprovalDesk, from: string, code: string): Promise<SmsOutcome> {
  const result = await desk.approvers.confirmPhone(from, code);
  if (result.ok) {
    const who = issuerName(result.issuer_id);
    return { intent: "confirm", reply: `Agent Warden: confirmed — this number now approves requests from ${who}. Reply STOP at any time to stop its agents.` };
  }
  const replies: Record<typeof result.reason, string> = {
    not_pending: "Agent Warden: no confirmation is waiting for this number.",
    malformed: "Agent Warden: reply CONFIRM and the 6-digit code you were sent.",
    wrong_code: "Agent Warden: that code is not right. Check it and reply CONFIRM and the code again.",
    expired: "Agent Warden: that code has expired; a new one is sent with the next request.",
    locked: "Agent Warden: too many wrong codes; a new one is sent with the next request after this one expires.",
  };
  return { intent: "confirm", reply: replies[result.reason] };
}

async function answerPending(desk: ApprovalDesk, passports: PassportInfo[], yes: boolean, linkFor: LinkMaker, from: string): Promise<SmsOutcome> {
  const intent: SmsIntent = yes ? "approve" : "deny";
  const pending = (await Promise.all(passports.map((p) => desk.enforcer.listPendingApprovals(p.id)))).flat();
  if (pending.length === 0) return { intent, reply: "Agent Warden: nothing is waiting for your approval." };
  if (pending.length > 1) {
    // Two agents wait at once: a bare YES could approve the wrong one, so each gets its own link.
    const links = await Promise.all(pending.map(async (a) => `${a.agent_name ?? a.passport_id}: ${a.action} ${await linkFor(a.id)}`));
    return { intent, reply: `Agent Warden: ${pending.length} requests are waiting; answer each from its link: ${links.join(" ; ")}` };
  }
  const approval = pending[0]!;
  const passport = passports.find((p) => p.id === approval.passport_id)!;
  const answer = await desk.answer(approval.id, yes, { by: normalizePhone(from), channel: "sms" });
  const what = `${passport.agent_name}: ${approval.action} for ${formatCents(approval.cost_cents, passport.currency)}`;
  const replies: Record<string, string> = {
    approved: `Approved — ${what}.`,
    denied: answer.reason && answer.reason !== "denied" ? `Denied (${answer.reason}) — ${what}.` : `Denied — ${what}.`,
    expired: `Too late: the request expired at ${formatClock(approval.expires_at)} — ${what}.`,
    not_found: "Agent Warden: that request no longer exists.",
  };
  return { intent, approval_id: approval.id, status: answer.status, reply: `Agent Warden: ${replies[answer.status] ?? answer.status}` };
}

async function stopAll(desk: ApprovalDesk, passports: PassportInfo[], from: string): Promise<SmsOutcome> {
  // Opted out first: the stop's own notice must not be texted to a number that just said STOP.
  await desk.optOut(from);
  const stopped: string[] = [];
  for (const p of passports) {
    if ((await desk.enforcer.emergencyStop(p.id, { actor: { by: normalizePhone(from), channel: "sms" } })).ok) stopped.push(p.id);
  }
  const names = passports
    .filter((p) => stopped.includes(p.id))
    .map((p) => p.agent_name)
    .join(", ");
  return {
    intent: "stop",
    stopped,
    reply:
      `Agent Warden: emergency stop — ${stopped.length} agent${stopped.length === 1 ? "" : "s"} stopped (${names}). ` +
      "Every action is blocked until resumed from the dashboard. Notifications are off; reply START to turn them on.",
  };
}
