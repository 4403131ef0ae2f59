// One cold start, in a fresh process: import the bindings, instantiate the module (read, compile,
// instantiate), compile a passport, take the first decision. Prints the phases in ms as JSON.
// Run by bench/cases/cold-start.mjs:  node bench/cold-start-child.mjs <passport.json>
import { readFileSync } from "node:fs";

const passport = JSON.parse(readFileSync(process.argv[2], "utf8"));
const request = { action: "web:search", cost_cents: 2, target: "serpapi.com", context: {} };
const options = { now: Date.parse("2026-02-24T15:00:00Z") };

const t0 = performance.now(); // ms since this process started
const { loadEngine } = await import("../dist/bindings/index.js");
const t1 = performance.now();
const engine = await loadEngine();
const t2 = performance.now();
const policy = engine.compile(passport);
const t3 = performance.now();
const d = policy.evaluate(request, { spent_today_cents: 4250 }, options);
const t4 = performance.now();
const second = performance.now();
policy.evaluate(request, { spent_today_cents: 4250 }, options);
const t5 = performance.now();

process.stdout.write(
  JSON.stringify({
    decision: d.decision,
    node_boot_ms: t0,
    import_ms: t1 - t0,
    instantiate_ms: t2 - t1,
    compile_ms: t3 - t2,
    first_decision_ms: t4 - t3,
    second_decision_ms: t5 - second,
  }),
);
