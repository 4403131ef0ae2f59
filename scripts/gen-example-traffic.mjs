// Writes examples/traffic/research-agent.jsonl: one working day of a research agent's requests with
// the decisions examples/passports/research-agent.json gave them (replayed in the module, holds
// approved), the input of the worked example of `warden replay` in docs/cli.md. Deterministic.
//   node scripts/gen-example-traffic.mjs
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadEngine, Replay } from "../dist/bindings/index.js";

const ROOT = new URL("../", import.meta.url);
let seed = 22;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = (xs) => xs[Math.floor(rand() * xs.length)];

const HOSTS = ["serpapi.com", "serpapi.com", "api.openai.com", "arxiv.org", "en.wikipedia.org", "de.wikipedia.org", "pastebin.com", "api.semanticscholar.org"];
const start = Date.parse("2026-02-24T06:05:00Z"); // 07:05 in Berlin, a Tuesday
const requests = [];
let t = start;
while (t < Date.parse("2026-02-24T20:55:00Z")) {
  const burst = rand() < 0.04 ? 26 : 1; // now and then a tight loop of searches
  for (let i = 0; i < burst; i++) {
    const action = pick(["web:search", "web:search", "web:fetch", "documents:read"]);
    const host = pick(HOSTS);
    const cost =
      action === "web:search"
        ? 2 + Math.floor(rand() * 40)
        : action === "web:fetch"
          ? Math.floor(rand() * 10)
          : rand() < 0.15
            ? 220 + Math.floor(rand() * 160)
            : 5;
    const req = { at: new Date(t).toISOString(), action, cost_cents: cost };
    if (action !== "documents:read") req.target = `https://${host}/${action === "web:search" ? "search?q=sparse+matrices" : "abs/2401.00001"}`;
    requests.push(req);
    t += burst > 1 ? 1_500 : 0;
  }
  t += 120_000 + Math.floor(rand() * 300_000);
}

const engine = await loadEngine();
const policy = engine.compile(JSON.parse(readFileSync(new URL("examples/passports/research-agent.json", ROOT), "utf8")));
const replay = new Replay(engine, [policy]);
const lines = requests.map((r) => {
  const s = replay.step(0, { action: r.action, cost_cents: r.cost_cents, target: r.target }, Date.parse(r.at), "approve");
  const out = { ...r, decision: replay.verdictName(s.verdict), reason: replay.reasonName(s.reason), rule: replay.ruleName(s.rule) };
  if (out.decision === "request_hold") out.approval = "approved";
  return JSON.stringify(out);
});
mkdirSync(new URL("examples/traffic/", ROOT), { recursive: true });
writeFileSync(new URL("examples/traffic/research-agent.jsonl", ROOT), lines.join("\n") + "\n");
console.log(`${lines.length} requests`);
