// A Store in one SQLite file (better-sqlite3, WAL): every conditional write is one statement or one
// IMMEDIATE transaction, so several processes may share the file and compare-and-swap still holds.

import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import {
  type AuditEntry,
  type AuditHead,
  type ClockOptions,
  type CommitBatch,
  type CommitResult,
  type DeleteDocOptions,
  type DocEntry,
  type ListDocsFilter,
  type ListedDoc,
  type PutDocOptions,
  type StateEntry,
  type Store,
  StoreClosedError,
  checkBatch,
  checkLoose,
  expiryOf,
} from "./store";

export interface SqliteStoreOptions {
  /**
   * `NORMAL` (default) survives a crash of the process, which is what WAL promises; `FULL` also
   * survives a power cut, at the cost of an fsync per write.
   */
  synchronous?: "NORMAL" | "FULL";
  /** How long an operation keeps retrying while another connection holds the write lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Who copies the write-ahead log back into the database. `background` (default for files): a
   * worker thread with its own connection, so no request pays for it; `auto`: SQLite's own, inside
   * whichever commit crosses 1000 pages (a stall of tens of milliseconds under load).
   */
  checkpoint?: "background" | "auto";
}

// The background checkpointer. A PASSIVE checkpoint every 100 ms copies the log into the database
// (and syncs it) without blocking anyone. Under steady load the log never gets fully copied between
// two writes, so every 2 s a RESTART copies the last few pages while holding off writers for a few
// milliseconds, and the next writer starts the log over: the log stays bounded (journal_size_limit
// then trims the file). Writers meet that moment as SQLITE_BUSY, which the store retries
// asynchronously, so the event loop is never put to sleep by SQLite's busy handler.
const CHECKPOINTER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 100");
db.pragma("synchronous = " + workerData.synchronous);
let ticks = 0;
const tick = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
    if (++ticks % ${2000 / 100} === 0) db.pragma("wal_checkpoint(RESTART)");
  } catch { /* busy or closing: next time */ }
};
const timer = setInterval(tick, 100);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

// Expired documents are skipped on read; a sweep every so many writes deletes them.
const SWEEP_EVERY_WRITES = 1024;
// Audit records are read in pages so a long log never sits in memory at once.
const AUDIT_PAGE = 500;
/** The log file is trimmed back to this size when it starts over. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

// Rows get increasing rowids, so inserts append to the right edge of each table and only the small
// index entries land at random: a request writes a few pages to the log instead of a dozen splits.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS state (passport_id TEXT PRIMARY KEY, bytes BLOB NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS docs (
  id INTEGER PRIMARY KEY, ns TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, version INTEGER NOT NULL, expires_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS docs_key ON docs (ns, key);
CREATE INDEX IF NOT EXISTS docs_expiry ON docs (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, passport_id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, hash TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS audit_seq ON audit (passport_id, seq);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('doc_version', 0);
`;

interface DocRow {
  json: string;
  version: number;
  expires_at: number | null;
}

/** SQL that every method needs, prepared once. */
function prepare(db: Database.Database) {
  return {
    getState: db.prepare<[string], { bytes: Buffer; version: number }>("SELECT bytes, version FROM state WHERE passport_id = ?"),
    insertState: db.prepare<[string, Buffer]>("INSERT OR IGNORE INTO state (passport_id, bytes, version) VALUES (?, ?, 1)"),
    updateState: db.prepare<[Buffer, number, string, number]>("UPDATE state SET bytes = ?, version = ? WHERE passport_id = ? AND version = ?"),
    getDoc: db.prepare<[string, string], DocRow>("SELECT json, version, expires_at FROM docs WHERE ns = ? AND key = ?"),
    nextVersion: db.prepare<[], { value: number }>("UPDATE meta SET value = value + 1 WHERE name = 'doc_version' RETURNING value"),
    putDoc: db.prepare<[string, string, string, number, number | null]>(
      "INSERT INTO docs (ns, key, json, version, expires_at) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (ns, key) DO UPDATE SET json = excluded.json, version = excluded.version, expires_at = excluded.expires_at",
    ),
    deleteDoc: db.prepare<[string, string]>("DELETE FROM docs WHERE ns = ? AND key = ?"),
    listFrom: db.prepare<[string, string], DocRow & { key: string }>("SELECT key, json, version, expires_at FROM docs WHERE ns = ? AND key >= ? ORDER BY key"),
    sweep: db.prepare<[number]>("DELETE FROM docs WHERE expires_at IS NOT NULL AND expires_at <= ?"),
    auditHead: db.prepare<[string], { seq: number; hash: string }>("SELECT seq, hash FROM audit WHERE passport_id = ? ORDER BY seq DESC LIMIT 1"),
    appendAudit: db.prepare<[string, number, string, string]>("INSERT INTO audit (passport_id, seq, json, hash) VALUES (?, ?, ?, ?)"),
    readAudit: db.prepare<[string, number, number], AuditEntry>("SELECT seq, json FROM audit WHERE passport_id = ? AND seq >= ? ORDER BY seq LIMIT ?"),
  };
}

/**
 * @example const store = SqliteStore.open("./warden.db"); const enforcer = await Enforcer.create({ store });
 */
export class SqliteStore implements Store {
  private readonly sql: ReturnType<typeof prepare>;
  private readonly runTx: Database.Transaction<(fn: () => unknown) => unknown>;
  private writesSinceSweep = 0;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly checkpointer: Worker | null,
    private readonly busyTimeoutMs: number,
  ) {
    this.sql = prepare(db);
    this.runTx = db.transaction((fn: () => unknown) => fn());
  }

  /** Opens (creating if needed) the database at `path`; `":memory:"` gives a private in-memory one. */
  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    const db = new Database(path, { timeout: 5000 });
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${opts.synchronous ?? "NORMAL"}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    db.exec(SCHEMA);
    // From here on a locked database is SQLITE_BUSY at once, retried without blocking the thread.
    db.pragma("busy_timeout = 0");
    let checkpointer: Worker | null = null;
    if (path !== ":memory:" && path !== "" && (opts.checkpoint ?? "background") === "background") {
      db.pragma("wal_autocheckpoint = 0");
      checkpointer = new Worker(CHECKPOINTER, {
        eval: true,
        // The checkpointer is CommonJS: a host started with `--input-type=module` (node -e) must not pass it on.
        execArgv: withoutInputType(process.execArgv),
        workerData: { module: createRequire(import.meta.url).resolve("better-sqlite3"), path, synchronous: opts.synchronous ?? "NORMAL" },
      });
      checkpointer.unref();
    }
    return new SqliteStore(db, checkpointer, opts.busyTimeoutMs ?? 5000);
  }

  async getState(passportId: string): Promise<StateEntry | null> {
    const row = await this.run(() => this.sql.getState.get(passportId));
    return row ? { bytes: new Uint8Array(row.bytes), version: row.version } : null;
  }

  async casState(passportId: string, expectedVersion: number | null, bytes: Uint8Array): Promise<boolean> {
    const buf = Buffer.from(bytes);
    // One statement is atomic: the version condition lives in the WHERE clause.
    const info = await this.run(() =>
      expectedVersion === null ? this.sql.insertState.run(passportId, buf) : this.sql.updateState.run(buf, expectedVersion + 1, passportId, expectedVersion),
    );
    return info.changes === 1;
  }

  async getDoc(ns: string, key: string, opts: ClockOptions = {}): Promise<DocEntry | null> {
    return live(await this.run(() => this.sql.getDoc.get(ns, key)), opts.now);
  }

  async putDoc(ns: string, key: string, json: string, opts: PutDocOptions = {}): Promise<boolean> {
    this.open();
    const expiresAt = expiryOf(opts);
    const conditional = opts.ifAbsent === true || opts.ifVersion !== undefined;
    const written = await this.tx(() => {
      if (conditional) {
        const current = live(this.sql.getDoc.get(ns, key), opts.now);
        if (opts.ifAbsent && current) return false;
        if (opts.ifVersion !== undefined && current?.version !== opts.ifVersion) return false;
      }
      this.sql.putDoc.run(ns, key, json, this.sql.nextVersion.get()!.value, expiresAt);
      return true;
    });
    if (written) await this.afterWrite(opts.now);
    return written;
  }

  async takeDoc(ns: string, key: string, opts: ClockOptions = {}): Promise<DocEntry | null> {
    return this.tx(() => {
      const row = this.sql.getDoc.get(ns, key);
      if (row) this.sql.deleteDoc.run(ns, key);
      return live(row, opts.now);
    });
  }

  async deleteDoc(ns: string, key: string, opts: DeleteDocOptions = {}): Promise<boolean> {
    return this.tx(() => {
      const current = live(this.sql.getDoc.get(ns, key), opts.now);
      if (!current || (opts.ifVersion !== undefined && current.version !== opts.ifVersion)) return false;
      this.sql.deleteDoc.run(ns, key);
      return true;
    });
  }

  async listDocs(ns: string, filter: ListDocsFilter = {}): Promise<ListedDoc[]> {
    const prefix = filter.prefix ?? "";
    const out = await this.run(() => {
      // SQLite orders text by its UTF-8 bytes (code points), so the keys with a prefix are one run from it.
      const found: ListedDoc[] = [];
      for (const r of this.sql.listFrom.iterate(ns, prefix)) {
        if (!r.key.startsWith(prefix)) break;
        const d = live(r, filter.now);
        if (d) found.push({ key: r.key, ...d });
      }
      return found;
    });
    // JavaScript compares UTF-16 code units, which differs above U+FFFF: sort as the contract says.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async appendAudit(passportId: string, seq: number, recordJson: string, hash: string): Promise<boolean> {
    return this.tx(() => {
      const head = this.sql.auditHead.get(passportId);
      if (seq !== (head?.seq ?? 0) + 1) return false;
      this.sql.appendAudit.run(passportId, seq, recordJson, hash);
      return true;
    });
  }

  async commit(passportId: string, batch: CommitBatch): Promise<CommitResult> {
    this.open();
    const expiries = checkBatch(passportId, batch);
    const looseExpiries = checkLoose(batch);
    const docs = batch.docs ?? [];
    const loose = batch.loose ?? [];
    const state = batch.state ? { expected: batch.state.expectedVersion, buf: Buffer.from(batch.state.bytes) } : null;
    // One IMMEDIATE transaction (one WAL commit): the write lock is taken first, every condition is
    // read, and the writes follow only if all hold, so nothing is written on a conflict.
    const result = await this.tx((): CommitResult => {
      const stateFailed = state !== null && (this.sql.getState.get(passportId)?.version ?? null) !== state.expected;
      const docsFailed: number[] = [];
      docs.forEach((d, i) => {
        const o = d.opts ?? {};
        if (!o.ifAbsent && o.ifVersion === undefined) return;
        const current = live(this.sql.getDoc.get(d.ns, d.key), o.now);
        if ((o.ifAbsent && current) || (o.ifVersion !== undefined && current?.version !== o.ifVersion)) docsFailed.push(i);
      });
      const auditFailed = batch.audit !== undefined && batch.audit.seq !== (this.sql.auditHead.get(passportId)?.seq ?? 0) + 1;
      if (stateFailed || docsFailed.length > 0 || auditFailed) return { ok: false, state: stateFailed, docs: docsFailed, audit: auditFailed };
      if (state) {
        if (state.expected === null) this.sql.insertState.run(passportId, state.buf);
        else this.sql.updateState.run(state.buf, state.expected + 1, passportId, state.expected);
      }
      docs.forEach((d, i) => this.sql.putDoc.run(d.ns, d.key, d.json, this.sql.nextVersion.get()!.value, expiries[i]!));
      loose.forEach((d, i) => this.sql.putDoc.run(d.ns, d.key, d.json, this.sql.nextVersion.get()!.value, looseExpiries[i]!));
      if (batch.audit) this.sql.appendAudit.run(passportId, batch.audit.seq, batch.audit.json, batch.audit.hash);
      return { ok: true };
    });
    if (result.ok) for (const d of [...docs, ...loose]) await this.afterWrite(d.opts?.now);
    return result;
  }

  async *readAudit(passportId: string, fromSeq = 1): AsyncIterable<AuditEntry> {
    // A snapshot of the head: records appended while the caller iterates are not included.
    const last = (await this.run(() => this.sql.auditHead.get(passportId)))?.seq ?? 0;
    for (let next = Math.max(1, fromSeq); next <= last;) {
      const page = await this.run(() => this.sql.readAudit.all(passportId, next, AUDIT_PAGE));
      if (page.length === 0) return;
      for (const e of page) {
        if (e.seq > last) return;
        yield { seq: e.seq, json: e.json };
      }
      next = page[page.length - 1]!.seq + 1;
    }
  }

  async auditHead(passportId: string): Promise<AuditHead | null> {
    const row = await this.run(() => this.sql.auditHead.get(passportId));
    return row ? { seq: row.seq, hash: row.hash } : null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.checkpointer) {
      // Ref'd again so the process waits for it: an unref'd worker would let it exit mid-close.
      this.checkpointer.ref();
      const exited = new Promise((ok) => this.checkpointer!.once("exit", ok));
      this.checkpointer.postMessage("close");
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        exited,
        new Promise((ok) => {
          timer = setTimeout(ok, 2000);
        }),
      ]);
      clearTimeout(timer);
      await this.checkpointer.terminate();
    }
    // The last connection to close checkpoints the log and removes it.
    this.db.close();
  }

  private open(): void {
    if (this.closed) throw new StoreClosedError();
  }

  /**
   * Runs one synchronous step; while another connection holds the write lock (a checkpoint,
   * another process) it is retried after a short async pause instead of sleeping the thread.
   */
  private async run<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + this.busyTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      this.open();
      try {
        return fn();
      } catch (err) {
        if (!isBusy(err) || Date.now() >= deadline) throw err;
      }
      await new Promise((ok) => setTimeout(ok, Math.min(1 + attempt, 10) * (0.5 + Math.random())));
    }
  }

  /** `fn` in a BEGIN IMMEDIATE transaction: the write lock is taken first, so read-then-write is atomic across processes. */
  private tx<T>(fn: () => T): Promise<T> {
    return this.run(() => this.runTx.immediate(fn) as T);
  }

  private async afterWrite(now: number | undefined): Promise<void> {
    if (now === undefined || ++this.writesSinceSweep < SWEEP_EVERY_WRITES) return;
    this.writesSinceSweep = 0;
    await this.run(() => this.sql.sweep.run(now)).catch(() => undefined);
  }
}

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: string } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_LOCKED";
};

function live(row: DocRow | undefined, now: number | undefined): DocEntry | null {
  if (!row) return null;
  if (row.expires_at !== null && now !== undefined && now >= row.expires_at) return null;
  return { json: row.json, version: row.version };
}

/** `execArgv` without `--input-type` (either spelling), which would make an eval'd CommonJS worker an ES module. */
function withoutInputType(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i]!.startsWith("--input-type=")) continue;
    if (args[i] === "--input-type") {
      i++;
      continue;
    }
    out.push(args[i]!);
  }
  return out;
}
