// The package entry agent-warden/node (Node only): the durable stores, store URLs, node:crypto signing,
// the HTTP server and MCP for existing Node apps, and the human-in-the-loop pieces (docs/api.md).
// Nothing in the source imports this file (dependency-cruiser checks it).

// The Enforcer again: this entry's declarations are rolled up on their own, so an Enforcer passed to
// createMcpHandler or createHitl type-checks when it comes from here (a class with private fields
// declared in two files is two types to TypeScript).
export { Enforcer, type EnforcerOptions } from "../enforcer/enforcer";
export { MemoryStore } from "../enforcer/memory-store";
export { SqliteStore, type SqliteStoreOptions } from "../enforcer/sqlite-store";
export { RedisStore, type RedisStoreOptions } from "../enforcer/redis-store";
export { openStore, describeStore, DEFAULT_STORE, StoreSpecError, StoreMissingError, type OpenedStore, type OpenStoreOptions } from "../node/store-url";
export { nodeCrypto } from "../node/node-crypto";
export { createWardenServer, type ServerOptions, type WardenServer } from "../server/server";
export type { HitlServerOptions } from "../server/hitl-mount";
export { wardenRequestListener, createMcpHandler, type McpHandlerOptions, type NodeRequestListener } from "./handlers";
export * from "./human-loop";
