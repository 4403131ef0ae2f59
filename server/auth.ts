// API keys: `wk_<id>_<secret>`, shown once; the store keeps only the SHA-256 of the whole key, with
// the issuer it belongs to. A key sees only its issuer's passports, approvals and records.

import { hash, randomBytes, timingSafeEqual } from "node:crypto";
import { Records } from "../enforcer/records";
import type { Store } from "../enforcer/store";
import { errors } from "./errors";

const apiKeys = (store: Store) => new Records<ApiKeyRecord>(store, "apiKeys");
/**
 * How long a verified key is trusted from memory before the store is asked again. Revocation must
 * end sessions and streams within 5 s (SPEC §11): a cache entry plus one check interval stays under it.
 */
const CACHE_MS = 2_000;
const MAX_CACHED = 10_000;
const KEY_FORMAT = /^wk_([0-9a-f]{16})_([0-9a-f]{64})$/;
/** Issuer ids: what SPEC §1 shows (`iss_...`), letters, digits and `_.:-`. */
export const ISSUER_FORMAT = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * Who holds a key (SPEC §11): `operator` (the default, so existing keys keep working) may do
 * everything for its issuer; `agent` may only enforce, heartbeat, report and read state and approvals.
 */
export type ApiKeyRole = "agent" | "operator";
export const API_KEY_ROLES: readonly ApiKeyRole[] = ["agent", "operator"];

/** What the store keeps for a key (never the key itself). */
export interface ApiKeyRecord {
  id: string;
  issuer_id: string;
  /** Absent on keys made before roles: those are operator keys. */
  role?: ApiKeyRole;
  /** Hex SHA-256 of the whole key: the secret is 256 random bits, so a fast hash is enough. */
  sha256: string;
  name: string | null;
  created_at: string;
}

/** The caller of a request, once its key is verified. */
export interface ApiKeyInfo {
  key_id: string;
  issuer_id: string;
  role: ApiKeyRole;
}

// One-shot (Node ≥ 20.12): no Hash object per request.
const sha256 = (s: string): Buffer => hash("sha256", s, "buffer") as unknown as Buffer;

/**
 * Creates a key for `issuer`; the returned `key` is the only copy.
 * @example const { key } = await createApiKey(store, "iss_acme"); console.log(key);
 */
export async function createApiKey(
  store: Store,
  issuer: string,
  name: string | null = null,
  role: ApiKeyRole = "operator",
): Promise<{ key: string; record: ApiKeyRecord }> {
  if (!ISSUER_FORMAT.test(issuer)) throw new Error(`issuer must be 1–128 of letters, digits and _.:- (found ${JSON.stringify(issuer)})`);
  if (!API_KEY_ROLES.includes(role)) throw new Error(`role must be agent or operator (found ${JSON.stringify(role)})`);
  const id = randomBytes(8).toString("hex");
  const key = `wk_${id}_${randomBytes(32).toString("hex")}`;
  const record: ApiKeyRecord = { id, issuer_id: issuer, role, sha256: sha256(key).toString("hex"), name, created_at: new Date().toISOString() };
  if (!(await apiKeys(store).put(id, record, { ifAbsent: true }))) throw new Error("key id collision; try again");
  return { key, record };
}

export async function listApiKeys(store: Store, issuer?: string): Promise<ApiKeyRecord[]> {
  return (await apiKeys(store).list()).map((d) => d.value).filter((r) => issuer === undefined || r.issuer_id === issuer);
}

export async function revokeApiKey(store: Store, id: string): Promise<boolean> {
  return apiKeys(store).delete(id);
}

/** Verifies `Authorization: Bearer <key>` headers, remembering good keys for a few seconds. */
export class ApiKeys {
  private readonly cache = new Map<string, { info: ApiKeyInfo; digest: Buffer; until: number }>();
  private readonly live = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The key's issuer, or a 401 that says what is wrong (never which part of a key was right). */
  async verify(header: string | undefined): Promise<ApiKeyInfo> {
    if (!header) throw errors.unauthorized("missing_api_key", "send `Authorization: Bearer <api key>` (create one with `warden keys create --issuer ...`)");
    const m = /^Bearer +(\S+)$/i.exec(header.trim());
    const key = m?.[1];
    const parsed = key === undefined ? null : KEY_FORMAT.exec(key);
    if (!key || !parsed) throw errors.unauthorized("invalid_api_key", "the Authorization header does not carry a valid API key");
    const digest = sha256(key);
    const now = this.clock();
    const hit = this.cache.get(parsed[1]!);
    if (hit && hit.until > now && timingSafeEqual(hit.digest, digest)) return hit.info;
    const record = await apiKeys(this.store).get(parsed[1]!);
    const stored = record ? Buffer.from(record.sha256, "hex") : null;
    if (!record || !stored || stored.length !== digest.length || !timingSafeEqual(stored, digest)) {
      this.cache.delete(parsed[1]!);
      throw errors.unauthorized("invalid_api_key", "unknown or revoked API key");
    }
    const info: ApiKeyInfo = { key_id: record.id, issuer_id: record.issuer_id, role: record.role ?? "operator" };
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(record.id, { info, digest, until: now + CACHE_MS });
    return info;
  }

  /** Whether the key still exists (not revoked); remembered for CACHE_MS. Sessions and streams poll it. */
  async isLive(keyId: string): Promise<boolean> {
    const now = this.clock();
    const until = this.live.get(keyId);
    if (until !== undefined && until > now) return true;
    const live = (await apiKeys(this.store).get(keyId)) !== null;
    if (!live) {
      this.cache.delete(keyId);
      this.live.delete(keyId);
      return false;
    }
    if (this.live.size >= MAX_CACHED) this.live.clear();
    this.live.set(keyId, now + CACHE_MS);
    return true;
  }
}
