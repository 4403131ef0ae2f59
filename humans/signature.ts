// HMAC-SHA256 signatures for webhooks in both directions: inbound SMS replies are verified, outbound notifications are signed.

import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-warden-signature";
export const TIMESTAMP_HEADER = "x-warden-timestamp";
/** A signed request older or newer than this is refused (replays and clock skew). */
export const SIGNATURE_TOLERANCE_S = 300;
/** How many recently accepted signatures are remembered to refuse exact replays. */
const REPLAY_MEMORY = 10_000;

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. */
export function sign(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac("sha256", secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `v1=${mac.digest("hex")}`;
}

/** The two headers to send with a signed body. */
export function signatureHeaders(secret: string, body: string, nowMs = Date.now()): Record<string, string> {
  const ts = Math.floor(nowMs / 1000);
  return { [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(secret, ts, body) };
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: "missing" | "stale" | "mismatch" | "replayed" };

/**
 * Remembers a verified message's signature for `ttlMs`; false when it was already remembered.
 * Backed by the store (ApprovalDesk.rememberMessage), so a replay is refused by every worker and after a restart.
 */
export type ReplayCache = (signature: string, ttlMs: number) => Promise<boolean>;

/** How long an accepted signature is remembered: past the last instant its timestamp could still pass. */
export const REPLAY_TTL_MS = (2 * SIGNATURE_TOLERANCE_S + 60) * 1000;

/** Exactly one `v1=` and 64 lower-case hex digits: no list, no second signature, nothing else. */
const SIGNATURE_FORMAT = /^v1=[0-9a-f]{64}$/;

/** Verifies inbound webhooks; accepts any of several secrets (rotation) and refuses a signature seen before. */
export class SignatureVerifier {
  private readonly secrets: string[];
  private readonly seen = new Map<string, number>();

  constructor(
    secrets: string | string[],
    private readonly clock: () => number = Date.now,
  ) {
    this.secrets = (Array.isArray(secrets) ? secrets : [secrets]).filter((s) => s.length > 0);
    if (this.secrets.length === 0) throw new TypeError("a webhook secret must not be empty");
  }

  /** Checks the signature and refuses one this process has seen (use `verifyOnce` to share that across processes). */
  verify(headers: Record<string, string | string[] | undefined>, rawBody: Uint8Array | string): SignatureVerdict {
    const checked = this.check(headers, rawBody);
    if (!checked.ok) return checked;
    const nowS = Math.floor(this.clock() / 1000);
    this.forget(nowS);
    if (this.seen.has(checked.signature)) return { ok: false, reason: "replayed" };
    this.seen.set(checked.signature, nowS);
    return { ok: true };
  }

  /** As `verify`, and the signature must be new to `remember` (the store): replays are refused across workers and restarts. */
  async verifyOnce(headers: Record<string, string | string[] | undefined>, rawBody: Uint8Array | string, remember: ReplayCache): Promise<SignatureVerdict> {
    const checked = this.check(headers, rawBody);
    if (!checked.ok) return checked;
    if (!(await remember(checked.signature, REPLAY_TTL_MS))) return { ok: false, reason: "replayed" };
    return { ok: true };
  }

  /** The one well-formed signature, made with one of our secrets over this timestamp and body. */
  private check(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Uint8Array | string,
  ): { ok: true; signature: string } | { ok: false; reason: "missing" | "stale" | "mismatch" } {
    const tsText = only(headers[TIMESTAMP_HEADER]);
    const sigText = only(headers[SIGNATURE_HEADER]);
    if (!tsText || !sigText || !/^\d{1,12}$/.test(tsText)) return { ok: false, reason: "missing" };
    // Strict: `v1=<sig>,v1=00`, the signature twice or padded are not this signature (issue 15: replays dressed up).
    if (!SIGNATURE_FORMAT.test(sigText)) return { ok: false, reason: "mismatch" };
    const ts = Number(tsText);
    const nowS = Math.floor(this.clock() / 1000);
    if (Math.abs(nowS - ts) > SIGNATURE_TOLERANCE_S) return { ok: false, reason: "stale" };
    if (!this.secrets.some((secret) => same(sigText, sign(secret, ts, rawBody)))) return { ok: false, reason: "mismatch" };
    return { ok: true, signature: sigText.slice(3) };
  }

  /** Drops remembered signatures that are past the tolerance anyway; caps the memory. */
  private forget(nowS: number): void {
    for (const [key, ts] of this.seen) {
      if (nowS - ts <= 2 * SIGNATURE_TOLERANCE_S && this.seen.size < REPLAY_MEMORY) break;
      this.seen.delete(key);
    }
  }
}

/** A header given once; a repeated header (an array) is refused rather than guessed at. */
function only(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
