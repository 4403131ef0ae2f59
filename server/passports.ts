// Passports as the server sees them: each belongs to the issuer of the key that created it, gets a
// server-made unguessable id and an Ed25519 key pair whose private half is returned exactly once.

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { Policy } from "../bindings/engine";
import type { PublicJwk, Reissue } from "../bindings/gen/types";
import type { Enforcer } from "../enforcer/enforcer";
import type { PassportUpdate } from "../enforcer/types";
import { randomId } from "../enforcer/ids";
import { Records } from "../enforcer/records";
import type { Store } from "../enforcer/store";
import { errors } from "./errors";

interface PassportKeyDoc {
  public_jwk: JWK;
  created_at: string;
}

export interface CreatedPassport {
  passport: Record<string, unknown>;
  /** Shown once: the server keeps only the public half. */
  private_key_jwk: JWK;
  public_key_jwk: JWK;
  warnings: string[];
}

/** What never changes once a passport is issued here: whose it is and how much proof it needs. */
export interface PassportOwner {
  issuer_id: string;
  trust_tier: string | null;
}

// Owners are remembered without expiry (they never change); the map is cleared when it gets this big.
const MAX_OWNERS = 100_000;

export class Passports {
  private readonly owners = new Map<string, PassportOwner>();
  /** The public half of each passport's key pair, by passport id. */
  private readonly keys: Records<PassportKeyDoc>;

  constructor(
    private readonly enforcer: Enforcer,
    store: Store,
  ) {
    this.keys = new Records<PassportKeyDoc>(store, "passportKeys");
  }

  /** Validates, assigns the id and issuer, makes the key pair, stores both. */
  async create(issuer: string, body: Record<string, unknown>): Promise<CreatedPassport> {
    const warnings: string[] = [];
    if (body.issuer_id !== undefined && body.issuer_id !== issuer) {
      throw errors.badRequest("issuer_mismatch", `issuer_id must be your API key's issuer (${issuer}) or left out`, "issuer_id");
    }
    if (body.id !== undefined) warnings.push(`id ${JSON.stringify(body.id)} was replaced: the server assigns unguessable passport ids`);
    const doc = { ...body, id: randomId("pass"), issuer_id: issuer };
    // Validate before making keys, so a bad passport leaves nothing behind.
    const checked = this.enforcer.engine.compile(doc);
    warnings.push(...checked.warnings);
    checked.dispose();
    const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    const publicJwk = await exportJWK(pair.publicKey);
    const keyDoc: PassportKeyDoc = { public_jwk: publicJwk, created_at: new Date().toISOString() };
    await this.keys.put(doc.id, keyDoc);
    const policy = await this.enforcer.register(doc);
    return { passport: { ...policy.passport }, private_key_jwk: { ...privateJwk, alg: "EdDSA" }, public_key_jwk: { ...publicJwk, alg: "EdDSA" }, warnings };
  }

  /** The passport's compiled policy if it belongs to `issuer`; otherwise 404, exactly as if it did not exist. */
  async policyFor(issuer: string, passportId: string): Promise<Policy> {
    const policy = await this.compiled(passportId);
    if (policy.passport.issuer_id !== issuer) throw errors.notFound("passport", passportId);
    return policy;
  }

  private async compiled(passportId: string): Promise<Policy> {
    try {
      return await this.enforcer.policy(passportId);
    } catch (err) {
      if ((err as { code?: string }).code === "passport_not_found") throw errors.notFound("passport", passportId);
      throw err;
    }
  }

  /**
   * Checks that the passport exists and belongs to `issuer` (404 otherwise), from memory after the
   * first time: the issuer and trust tier are set at issue and no route changes them.
   */
  async owner(issuer: string, passportId: string): Promise<PassportOwner> {
    let owner = this.owners.get(passportId);
    if (!owner) {
      const passport = (await this.compiled(passportId)).passport;
      owner = { issuer_id: passport.issuer_id as string, trust_tier: (passport.trust_tier as string | undefined) ?? null };
      if (this.owners.size >= MAX_OWNERS) this.owners.clear();
      this.owners.set(passportId, owner);
    }
    if (owner.issuer_id !== issuer) throw errors.notFound("passport", passportId);
    return owner;
  }

  async get(issuer: string, passportId: string): Promise<{ passport: Record<string, unknown>; public_key_jwk: JWK | null }> {
    const policy = await this.policyFor(issuer, passportId);
    return { passport: { ...policy.passport }, public_key_jwk: await this.publicJwk(passportId) };
  }

  /**
   * Updates the passport in place (a new version; counters, id, issuer and trust tier kept). The
   * body is the whole passport as for `create`; a `version` in it is the one the caller edited.
   */
  async update(issuer: string, passportId: string, body: Record<string, unknown>, actor?: { by: string; channel: string }): Promise<PassportUpdate> {
    await this.policyFor(issuer, passportId);
    if (body.issuer_id !== undefined && body.issuer_id !== issuer) {
      throw errors.badRequest("issuer_mismatch", `issuer_id must be your API key's issuer (${issuer}) or left out`, "issuer_id");
    }
    return this.enforcer.updatePassport(passportId, body, actor ? { actor } : undefined);
  }

  /**
   * Replaces the passport's proof-of-possession key: with `public_key_jwk` (an Ed25519 public JWK)
   * that key, otherwise a new pair whose private half is returned once. The old key stops working at
   * once on every node (PopVerifier reads the key document on each proof).
   */
  async reissue(
    issuer: string,
    passportId: string,
    body: Reissue,
    actor?: { by: string; channel: string },
  ): Promise<PassportUpdate & { public_key_jwk: JWK; private_key_jwk?: JWK }> {
    await this.policyFor(issuer, passportId);
    let publicJwk: JWK;
    let privateJwk: JWK | undefined;
    if (body.public_key_jwk === undefined) {
      const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
      [publicJwk, privateJwk] = [await exportJWK(pair.publicKey), await exportJWK(pair.privateKey)];
    } else {
      publicJwk = await ed25519Public(body.public_key_jwk);
    }
    const previous = await this.keys.get(passportId);
    await this.keys.put(passportId, { public_jwk: publicJwk, created_at: new Date().toISOString() });
    const done = await this.enforcer.reissuePassport(
      passportId,
      {
        key_thumbprint: await calculateJwkThumbprint(publicJwk),
        previous_key_thumbprint: previous ? await calculateJwkThumbprint(previous.public_jwk) : null,
      },
      actor ? { actor } : undefined,
    );
    return { ...done, public_key_jwk: { ...publicJwk, alg: "EdDSA" }, ...(privateJwk && { private_key_jwk: { ...privateJwk, alg: "EdDSA" } }) };
  }

  /** Sets `status: revoked`; every later request is blocked with passport_revoked, on every node. */
  async revoke(issuer: string, passportId: string): Promise<{ passport: Record<string, unknown> }> {
    const policy = await this.policyFor(issuer, passportId);
    const revoked = await this.enforcer.register({ ...policy.passport, status: "revoked" });
    return { passport: { ...revoked.passport } };
  }

  /** The issuer's passports (a scan of all passports: fine for the hundreds a team runs). */
  async list(issuer: string): Promise<Record<string, unknown>[]> {
    return this.enforcer.listPassports({ issuer_id: issuer });
  }

  async publicJwk(passportId: string): Promise<JWK | null> {
    const doc = await this.keys.get(passportId);
    return doc ? { ...doc.public_jwk, alg: "EdDSA" } : null;
  }
}

/**
 * The key of a PublicJwk (its shape checked by schemas/reissue.schema.json) that imports, with only its
 * public members kept; a 400 for a private member or an x that is not a point on the curve.
 */
async function ed25519Public(jwk: PublicJwk): Promise<JWK> {
  const bad = () => errors.badRequest("invalid_value", 'public_key_jwk must be an Ed25519 public JWK: {kty: "OKP", crv: "Ed25519", x}', "public_key_jwk");
  if (jwk.d !== undefined) throw errors.badRequest("invalid_value", "public_key_jwk carries a private key (d): send only the public half", "public_key_jwk.d");
  try {
    await importJWK({ kty: "OKP", crv: "Ed25519", x: jwk.x }, "EdDSA");
  } catch {
    throw bad();
  }
  return { kty: "OKP", crv: "Ed25519", x: jwk.x };
}
