// Measures one case: benchmark.js for throughput (ops/s, ±RME), then a batch sampler for the
// latency distribution (median, p99 per call). Both run in the same process, one after the other.
import Benchmark from "benchmark";

/** How long each phase may take, per case. `--quick` shrinks them. */
export const BUDGETS = {
  full: { maxTime: 2.5, sampleMs: 1000, minSamples: 20, coldRuns: 15 },
  quick: { maxTime: 0.4, sampleMs: 150, minSamples: 5, coldRuns: 4 },
};

// Sampler batches aim at this many ns, so timer overhead stays a few percent of a sample.
const TARGET_BATCH_NS = 2000;
const MAX_BATCH = 20000;
const MAX_SAMPLES = 200000;

/** Runs `fn` (sync) or `fn` returning a promise (async: true) through benchmark.js. */
export function throughput(name, fn, { async = false, maxTime, minSamples }) {
  return new Promise((resolve, reject) => {
    const options = {
      maxTime,
      minSamples,
      onComplete: (ev) => (ev.target.error ? reject(ev.target.error) : resolve(ev.target)),
      onError: (ev) => reject(ev.target.error),
    };
    const bench = async
      ? new Benchmark(name, {
          ...options,
          defer: true,
          fn: (d) => {
            fn().then(() => d.resolve(), reject);
          },
        })
      : new Benchmark(name, { ...options, fn });
    bench.run({ async: true });
  });
}

/** Median cost of reading the clock twice, subtracted from every batch. */
function timerOverheadNs() {
  const xs = new Float64Array(2001);
  for (let i = 0; i < xs.length; i++) {
    const t = performance.now();
    xs[i] = (performance.now() - t) * 1e6;
  }
  return quantile(
    Array.from(xs).sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Per-call latency from batches of `batch` calls (sized from the mean so a batch lasts ~2 µs; one
 * call per batch for anything slower). Each sample is (batch time − timer overhead) / batch.
 */
export async function latency(fn, { async = false, meanNs, sampleMs, minSamples }) {
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.round(TARGET_BATCH_NS / Math.max(meanNs, 0.01))));
  const overhead = timerOverheadNs();
  const samples = [];
  const deadline = performance.now() + sampleMs;
  while ((performance.now() < deadline || samples.length < minSamples) && samples.length < MAX_SAMPLES) {
    const t = performance.now();
    if (async) for (let i = 0; i < batch; i++) await fn();
    else for (let i = 0; i < batch; i++) fn();
    const ns = (performance.now() - t) * 1e6;
    samples.push(Math.max(0, ns - overhead) / batch);
  }
  samples.sort((a, b) => a - b);
  return { batch, samples: samples.length, median_ns: quantile(samples, 0.5), p99_ns: quantile(samples, 0.99) };
}

/** Nearest-rank quantile of a sorted array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Both phases for one case; returns the figures the report shows. */
export async function measure(c, budget) {
  const b = await throughput(c.name, c.fn, { async: c.async, maxTime: budget.maxTime, minSamples: budget.minSamples });
  const meanNs = b.stats.mean * 1e9;
  const lat = await latency(c.fn, { async: c.async, meanNs, sampleMs: budget.sampleMs, minSamples: budget.minSamples });
  return {
    median_ns: lat.median_ns,
    p99_ns: lat.p99_ns,
    mean_ns: meanNs,
    ops_per_s: b.hz,
    rme_pct: b.stats.rme,
    samples: lat.samples,
    batch: lat.batch,
    benchmark_cycles: b.stats.sample.length,
  };
}
