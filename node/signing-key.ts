// The server's Ed25519 key for decisions and audit records: given by the operator, or made once and
// kept in the store, so restarts and every node of a Redis deployment sign with the same key.

import { exportJWK, generateKeyPair, type JWK } from "jose";
import { Records } from "../enforcer/records";
import type { Store } from "../enforcer/store";

const SIGNING_KEY_DOC = "signing_key";

/** The private JWK to sign with: `explicit` if given, else the stored one, created on first start. */
export async function serverSigningJwk(store: Store, explicit?: JWK): Promise<JWK> {
  if (explicit) return explicit;
  const docs = new Records<JWK>(store, "server");
  const existing = await docs.get(SIGNING_KEY_DOC);
  if (existing) return existing;
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(pair.privateKey);
  // Two nodes starting at once: one write wins and both use it.
  if (await docs.put(SIGNING_KEY_DOC, jwk, { ifAbsent: true })) return jwk;
  return (await docs.get(SIGNING_KEY_DOC))!;
}
