// `--store` values: `sqlite:PATH` (default `sqlite:./warden.db`), `redis://…` / `rediss://…`,
// `redis-cluster://host:port,host:port`, `memory`.

import { MemoryStore } from "../enforcer/memory-store";
import { RedisStore } from "../enforcer/redis-store";
import { SqliteStore } from "../enforcer/sqlite-store";
import type { Store } from "../enforcer/store";

export const DEFAULT_STORE = "sqlite:./warden.db";

export interface OpenedStore {
  store: Store;
  kind: "sqlite" | "redis" | "memory";
}

/** Thrown for a `--store` value that names no store; the message shows the accepted forms. */
export class StoreSpecError extends Error {}

export async function openStore(spec: string, opts: { redisPrefix?: string } = {}): Promise<OpenedStore> {
  if (spec === "memory") return { store: new MemoryStore(), kind: "memory" };
  if (spec.startsWith("sqlite:")) {
    const path = spec.slice("sqlite:".length).replace(/^\/\/(?=[^/])/, "");
    if (path === "") throw new StoreSpecError("sqlite: needs a file path, like sqlite:./warden.db");
    return { store: SqliteStore.open(path), kind: "sqlite" };
  }
  if (spec.startsWith("redis-cluster://")) {
    const nodes = spec
      .slice("redis-cluster://".length)
      .split(",")
      .filter((n) => n !== "");
    if (nodes.length === 0) throw new StoreSpecError("redis-cluster: needs nodes, like redis-cluster://10.0.0.1:7000,10.0.0.2:7000");
    return { store: await RedisStore.connectCluster(nodes, { prefix: opts.redisPrefix }), kind: "redis" };
  }
  if (spec.startsWith("redis://") || spec.startsWith("rediss://")) {
    return { store: await RedisStore.connect(spec, { prefix: opts.redisPrefix }), kind: "redis" };
  }
  throw new StoreSpecError(`unknown store ${JSON.stringify(spec)}: use sqlite:PATH, redis://HOST:PORT, redis-cluster://HOST:PORT,... or memory`);
}
