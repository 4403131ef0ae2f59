// Proof of possession for trust_tier L3 passports: each POST /v1/enforce carries, in the `Warden-PoP`
// header, a compact JWS signed with the passport's private key over the method, the path, a
// SHA-256 of the exact body bytes, a timestamp (±60 s) and a nonce the server never accepts twice.

import { createHash } from "node:crypto";
import { CompactSign, type CryptoKey, type JWK, compactVerify, decodeProtectedHeader, importJWK } from "jose";
import { Records } from "../enforcer/records";
import type { Store } from "../enforcer/store";
import type { ErrorCode } from "../enforcer/error-codes";
import { ApiError } from "./errors";
import { POP_HEADER } from "../mcp/http";

/** Defined beside /mcp, which checks the same header (hitl cannot import the server). */
export { POP_HEADER };
export const POP_TYP = "warden-pop+jws";
/** How far the signed timestamp may be from the server's clock, in seconds. */
export const POP_MAX_SKEW_S = 60;
/** A nonce is remembered past any instant its timestamp could still be accepted. */
const NONCE_TTL_MS = 3 * POP_MAX_SKEW_S * 1000;

const NONCE_FORMAT = /^[A-Za-z0-9_-]{16,128}$/;

/** What the JWS payload holds. */
export interface PopClaims {
  /** Seconds since the epoch. */
  iat: number;
  nonce: string;
  /** The HTTP method, upper case. */
  htm: string;
  /** The request path, without the query (`/v1/enforce`). */
  htu: string;
  /** base64url SHA-256 of the request body bytes as sent. */
  sha256: string;
}

export function bodyDigest(body: Uint8Array | string): string {
  return createHash("sha256").update(body).digest("base64url");
}

/**
 * Signs one request for an L3 passport; send the result as the `Warden-PoP` header.
 * @example headers["warden-pop"] = await signPop(privateJwk, { method: "POST", path: "/v1/enforce", body });
 */
export async function signPop(
  privateJwk: JWK,
  req: { method: string; path: string; body: Uint8Array | string; now?: number; nonce?: string },
): Promise<string> {
  const key = await importJWK(privateJwk, "EdDSA");
  const claims: PopClaims = {
    iat: Math.floor((req.now ?? Date.now()) / 1000),
    nonce: req.nonce ?? Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url"),
    htm: req.method.toUpperCase(),
    htu: req.path,
    sha256: bodyDigest(req.body),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: "EdDSA", typ: POP_TYP }).sign(key);
}

const refuse = (code: Extract<ErrorCode, `pop_${string}`>, message: string) =>
  new ApiError(code, message, { headers: { "www-authenticate": `WardenPoP realm="warden", error="${code}"` } });

/** Imported keys remembered; the map starts over beyond this. */
const MAX_CACHED_KEYS = 10_000;

/** Checks PoP headers against each passport's public key; nonces go through the shared store. */
export class PopVerifier {
  private readonly keys = new Map<string, CryptoKey>();

  constructor(
    private readonly store: Store,
    private readonly publicJwkOf: (passportId: string) => Promise<JWK | null>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Resolves when the request is proven; otherwise throws a 401 naming what failed. */
  async verify(passportId: string, req: { method: string; path: string; body: Uint8Array; header: string | undefined }): Promise<void> {
    if (!req.header) throw refuse("pop_required", `passport ${passportId} is trust_tier L3: sign the request and send the JWS in the Warden-PoP header`);
    const claims = await this.checkSignature(passportId, req.header);
    if (claims.htm !== req.method || claims.htu !== req.path) throw refuse("pop_invalid", "the proof was made for another method or path");
    if (claims.sha256 !== bodyDigest(req.body)) throw refuse("pop_invalid", "the proof does not match the request body");
    const now = this.clock();
    if (Math.abs(now / 1000 - claims.iat) > POP_MAX_SKEW_S) {
      throw refuse("pop_stale", `the proof's timestamp is more than ${POP_MAX_SKEW_S} s from the server's clock`);
    }
    const fresh = await new Records<number>(this.store, "popNonces").put(`${passportId}/${claims.nonce}`, 1, { ifAbsent: true, ttlMs: NONCE_TTL_MS, now });
    if (!fresh) throw refuse("pop_replayed", "this proof's nonce was already used");
  }

  private async checkSignature(passportId: string, jws: string): Promise<PopClaims> {
    let claims: unknown;
    try {
      const header = decodeProtectedHeader(jws);
      if (header.alg !== "EdDSA" || header.typ !== POP_TYP) throw new Error("header");
      const { payload } = await compactVerify(jws, await this.key(passportId), { algorithms: ["EdDSA"] });
      claims = JSON.parse(new TextDecoder().decode(payload));
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw refuse("pop_invalid", `the Warden-PoP header is not a JWS (alg EdDSA, typ ${POP_TYP}) signed with this passport's key`);
    }
    if (!isClaims(claims)) throw refuse("pop_invalid", "the proof must carry iat (seconds), nonce (16–128 of A-Z a-z 0-9 _ -), htm, htu and sha256");
    return claims;
  }

  /**
   * The passport's key as stored now: a re-issued key replaces the old one at once on every node.
   * Only the import is cached, by the key's public value.
   */
  private async key(passportId: string): Promise<CryptoKey> {
    const jwk = await this.publicJwkOf(passportId);
    if (!jwk) throw refuse("pop_invalid", `passport ${passportId} has no proof-of-possession key`);
    const id = `${passportId} ${String(jwk.x)}`;
    const cached = this.keys.get(id);
    if (cached) return cached;
    const key = (await importJWK(jwk, "EdDSA")) as CryptoKey;
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
    this.keys.set(id, key);
    return key;
  }
}

function isClaims(c: unknown): c is PopClaims {
  if (c === null || typeof c !== "object") return false;
  const o = c as Record<string, unknown>;
  return (
    typeof o.iat === "number" &&
    Number.isFinite(o.iat) &&
    typeof o.nonce === "string" &&
    NONCE_FORMAT.test(o.nonce) &&
    typeof o.htm === "string" &&
    typeof o.htu === "string" &&
    typeof o.sha256 === "string"
  );
}
