// Text-message replies from approvers: YES / NO answer the one pending approval, STOP stops every agent, START turns notifications back on.

import type { ApprovalDesk, PassportInfo } from "../desk/desk";
import { formatCents, formatClock, normalizePhone } from "../desk/format";

export type SmsIntent = "approve" | "deny" | "stop" | "start" | "help";

/** The words each intent accepts, compared after removing spaces and case (and a trailing "." or "!"). */
export const SMS_WORDS: Record<Exclude<SmsIntent, "help">, readonly string[]> = {
  approve: ["YES", "Y", "APPROVE", "1"],
  deny: ["NO", "N", "DENY", "0"],
  stop: ["STOP"],
  start: ["START"],
};

export const SMS_HELP =
  "Agent Warden: reply YES to approve or NO to deny the pending request, STOP to emergency-stop your agents, START to get notifications again.";

export function parseSmsReply(body: string): SmsIntent {
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
  const passports = await desk.passportsForPhone(msg.from);
  if (passports.length === 0) return { intent, reply: "Agent Warden: this number is not registered as an approver." };
  switch (intent) {
    case "approve":
    case "deny":
      return answerPending(desk, passports, intent === "approve", linkFor, msg.from);
    case "stop":
      return stopAll(desk, passports, msg.from);
    case "start":
      await desk.optIn(msg.from);
      return { intent, reply: "Agent Warden: notifications are on again. Agents stopped by STOP stay stopped until resumed from the dashboard." };
    default:
      return { intent, reply: SMS_HELP };
  }
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
