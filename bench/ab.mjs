// Compares policy.evaluate of two builds in one process, interleaved, so a busy machine slows both
// alike: the figure to read is the median of the per-round ratios (new ÷ base).
//   node bench/ab.mjs <base-root> [full,small,cedar_equivalent] [rounds=15]
// <base-root> holds another build's dist/ and build/ with node_modules reachable from it: a git
// worktree of the other commit after `npm ci`, or a copy of its dist/ and build/ inside this checkout.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { evaluateInputs } from "./cases/evaluate.mjs";
import { ROOT } from "./lib/inputs.mjs";

const [baseRoot, keyList = "full,small,cedar_equivalent", roundsArg = "15"] = process.argv.slice(2);
if (!baseRoot) {
  console.error("usage: node bench/ab.mjs <base-root> [cases] [rounds]");
  process.exit(2);
}
const keys = keyList.split(",");
const ROUNDS = Number(roundsArg);
const BATCH = 20_000;

const load = (root) => import(pathToFileURL(resolve(root, "dist/bindings/index.js")).href);

async function setup(mod) {
  const engine = await mod.loadEngine();
  const inputs = evaluateInputs({ engine });
  return Object.fromEntries(
    keys.map((k) => {
      const input = inputs.find((x) => x.key === k);
      if (!input) throw new Error(`no evaluate input "${k}" (see bench/cases/evaluate.mjs)`);
      return [k, { policy: engine.compile(input.passport), input }];
    }),
  );
}

/** Mean ns per call over n calls. */
function time({ policy, input }, n) {
  const opts = { now: input.now };
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) policy.evaluate(input.request, input.counters, opts);
  return Number(process.hrtime.bigint() - t) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const base = await setup(await load(baseRoot)),
  next = await setup(await load(ROOT));
for (const k of keys) {
  const a = base[k].policy.evaluate(base[k].input.request, base[k].input.counters, { now: base[k].input.now });
  const b = next[k].policy.evaluate(next[k].input.request, next[k].input.counters, { now: next[k].input.now });
  if (JSON.stringify(a) !== JSON.stringify(b)) console.warn(`${k}: the two builds decide differently`);
  time(base[k], BATCH * 3);
  time(next[k], BATCH * 3); // warm both
}
console.log(`${ROUNDS} interleaved rounds of ${BATCH.toLocaleString("en-US")} calls per build and case`);
for (const k of keys) {
  const ta = [],
    tb = [],
    r = [];
  for (let j = 0; j < ROUNDS; j++) {
    const x = time(base[k], BATCH),
      y = time(next[k], BATCH);
    ta.push(x);
    tb.push(y);
    r.push(y / x);
  }
  console.log(
    `${k.padEnd(18)} base ${median(ta).toFixed(0).padStart(5)} ns   new ${median(tb).toFixed(0).padStart(5)} ns   new ÷ base ${median(r).toFixed(2)}`,
  );
}
