// Benchmarks policy.evaluate on the README passport against an empty WASM call (the floor).
// Run: npm run bench (builds first). Prints median, p99 and ops/s per case and the ratio to the floor.
import Benchmark from "benchmark";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { loadEngine } from "../dist/bindings/index.js";

const engine = await loadEngine();
const passport = JSON.parse(readFileSync(new URL("../examples/passports/research-agent.json", import.meta.url), "utf8"));
const policy = engine.compile(passport);
const request = { action: "web:search", cost_cents: 2, target: "serpapi.com", context: {} };
const counters = { spent_today_cents: 4250, actions_last_minute: 3, last_heartbeat_at: "2026-02-24T14:59:30Z" };
const options = { now: Date.parse("2026-02-24T15:00:00Z") };
const check = policy.evaluate(request, counters, options);
if (check.decision !== "allow") throw new Error(`benchmark request should be allowed: ${JSON.stringify(check)}`);

const cases = {
  "floor: empty WASM call": () => engine.core.exports.noop(),
  "evaluate: README passport (allow)": () => policy.evaluate(request, counters, options),
  "evaluate: README passport (block, domain)": () => policy.evaluate({ ...request, target: "evil.example" }, counters, options),
};

function percentile(sorted, q) { return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]; }

const results = [];
const suite = new Benchmark.Suite();
for (const [name, fn] of Object.entries(cases)) suite.add(name, fn, { minSamples: 50 });
suite.on("cycle", (ev) => {
  const b = ev.target;
  // benchmark.js samples are mean seconds per op for each cycle; report their median and p99.
  const sorted = [...b.stats.sample].sort((a, c) => a - c);
  const r = { name: b.name, median_ns: percentile(sorted, 0.5) * 1e9, p99_ns: percentile(sorted, 0.99) * 1e9, ops_per_s: b.hz };
  results.push(r);
  process.stdout.write(`  ${r.name}: median ${r.median_ns.toFixed(1)} ns\n`);
});
suite.on("complete", () => {
  const floor = results[0].median_ns;
  const rows = results.map((r) => ({ ...r, ratio_to_floor: r.median_ns / floor }));
  console.log("\n| case | median | p99 | ops/s | × floor |\n|---|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.median_ns.toFixed(1)} ns | ${r.p99_ns.toFixed(1)} ns | ${Math.round(r.ops_per_s).toLocaleString("en-US")} | ${r.ratio_to_floor.toFixed(1)}× |`);
  }
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(new URL("./results/evaluate.json", import.meta.url), JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2) + "\n");
});
suite.run({ async: false });
