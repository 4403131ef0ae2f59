// Dashboard login: API keys are checked by a pluggable verifier; a signed, HttpOnly session cookie and a CSRF token follow.

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { PassportInfo } from "../desk/desk";

/** Who is signed in: one issuer's passports, or every passport (`issuer_id: null`, an operator key). */
export interface Principal {
  issuer_id: string | null;
  /** The API key behind it, when the key can be revoked (`isLive`). */
  key_id?: string;
}

/** Checks an API key. The server plugs its own key store in; `staticKeys` serves a single process. */
export interface DashboardAuth {
  verifyKey(key: string): Promise<Principal | null>;
  /** Whether a key is still valid; a revoked key's sessions and event streams end (SPEC §11: within 5 s). */
  isLive?(keyId: string): Promise<boolean>;
}

/** Keys given in configuration: key → issuer it may see (null: all). Compared by hash, in constant time. */
export function staticKeys(keys: Record<string, string | null>): DashboardAuth {
  const table = Object.entries(keys).map(([k, issuer]) => ({ hash: sha256(k), issuer }));
  return {
    async verifyKey(key: string) {
      const h = sha256(key);
      const hit = table.find((e) => timingSafeEqual(e.hash, h));
      return hit ? { issuer_id: hit.issuer } : null;
    },
  };
}

export function canSee(principal: Principal, passport: Pick<PassportInfo, "issuer_id">): boolean {
  return principal.issuer_id === null || passport.issuer_id === principal.issuer_id;
}

export const SESSION_COOKIE = "warden_dashboard";
/** A dashboard session lasts this long; signing in again is needed after. */
export const SESSION_TTL_MS = 8 * 3600_000;

export interface Session extends Principal {
  sid: string;
  exp: number;
  csrf: string;
}

/** Stateless sessions: the cookie carries the principal and expiry, HMAC-signed with the server's secret. */
export class SessionCookies {
  private readonly secret: Buffer;

  /** `secure`: whether cookies get the Secure flag (the public URL is https). */
  constructor(
    secret: string | undefined,
    private readonly clock: () => number,
    private readonly secure: () => boolean,
  ) {
    this.secret = secret ? Buffer.from(secret, "utf8") : randomBytes(32);
  }

  issue(principal: Principal): { cookie: string; session: Session } {
    const payload = { iss: principal.issuer_id, kid: principal.key_id, exp: this.clock() + SESSION_TTL_MS, sid: randomBytes(16).toString("base64url") };
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    const value = `${body}.${this.mac(body)}`;
    return { cookie: this.header(value, Math.floor(SESSION_TTL_MS / 1000)), session: this.toSession(payload) };
  }

  read(value: string | undefined): Session | null {
    if (!value) return null;
    const [body, mac] = value.split(".");
    if (!body || !mac || !safeEqual(mac, this.mac(body))) return null;
    try {
      const p = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as { iss: string | null; kid?: string; exp: number; sid: string };
      if (typeof p.exp !== "number" || p.exp <= this.clock() || typeof p.sid !== "string") return null;
      return this.toSession(p);
    } catch {
      return null;
    }
  }

  clear(): string {
    return this.header("", 0);
  }

  checkCsrf(session: Session, token: string | undefined): boolean {
    return typeof token === "string" && safeEqual(token, session.csrf);
  }

  private toSession(p: { iss: string | null; kid?: string; exp: number; sid: string }): Session {
    return { issuer_id: p.iss ?? null, ...(typeof p.kid === "string" && { key_id: p.kid }), exp: p.exp, sid: p.sid, csrf: this.mac(`csrf:${p.sid}`) };
  }

  private header(value: string, maxAge: number): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.secure() ? "; Secure" : ""}`;
  }

  private mac(text: string): string {
    return createHmac("sha256", this.secret).update(text).digest("base64url");
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a),
    y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
