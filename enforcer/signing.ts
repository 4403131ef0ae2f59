// Ed25519 keys, compact JWS and canonical JSON, via jose and WebCrypto so it runs in every JavaScript runtime.

import {
  CompactSign,
  type CryptoKey,
  type JWK,
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
} from "jose";

/** The JWS algorithm of every signature we make (Ed25519). */
export const SIGNING_ALG = "EdDSA";

/** A private key ready to sign, with its public JWK (carrying `kid`, `alg`, `use`) and key id. */
export interface SigningKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The RFC 7638 SHA-256 thumbprint of the public key. */
  kid: string;
}

/** What `importSigningKey` accepts: a private JWK, an extractable private CryptoKey, or a key pair. */
export type SigningKeyInput = JWK | CryptoKey | { privateKey: CryptoKey; publicKey: CryptoKey } | SigningKey;

/** A key that cannot sign: wrong type or curve, missing private part, or non-extractable alone. */
export class SigningKeyError extends Error {
  readonly code = "invalid_signing_key";
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyError";
  }
}

/**
 * Makes a new Ed25519 key. The private key is non-extractable unless asked.
 * @example const key = await generateSigningKey(); serveJwks([key.publicJwk]);
 */
export async function generateSigningKey(opts: { extractable?: boolean } = {}): Promise<SigningKey> {
  const pair = await generateKeyPair(SIGNING_ALG, { crv: "Ed25519", extractable: opts.extractable ?? false });
  return withPublicJwk(pair.privateKey, await exportJWK(pair.publicKey));
}

/**
 * Turns a configured key into a SigningKey.
 * @example const key = await importSigningKey(JSON.parse(process.env.WARDEN_JWK!));
 */
export async function importSigningKey(input: SigningKeyInput): Promise<SigningKey> {
  if ("publicJwk" in input && "kid" in input) return input as SigningKey;
  if ("privateKey" in input && "publicKey" in input) {
    return withPublicJwk(checkPrivate(input.privateKey), await exportJWK(input.publicKey));
  }
  if (isCryptoKey(input)) return fromCryptoKey(input);
  return fromJwk(input as JWK);
}

/**
 * Signs `payload` (serialized as canonical JSON) as a compact JWS with `alg: "EdDSA"` and `kid`.
 * @example const jws = await signCompact({ hash, seq }, key.privateKey, key.kid);
 */
export async function signCompact(payload: object, privateKey: CryptoKey, kid: string): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalJson(payload))).setProtectedHeader({ alg: SIGNING_ALG, kid }).sign(privateKey);
}

/**
 * Synchronous stand-ins for WebCrypto that a host may supply. On Node, `node:crypto` signs with
 * Ed25519 in about half the time WebCrypto takes and hashes without a hop to the thread pool; the
 * server passes them (`node/node-crypto.ts`), so this package never imports `node:` modules
 * itself. Left out, WebCrypto and jose are used, as in browsers, Deno, Bun and workerd. Ed25519
 * is deterministic, so both paths produce the same bytes.
 */
export interface HostCrypto {
  /** A function that signs the ASCII `signingInput` of a JWS with `key` (the 64 raw Ed25519 signature bytes). */
  ed25519Signer(key: SigningKey): (signingInput: string) => Uint8Array;
  /** Lower-case hex SHA-256 of the UTF-8 of `text`. */
  sha256Hex(text: string): string;
  /** Unpadded base64url of the UTF-8 of `text`, or of bytes. */
  base64url(data: string | Uint8Array): string;
}

/** Signs payloads as `signCompact` does, with one key. */
export type PayloadSigner = (payload: object) => Promise<string>;

/**
 * The compact-JWS signer of `key`: through `host` when given (the same bytes as jose's: protected
 * header `{"alg":"EdDSA","kid":…}`, canonical JSON payload), else `signCompact`.
 * @example const sign = payloadSigner(key); const jws = await sign({ hash, seq });
 */
export function payloadSigner(key: SigningKey, host?: HostCrypto): PayloadSigner {
  if (!host) return (payload) => signCompact(payload, key.privateKey, key.kid);
  const sign = host.ed25519Signer(key);
  // jose serializes the protected header with JSON.stringify, members in the order set: alg, kid.
  const header = host.base64url(JSON.stringify({ alg: SIGNING_ALG, kid: key.kid }));
  return async (payload) => {
    const input = `${header}.${host.base64url(canonicalJson(payload))}`;
    return `${input}.${host.base64url(sign(input))}`;
  };
}

/**
 * Verifies a compact JWS and returns its JSON payload; throws if the signature, algorithm or key id
 * does not match. Pass an imported public CryptoKey to skip re-importing when verifying many.
 */
export async function verifyCompact(jws: string, publicKey: JWK | CryptoKey): Promise<Record<string, unknown>> {
  const key = isCryptoKey(publicKey) ? publicKey : await importPublicJwk(publicKey);
  if (!isCryptoKey(publicKey) && publicKey.kid !== undefined) {
    const { kid } = decodeProtectedHeader(jws);
    if (kid !== undefined && kid !== publicKey.kid) throw new SigningKeyError(`kid ${kid} is not the key's ${publicKey.kid}`);
  }
  const { payload } = await compactVerify(jws, key, { algorithms: [SIGNING_ALG] });
  const value: unknown = JSON.parse(new TextDecoder().decode(payload));
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError("JWS payload is not a JSON object");
  return value as Record<string, unknown>;
}

/** Imports a public Ed25519 JWK for `verifyCompact`. */
export async function importPublicJwk(jwk: JWK): Promise<CryptoKey> {
  return (await importJWK(publicPart(jwk), SIGNING_ALG)) as CryptoKey;
}

/**
 * Deterministic JSON for hashing and signing: keys sorted by UTF-16 code units (as RFC 8785), no
 * whitespace, `undefined` members dropped and `toJSON` honoured as JSON.stringify does. Non-finite
 * numbers, bigints and cycles throw rather than hash to something ambiguous.
 * @example canonicalJson({ b: 1, a: [true, null] }) === '{"a":[true,null],"b":1}'
 */
/**
 * SPEC §11: the digest an approval is bound to — lower-case hex SHA-256 of the canonical JSON of
 * `{action, cost_cents, target, context}` (cost 0, target and context null when absent). A gateway
 * compares it with the digest of the call it is about to forward.
 */
export async function requestDigest(req: { action: string; cost_cents?: number; target?: string | null; context?: unknown }): Promise<string> {
  const text = canonicalJson({ action: req.action, cost_cents: req.cost_cents ?? 0, target: req.target ?? null, context: req.context ?? null });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function canonicalJson(value: unknown): string {
  const root = resolved(value);
  if (!isContainer(root)) {
    const out = scalar(root);
    if (out === undefined) throw new TypeError("canonicalJson: value has no JSON form");
    return out;
  }
  return writeTree(root);
}

/** A container being written: its keys (null for an array), the next index, whether a member was written. */
interface Frame {
  node: object;
  keys: string[] | null;
  next: number;
  wrote: boolean;
}

// It runs several times per decision, so it builds one string and keeps little garbage. It is
// iterative (SPEC §11: any depth gets a decision): the containers being written are an explicit
// stack, and the set of them finds a cycle (a container already open) without scanning the stack.
function writeTree(root: object): string {
  const frames: Frame[] = [];
  const open = new Set<object>();
  let out = "";
  const enter = (v: object): void => {
    if (open.has(v)) throw new TypeError("canonicalJson: cyclic value");
    open.add(v);
    const isArray = Array.isArray(v);
    out += isArray ? "[" : "{";
    frames.push({ node: v, keys: isArray ? null : sortKeys(Object.keys(v)), next: 0, wrote: false });
  };
  enter(root);
  while (frames.length > 0) {
    const f = frames[frames.length - 1]!;
    if (f.keys === null) {
      const arr = f.node as unknown[];
      if (f.next >= arr.length) {
        out += "]";
        frames.pop();
        open.delete(f.node);
        continue;
      }
      if (f.next > 0) out += ",";
      const v = resolved(arr[f.next++]);
      if (isContainer(v)) enter(v);
      else out += scalar(v) ?? "null";
      continue;
    }
    if (f.next >= f.keys.length) {
      out += "}";
      frames.pop();
      open.delete(f.node);
      continue;
    }
    const key = f.keys[f.next++]!;
    const v = resolved((f.node as Record<string, unknown>)[key]);
    const text = isContainer(v) ? "" : scalar(v);
    if (text === undefined) continue; // undefined, functions and symbols are dropped, as JSON.stringify
    out += (f.wrote ? "," : "") + JSON.stringify(key) + ":" + text;
    f.wrote = true;
    if (isContainer(v)) enter(v);
  }
  return out;
}

function resolved(value: unknown): unknown {
  return hasToJson(value) ? value.toJSON() : value;
}

function isContainer(v: unknown): v is object {
  return typeof v === "object" && v !== null;
}

/** The JSON text of a non-container, or undefined where JSON.stringify would drop it. */
function scalar(v: unknown): string | undefined {
  if (v === null) return "null";
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${v} is not a JSON number`);
      return JSON.stringify(v);
    case "bigint":
      throw new TypeError("canonicalJson: bigint has no JSON form");
    default:
      return undefined; // undefined, functions and symbols, as JSON.stringify
  }
}

/** Sorts by UTF-16 code units (what `<` and the default sort compare), in place; small sets by insertion. */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > k; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = k;
  }
  return keys;
}

function hasToJson(v: unknown): v is { toJSON(): unknown } {
  return typeof v === "object" && v !== null && typeof (v as { toJSON?: unknown }).toJSON === "function";
}

function isCryptoKey(v: unknown): v is CryptoKey {
  return typeof v === "object" && v !== null && "algorithm" in v && "type" in v && "usages" in v;
}

/** The public members of an Ed25519 JWK (the ones RFC 7638 hashes), or an error. */
function publicPart(jwk: JWK): { kty: "OKP"; crv: "Ed25519"; x: string } {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") {
    throw new SigningKeyError("expected an Ed25519 JWK (kty OKP, crv Ed25519)");
  }
  return { kty: "OKP", crv: "Ed25519", x: jwk.x };
}

function checkPrivate(key: CryptoKey): CryptoKey {
  if (key.type !== "private" || key.algorithm.name !== "Ed25519") {
    throw new SigningKeyError("expected a private Ed25519 CryptoKey");
  }
  return key;
}

async function fromJwk(jwk: JWK): Promise<SigningKey> {
  const pub = publicPart(jwk);
  if (typeof jwk.d !== "string") throw new SigningKeyError("the JWK has no private part (d)");
  const privateKey = (await importJWK({ ...pub, d: jwk.d }, SIGNING_ALG)) as CryptoKey;
  return withPublicJwk(privateKey, jwk);
}

async function fromCryptoKey(key: CryptoKey): Promise<SigningKey> {
  checkPrivate(key);
  if (!key.extractable) {
    throw new SigningKeyError("a non-extractable private key alone has no public part: pass the key pair or a JWK");
  }
  return withPublicJwk(key, await exportJWK(key));
}

async function withPublicJwk(privateKey: CryptoKey, jwk: JWK): Promise<SigningKey> {
  const pub = publicPart(jwk);
  const kid = await calculateJwkThumbprint(pub, "sha256");
  return { privateKey, publicJwk: { ...pub, kid, alg: SIGNING_ALG, use: "sig" }, kid };
}
