// The server's Ed25519 key for decisions and audit records. It lives OUTSIDE the store, so whoever
// can write the database cannot re-sign what they edit (docs/security.md): in a key file of mode
// 0600 (`PATH.key` beside a SQLite database, or `--signing-key FILE`), made on first start. A key
// that older versions kept in the store is moved to the file on first start and deleted from the
// store. Only the memory store (gone when the process ends) keeps its key in itself.

import { closeSync, constants, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { Records } from "../enforcer/records";
import type { Store } from "../enforcer/store";

const SIGNING_KEY_DOC = "signing_key";

/** A key file that cannot be used (readable by others, not a JWK), or a store that needs one. */
export class SigningKeyFileError extends Error {
  readonly code = "signing_key_file";
  constructor(message: string) {
    super(message);
    this.name = "SigningKeyFileError";
  }
}

export interface SigningKeyOptions {
  /** The key itself (WARDEN_SIGNING_KEY): used as given, no file. */
  explicit?: JWK;
  /** The key file: read, or created (mode 0600) on first start. Without it the key is kept in the store (memory stores only). */
  file?: string;
  /** One line when a key is moved out of the store or a new key file is made. */
  log?: (line: string) => void;
}

/**
 * The key file a store spec uses by default: `PATH.key` beside a SQLite database; none for the
 * memory store (its key lives and dies with it). A Redis store has no "beside": it needs
 * `--signing-key FILE` (the same file on every node), and this throws saying so.
 */
export function defaultSigningKeyFile(storeSpec: string): string | undefined {
  if (storeSpec === "memory") return undefined;
  if (storeSpec.startsWith("sqlite:")) return `${storeSpec.slice("sqlite:".length).replace(/^\/\/(?=[^/])/, "")}.key`;
  throw new SigningKeyFileError(
    "a Redis store needs --signing-key FILE (or WARDEN_SIGNING_KEY): the same key file on every node; the key is kept out of the store so its writers cannot re-sign the audit log",
  );
}

/**
 * The private JWK to sign with: `explicit` if given; else the key file's, made on first start (or
 * moved there from the store, where older versions kept it); else (no file: memory stores) the one
 * kept in the store. Throws SigningKeyFileError for a file readable by group or others (like ssh).
 */
export async function serverSigningJwk(store: Store, explicitOrOpts?: JWK | SigningKeyOptions): Promise<JWK> {
  const opts: SigningKeyOptions = isJwk(explicitOrOpts) ? { explicit: explicitOrOpts } : (explicitOrOpts ?? {});
  if (opts.explicit) return opts.explicit;
  const docs = new Records<JWK>(store, "server");
  if (opts.file === undefined) return inStore(docs);
  const file = opts.file;
  let jwk = readKeyFile(file);
  if (jwk === null) {
    const kept = await docs.get(SIGNING_KEY_DOC);
    const made = kept ?? (await newJwk());
    if (writeKeyFile(file, made)) {
      opts.log?.(
        kept
          ? `warden: moved the signing key out of the store to ${file} (mode 0600); keep a copy of it`
          : `warden: made a new signing key in ${file} (mode 0600)`,
      );
    }
    jwk = readKeyFile(file)!; // another process may have written it first: theirs is the key
  }
  // Whatever key the store still holds is deleted: the store must not hold a key that signs.
  if (await docs.get(SIGNING_KEY_DOC)) await docs.delete(SIGNING_KEY_DOC);
  return jwk;
}

async function inStore(docs: Records<JWK>): Promise<JWK> {
  const existing = await docs.get(SIGNING_KEY_DOC);
  if (existing) return existing;
  const jwk = await newJwk();
  // Two nodes starting at once: one write wins and both use it.
  if (await docs.put(SIGNING_KEY_DOC, jwk, { ifAbsent: true })) return jwk;
  return (await docs.get(SIGNING_KEY_DOC))!;
}

async function newJwk(): Promise<JWK> {
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  return exportJWK(pair.privateKey);
}

/** The key file's JWK, or null when there is no file. Refuses a file group or others may read. */
export function readKeyFile(file: string): JWK | null {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new SigningKeyFileError(`cannot read the signing key ${file}: ${(err as Error).message}`);
  }
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new SigningKeyFileError(
      `the signing key ${file} is readable by others (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); run: chmod 600 ${file}`,
    );
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SigningKeyFileError(`the signing key ${file} is not a JSON Web Key: ${(err as Error).message}`);
  }
  if (!isJwk(jwk) || typeof jwk.d !== "string") throw new SigningKeyFileError(`the signing key ${file} is not a private Ed25519 JWK`);
  return jwk;
}

/**
 * Creates the file (mode 0600, never over an existing one) and syncs it; false when it exists. It is
 * written beside under a temporary name and linked into place, so no process reads it half-written.
 */
function writeKeyFile(file: string, jwk: JWK): boolean {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, `${JSON.stringify(jwk)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new SigningKeyFileError(`cannot create the signing key ${file}: ${(err as Error).message}`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* not made */
    }
  }
}

function isJwk(v: unknown): v is JWK {
  return typeof v === "object" && v !== null && typeof (v as JWK).kty === "string";
}
