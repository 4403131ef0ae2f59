// The storage contract under the enforcer: opaque bytes, JSON strings and an append-only log, each with an atomic condition.

/**
 * Counter state of one passport: opaque bytes computed by the engine, with a version for
 * compare-and-swap. The first write creates version 1; each successful `casState` adds 1.
 */
export interface StateEntry {
  bytes: Uint8Array;
  version: number;
}

/**
 * A stored document. `version` changes on every write of the key and is never reused for it while
 * the store lives, even after a delete (no ABA): a stale `ifVersion` always fails.
 */
export interface DocEntry {
  json: string;
  version: number;
}

/** A document as listed, with its key. */
export interface ListedDoc extends DocEntry {
  key: string;
}

/**
 * Times are epoch milliseconds from the caller's clock; a store never reads a clock of its own, so
 * an injected test clock governs expiry. A document written at `now` with `ttlMs` is gone for every
 * operation whose `now` is ≥ `now + ttlMs` (at that instant it is already expired). An operation
 * without `now` does not check expiry, so pass the clock wherever a namespace uses time-to-live.
 */
export interface ClockOptions {
  now?: number;
}

/** Conditions and lifetime of a write. `ifAbsent` and `ifVersion` are exclusive; `ttlMs` needs `now`. */
export interface PutDocOptions extends ClockOptions {
  /** Write only if no live document has the key (idempotency records, "one pending per passport"). */
  ifAbsent?: boolean;
  /** Write only if the live document has this version. */
  ifVersion?: number;
  /** Expire `ttlMs` after `now`. Without it the document never expires (an overwrite clears a TTL). */
  ttlMs?: number;
}

export interface DeleteDocOptions extends ClockOptions {
  /** Delete only if the live document has this version. */
  ifVersion?: number;
}

export interface ListDocsFilter extends ClockOptions {
  /** Only keys that start with this string. */
  prefix?: string;
}

/** One audit record as stored: its sequence number (from 1) and its JSON text. */
export interface AuditEntry {
  seq: number;
  json: string;
}

/** The last record of a passport's audit log. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * What the enforcer needs from storage. Every method is one atomic step: MemoryStore runs it
 * without yielding, SQLite in one transaction, Redis in one Lua script (`commit`, optional, makes
 * several writes of one passport one such step). Each call touches the keys
 * of a single passport or a single document, so Redis Cluster can route it by hash tag: state and
 * audit keys use `{passportId}`; documents of one passport should use keys that begin with
 * `passportId + "/"` so a Redis store can tag them by that prefix and list them in one slot.
 */
export interface Store {
  /** The counter state of a passport, or null if none was ever written. */
  getState(passportId: string): Promise<StateEntry | null>;
  /**
   * Writes `bytes` if the current version is `expectedVersion` (null: only if no state exists).
   * Returns false on conflict; the caller re-reads and retries. On success the new version is
   * `(expectedVersion ?? 0) + 1`.
   */
  casState(passportId: string, expectedVersion: number | null, bytes: Uint8Array): Promise<boolean>;

  /** The live document at `ns`/`key`, or null if absent or expired at `opts.now`. */
  getDoc(ns: string, key: string, opts?: ClockOptions): Promise<DocEntry | null>;
  /**
   * Writes a document if its conditions hold; returns whether it was written. With `ifVersion` it is
   * a compare-and-set: of any number of writers (in any process) holding one version, exactly one
   * succeeds. Every transition of an approval out of `pending` (approved, denied, expired) is such a
   * write on the version read as pending, so an answered approval is never overwritten (SPEC §11).
   */
  putDoc(ns: string, key: string, json: string, opts?: PutDocOptions): Promise<boolean>;
  /** Removes and returns the live document in one step (single-use permits): one caller wins. */
  takeDoc(ns: string, key: string, opts?: ClockOptions): Promise<DocEntry | null>;
  /** Deletes a document if present (and at `ifVersion`); returns whether a live one was deleted. */
  deleteDoc(ns: string, key: string, opts?: DeleteDocOptions): Promise<boolean>;
  /** The live documents of a namespace, sorted by key. Meant for small sets (pending approvals). */
  listDocs(ns: string, filter?: ListDocsFilter): Promise<ListedDoc[]>;

  /**
   * Appends a record if `seq` is exactly the head's seq + 1 (1 for an empty log); returns false
   * otherwise, so concurrent writers never fork the chain. `hash` becomes the new head's hash.
   */
  appendAudit(passportId: string, seq: number, recordJson: string, hash: string): Promise<boolean>;
  /** The records with seq ≥ `fromSeq` (default 1), in order. */
  readAudit(passportId: string, fromSeq?: number): AsyncIterable<AuditEntry>;
  /** The last record's seq and hash, or null for an empty log. */
  auditHead(passportId: string): Promise<AuditHead | null>;

  /**
   * Optional: writes several parts of one passport's data as ONE atomic step — all of them or none
   * (MemoryStore without yielding, SQLite in one IMMEDIATE transaction, Redis in one Lua script).
   * The parts are those of `casState`, `putDoc` and `appendAudit`, with the same conditions:
   * `batch.state` as `casState(passportId, expectedVersion, bytes)`; each of `batch.docs` as
   * `putDoc(ns, key, json, opts)` (`ifAbsent`/`ifVersion`, `ttlMs` with `now`, a fresh version);
   * `batch.audit` as `appendAudit(passportId, seq, json, hash)`. Every condition is checked against the data as it was before the batch; if any fails nothing
   * is written and the result names every part whose condition failed, so the caller knows what
   * to re-read. Usage errors (a StoreUsageError, before anything is written): a document key that
   * does not begin with `passportId + "/"` (every part must touch only that passport's keys, so
   * Redis Cluster runs the batch in one slot), a `passportId` that is empty or contains "/" (its
   * prefix would be ambiguous), the same `ns`/`key` twice in one batch, and the options `putDoc` rejects.
   * Whatever a store keeps beside the data only for listing (RedisStore's namespace index, in
   * another slot) may be updated outside the atomic step, as `putDoc` does it.
   *
   * The enforcer writes each decision with it (counter state, idempotency record, audit record, and
   * the permit of an allowed decision as a `loose` document).
   * A store without it still works: the enforcer then writes those parts one by one, as before,
   * which is not crash-atomic (a crash between two writes can leave a counted cost with no audit
   * record, or no idempotency record so a retry counts again) and lets two processes deciding the
   * same `action_id` at once both count it.
   */
  commit?(passportId: string, batch: CommitBatch): Promise<CommitResult>;

  /** Releases connections. Idempotent; every other call afterwards rejects with StoreClosedError. */
  close(): Promise<void>;
}

/** A document write inside a `commit` batch: `putDoc`'s arguments. */
export interface CommitDoc {
  ns: string;
  /** Must begin with the batch's `passportId + "/"`. */
  key: string;
  json: string;
  opts?: PutDocOptions;
}

/** The parts of one atomic `commit`; each is optional (an empty batch succeeds and writes nothing). */
export interface CommitBatch {
  /** Compare-and-swap of the counter state, as `casState`. */
  state?: { expectedVersion: number | null; bytes: Uint8Array };
  /** Document writes with their conditions, as `putDoc`; at most one per `ns`/`key`. */
  docs?: CommitDoc[];
  /** One audit append, as `appendAudit`. */
  audit?: { seq: number; json: string; hash: string };
  /**
   * Unconditional document writes keyed outside the passport (a permit, keyed by its token alone),
   * as `putDoc` without `ifAbsent`/`ifVersion`. MemoryStore and SqliteStore write them in the same
   * atomic step as the rest; RedisStore writes them just before the batch's script (they live in
   * other slots), so a failure to write them leaves nothing of the batch written, and a batch that
   * then fails leaves them behind (a permit whose token nobody was given, until its TTL).
   */
  loose?: CommitDoc[];
}

/**
 * What `commit` did. On failure nothing was written, and each flag names a part whose condition
 * failed: `state` (the version moved: re-read the state), `docs` (the indexes into `batch.docs`
 * whose `ifAbsent`/`ifVersion` failed, in order), `audit` (the seq is not head + 1: re-read the head).
 */
export type CommitResult = { ok: true } | { ok: false; state: boolean; docs: number[]; audit: boolean };

/**
 * Checks a batch the same way in every store and returns each document's expiry instant (or null),
 * in order. Throws StoreUsageError; never touches data.
 */
export function checkBatch(passportId: string, batch: CommitBatch): (number | null)[] {
  if (passportId === "" || passportId.includes("/")) {
    throw new StoreUsageError(`commit: a passport id that is empty or contains "/" has no unambiguous document prefix (${JSON.stringify(passportId)})`);
  }
  const prefix = `${passportId}/`;
  const seen = new Set<string>();
  return (batch.docs ?? []).map((d) => {
    if (!d.key.startsWith(prefix)) {
      throw new StoreUsageError(
        `commit: document key ${JSON.stringify(d.key)} is not under passport ${JSON.stringify(passportId)} (keys must begin with "${prefix}")`,
      );
    }
    const id = `${d.ns}\u0000${d.key}`;
    if (seen.has(id)) throw new StoreUsageError(`commit: ${d.ns}/${d.key} is written twice in one batch`);
    seen.add(id);
    return expiryOf(d.opts ?? {});
  });
}

/**
 * Checks a batch's `loose` documents the same way in every store and returns each one's expiry
 * instant (or null), in order: no conditions, no document twice (in `loose` or in `docs`).
 */
export function checkLoose(batch: CommitBatch): (number | null)[] {
  const seen = new Set((batch.docs ?? []).map((d) => `${d.ns}\u0000${d.key}`));
  return (batch.loose ?? []).map((d) => {
    if (d.opts?.ifAbsent || d.opts?.ifVersion !== undefined)
      throw new StoreUsageError(`commit: a loose document (${d.ns}/${d.key}) is written unconditionally`);
    const id = `${d.ns}\u0000${d.key}`;
    if (seen.has(id)) throw new StoreUsageError(`commit: ${d.ns}/${d.key} is written twice in one batch`);
    seen.add(id);
    return expiryOf(d.opts ?? {});
  });
}

/** Thrown by any store operation after `close()`. */
export class StoreClosedError extends Error {
  readonly code = "store_closed";
  constructor() {
    super("the store is closed");
    this.name = "StoreClosedError";
  }
}

/** Thrown for contradictory or incomplete options (a caller bug, never a conflict). */
export class StoreUsageError extends Error {
  readonly code = "store_usage";
  constructor(message: string) {
    super(message);
    this.name = "StoreUsageError";
  }
}

/** Checks the options every store must reject the same way; returns the expiry instant or null. */
export function expiryOf(opts: PutDocOptions): number | null {
  if (opts.ifAbsent && opts.ifVersion !== undefined) {
    throw new StoreUsageError("putDoc: ifAbsent and ifVersion are exclusive");
  }
  if (opts.ttlMs === undefined) return null;
  if (opts.now === undefined) throw new StoreUsageError("putDoc: ttlMs needs now (the caller's clock)");
  if (!(opts.ttlMs > 0)) throw new StoreUsageError("putDoc: ttlMs must be positive");
  return opts.now + opts.ttlMs;
}

/** Whether a document expiring at `expiresAt` is still live at `now` (unknown `now`: live). */
export function isLive(expiresAt: number | null, now: number | undefined): boolean {
  return expiresAt === null || now === undefined || now < expiresAt;
}
