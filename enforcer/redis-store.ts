// A Store in Redis (ioredis): every conditional write is one Lua script, and every key of one passport
// carries the hash tag `{passportId}`, so each script touches one slot and Redis Cluster can route it.

import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
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

export interface RedisStoreOptions {
  /** Prepended to every key, so several deployments (or tests) can share one Redis. Default `warden:`. */
  prefix?: string;
}

/**
 * Redis also drops a document with a time-to-live by its own clock, this long after the caller's
 * expiry, so memory stays bounded even for keys nobody reads again.
 */
const GC_GRACE_MS = 60_000;
/** Index entries of expired documents are pruned every so many writes of a namespace. */
const PRUNE_EVERY_WRITES = 1024;
const AUDIT_PAGE = 500;

// Versions come from the server clock in microseconds, kept strictly increasing per hash tag by a
// counter beside the documents: a version is never reused for a key, even after a delete (no ABA).
// Numbers go through string.format: Lua would print 1.7e15 as "1.7e+15".
const NEXT_VERSION = `
local function next_version(verkey, ttl)
  local t = redis.call('TIME')
  local last = tonumber(redis.call('GET', verkey) or '0')
  local v = string.format('%.0f', math.max(tonumber(t[1]) * 1000000 + tonumber(t[2]), last + 1))
  if ttl == '' then redis.call('SET', verkey, v)
  elseif redis.call('PTTL', verkey) == -1 then redis.call('SET', verkey, v, 'KEEPTTL')
  else redis.call('SET', verkey, v, 'PX', ttl) end
  return v
end
`;

// The version of the document at `key` if it is live at the caller's `now` ('' = do not check expiry).
const LIVE_VERSION = `
local function live_version(key, now)
  local r = redis.call('HMGET', key, 'v', 'e')
  if not r[1] then return false end
  if r[2] and now ~= '' and tonumber(now) >= tonumber(r[2]) then return false end
  return r[1]
end
`;

const SCRIPTS = {
  // KEYS: state. ARGV: expected version ('' = absent), bytes.
  wardenCasState: {
    numberOfKeys: 1,
    lua: `
local v = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '' then
  if v then return 0 end
  redis.call('HSET', KEYS[1], 'b', ARGV[2], 'v', '1')
  return 1
end
if v ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'b', ARGV[2], 'v', string.format('%.0f', tonumber(v) + 1))
return 1`,
  },
  // KEYS: doc, version counter. ARGV: json, mode ('' | 'absent' | 'version'), ifVersion, now, expiresAt, gc ttl ms.
  wardenPutDoc: {
    numberOfKeys: 2,
    lua:
      NEXT_VERSION +
      LIVE_VERSION +
      `
local cur = live_version(KEYS[1], ARGV[4])
if ARGV[2] == 'absent' and cur then return false end
if ARGV[2] == 'version' and cur ~= ARGV[3] then return false end
local v = next_version(KEYS[2], ARGV[6])
redis.call('DEL', KEYS[1])
if ARGV[5] == '' then
  redis.call('HSET', KEYS[1], 'j', ARGV[1], 'v', v)
else
  redis.call('HSET', KEYS[1], 'j', ARGV[1], 'v', v, 'e', ARGV[5])
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
end
return v`,
  },
  // KEYS: doc. ARGV: now. Returns {json, version} of the live document, which is gone afterwards.
  wardenTakeDoc: {
    numberOfKeys: 1,
    lua:
      LIVE_VERSION +
      `
local cur = live_version(KEYS[1], ARGV[1])
local j = redis.call('HGET', KEYS[1], 'j')
redis.call('DEL', KEYS[1])
if not cur then return false end
return {j, cur}`,
  },
  // KEYS: doc. ARGV: now, ifVersion ('' = any).
  wardenDeleteDoc: {
    numberOfKeys: 1,
    lua:
      LIVE_VERSION +
      `
local cur = live_version(KEYS[1], ARGV[1])
if not cur or (ARGV[2] ~= '' and cur ~= ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1])
return 1`,
  },
  // KEYS: audit list, audit head. ARGV: seq, json, hash.
  wardenAppendAudit: {
    numberOfKeys: 2,
    lua: `
if tonumber(ARGV[1]) ~= redis.call('LLEN', KEYS[1]) + 1 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], 'seq', ARGV[1], 'hash', ARGV[3])
return 1`,
  },
  // One passport's atomic batch (Store.commit): every condition is checked first, then every write
  // is made, or none. KEYS: state, audit list, audit head, document version counter, then one key per
  // document. ARGV: has state ('1'/''), expected version ('' = absent), bytes, has audit ('1'/''),
  // seq, json, hash, number of documents, then per document the six arguments of wardenPutDoc's
  // ARGV (json, mode, ifVersion, now, expiresAt, gc ttl ms). Returns the failed parts ('state',
  // 'audit', and 0-based document indexes); an empty list means everything was written.
  // Defined once per number of documents (wardenCommit0, wardenCommit1, …: see commitCommand), so
  // the first argument is always the state key: ioredis routes (and auto-pipelines) a command in a
  // cluster by its first argument, which would otherwise be the key count.
  wardenCommit: {
    numberOfKeys: 4,
    lua:
      NEXT_VERSION +
      LIVE_VERSION +
      `
local fails = {}
if ARGV[1] == '1' then
  local v = redis.call('HGET', KEYS[1], 'v')
  if (ARGV[2] == '' and v) or (ARGV[2] ~= '' and v ~= ARGV[2]) then fails[#fails + 1] = 'state' end
end
local n = tonumber(ARGV[8])
for i = 1, n do
  local a = 8 + (i - 1) * 6
  local cur = live_version(KEYS[4 + i], ARGV[a + 4])
  local mode = ARGV[a + 2]
  if (mode == 'absent' and cur) or (mode == 'version' and cur ~= ARGV[a + 3]) then fails[#fails + 1] = i - 1 end
end
if ARGV[4] == '1' and tonumber(ARGV[5]) ~= redis.call('LLEN', KEYS[2]) + 1 then fails[#fails + 1] = 'audit' end
if #fails > 0 then return fails end
if ARGV[1] == '1' then
  local nv = '1'
  if ARGV[2] ~= '' then nv = string.format('%.0f', tonumber(ARGV[2]) + 1) end
  redis.call('HSET', KEYS[1], 'b', ARGV[3], 'v', nv)
end
for i = 1, n do
  local a = 8 + (i - 1) * 6
  local v = next_version(KEYS[4], ARGV[a + 6])
  redis.call('DEL', KEYS[4 + i])
  if ARGV[a + 5] == '' then
    redis.call('HSET', KEYS[4 + i], 'j', ARGV[a + 1], 'v', v)
  else
    redis.call('HSET', KEYS[4 + i], 'j', ARGV[a + 1], 'v', v, 'e', ARGV[a + 5])
    redis.call('PEXPIRE', KEYS[4 + i], ARGV[a + 6])
  end
end
if ARGV[4] == '1' then
  redis.call('RPUSH', KEYS[2], ARGV[6])
  redis.call('HSET', KEYS[3], 'seq', ARGV[5], 'hash', ARGV[7])
end
return fails`,
  },
} as const;

type Client = Redis | Cluster;
type ScriptName = keyof typeof SCRIPTS;
type Scripted = Record<ScriptName, (...args: (string | Buffer | number)[]) => Promise<unknown>>;

/**
 * @example const store = await RedisStore.connect("redis://127.0.0.1:6379"); const enforcer = await Enforcer.create({ store });
 */
export class RedisStore implements Store {
  private readonly prefix: string;
  private readonly writes = new Map<string, number>();
  private readonly commitCommands = new Map<number, Promise<unknown>>();
  private closed = false;
  /** The client's last connection error, for health checks. */
  lastError: Error | null = null;

  /** Wraps a client you configured (a `Cluster` too); the store closes it on `close()`. */
  constructor(
    private readonly redis: Client,
    opts: RedisStoreOptions = {},
  ) {
    this.prefix = opts.prefix ?? "warden:";
    // ioredis reconnects by itself; without a listener it would print every failed attempt.
    redis.on("error", (err: Error) => {
      this.lastError = err;
    });
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (name !== "wardenCommit" && !(name in redis)) redis.defineCommand(name, def);
    }
  }

  /** Connects to `redis://[user:pass@]host:port[/db]` (or `rediss://`) and checks the server answers. */
  static async connect(url: string, opts: RedisStoreOptions & { redis?: RedisOptions } = {}): Promise<RedisStore> {
    const redis = new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 3, lazyConnect: true, ...opts.redis });
    redis.on("error", () => undefined); // the failure is reported below
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${(err as Error).message}`);
    }
    return new RedisStore(redis, opts);
  }

  /**
   * Connects to a Redis Cluster through any of its nodes (`host:port`). Each script touches one
   * passport's keys, all in the slot of its hash tag, so every operation runs on one node.
   */
  static async connectCluster(nodes: string[], opts: RedisStoreOptions & { cluster?: ClusterOptions } = {}): Promise<RedisStore> {
    const startup = nodes.map((n) => {
      const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(n.trim());
      if (!m) throw new Error(`a cluster node is host:port (found ${JSON.stringify(n)})`);
      return { host: m[1]!, port: Number(m[2]) };
    });
    const cluster = new Cluster(startup, { enableAutoPipelining: true, lazyConnect: true, redisOptions: { maxRetriesPerRequest: 3 }, ...opts.cluster });
    cluster.on("error", () => undefined); // the failure is reported below
    try {
      await cluster.connect();
      await cluster.ping();
    } catch (err) {
      cluster.disconnect();
      throw new Error(`cannot reach the Redis Cluster at ${nodes.join(",")}: ${(err as Error).message}`);
    }
    return new RedisStore(cluster, opts);
  }

  async getState(passportId: string): Promise<StateEntry | null> {
    this.open();
    const [bytes, version] = await this.redis.hmgetBuffer(this.key(passportId, "state"), "b", "v");
    if (!bytes || !version) return null;
    return { bytes: new Uint8Array(bytes), version: Number(version.toString()) };
  }

  async casState(passportId: string, expectedVersion: number | null, bytes: Uint8Array): Promise<boolean> {
    this.open();
    const ok = await this.run.wardenCasState(this.key(passportId, "state"), expectedVersion === null ? "" : String(expectedVersion), Buffer.from(bytes));
    return ok === 1;
  }

  async getDoc(ns: string, key: string, opts: ClockOptions = {}): Promise<DocEntry | null> {
    this.open();
    const [json, version, expiresAt] = await this.redis.hmget(this.docKey(ns, key), "j", "v", "e");
    if (json === null || version === null) return null;
    if (expiresAt !== null && opts.now !== undefined && opts.now >= Number(expiresAt)) return null;
    return { json, version: Number(version) };
  }

  async putDoc(ns: string, key: string, json: string, opts: PutDocOptions = {}): Promise<boolean> {
    this.open();
    const expiresAt = expiryOf(opts);
    const gcMs = opts.ttlMs === undefined ? "" : String(Math.ceil(opts.ttlMs) + GC_GRACE_MS);
    const mode = opts.ifAbsent ? "absent" : opts.ifVersion !== undefined ? "version" : "";
    // The index entry goes first (same tick, so one round trip): a crash between the two leaves an
    // entry without a document, which listing skips, never a document that listing misses.
    const indexScore = gcMs === "" ? "+inf" : String(Date.now() + Number(gcMs));
    const [, version] = await Promise.all([
      this.redis.zadd(this.indexKey(ns), "GT", indexScore, key),
      this.run.wardenPutDoc(
        this.docKey(ns, key),
        this.versionKey(key),
        json,
        mode,
        String(opts.ifVersion ?? ""),
        opts.now === undefined ? "" : String(opts.now),
        expiresAt === null ? "" : String(expiresAt),
        gcMs,
      ),
    ]);
    this.afterWrite(ns);
    return version !== null;
  }

  async takeDoc(ns: string, key: string, opts: ClockOptions = {}): Promise<DocEntry | null> {
    this.open();
    const r = (await this.run.wardenTakeDoc(this.docKey(ns, key), opts.now === undefined ? "" : String(opts.now))) as [string, string] | null;
    return r ? { json: r[0], version: Number(r[1]) } : null;
  }

  async deleteDoc(ns: string, key: string, opts: DeleteDocOptions = {}): Promise<boolean> {
    this.open();
    const ok = await this.run.wardenDeleteDoc(
      this.docKey(ns, key),
      opts.now === undefined ? "" : String(opts.now),
      opts.ifVersion === undefined ? "" : String(opts.ifVersion),
    );
    return ok === 1;
  }

  async listDocs(ns: string, filter: ListDocsFilter = {}): Promise<ListedDoc[]> {
    this.open();
    const prefix = filter.prefix ?? "";
    await this.prune(ns);
    const keys = (await this.redis.zrange(this.indexKey(ns), "0", "-1")).filter((k) => k.startsWith(prefix)).sort();
    const docs = await Promise.all(keys.map((k) => this.getDoc(ns, k, { now: filter.now })));
    const out: ListedDoc[] = [];
    docs.forEach((d, i) => {
      if (d) out.push({ key: keys[i]!, ...d });
    });
    return out;
  }

  async appendAudit(passportId: string, seq: number, recordJson: string, hash: string): Promise<boolean> {
    this.open();
    const ok = await this.run.wardenAppendAudit(this.key(passportId, "audit"), this.key(passportId, "audit:head"), String(seq), recordJson, hash);
    return ok === 1;
  }

  async commit(passportId: string, batch: CommitBatch): Promise<CommitResult> {
    this.open();
    const expiries = checkBatch(passportId, batch);
    checkLoose(batch);
    const docs = batch.docs ?? [];
    const run = await this.commitCommand(docs.length);
    // Loose documents live in other slots: written first, so a failure here writes nothing of the
    // batch (a batch failing afterwards leaves them behind, unreferenced, until their TTL).
    if (batch.loose?.length) await Promise.all(batch.loose.map((d) => this.putDoc(d.ns, d.key, d.json, d.opts)));
    this.open();
    // checkBatch made every document key begin with `passportId/`, so docKey tags each one with the
    // passport, like its state and audit keys: the script touches one slot.
    const keys = [this.key(passportId, "state"), this.key(passportId, "audit"), this.key(passportId, "audit:head"), this.key(passportId, "docver")];
    const args: (string | Buffer)[] = [
      batch.state ? "1" : "",
      batch.state?.expectedVersion == null ? "" : String(batch.state.expectedVersion),
      batch.state ? Buffer.from(batch.state.bytes) : "",
      batch.audit ? "1" : "",
      String(batch.audit?.seq ?? ""),
      batch.audit?.json ?? "",
      batch.audit?.hash ?? "",
      String(docs.length),
    ];
    const indexed: Promise<unknown>[] = [];
    docs.forEach((d, i) => {
      const o = d.opts ?? {};
      const gcMs = o.ttlMs === undefined ? "" : String(Math.ceil(o.ttlMs) + GC_GRACE_MS);
      keys.push(this.docKey(d.ns, d.key));
      args.push(
        d.json,
        o.ifAbsent ? "absent" : o.ifVersion !== undefined ? "version" : "",
        String(o.ifVersion ?? ""),
        o.now === undefined ? "" : String(o.now),
        expiries[i] === null ? "" : String(expiries[i]),
        gcMs,
      );
      // As in putDoc: the namespace index (another slot) is updated first, in the same round trip.
      indexed.push(this.redis.zadd(this.indexKey(d.ns), "GT", gcMs === "" ? "+inf" : String(Date.now() + Number(gcMs)), d.key));
    });
    const [, fails] = (await Promise.all([Promise.all(indexed), run(...keys, ...args)])) as [unknown, (string | number)[]];
    if (fails.length === 0) {
      for (const d of docs) this.afterWrite(d.ns);
      return { ok: true };
    }
    return { ok: false, state: fails.includes("state"), docs: fails.filter((f): f is number => typeof f === "number"), audit: fails.includes("audit") };
  }

  async *readAudit(passportId: string, fromSeq = 1): AsyncIterable<AuditEntry> {
    this.open();
    const list = this.key(passportId, "audit");
    // A snapshot of the length: records appended while the caller iterates are not included.
    const last = await this.redis.llen(list);
    for (let seq = Math.max(1, fromSeq); seq <= last; seq += AUDIT_PAGE) {
      this.open();
      const page = await this.redis.lrange(list, seq - 1, Math.min(last, seq + AUDIT_PAGE - 1) - 1);
      for (let i = 0; i < page.length; i++) yield { seq: seq + i, json: page[i]! };
    }
  }

  async auditHead(passportId: string): Promise<AuditHead | null> {
    this.open();
    const [seq, hash] = await this.redis.hmget(this.key(passportId, "audit:head"), "seq", "hash");
    return seq === null || hash === null ? null : { seq: Number(seq), hash };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  // ---- keys ------------------------------------------------------------------------------------

  /** `<prefix>{<tag>}:<what>`; the tag is URI-encoded so it never holds a brace that would move the slot. */
  private key(tag: string, what: string): string {
    return `${this.prefix}{${encodeURIComponent(tag)}}:${what}`;
  }

  /** Documents `passportId/...` live in the passport's slot; other keys are their own tag. */
  private docKey(ns: string, key: string): string {
    return this.key(docTag(key), `doc:${encodeURIComponent(ns)}:${encodeURIComponent(key)}`);
  }

  private versionKey(key: string): string {
    return this.key(docTag(key), "docver");
  }

  /** A sorted set per namespace (its own slot): key → the instant Redis drops the document (+inf: never). */
  private indexKey(ns: string): string {
    return this.key(`ns:${ns}`, "index");
  }

  /**
   * The commit script for a batch of `docs` documents (the same Lua, so one cached script in Redis),
   * defined on first use. An auto-pipeline copies the client's commands when it is created, so one
   * opened earlier in this tick would lack a new command: the first use waits for the next turn.
   */
  private async commitCommand(docs: number): Promise<(...args: (string | Buffer)[]) => Promise<unknown>> {
    const name = `wardenCommit${docs}`;
    let ready = this.commitCommands.get(docs);
    if (ready === undefined) {
      if (!(name in this.redis)) this.redis.defineCommand(name, { numberOfKeys: SCRIPTS.wardenCommit.numberOfKeys + docs, lua: SCRIPTS.wardenCommit.lua });
      ready = new Promise((ok) => setImmediate(ok));
      this.commitCommands.set(docs, ready);
    }
    await ready;
    const client = this.redis as unknown as Record<string, (...args: (string | Buffer)[]) => Promise<unknown>>;
    return client[name]!.bind(this.redis);
  }

  private get run(): Scripted {
    return this.redis as unknown as Scripted;
  }

  private afterWrite(ns: string): void {
    const n = (this.writes.get(ns) ?? 0) + 1;
    this.writes.set(ns, n % PRUNE_EVERY_WRITES);
    if (n >= PRUNE_EVERY_WRITES) this.prune(ns).catch(() => undefined);
  }

  private async prune(ns: string): Promise<void> {
    await this.redis.zremrangebyscore(this.indexKey(ns), "-inf", String(Date.now()));
  }

  private open(): void {
    if (this.closed) throw new StoreClosedError();
  }
}

function docTag(key: string): string {
  const slash = key.indexOf("/");
  return slash > 0 ? key.slice(0, slash) : key;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
