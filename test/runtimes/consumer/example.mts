// README's examples as a TypeScript user writes them, importing the package by name (ESM).
import {
  Enforcer,
  MemoryStore,
  PassportError,
  loadEngine,
  verifyAuditLog,
  type CounterSnapshot,
  type Decision,
  type EvalRequest,
  type Passport,
} from "agent-warden";
import { loadEngineSync } from "agent-warden/engine";
import {
  Enforcer as NodeEnforcer,
  SqliteStore,
  createMcpHandler,
  createWardenServer,
  nodeCrypto,
  openStore,
  wardenRequestListener,
  type WardenServer,
} from "agent-warden/node";
import { createServer } from "node:http";

const passport: Passport = {
  id: "pass_research_01",
  permissions: ["web:search", "web:fetch"],
  constraints: {
    "core:cost:max_per_day": 10000,
    "core:cost:approval_threshold": 300,
    "core:scope:domain_allowlist": ["serpapi.com", "*.wikipedia.org"],
    "core:data:no_secrets_export": true,
  },
};

const engine = await loadEngine();
const policy = engine.compile(passport);
const request: EvalRequest = { action: "web:search", cost_cents: 30, target: "https://serpapi.com/search?q=x", context: {} };
const counters: CounterSnapshot = { spent_today_cents: 9990 };
const d: Decision = policy.evaluate(request, counters, { now: "2026-02-24T15:00:00Z", explain: true });
const verdict: "allow" | "request_hold" | "block" = d.decision;

const enforcer = await Enforcer.create({ store: new MemoryStore() });
await enforcer.register(passport);
const held = await enforcer.enforce({ passport_id: "pass_research_01", action: "travel:book", cost_cents: 35000 });
if (held.decision === "request_hold" && held.approval_request_id) await enforcer.approve(held.approval_request_id);
for await (const rec of enforcer.auditLog("pass_research_01")) void rec;
void verifyAuditLog;
void loadEngineSync;
void verdict;
void (PassportError satisfies abstract new (...args: never[]) => Error);

// Node: a durable store, the server mounted on an app of your own, MCP for an existing enforcer.
const durable = await NodeEnforcer.create({ store: SqliteStore.open("warden.db"), hostCrypto: nodeCrypto });
const server: WardenServer = await createWardenServer({ store: (await openStore("sqlite:./warden.db", { mustExist: true })).store });
const api = wardenRequestListener(server);
const mcp = createMcpHandler({ enforcer: durable, store: server.store });
createServer((req, res) => (req.url === "/mcp" ? void mcp(req, res) : api(req, res)));
// @ts-expect-error SqliteStore.open takes a file path, not options alone
SqliteStore.open({ synchronous: "FULL" });

// The types are real: a wrong value type for a known constraint key is a compile error.
// @ts-expect-error "core:cost:max_per_day" is a number of cents
const wrong: Passport = { id: "x", constraints: { "core:cost:max_per_day": "100" } };
void wrong;
