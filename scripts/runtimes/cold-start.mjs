// Cold start per runtime: a fresh process (a fresh browser context, a fresh workerd) imports the
// package, loads the engine (read or fetch + compile + instantiate warden.wasm), compiles the README
// passport (examples/passports/research-agent.json) and makes the first decision. Several runs each;
// the medians go to bench/results/cold-start.json.
//
//   npm run bench:cold-start [-- --runs 9]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, runtimeBins } from "./bins.mjs";
import {
  BROWSER_VARIANTS,
  launchChromium,
  prepareProject,
  prepareWorker,
  runBun,
  runChromiumPage,
  runDeno,
  runNode,
  runNodeCjs,
  runWorkerd,
  startStaticServer,
} from "./harness.mjs";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
const OUT = path.join(ROOT, "bench/results/cold-start.json");
const PHASES = ["import_ms", "load_engine_ms", "compile_ms", "first_decision_ms", "total_ms"];

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: Math.round(median * 100) / 100, min: sorted[0], max: sorted[sorted.length - 1] };
}

function summarise(samples) {
  const out = { runtime: samples[0].runtime, entry: samples[0].resolved, runs: samples.length, in_runtime: {} };
  for (const phase of PHASES) out.in_runtime[phase] = stats(samples.map((s) => s.cold[phase]));
  if (samples[0].external) {
    out.measured_outside = {};
    for (const k of Object.keys(samples[0].external)) out.measured_outside[k] = stats(samples.map((s) => s.external[k]));
  }
  return out;
}

async function repeat(label, fn) {
  const samples = [];
  for (let i = 0; i < RUNS; i++) samples.push(await fn());
  const s = summarise(samples);
  console.error(
    `${label.padEnd(34)} total median ${String(s.in_runtime.total_ms.median).padStart(8)} ms` +
      (s.measured_outside ? `  (outside: first request ${s.measured_outside.first_request_ms.median} ms)` : ""),
  );
  return s;
}

const bins = runtimeBins();
const project = await prepareProject();
const results = {};
const skipped = {};
try {
  results["node (import)"] = await repeat("node (import)", () => runNode(project, { coldOnly: true }));
  results["node (require)"] = await repeat("node (require)", () => runNodeCjs(project, { coldOnly: true }));
  if (bins.deno.path) results.deno = await repeat("deno", () => runDeno(project, bins.deno.path, { coldOnly: true }));
  else skipped.deno = bins.deno.reason;
  if (bins.bun.path) results.bun = await repeat("bun", () => runBun(project, bins.bun.path, { coldOnly: true }));
  else skipped.bun = bins.bun.reason;
  if (bins.workerd.path) {
    const worker = await prepareWorker(project);
    results.workerd = await repeat("workerd", () => runWorkerd(project, bins.workerd.path, worker, { coldOnly: true }));
  } else skipped.workerd = bins.workerd.reason;
  if (bins.chromium.path) {
    const server = await startStaticServer(project);
    const browser = await launchChromium(bins.chromium.path);
    try {
      await runChromiumPage(browser, server, BROWSER_VARIANTS["bundled (esbuild)"], { coldOnly: true }); // warm the browser process, not the page
      for (const [variant, page] of Object.entries(BROWSER_VARIANTS)) {
        results[`chromium (${variant})`] = await repeat(`chromium (${variant})`, () => runChromiumPage(browser, server, page, { coldOnly: true }));
      }
    } finally {
      await browser.close();
      await server.close();
    }
  } else skipped.chromium = bins.chromium.reason;
} finally {
  project.cleanup();
}

const wasm = readFileSync(path.join(ROOT, "build/warden.wasm"));
const report = {
  what: "cold start: import the package + load the engine (read/fetch, compile, instantiate warden.wasm) + compile examples/passports/research-agent.json + the first decision, in a fresh process (browser: a fresh context in a running browser; workerd: a fresh workerd process)",
  unit: "milliseconds; median, min and max over the runs",
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "unknown",
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.arch()}`,
    load_average_1m: Math.round(os.loadavg()[0] * 100) / 100,
  },
  runs_per_runtime: RUNS,
  module: { wasm_bytes: wasm.length, wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length },
  versions: Object.fromEntries(Object.entries(bins).map(([k, b]) => [k, b.path ? b.version : null])),
  notes: [
    "workerd compiles warden.wasm when it loads the worker (before it listens); in_runtime times are workerd's coarse clock, measured_outside.first_request_ms is the first GET /cold as seen by the client.",
    "chromium import_ms includes fetching the module files from a server on 127.0.0.1; load_engine_ms includes fetching warden.wasm.",
  ],
  results,
  skipped,
};
mkdirSync(path.dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
console.error(`wrote ${path.relative(ROOT, OUT)}`);
