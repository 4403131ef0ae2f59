// The approval desk: what people see and answer. Approval links (capability codes), answers that hand
// the permit back to the waiting agent, approvers' phone numbers and their opt-outs, passport summaries.

import { randomBytes } from "node:crypto";
import type { Enforcer } from "../enforcer/enforcer";
import { Records } from "../enforcer/records";
import type { Actor, Approval, ApprovalAnswer } from "../enforcer/types";
import { Redactor } from "../bindings/redact";
import { normalizePhone } from "./format";
import { ApproverRegistry } from "./approvers";

/** An approval link keeps answering "expired" / "answered" this long, then says "not valid". */
const LINK_TTL_MS = 24 * 3600_000;
/** Capability codes carry this many random bytes (128 bits), base64url-encoded (22 characters). */
const CODE_BYTES = 16;
const CODE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Where a passport's approver is reached: `metadata.approver_phone` (one number or a list). */
export const APPROVER_PHONE_FIELD = "approver_phone";
/** Where a passport's approver gets e-mail: `metadata.approver_email` (one address or a list). */
export const APPROVER_EMAIL_FIELD = "approver_email";

/** A passport as the desk shows it. */
export interface PassportInfo {
  id: string;
  agent_id: string | null;
  agent_name: string;
  issuer_id: string | null;
  status: "active" | "revoked";
  currency: string;
  expires_at: string | null;
  constraints: Record<string, unknown>;
  phones: string[];
  emails: string[];
}

/** Everything an approval page or notification says about one approval. */
export interface ApprovalView {
  approval: Approval;
  passport: PassportInfo;
  /** Action and target with secrets (and PII if the passport asks) redacted. */
  action: string;
  target: string | null;
  spent_today_cents: number;
  daily_limit_cents: number | null;
}

export type AnswerChannel = "sms" | "link" | "dashboard" | "api" | "slack" | "twilio";

export interface DeskAnswer extends ApprovalAnswer {
  approval: Approval | null;
}

interface LinkDoc {
  approval_id: string;
  passport_id: string;
}
interface PermitDoc {
  permit_token: string;
  permit_expires_at: string;
}

export class ApprovalDesk {
  private readonly redactor: Redactor;
  // Documents in the enforcer's store, so every node and process sees them.
  private readonly links: Records<LinkDoc>;
  private readonly permits: Records<PermitDoc>;
  private readonly optOuts: Records<{ at: string }>;
  private readonly seen: Records<number>;
  /** Who confirmed to answer for which issuer (desk/approvers.ts). */
  readonly approvers: ApproverRegistry;

  constructor(
    readonly enforcer: Enforcer,
    private readonly clock: () => number = Date.now,
  ) {
    this.redactor = new Redactor(enforcer.engine);
    this.links = new Records(enforcer.store, "approvalLinks");
    this.permits = new Records(enforcer.store, "approvalPermits");
    this.optOuts = new Records(enforcer.store, "phoneOptOuts");
    this.seen = new Records(enforcer.store, "seenMessages");
    this.approvers = new ApproverRegistry(enforcer, clock);
  }

  // ---- passports --------------------------------------------------------------------------------

  async passport(id: string): Promise<PassportInfo> {
    return toInfo((await this.enforcer.policy(id)).passport as Record<string, unknown>);
  }

  /** Every registered passport, sorted by id. */
  async passports(): Promise<PassportInfo[]> {
    return (await this.enforcer.listPassports()).map(toInfo);
  }

  /**
   * The passports whose approver has this phone number and whose issuer the number confirmed for
   * (another issuer naming the number gains nothing from it). `confirmed: false`: every passport
   * naming the number, confirmed or not.
   */
  async passportsForPhone(phone: string, opts: { confirmed?: boolean } = {}): Promise<PassportInfo[]> {
    const wanted = normalizePhone(phone);
    if (wanted.replace("+", "").length === 0) return [];
    const named = (await this.passports()).filter((p) => p.phones.includes(wanted));
    if (opts.confirmed === false) return named;
    const issuers = await this.approvers.confirmedIssuers("phone", wanted);
    return named.filter((p) => issuers.includes(p.issuer_id));
  }

  /** The passport's approvers that confirmed for its issuer: only they are sent its holds and outcomes. */
  async confirmedApprovers(passport: PassportInfo): Promise<{ phones: string[]; emails: string[] }> {
    const phones: string[] = [];
    const emails: string[] = [];
    for (const phone of passport.phones) if (await this.approvers.isConfirmed(passport.issuer_id, "phone", phone)) phones.push(phone);
    for (const email of passport.emails) if (await this.approvers.isConfirmed(passport.issuer_id, "email", email)) emails.push(email);
    return { phones, emails };
  }

  // ---- approval links ---------------------------------------------------------------------------

  /** A new capability code for one approval (128 random bits); the page it opens answers only that approval. */
  async createLink(approval: Approval): Promise<string> {
    const code = randomBytes(CODE_BYTES).toString("base64url");
    const now = this.clock();
    await this.links.put(code, { approval_id: approval.id, passport_id: approval.passport_id }, { ifAbsent: true, ttlMs: LINK_TTL_MS, now });
    return code;
  }

  /** The approval a code opens, or null for a malformed, unknown or forgotten code. */
  async resolveLink(code: string): Promise<Approval | null> {
    if (!CODE_PATTERN.test(code)) return null;
    const link = await this.links.get(code, this.clock());
    return link ? this.enforcer.getApproval(link.approval_id) : null;
  }

  // ---- answers ----------------------------------------------------------------------------------

  /** Approves or denies; an approval's permit is kept for the agent, which collects it with get_approval_status. */
  async answer(approvalId: string, yes: boolean, actor?: Actor): Promise<DeskAnswer> {
    const answer = yes ? await this.enforcer.approve(approvalId, { actor }) : await this.enforcer.deny(approvalId, { actor });
    const approval = await this.enforcer.getApproval(approvalId);
    if (answer.permit_token && approval) {
      const now = this.clock();
      const expires = answer.permit_expires_at ? Date.parse(answer.permit_expires_at) : now;
      await this.permits.put(
        `${approval.passport_id}/${approvalId}`,
        { permit_token: answer.permit_token, permit_expires_at: answer.permit_expires_at! },
        { ttlMs: Math.max(1, expires - now), now },
      );
    }
    return { ...answer, approval };
  }

  /** The permit an approval issued, while it is still valid; only the approval's own passport may collect it. */
  async permitFor(passportId: string, approvalId: string): Promise<PermitDoc | null> {
    return this.permits.get(`${passportId}/${approvalId}`, this.clock());
  }

  /** The permit an approval issued, handed over once: the first caller takes it, later ones get null (HTTP agents). */
  async takePermit(passportId: string, approvalId: string): Promise<{ permit_token: string; permit_expires_at: string } | null> {
    return this.permits.take(`${passportId}/${approvalId}`, this.clock());
  }

  // ---- views ------------------------------------------------------------------------------------

  async view(approval: Approval): Promise<ApprovalView> {
    const passport = await this.passport(approval.passport_id);
    const daily = (await this.enforcer.limits(approval.passport_id)).windows.daily;
    return {
      approval,
      passport,
      ...this.shown(approval, passport),
      spent_today_cents: daily.spent_cents,
      daily_limit_cents: daily.limit_cents,
    };
  }

  /** Action and target as people may see them: secrets always redacted, PII too when the passport asks. */
  shown(approval: Approval, passport: PassportInfo): { action: string; target: string | null } {
    const pii = passport.constraints["core:data:redact_pii_in_logs"] === true;
    return {
      action: this.redactor.redactText(approval.action, pii),
      target: approval.target === null ? null : this.redactor.redactText(approval.target, pii),
    };
  }

  // ---- replayed operator messages ---------------------------------------------------------------

  /** Records a message's signature for `ttlMs`; false when it was recorded before (a replay), by any process. */
  async rememberMessage(signature: string, ttlMs: number): Promise<boolean> {
    return this.seen.put(signature, 1, { ifAbsent: true, ttlMs, now: this.clock() });
  }

  // ---- notification opt-out (SMS STOP / START) --------------------------------------------------

  async optOut(phone: string): Promise<void> {
    await this.optOuts.put(normalizePhone(phone), { at: new Date(this.clock()).toISOString() });
  }

  async optIn(phone: string): Promise<void> {
    await this.optOuts.delete(normalizePhone(phone));
  }

  async isOptedOut(phone: string): Promise<boolean> {
    return (await this.optOuts.get(normalizePhone(phone))) !== null;
  }
}

function toInfo(p: Record<string, unknown>): PassportInfo {
  const metadata = (p.metadata ?? {}) as Record<string, unknown>;
  const raw = metadata[APPROVER_PHONE_FIELD];
  const phones = listOf(raw).map(normalizePhone);
  return {
    id: String(p.id),
    agent_id: typeof p.agent_id === "string" ? p.agent_id : null,
    agent_name: typeof p.agent_name === "string" ? p.agent_name : typeof p.agent_id === "string" ? p.agent_id : String(p.id),
    issuer_id: typeof p.issuer_id === "string" ? p.issuer_id : null,
    status: p.status === "revoked" ? "revoked" : "active",
    currency: typeof p.currency === "string" ? p.currency : "USD",
    expires_at: typeof p.expires_at === "string" ? p.expires_at : null,
    constraints: (p.constraints ?? {}) as Record<string, unknown>,
    phones,
    emails: listOf(metadata[APPROVER_EMAIL_FIELD])
      .map((e) => e.trim())
      .filter((e) => e.includes("@")),
  };
}

function listOf(raw: unknown): string[] {
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === "string");
}
