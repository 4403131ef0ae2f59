// Ratios between two cases measured in paired rounds. A ratio of two medians compares figures taken
// minutes apart, and on a shared VM the machine's speed drifts that much (the empty WASM call has
// measured 2.9 ns and 8.5 ns in two runs of one day). Here each round times A and B back to back,
// alternating which goes first, so drift slows both sides of a round alike; the reading is the
// median of the per-round ratios, with the spread of the middle half.
import { quantile } from "./measure.mjs";

/** The pairs the targets read: id (as in results.ratios), case a, case b (the ratio is a ÷ b). */
export const PAIRS = [
  { id: "cedar_over_warden", a: "cedar.stateful", b: "evaluate.cedar_equivalent" },
  { id: "allowlist_100k_over_10_hit", a: "evaluate.allow_100000_hit", b: "evaluate.allow_10_hit" },
  { id: "allowlist_100k_over_10_miss", a: "evaluate.allow_100000_miss", b: "evaluate.allow_10_miss" },
  // issue 21: the binding's cost over the module's, one by one and in batches.
  ...["small", "full", "cedar_equivalent"].flatMap((k) => [
    { id: `evaluate_over_wasm_${k}`, a: `evaluate.${k}`, b: `evaluate.${k}.wasm_only` },
    { id: `many_over_wasm_${k}`, a: `evaluate.many.${k}`, b: `evaluate.many.${k}.wasm_only` },
  ]),
];

/** Mean ns per call of `fn` over a stretch of about `ms` milliseconds, in whole batches of `batch`. */
function stretch(fn, batch, ms) {
  let calls = 0;
  const t0 = performance.now(),
    end = t0 + ms;
  do {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
  } while (performance.now() < end);
  return ((performance.now() - t0) * 1e6) / calls;
}

/** A batch of `fn` that lasts about 50 µs, so the clock is read rarely. */
function batchOf(fn) {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 2) {
    fn();
    n++;
  }
  return Math.max(1, Math.round((n * 50_000) / ((performance.now() - t0) * 1e6)));
}

/**
 * `a`'s time per call ÷ `b`'s, from `rounds` paired rounds of ~`ms` ms per side.
 * @returns {{ ratio: number, q1: number, q3: number, rounds: number, a_ns: number, b_ns: number }}
 */
export function pairedRatio(a, b, { rounds = 21, ms = 40 } = {}) {
  const ba = batchOf(a),
    bb = batchOf(b);
  stretch(a, ba, ms);
  stretch(b, bb, ms); // warm both
  const ratios = [],
    as = [],
    bs = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    const x = first ? stretch(a, ba, ms) : 0;
    const y = stretch(b, bb, ms);
    const xa = first ? x : stretch(a, ba, ms);
    ratios.push(xa / y);
    as.push(xa);
    bs.push(y);
  }
  const sorted = (xs) => [...xs].sort((p, q) => p - q);
  const rs = sorted(ratios);
  return {
    ratio: quantile(rs, 0.5),
    q1: quantile(rs, 0.25),
    q3: quantile(rs, 0.75),
    rounds,
    a_ns: quantile(sorted(as), 0.5),
    b_ns: quantile(sorted(bs), 0.5),
  };
}
