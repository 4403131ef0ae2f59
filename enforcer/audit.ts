// The audit log: per-passport records, hash-chained and signed on append, and the verifier that detects tampering.

import type { CryptoKey, JWK } from "jose";
import { type HostCrypto, type PayloadSigner, type SigningKey, canonicalJson, importPublicJwk, payloadSigner, verifyCompact } from "./signing";
import type { AuditHead, Store } from "./store";

/** The `prev_hash` of a passport's first record. */
export const GENESIS_HASH = "0".repeat(64);

/** How many times an append re-reads the head after losing a race to another process. */
const MAX_APPEND_ATTEMPTS = 100;
/** Heads remembered (one per passport appended to); the map starts over beyond this. */
const MAX_CACHED_HEADS = 100_000;

/** What happened, in SPEC §7's terms. */
export type AuditType = "decision" | "approval" | "permit_report" | "panic" | "resume" | "pause" | "heartbeat" | "reset" | "register" | "update" | "reissue";

/** What a caller appends: a type, an RFC 3339 instant and any JSON fields. */
export interface AuditInput {
  type: AuditType;
  at: string;
  [field: string]: unknown;
}

/** A stored record: the input plus its place in the chain, its hash and its signature. */
export interface AuditRecord extends AuditInput {
  passport_id: string;
  seq: number;
  prev_hash: string;
  /** SHA-256 (hex) of the canonical JSON of the record without `hash` and `signature`. */
  hash: string;
  /** Compact JWS (EdDSA) over `{ hash, seq }`. */
  signature: string;
}

export type AuditProblem = "edited" | "dropped" | "inserted" | "reordered" | "bad_signature" | "broken_chain";

export type AuditVerdict = { ok: true } | { ok: false; seq: number; problem: AuditProblem };

export interface AuditLogOptions {
  store: Store;
  signingKey: SigningKey;
  /** Applied to every input before it is hashed and stored (secret and PII redaction). */
  redact?: (record: AuditInput) => AuditInput;
  /** Hashing and signing faster than WebCrypto's, where the host has them (signing.ts). */
  hostCrypto?: HostCrypto;
}

const CHAIN_FIELDS = ["passport_id", "seq", "prev_hash", "hash", "signature"] as const;

export class AuditLog {
  // Appends of one passport queue here, so this process never races itself; the store's CAS
  // settles races with other processes.
  private readonly tails = new Map<string, Promise<unknown>>();
  // The head this process last appended, per passport: the next append starts from it instead of
  // reading the store. If another process appended since, the store refuses the seq (the append is
  // conditional) and the head is read again, so a stale entry costs one retry, never a fork.
  private readonly heads = new Map<string, AuditHead>();
  private readonly sign: PayloadSigner;

  constructor(private readonly opts: AuditLogOptions) {
    this.sign = payloadSigner(opts.signingKey, opts.hostCrypto);
  }

  /** Appends a record to the passport's chain and returns it as stored. */
  async append(passportId: string, input: AuditInput): Promise<AuditRecord> {
    const body = this.bodyOf(input);
    const run = (this.tails.get(passportId) ?? Promise.resolve()).then(() => this.appendNow(passportId, body));
    const tail = run.catch(() => undefined);
    this.tails.set(passportId, tail);
    void tail.then(() => {
      if (this.tails.get(passportId) === tail) this.tails.delete(passportId);
    });
    return run;
  }

  /** The passport's records from `fromSeq` (default 1), in order. */
  async *records(passportId: string, fromSeq?: number): AsyncIterable<AuditRecord> {
    for await (const e of this.opts.store.readAudit(passportId, fromSeq)) yield JSON.parse(e.json) as AuditRecord;
  }

  /** The last record's seq and hash, to pass to `verifyAuditLog` as the expected head. */
  head(passportId: string): Promise<AuditHead | null> {
    return this.opts.store.auditHead(passportId);
  }

  /**
   * The head this process last wrote for the passport (it may be stale), or the store's. For a
   * caller that appends through `Store.commit`: it seals with `seal` and reports with `committed`.
   */
  async startHead(passportId: string): Promise<AuditHead> {
    return this.heads.get(passportId) ?? (await this.readHead(passportId));
  }

  /** The store's head (GENESIS for an empty log), and forgets the remembered one. */
  async readHead(passportId: string): Promise<AuditHead> {
    this.heads.delete(passportId);
    return (await this.opts.store.auditHead(passportId)) ?? { seq: 0, hash: GENESIS_HASH };
  }

  /** Chains and signs `input` after `head`, without storing it; `json` is what the store keeps. */
  async seal(passportId: string, input: AuditInput, head: AuditHead): Promise<{ record: AuditRecord; json: string }> {
    const record = await this.sealBody(passportId, this.bodyOf(input), head);
    return { record, json: canonicalJson(record) };
  }

  /** A record sealed with `seal` was stored (by `Store.commit`): the next append starts from it. */
  committed(record: AuditRecord): void {
    this.remember(record.passport_id, { seq: record.seq, hash: record.hash });
  }

  /** The input as it is chained: without chain fields of its own, redacted. */
  private bodyOf(input: AuditInput): AuditInput {
    for (const f of CHAIN_FIELDS) if (f in input) throw new TypeError(`audit input must not set ${f}`);
    return this.opts.redact ? this.opts.redact(input) : input;
  }

  private remember(passportId: string, head: AuditHead): void {
    if (this.heads.size >= MAX_CACHED_HEADS) this.heads.clear();
    this.heads.set(passportId, head);
  }

  private async appendNow(passportId: string, body: AuditInput): Promise<AuditRecord> {
    let head = this.heads.get(passportId);
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      if (head === undefined || attempt > 0) head = await this.readHead(passportId);
      const record = await this.sealBody(passportId, body, head);
      if (await this.opts.store.appendAudit(passportId, record.seq, canonicalJson(record), record.hash)) {
        this.remember(passportId, { seq: record.seq, hash: record.hash });
        return record;
      }
    }
    this.heads.delete(passportId);
    throw new Error(`audit append for ${passportId} lost ${MAX_APPEND_ATTEMPTS} races in a row`);
  }

  private async sealBody(passportId: string, body: AuditInput, head: AuditHead): Promise<AuditRecord> {
    const unsigned = { ...body, passport_id: passportId, seq: head.seq + 1, prev_hash: head.hash };
    const host = this.opts.hostCrypto;
    const hash = host ? host.sha256Hex(canonicalJson(unsigned)) : await recordHash(unsigned);
    const signature = await this.sign({ hash, seq: unsigned.seq });
    return { ...unsigned, hash, signature };
  }
}

/** SHA-256 (hex) of the canonical JSON of a record without `hash` and `signature`. */
export async function recordHash(record: object): Promise<string> {
  const { hash: _h, signature: _s, ...content } = record as Record<string, unknown>;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(content)));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface VerifyOptions {
  /** The head the log must reach (from `AuditLog.head` or a copy kept elsewhere): detects truncation. */
  expectedHead?: AuditHead;
}

/**
 * Checks a passport's records in the order given: each hash matches its content, each signature
 * is valid for `publicJwk`, seqs run 1, 2, 3… and each `prev_hash` is the previous record's hash.
 * Reports the first problem with the seq where it starts.
 * @example const v = await verifyAuditLog(log.records(id), enforcer.publicJwk, { expectedHead });
 */
export async function verifyAuditLog(
  records: Iterable<AuditRecord> | AsyncIterable<AuditRecord>,
  publicJwk: JWK,
  opts: VerifyOptions = {},
): Promise<AuditVerdict> {
  const list: AuditRecord[] = [];
  for await (const r of records) list.push(r);
  const key = await importPublicJwk(publicJwk);
  const seqCount = new Map<unknown, number>();
  for (const r of list) seqCount.set(r.seq, (seqCount.get(r.seq) ?? 0) + 1);
  let prev: AuditRecord | null = null;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    const problem = await checkRecord(r, prev, list, i, seqCount, key);
    if (problem) return { ok: false, ...problem };
    prev = r;
  }
  return opts.expectedHead ? checkHead(list, opts.expectedHead) : { ok: true };
}

type Found = { seq: number; problem: AuditProblem } | null;

async function checkRecord(
  r: AuditRecord,
  prev: AuditRecord | null,
  list: AuditRecord[],
  i: number,
  seqCount: Map<unknown, number>,
  key: CryptoKey,
): Promise<Found> {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  if (!isChained(r) || (await recordHash(r)) !== r.hash) return { seq: expectedSeq, problem: "edited" };
  const linked = r.prev_hash === (prev?.hash ?? GENESIS_HASH) && r.passport_id === (prev ?? r).passport_id;
  const signed = await signatureHolds(r, key);
  if (r.seq < expectedSeq || (seqCount.get(r.seq)! > 1 && !(linked && signed))) return { seq: r.seq, problem: "inserted" };
  if (r.seq > expectedSeq) {
    const later = list.slice(i + 1).some((x) => x.seq === expectedSeq);
    return { seq: expectedSeq, problem: later ? "reordered" : "dropped" };
  }
  if (!linked) return { seq: r.seq, problem: "broken_chain" };
  return signed ? null : { seq: r.seq, problem: "bad_signature" };
}

// Records past the expected head are later appends; the head itself must be there, unchanged.
function checkHead(list: AuditRecord[], head: AuditHead): AuditVerdict {
  if (head.seq === 0) return { ok: true };
  const atHead = list.find((r) => r.seq === head.seq);
  if (!atHead) return { ok: false, seq: list.length + 1, problem: "dropped" };
  return atHead.hash === head.hash ? { ok: true } : { ok: false, seq: head.seq, problem: "broken_chain" };
}

function isChained(r: AuditRecord): boolean {
  return (
    Number.isSafeInteger(r.seq) &&
    typeof r.hash === "string" &&
    typeof r.prev_hash === "string" &&
    typeof r.signature === "string" &&
    typeof r.passport_id === "string"
  );
}

async function signatureHolds(r: AuditRecord, key: CryptoKey): Promise<boolean> {
  try {
    const payload = await verifyCompact(r.signature, key);
    return payload.hash === r.hash && payload.seq === r.seq;
  } catch {
    return false;
  }
}
