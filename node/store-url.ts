// `--store` values: `sqlite:PATH` (default `sqlite:./warden.db`), `redis://…` / `rediss://…`,
// `redis-cluster://host:port,host:port`, `memory`.

import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { MemoryStore } from "../enforcer/memory-store";
import { RedisStore } from "../enforcer/redis-store";
import { SqliteStore } from "../enforcer/sqlite-store";
import type { Store } from "../enforcer/store";

export const DEFAULT_STORE = "sqlite:./warden.db";

export interface OpenedStore {
  store: Store;
  kind: "sqlite" | "redis" | "memory";
  /** Which store, for messages: `sqlite:/absolute/path`, the Redis URL without its password, or `memory`. */
  location: string;
  /** True when this call made it (a new SQLite file, or memory); false when it was there already (always for Redis). */
  created: boolean;
}

export interface OpenStoreOptions {
  /** Prefix of every Redis key (default `warden:`). */
  redisPrefix?: string;
  /** Refuse to create a SQLite file that is not there (StoreMissingError) instead of making an empty store. */
  mustExist?: boolean;
}

/** Thrown for a `--store` value that names no store; the message shows the accepted forms. */
export class StoreSpecError extends Error {}

/** Thrown when `mustExist` is set and the SQLite file is not there; `path` is the absolute path looked for. */
export class StoreMissingError extends Error {
  constructor(readonly path: string) {
    super(`no store at sqlite:${path} (the file does not exist); give the store warden serve uses with --store sqlite:/absolute/path (or WARDEN_STORE)`);
  }
}

/**
 * Opens the store a `--store` value names.
 * @example const { store } = await openStore("sqlite:/var/lib/warden/warden.db", { mustExist: true });
 */
export async function openStore(spec: string, opts: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (spec === "memory") return { store: new MemoryStore(), kind: "memory", location: "memory", created: true };
  if (spec.startsWith("sqlite:")) {
    const path = spec.slice("sqlite:".length).replace(/^\/\/(?=[^/])/, "");
    if (path === "") throw new StoreSpecError("sqlite: needs a file path, like sqlite:./warden.db");
    const absolute = path === ":memory:" ? path : resolve(path);
    const existed = path !== ":memory:" && existsSync(absolute);
    if (opts.mustExist && !existed) throw new StoreMissingError(absolute);
    return { store: SqliteStore.open(path), kind: "sqlite", location: `sqlite:${absolute}`, created: !existed };
  }
  if (spec.startsWith("redis-cluster://")) {
    const nodes = spec
      .slice("redis-cluster://".length)
      .split(",")
      .filter((n) => n !== "");
    if (nodes.length === 0) throw new StoreSpecError("redis-cluster: needs nodes, like redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
    const store = await RedisStore.connectCluster(nodes, { prefix: opts.redisPrefix });
    return { store, kind: "redis", location: withoutPassword(spec), created: false };
  }
  if (spec.startsWith("redis://") || spec.startsWith("rediss://")) {
    const store = await RedisStore.connect(spec, { prefix: opts.redisPrefix });
    return { store, kind: "redis", location: withoutPassword(spec), created: false };
  }
  throw new StoreSpecError(`unknown store ${JSON.stringify(spec)}: use sqlite:PATH, redis://HOST:PORT, redis-cluster://HOST:PORT,... or memory`);
}

/** `warden: store sqlite:/abs/warden.db (opened, 3 passports)`: which store a command works on. */
export function describeStore(opened: Pick<OpenedStore, "location" | "created">, passports: number): string {
  const count = `${passports} passport${passports === 1 ? "" : "s"}`;
  return `store ${opened.location} (${opened.created ? "created" : "opened"}, ${count})`;
}

/** A Redis URL as it may be printed: the password (and user) replaced. */
function withoutPassword(spec: string): string {
  return spec.replace(/^(rediss?(?:-cluster)?:\/\/)[^@/]*@/, "$1***@");
}
