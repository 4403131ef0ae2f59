// Approvers of each issuer: a phone number or an e-mail address becomes an approver of an issuer's
// passports only after it returns a code sent to it (docs/decisions.md "Approvers confirm"). A passport's
// `metadata.approver_phone` / `approver_email` names whom to ask; this registry says whether that
// person agreed to answer for the passport's issuer. Codes come from the host's CSPRNG, are kept
// hashed, are single-use, expire (the module's `deadline("approver_code")`) and allow few wrong tries.

import { createHash, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { Enforcer } from "../enforcer/enforcer";
import { Records } from "../enforcer/records";
import { normalizePhone } from "./format";

export type ApproverKind = "phone" | "email";

/** Wrong codes a pending confirmation takes before it is locked (until it expires; then a new code may be sent). */
export const MAX_CONFIRM_ATTEMPTS = 5;
/** A pending (or locked) confirmation is forgotten this long after it expires. */
const PENDING_GRACE_MS = 24 * 3600_000;
/** E-mail confirmation links carry this many random bytes (128 bits), base64url-encoded (22 characters). */
const TOKEN_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const PHONE_CODE_PATTERN = /^\d{6}$/;
const E164 = /^\+[1-9]\d{7,14}$/;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** One approver of one issuer, as stored (the code only as a hash). */
export interface ApproverDoc {
  issuer_id: string | null;
  kind: ApproverKind;
  /** E.164 phone number, or the lower-cased e-mail address. */
  address: string;
  status: "pending" | "confirmed";
  requested_at: string;
  confirmed_at: string | null;
  /** While pending: when the code expires (from the module). */
  expires_at: string | null;
  /** While pending: SHA-256 of the key and the code; null once the code is locked by wrong tries. */
  code_sha256: string | null;
  attempts: number;
}

/** An approver as the operator API shows it: the stored document without its code hash and tries. */
export type ApproverView = Omit<ApproverDoc, "code_sha256" | "attempts">;

export type ApproverRequest =
  | { status: "confirmed"; address: string }
  /** `code` is set only when a new code was made: the caller sends it (once) and forgets it. */
  | { status: "pending"; address: string; expires_at: string; code: string | null };

export type ConfirmResult =
  { ok: true; issuer_id: string | null; address: string } | { ok: false; reason: "not_pending" | "wrong_code" | "expired" | "locked" | "malformed" };

/** The stored form of an address: E.164 for phones, lower case for e-mail; null when it is not one. */
export function normalizeAddress(kind: ApproverKind, raw: string): string | null {
  if (typeof raw !== "string" || raw.length > 320) return null;
  if (kind === "phone") {
    const phone = normalizePhone(raw);
    return E164.test(phone) ? phone : null;
  }
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && EMAIL.test(email) ? email : null;
}

function keyOf(issuer: string | null, kind: ApproverKind, address: string): string {
  return `${kind}:${address}|${issuer ?? ""}`;
}

function hashOf(key: string, code: string): string {
  return createHash("sha256").update(`${key}\n${code}`).digest("hex");
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

export function viewOf(d: ApproverDoc): ApproverView {
  return {
    issuer_id: d.issuer_id,
    kind: d.kind,
    address: d.address,
    status: d.status,
    requested_at: d.requested_at,
    confirmed_at: d.confirmed_at,
    expires_at: d.expires_at,
  };
}

export class ApproverRegistry {
  private readonly docs: Records<ApproverDoc>;

  constructor(
    private readonly enforcer: Enforcer,
    private readonly clock: () => number = Date.now,
  ) {
    this.docs = new Records(enforcer.store, "approvers");
  }

  /** Whether `raw` (normalised) confirmed as an approver of `issuer`. */
  async isConfirmed(issuer: string | null, kind: ApproverKind, raw: string): Promise<boolean> {
    const address = normalizeAddress(kind, raw);
    if (!address) return false;
    return (await this.docs.get(keyOf(issuer, kind, address), this.clock()))?.status === "confirmed";
  }

  /** The issuers `raw` confirmed for (null: passports without an issuer). */
  async confirmedIssuers(kind: ApproverKind, raw: string): Promise<Array<string | null>> {
    return (await this.entries(kind, raw)).filter((d) => d.status === "confirmed").map((d) => d.issuer_id);
  }

  /** Every approver of `issuer` (undefined: of every issuer), confirmed or pending. */
  async list(issuer?: string | null): Promise<ApproverView[]> {
    return (await this.docs.list())
      .map((d) => d.value)
      .filter((d) => issuer === undefined || d.issuer_id === issuer)
      .map(viewOf);
  }

  /**
   * Asks `raw` to become an approver of `issuer`: confirmed already, or pending. A new code is made
   * only when none is live (so holds and retries do not flood a number with codes); null for an
   * address that is not a phone number in E.164 form or an e-mail address.
   */
  async request(issuer: string | null, kind: ApproverKind, raw: string): Promise<ApproverRequest | null> {
    const address = normalizeAddress(kind, raw);
    if (!address) return null;
    const key = keyOf(issuer, kind, address);
    const now = this.clock();
    const existing = await this.docs.get(key, now);
    if (existing?.status === "confirmed") return { status: "confirmed", address };
    if (existing?.expires_at && now < Date.parse(existing.expires_at)) return { status: "pending", address, expires_at: existing.expires_at, code: null };
    const code = kind === "phone" ? String(randomInt(0, 1_000_000)).padStart(6, "0") : randomBytes(TOKEN_BYTES).toString("base64url");
    const expires = this.enforcer.engine.deadline("approver_code", now);
    const doc: ApproverDoc = {
      issuer_id: issuer,
      kind,
      address,
      status: "pending",
      requested_at: new Date(now).toISOString(),
      confirmed_at: null,
      expires_at: new Date(expires).toISOString(),
      code_sha256: hashOf(key, code),
      attempts: 0,
    };
    await this.docs.put(key, doc, { ttlMs: expires - now + PENDING_GRACE_MS, now });
    return { status: "pending", address, expires_at: doc.expires_at!, code };
  }

  /** A text `CONFIRM <code>` from `phone`: the pending confirmation whose code it is becomes confirmed (once). */
  async confirmPhone(phone: string, code: string): Promise<ConfirmResult> {
    const address = normalizeAddress("phone", phone);
    if (!address) return { ok: false, reason: "not_pending" };
    const pending = (await this.entries("phone", address)).filter((d) => d.status === "pending");
    if (pending.length === 0) return { ok: false, reason: "not_pending" };
    if (!PHONE_CODE_PATTERN.test(code)) return { ok: false, reason: "malformed" };
    return this.settle(pending, code, true);
  }

  /** An e-mail link's token: the pending confirmation it was made for becomes confirmed (once). */
  async confirmToken(token: string): Promise<ConfirmResult> {
    if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: "malformed" };
    const pending = (await this.docs.list("email:")).map((d) => d.value).filter((d) => d.status === "pending");
    const hit = pending.filter((d) => d.code_sha256 !== null && sameHash(d.code_sha256, hashOf(keyOf(d.issuer_id, d.kind, d.address), token)));
    if (hit.length === 0) return { ok: false, reason: "not_pending" };
    return this.settle(hit, token, false);
  }

  /** Forgets an approver of `issuer` (confirmed or pending); false when there was none. */
  async remove(issuer: string | null, kind: ApproverKind, raw: string): Promise<boolean> {
    const address = normalizeAddress(kind, raw);
    return address ? this.docs.delete(keyOf(issuer, kind, address)) : false;
  }

  private async entries(kind: ApproverKind, raw: string): Promise<ApproverDoc[]> {
    const address = normalizeAddress(kind, raw);
    if (!address) return [];
    return (await this.docs.list(`${kind}:${address}|`)).map((d) => d.value).filter((d) => d.kind === kind && d.address === address);
  }

  /** Matches `code` against pending confirmations of one address; counts a wrong try against each (`countMisses`). */
  private async settle(pending: ApproverDoc[], code: string, countMisses: boolean): Promise<ConfirmResult> {
    const now = this.clock();
    let expired = false;
    for (const d of pending) {
      const key = keyOf(d.issuer_id, d.kind, d.address);
      if (d.code_sha256 === null || !sameHash(d.code_sha256, hashOf(key, code))) continue;
      if (d.expires_at === null || now >= Date.parse(d.expires_at)) {
        expired = true;
        continue;
      }
      // Single use: the first taker wins; a concurrent or replayed CONFIRM finds nothing pending.
      const taken = await this.docs.take(key, now);
      if (!taken || taken.status !== "pending" || taken.code_sha256 !== d.code_sha256) {
        if (taken) await this.docs.put(key, taken, taken.status === "confirmed" ? { now } : { ttlMs: PENDING_GRACE_MS, now });
        continue;
      }
      await this.docs.put(key, { ...taken, status: "confirmed", confirmed_at: new Date(now).toISOString(), expires_at: null, code_sha256: null, attempts: 0 });
      return { ok: true, issuer_id: d.issuer_id, address: d.address };
    }
    if (expired) return { ok: false, reason: "expired" };
    const live = pending.filter((d) => d.code_sha256 !== null && d.expires_at !== null && now < Date.parse(d.expires_at));
    if (live.length === 0) return { ok: false, reason: pending.some((d) => d.code_sha256 === null) ? "locked" : "expired" };
    if (countMisses) {
      for (const d of live) {
        const attempts = d.attempts + 1;
        const locked = attempts >= MAX_CONFIRM_ATTEMPTS;
        const ttlMs = Date.parse(d.expires_at!) - now + PENDING_GRACE_MS;
        await this.docs.put(keyOf(d.issuer_id, d.kind, d.address), { ...d, attempts, code_sha256: locked ? null : d.code_sha256 }, { ttlMs, now });
      }
    }
    return { ok: false, reason: "wrong_code" };
  }
}
