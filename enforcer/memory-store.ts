// The default Store: everything in this process's memory, each operation atomic because it never yields.

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
  isLive,
} from "./store";

interface StoredDoc {
  json: string;
  version: number;
  expiresAt: number | null;
}

interface AuditLogEntries {
  entries: AuditEntry[];
  headHash: string;
}

// Expired documents are dropped when touched; a sweep every so many writes bounds the rest.
const SWEEP_EVERY_WRITES = 1024;

export class MemoryStore implements Store {
  private readonly states = new Map<string, StateEntry>();
  private readonly docs = new Map<string, Map<string, StoredDoc>>();
  private readonly audits = new Map<string, AuditLogEntries>();
  private lastDocVersion = 0;
  private writesSinceSweep = 0;
  private closed = false;

  async getState(passportId: string): Promise<StateEntry | null> {
    this.open();
    const s = this.states.get(passportId);
    return s ? { bytes: s.bytes.slice(), version: s.version } : null;
  }

  async casState(passportId: string, expectedVersion: number | null, bytes: Uint8Array): Promise<boolean> {
    this.open();
    const current = this.states.get(passportId)?.version ?? null;
    if (current !== expectedVersion) return false;
    this.states.set(passportId, { bytes: bytes.slice(), version: (current ?? 0) + 1 });
    return true;
  }

  async getDoc(ns: string, key: string, opts: ClockOptions = {}): Promise<DocEntry | null> {
    this.open();
    const d = this.live(ns, key, opts.now);
    return d ? { json: d.json, version: d.version } : null;
  }

  async putDoc(ns: string, key: string, json: string, opts: PutDocOptions = {}): Promise<boolean> {
    this.open();
    const expiresAt = expiryOf(opts);
    const current = this.live(ns, key, opts.now);
    if (opts.ifAbsent && current) return false;
    if (opts.ifVersion !== undefined && current?.version !== opts.ifVersion) return false;
    this.namespace(ns).set(key, { json, version: ++this.lastDocVersion, expiresAt });
    this.afterWrite(opts.now);
    return true;
  }

  async takeDoc(ns: string, key: string, opts: ClockOptions = {}): Promise<DocEntry | null> {
    this.open();
    const d = this.live(ns, key, opts.now);
    if (!d) return null;
    this.docs.get(ns)?.delete(key);
    return { json: d.json, version: d.version };
  }

  async deleteDoc(ns: string, key: string, opts: DeleteDocOptions = {}): Promise<boolean> {
    this.open();
    const d = this.live(ns, key, opts.now);
    if (!d || (opts.ifVersion !== undefined && d.version !== opts.ifVersion)) return false;
    this.docs.get(ns)?.delete(key);
    return true;
  }

  async listDocs(ns: string, filter: ListDocsFilter = {}): Promise<ListedDoc[]> {
    this.open();
    const prefix = filter.prefix ?? "";
    const out: ListedDoc[] = [];
    for (const [key, d] of this.docs.get(ns) ?? []) {
      if (key.startsWith(prefix) && isLive(d.expiresAt, filter.now)) {
        out.push({ key, json: d.json, version: d.version });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async appendAudit(passportId: string, seq: number, recordJson: string, hash: string): Promise<boolean> {
    this.open();
    const log = this.audits.get(passportId);
    if (seq !== (log?.entries.length ?? 0) + 1) return false;
    const entry = { seq, json: recordJson };
    if (log) {
      log.entries.push(entry);
      log.headHash = hash;
    } else {
      this.audits.set(passportId, { entries: [entry], headHash: hash });
    }
    return true;
  }

  async commit(passportId: string, batch: CommitBatch): Promise<CommitResult> {
    this.open();
    const expiries = checkBatch(passportId, batch);
    const looseExpiries = checkLoose(batch);
    // Every condition is checked before anything is written, and nothing in between yields.
    const stateFailed = batch.state !== undefined && (this.states.get(passportId)?.version ?? null) !== batch.state.expectedVersion;
    const docsFailed: number[] = [];
    (batch.docs ?? []).forEach((d, i) => {
      const current = this.live(d.ns, d.key, d.opts?.now);
      if ((d.opts?.ifAbsent && current) || (d.opts?.ifVersion !== undefined && current?.version !== d.opts.ifVersion)) docsFailed.push(i);
    });
    const auditFailed = batch.audit !== undefined && batch.audit.seq !== (this.audits.get(passportId)?.entries.length ?? 0) + 1;
    if (stateFailed || docsFailed.length > 0 || auditFailed) return { ok: false, state: stateFailed, docs: docsFailed, audit: auditFailed };
    if (batch.state) {
      this.states.set(passportId, { bytes: batch.state.bytes.slice(), version: (batch.state.expectedVersion ?? 0) + 1 });
    }
    (batch.docs ?? []).forEach((d, i) => {
      this.namespace(d.ns).set(d.key, { json: d.json, version: ++this.lastDocVersion, expiresAt: expiries[i]! });
      this.afterWrite(d.opts?.now);
    });
    (batch.loose ?? []).forEach((d, i) => {
      this.namespace(d.ns).set(d.key, { json: d.json, version: ++this.lastDocVersion, expiresAt: looseExpiries[i]! });
      this.afterWrite(d.opts?.now);
    });
    if (batch.audit) {
      const { seq, json, hash } = batch.audit;
      const log = this.audits.get(passportId);
      if (log) {
        log.entries.push({ seq, json });
        log.headHash = hash;
      } else {
        this.audits.set(passportId, { entries: [{ seq, json }], headHash: hash });
      }
    }
    return { ok: true };
  }

  async *readAudit(passportId: string, fromSeq = 1): AsyncIterable<AuditEntry> {
    this.open();
    // A snapshot: records appended while the caller iterates are not included.
    const entries = this.audits.get(passportId)?.entries.slice(Math.max(0, fromSeq - 1)) ?? [];
    for (const e of entries) yield { seq: e.seq, json: e.json };
  }

  async auditHead(passportId: string): Promise<AuditHead | null> {
    this.open();
    const log = this.audits.get(passportId);
    return log ? { seq: log.entries.length, hash: log.headHash } : null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new StoreClosedError();
  }

  private namespace(ns: string): Map<string, StoredDoc> {
    let m = this.docs.get(ns);
    if (!m) this.docs.set(ns, (m = new Map()));
    return m;
  }

  /** The document if live at `now`; an expired one is dropped on the way. */
  private live(ns: string, key: string, now: number | undefined): StoredDoc | null {
    const d = this.docs.get(ns)?.get(key);
    if (!d) return null;
    if (isLive(d.expiresAt, now)) return d;
    this.docs.get(ns)?.delete(key);
    return null;
  }

  private afterWrite(now: number | undefined): void {
    if (now === undefined || ++this.writesSinceSweep < SWEEP_EVERY_WRITES) return;
    this.writesSinceSweep = 0;
    for (const m of this.docs.values()) {
      for (const [key, d] of m) if (!isLive(d.expiresAt, now)) m.delete(key);
    }
  }
}
