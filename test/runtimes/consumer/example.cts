// The same from CommonJS: `require` resolves agent-warden's .d.cts declarations.
import warden = require("agent-warden");
import wardenNode = require("agent-warden/node");

async function main(): Promise<void> {
  const engine = await warden.loadEngine();
  const passport: warden.Passport = { id: "p", constraints: { "core:cost:max_per_action": 500 } };
  const d: warden.Decision = engine.compile(passport).evaluate({ action: "a", cost_cents: 600 }, {}, { now: 0 });
  const enforcer = await warden.Enforcer.create({ store: new warden.MemoryStore() });
  await enforcer.register(passport);
  void d.decision;
  const durable = await wardenNode.Enforcer.create({ store: wardenNode.SqliteStore.open("warden.db"), hostCrypto: wardenNode.nodeCrypto });
  const server: wardenNode.WardenServer = await wardenNode.createWardenServer({ store: new warden.MemoryStore() });
  void wardenNode.createMcpHandler({ enforcer: durable });
  void server.listen(8787);
}
void main;

// @ts-expect-error "cost_cents" is a number
const wrong: warden.EvalRequest = { action: "a", cost_cents: "5" };
void wrong;
