// The benchmark harness (issue 7): every case in one run, one progress line per case, then
// bench/results/latest.{json,md,svg} and the tables in bench/README.md. Imports the built package.
//   npm run bench                  (builds, then runs everything; ~3 minutes on 2 cores)
//   npm run bench -- --quick       (short samples, rough figures; writes bench/results/quick.tmp/)
//   node bench/run.mjs --only=scan (cases whose id contains "scan"; a comma list for several; prints, writes nothing)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadEngine } from "../dist/bindings/index.js";
import { coldStartCases } from "./cases/cold-start.mjs";
import { cedarCases } from "./cases/cedar.mjs";
import { compileCases } from "./cases/compile.mjs";
import { enforceCases } from "./cases/enforce.mjs";
import { evaluateCases, evaluateInputs } from "./cases/evaluate.mjs";
import { floorCases } from "./cases/floor.mjs";
import { gatewayCases } from "./cases/gateway.mjs";
import { referenceCases } from "./cases/reference.mjs";
import { REPLAY_REQUESTS, replayCases } from "./cases/replay.mjs";
import { SCAN_AGREEMENT_NOTE, scanCases } from "./cases/scan.mjs";
import { count, duration, mbps, ratio } from "./lib/format.mjs";
import { ROOT } from "./lib/inputs.mjs";
import { machine, machineLine } from "./lib/machine.mjs";
import { BUDGETS, measure } from "./lib/measure.mjs";
import { PAIRS, pairedRatio } from "./lib/paired.mjs";
import { markdown, tables } from "./lib/report.mjs";
import { latencyChart } from "./lib/svg.mjs";
import { ratios, targets } from "./lib/targets.mjs";
import { boundaryTargets, fromFile, serverTargets } from "./lib/issue21.mjs";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.find((a) => a.startsWith("--only="))?.slice("--only=".length) ?? null;
const budget = quick ? BUDGETS.quick : BUDGETS.full;
const RESULTS = ROOT + "bench/results/";

async function allCases() {
  const engine = await loadEngine();
  // Which case ids --only asks for: a group that needs child processes (the gateway) starts none when it is not wanted.
  const ctx = { engine, budget, wants: (id) => onlyParts === null || onlyParts.some((part) => id.includes(part)) };
  ctx.inputs = evaluateInputs(ctx);
  return [
    ...floorCases(ctx),
    ...evaluateCases(ctx),
    ...(await referenceCases(ctx)),
    ...(await cedarCases(ctx)),
    ...scanCases(ctx),
    ...compileCases(ctx),
    ...(await enforceCases(ctx)),
    ...replayCases(ctx),
    ...coldStartCases(ctx),
    ...(await gatewayCases(ctx)),
  ];
}

function progress(i, n, c, r) {
  const head = `[${String(i).padStart(2)}/${n}] ${c.group.padEnd(10)} ${c.name}`.padEnd(78);
  if (r.status === "pending") return `${head} pending: ${r.pending}`;
  const extra = r.mb_per_s !== undefined ? `  ${mbps(r.mb_per_s)}` : "";
  const rme = r.rme_pct !== undefined ? ` ±${r.rme_pct.toFixed(1)}%` : "";
  return `${head} median ${duration(r.median_ns).padStart(9)}  p99 ${duration(r.p99_ns).padStart(9)}  ${count(r.ops_per_s).padStart(12)} ops/s${rme}${extra}`;
}

async function runCase(c, done) {
  const base = { id: c.id, group: c.group, name: c.name };
  if (c.pending) return { ...base, status: "pending", pending: c.pending };
  globalThis.gc?.();
  let figures;
  if (c.derived) figures = c.derive(done);
  else if (c.process) figures = c.process(budget);
  else {
    await c.before?.();
    try {
      figures = await measure(c, budget);
    } finally {
      await c.after?.();
    }
  }
  const r = { ...base, status: "ok", ...figures };
  if (c.bytes) {
    r.bytes = c.bytes;
    r.mb_per_s = (c.bytes / r.median_ns) * 1e3;
  }
  if (c.entries) r.entries = c.entries;
  r.note = typeof c.note === "function" ? c.note(r) : c.note;
  return r;
}

function coldStartRuntimes() {
  const path = RESULTS + "cold-start.json";
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null;
  }
}

/** Replaces what sits between the result markers of bench/README.md. */
function updateReadme(results) {
  const path = ROOT + "bench/README.md";
  if (!existsSync(path)) return;
  const text = readFileSync(path, "utf8");
  const start = "<!-- results:start -->",
    end = "<!-- results:end -->";
  const i = text.indexOf(start),
    j = text.indexOf(end);
  if (i < 0 || j < i) return;
  writeFileSync(path, `${text.slice(0, i + start.length)}\n${tables(results)}\n${text.slice(j)}`);
}

const host = machine();
const onlyParts = only?.split(",") ?? null;
const cases = (await allCases()).filter((c) => onlyParts === null || onlyParts.some((part) => c.id.includes(part)));
console.log(`Agent Warden benchmarks${quick ? " (quick)" : ""}: ${cases.length} cases on ${machineLine(host)}; load average ${host.load_average_1min}`);
const done = {};
const list = [];
for (const [i, c] of cases.entries()) {
  const r = await runCase(c, done);
  done[r.id] = r;
  list.push(r);
  console.log(progress(i + 1, cases.length, c, r));
}

// The ratios the targets read, again in paired rounds (bench/lib/paired.mjs): each pair's two
// medians above were taken minutes apart.
const paired = {};
const caseById = Object.fromEntries(cases.map((c) => [c.id, c]));
for (const pair of PAIRS) {
  const a = caseById[pair.a],
    b = caseById[pair.b];
  if (done[pair.a]?.status !== "ok" || done[pair.b]?.status !== "ok" || a.async || b.async) continue;
  paired[pair.id] = { a: pair.a, b: pair.b, ...pairedRatio(a.fn, b.fn, quick ? { rounds: 7, ms: 15 } : { rounds: 21, ms: 40 }) };
  const p = paired[pair.id];
  console.log(`paired     ${pair.id.padEnd(40)} ${ratio(p.ratio).padStart(8)}  (middle half ${ratio(p.q1)}–${ratio(p.q3)}, ${p.rounds} rounds)`);
}

const floor = done["floor.noop"]?.median_ns;
for (const r of list) if (r.status === "ok" && floor) r.ratio_to_floor = r.median_ns / floor;
const results = {
  schema: 1,
  generated_at: new Date().toISOString(),
  command: `npm run bench${quick ? " -- --quick" : ""}`,
  quick,
  machine: { ...host, load_average_1min: undefined, load_average_1min_before: host.load_average_1min, load_average_1min_after: machine().load_average_1min },
  method: {
    median_p99: "per-call latency from timed batches of calls (batch sized to ~2 µs, timer overhead subtracted); nearest-rank quantiles",
    ops_per_s: "benchmark.js hz (1 / mean time per call), with its relative margin of error",
    ratio_to_floor: "median / median of the empty WASM call",
    paired_ratios: "a's mean time per call / b's, in rounds that time both back to back (order alternating); the median over rounds, with the quartiles",
    mb_per_s: "UTF-8 input bytes / median time, in 10^6 bytes per second",
    budgets: budget,
  },
  cases: list,
  scan_agreement: SCAN_AGREEMENT_NOTE,
  cold_start_runtimes: coldStartRuntimes(),
};
results.ratios = ratios(done);
results.paired_ratios = paired;
results.targets = [
  ...targets(done, results.ratios, paired),
  ...boundaryTargets(paired),
  // The server's targets (issue 21) come from the last `npm run bench:http`, named as such.
  ...fromFile(RESULTS + "http.json", serverTargets, "bench/results/http.json"),
];

// Replay's rate beside policy.evaluate's (issue 22): requests per second, in process and end to end.
const rate = (id) => (done[id]?.status === "ok" ? done[id].ops_per_s : null);
if (rate("replay.step") !== null || rate("replay.cli_1m") !== null) {
  const cli = done["replay.cli_1m"];
  console.log(
    `\nreplay     ${count(rate("replay.step") ?? 0)} requests/s (Replay.step)` +
      `, ${cli?.status === "ok" ? `${count(cli.ops_per_s)} requests/s end to end (warden replay, ${count(REPLAY_REQUESTS)} in ${cli.total_s.toFixed(1)} s)` : "end to end not measured"}` +
      `; policy.evaluate ${count(rate("evaluate.small") ?? 0)}/s (README passport), ${count(rate("evaluate.full") ?? 0)}/s (full catalogue)`,
  );
}

console.log("\nTargets:");
for (const t of results.targets) {
  const measured =
    t.measured === null
      ? "not measured"
      : t.target.includes("µs")
        ? duration(t.measured)
        : t.target.endsWith(" s")
          ? `${t.measured.toFixed(1)} s`
          : ratio(t.measured);
  console.log(`  ${t.met === null ? "?" : t.met ? "met    " : "NOT MET"}  ${t.name}: ${t.target}, measured ${measured}${t.reading ? ` (${t.reading})` : ""}`);
}

if (only !== null) {
  console.log("\n--only: nothing written.");
} else {
  // A quick run never replaces the full run's report: it writes to quick.tmp/ (git-ignored).
  const dir = quick ? `${RESULTS}quick.tmp/` : RESULTS;
  const shown = quick ? "bench/results/quick.tmp/" : "bench/results/";
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}latest.json`, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(`${dir}latest.md`, markdown(results));
  const chartRows = list.filter((r) => r.status === "ok");
  writeFileSync(
    `${dir}latest.svg`,
    latencyChart(chartRows, {
      title: `Agent Warden — latency per case${quick ? " (quick run)" : ""}`,
      footer: `${results.command} · ${results.generated_at.slice(0, 10)} · ${machineLine(results.machine)}`,
    }),
  );
  if (!quick) updateReadme(results);
  console.log(`\nWrote ${shown}latest.json, latest.md, latest.svg${quick ? "" : " and the tables in bench/README.md"}.`);
}
