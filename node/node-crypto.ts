// node:crypto behind the enforcer's HostCrypto: synchronous Ed25519 signing and SHA-256, for the
// Node-only server (the enforcer package itself stays free of node: imports and uses WebCrypto).

import { KeyObject, hash, sign } from "node:crypto";
import type { HostCrypto } from "../enforcer/signing";

/**
 * @example const enforcer = await Enforcer.create({ store, hostCrypto: nodeCrypto });
 */
export const nodeCrypto: HostCrypto = {
  ed25519Signer(key) {
    // The CryptoKey's own key material (works for non-extractable keys too): no export, no copy of d.
    const privateKey = KeyObject.from(key.privateKey);
    if (privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("nodeCrypto: expected an Ed25519 private key");
    return (signingInput) => sign(null, Buffer.from(signingInput, "latin1"), privateKey);
  },
  // The one-shot hash (Node ≥ 20.12) makes no Hash object, so the garbage collector has no native handle to clean up.
  sha256Hex: (text) => hash("sha256", text, "hex"),
  base64url: (data) =>
    (typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength)).toString("base64url"),
};
