// Confirmation of approvers: an address a passport names as its approver, or one an operator adds, is
// sent a code (text: "reply CONFIRM 123456") or a link (e-mail) before it is sent any hold; the
// approver registry (desk/approvers.ts) keeps who confirmed for which issuer.

import type { ApprovalDesk } from "../desk/desk";
import type { ApproverKind, ApproverRequest } from "../desk/approvers";
import { formatDuration } from "../desk/format";
import type { ConfirmationNotice, Notifier } from "./notice";
import { HttpError } from "../desk/web";
import { validateBody } from "../bindings/validate-body";
import { newApproverSchema, propertyTypes } from "../bindings/gen/zod";

export { renderConfirmPage } from "./pages/confirm";

/** `CONFIRM 123456` (any case and spacing) → "123456"; null for any other text. */
export function parseConfirm(body: string): string | null {
  const m = /^CONFIRM(\d+)[.!]*$/.exec(body.replace(/\s+/g, "").toUpperCase());
  return m ? m[1]! : null;
}

/** The name a person is shown for an issuer (the issuer id; passports without one: this server). */
export function issuerName(issuer: string | null): string {
  return issuer ?? "this Agent Warden server";
}

/** The notice carrying a new code: a text with the code, or a mail with the confirmation link. */
export function confirmationNotice(
  issuer: string | null,
  kind: ApproverKind,
  address: string,
  code: string,
  expiresAt: string,
  lifetimeMs: number,
  publicUrl: string,
): ConfirmationNotice {
  const who = issuerName(issuer);
  const valid = formatDuration(lifetimeMs);
  if (kind === "phone") {
    return {
      kind: "approver_confirmation",
      to: address,
      emails: [],
      issuer_id: issuer,
      link: null,
      expires_at: expiresAt,
      text: `Agent Warden: reply CONFIRM ${code} to approve requests from ${who} (valid ${valid}). If you do not know ${who}, ignore this message.`,
    };
  }
  const link = `${publicUrl}/approvers/confirm/${code}`;
  return {
    kind: "approver_confirmation",
    to: null,
    emails: [address],
    issuer_id: issuer,
    link,
    expires_at: expiresAt,
    text: `Agent Warden: ${who} asks you to approve requests from its agents. To agree, open ${link} within ${valid}. If you do not know ${who}, ignore this mail.`,
  };
}

export interface ConfirmationSender {
  desk: ApprovalDesk;
  notifier: Notifier | null;
  publicUrl: () => string;
  log: (line: string) => void;
}

/**
 * Asks `raw` to confirm as an approver of `issuer`, sending a code when a new one is made (a live one
 * is not re-sent). A phone that replied STOP is sent nothing. Null for an address that is not one.
 */
export async function requestConfirmation(
  s: ConfirmationSender,
  issuer: string | null,
  kind: ApproverKind,
  raw: string,
): Promise<ApproverRequest | "opted_out" | null> {
  const { desk } = s;
  if (kind === "phone" && !(await desk.approvers.isConfirmed(issuer, kind, raw)) && (await desk.isOptedOut(raw))) {
    s.log(`warden: ${raw} replied STOP; no confirmation code sent for ${issuerName(issuer)}`);
    return "opted_out";
  }
  const result = await desk.approvers.request(issuer, kind, raw);
  if (!result || result.status !== "pending" || result.code === null) return result;
  const lifetime = desk.enforcer.engine.deadline("approver_code", 0);
  const notice = confirmationNotice(issuer, kind, result.address, result.code, result.expires_at, lifetime, s.publicUrl());
  if (s.notifier) await s.notifier.notify(notice);
  else s.log(`warden: no notifier: the confirmation code for ${result.address} (${issuerName(issuer)}) was not sent`);
  return { ...result, code: null };
}

/**
 * The body of `POST /v1/approvers` (schemas/new-approver.schema.json, checked by its generated
 * validator: unknown fields with did-you-mean, types): then exactly one of `phone` and `email`, and
 * `issuer_id` only for a key that sees every issuer (an issuer's key adds approvers to its own issuer
 * only). Throws a typed 400 naming the field.
 */
export function approverRequestBody(raw: Buffer, keyIssuer: string | null): { kind: ApproverKind; address: string; issuer_id: string | null } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError("invalid_json", 'the body is not JSON: send {"phone": "+15550100001"} or {"email": "ops@example.com"}');
  }
  const fields = validateBody(newApproverSchema, body, "approver request", propertyTypes.NewApprover);
  if (fields.phone !== undefined && fields.email !== undefined)
    throw new HttpError("conflicting_fields", "phone, email: send one of them per request", "email");
  const kind: ApproverKind | null = fields.phone !== undefined ? "phone" : fields.email !== undefined ? "email" : null;
  if (!kind) throw new HttpError("missing_field", "phone: send phone (E.164, +15550100001) or email", "phone");
  const address = fields[kind]!;
  let issuer = keyIssuer;
  if (fields.issuer_id !== undefined) {
    if (keyIssuer !== null && fields.issuer_id !== keyIssuer)
      throw new HttpError("issuer_mismatch", `issuer_id: this key adds approvers of ${keyIssuer} only`, "issuer_id");
    issuer = fields.issuer_id;
  }
  return { kind, address, issuer_id: issuer };
}
