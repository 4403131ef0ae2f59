// Passports as the server sees them: each belongs to the issuer of the key that created it, gets a
// server-made unguessable id and an Ed25519 key pair whose private half is returned exactly once.

import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { Policy } from "../bindings/engine";
import type { Enforcer } from "../enforcer/enforcer";
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
