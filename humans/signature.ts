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

/** Verifies inbound webhooks; accepts any of several secrets (rotation) and refuses a signature seen before. */
export class SignatureVerifier {
  private readonly secrets: string[];
  private readonly seen = new Map<string, number>();

  constructor(secrets: string | string[], private readonly clock: () => number = Date.now) {
    this.secrets = (Array.isArray(secrets) ? secrets : [secrets]).filter((s) => s.length > 0);
    if (this.secrets.length === 0) throw new TypeError("a webhook secret must not be empty");
  }

  verify(headers: Record<string, string | string[] | undefined>, rawBody: Uint8Array | string): SignatureVerdict {
    const tsText = first(headers[TIMESTAMP_HEADER]);
    const sigText = first(headers[SIGNATURE_HEADER]);
    if (!tsText || !sigText || !/^\d{1,12}$/.test(tsText)) return { ok: false, reason: "missing" };
    const ts = Number(tsText);
    const nowS = Math.floor(this.clock() / 1000);
    if (Math.abs(nowS - ts) > SIGNATURE_TOLERANCE_S) return { ok: false, reason: "stale" };
    const offered = sigText.split(",").map((s) => s.trim()).filter((s) => s.startsWith("v1="));
    const match = offered.some((o) => this.secrets.some((secret) => same(o, sign(secret, ts, rawBody))));
    if (!match) return { ok: false, reason: "mismatch" };
    this.forget(nowS);
    const key = `${ts}:${offered.join(",")}`;
    if (this.seen.has(key)) return { ok: false, reason: "replayed" };
    this.seen.set(key, ts);
    return { ok: true };
  }

  /** Drops remembered signatures that are past the tolerance anyway; caps the memory. */
  private forget(nowS: number): void {
    for (const [key, ts] of this.seen) {
      if (nowS - ts <= SIGNATURE_TOLERANCE_S && this.seen.size < REPLAY_MEMORY) break;
      this.seen.delete(key);
    }
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
