// The Markdown report (bench/results/latest.md, and the table bench/README.md embeds).
import { count, duration, mbps, ratio } from "./format.mjs";
import { machineLine } from "./machine.mjs";
import { SCAN_SIZES } from "../cases/scan.mjs";
import { COMPILE_SIZES } from "../cases/compile.mjs";

const pct = (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`);
const cell = (s) =>
  String(s ?? "")
    .replace(/\|/g, "\\|")
    .replace(/\n/g, " ");

function latencyTable(results) {
  const rows = ["| group | case | median | p99 | ops/s | × floor | notes |", "|---|---|---:|---:|---:|---:|---|"];
  for (const r of results.cases) {
    if (r.status === "pending") {
      rows.push(`| ${r.group} | ${cell(r.name)} | pending | | | | ${cell(r.pending)} |`);
      continue;
    }
    const extra = r.mb_per_s !== undefined ? `**${mbps(r.mb_per_s)}**; ` : "";
    rows.push(
      `| ${r.group} | ${cell(r.name)} | ${duration(r.median_ns)} | ${duration(r.p99_ns)} | ${count(r.ops_per_s)} | ${ratio(r.ratio_to_floor)} | ${cell(extra + (r.note ?? ""))} |`,
    );
  }
  return rows.join("\n");
}

function targetTable(results) {
  const fmt = (t) => (t.measured === null ? "not measured" : t.target.includes("µs") ? duration(t.measured) : ratio(t.measured));
  const verdict = (m) => (m === null ? "—" : m ? "**met**" : "**not met**");
  return [
    "| target | wanted | measured | | reading |",
    "|---|---|---:|---|---|",
    ...results.targets.map((t) => `| ${t.name} | ${t.target} | ${fmt(t)} | ${verdict(t.met)} | ${cell(t.reading)} |`),
  ].join("\n");
}

function scanTable(results, byId) {
  const rows = ["| input | WASM detectors | JS RegExp scanner | WASM ÷ RegExp |", "|---|---:|---:|---:|"];
  for (const [label, size] of SCAN_SIZES) {
    const w = byId[`scan.wasm.${size}`],
      g = byId[`scan.regex.${size}`];
    rows.push(`| ${label} | ${mbps(w?.mb_per_s)} | ${mbps(g?.mb_per_s)} | ${ratio(results.ratios.scan_wasm_over_regex[label])} |`);
  }
  return rows.join("\n");
}

function compileTable(byId) {
  const rows = ["| allowlist entries | median | p99 | per entry |", "|---:|---:|---:|---:|"];
  for (const n of COMPILE_SIZES) {
    const r = byId[`compile.${n}`];
    if (r?.status === "ok") rows.push(`| ${count(n)} | ${duration(r.median_ns)} | ${duration(r.p99_ns)} | ${duration(r.median_ns / n)} |`);
  }
  return rows.join("\n");
}

const PHASES = [
  ["import_ms", "import"],
  ["load_engine_ms", "load engine"],
  ["compile_ms", "compile passport"],
  ["first_decision_ms", "first decision"],
  ["total_ms", "total"],
];
const ms = (x) => (typeof x === "number" ? `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ms` : "—");

/** bench/results/cold-start.json (the runtimes work, issue 6): medians per runtime and phase. */
function runtimeTable(cold) {
  if (!cold) return "_bench/results/cold-start.json (per-runtime cold start, written by `npm run bench:cold-start`) is not there yet._";
  if (!cold.results || typeof cold.results !== "object") return "```json\n" + JSON.stringify(cold, null, 2) + "\n```";
  const rows = [`| runtime | runs | ${PHASES.map(([, l]) => l).join(" | ")} |`, `|---|---:|${PHASES.map(() => "---:").join("|")}|`];
  for (const [name, r] of Object.entries(cold.results)) {
    rows.push(`| ${cell(name)} | ${r.runs ?? ""} | ${PHASES.map(([k]) => ms(r.in_runtime?.[k]?.median)).join(" | ")} |`);
  }
  const load = cold.machine?.load_average_1m;
  return [
    `From \`bench/results/cold-start.json\` (${cold.date?.slice(0, 10) ?? "undated"}${load !== undefined ? `, load average ${load}` : ""}), not from this run: ${cold.what ?? ""}. Medians (the file gives ${cold.unit ?? "ms"}).`,
    "",
    rows.join("\n"),
    "",
    ...(cold.notes ?? []).map((n) => `- ${n}`),
  ].join("\n");
}

/** The tables alone (embedded in bench/README.md between markers). */
export function tables(results) {
  const byId = Object.fromEntries(results.cases.map((c) => [c.id, c]));
  const r = results.ratios;
  const m = results.machine;
  const busy = Math.max(m.load_average_1min_before, m.load_average_1min_after) > m.nproc - 0.5;
  const load =
    `Load average (1 min) before / after the run: ${m.load_average_1min_before} / ${m.load_average_1min_after}` +
    (busy ? " — **the machine was busy with other work: p99 and ±RME are inflated, medians less so.**" : ".");
  return [
    `Run: \`${results.command}\` on ${results.generated_at.slice(0, 10)} — ${machineLine(m)}${m.commit ? `, commit ${m.commit}` : ""}.`,
    "",
    load,
    "",
    "![latency per case, log scale](results/latest.svg)",
    "",
    "### Targets",
    "",
    targetTable(results),
    "",
    "### Every case",
    "",
    "median and p99 are per call; ops/s is benchmark.js's mean rate; × floor is median ÷ the empty WASM call's median.",
    "",
    latencyTable(results),
    "",
    "### Ratios",
    "",
    `- cedar-wasm ÷ policy.evaluate on the equivalent policy: **${ratio(r.cedar_over_warden)}** (÷ the WASM \`evaluate\` export alone: ${ratio(r.cedar_over_warden_wasm_only)})`,
    `- 100,000-entry ÷ 10-entry allowlist: hit **${ratio(r.allowlist_100k_over_10_hit)}**, miss **${ratio(r.allowlist_100k_over_10_miss)}**`,
    `- reference model ÷ policy.evaluate, full-catalogue passport: **${ratio(r.reference_over_warden_full)}**`,
    `- policy.evaluate ÷ floor: README passport **${ratio(r.evaluate_small_over_floor)}**, full catalogue **${ratio(r.evaluate_full_over_floor)}**`,
    `- share of policy.evaluate spent in the WASM \`evaluate\` export (the rest is validation, encoding and decoding in JS): README passport **${pct(r.evaluate_small_wasm_share)}**, full catalogue **${pct(r.evaluate_full_wasm_share)}**`,
    `- signing's share of a signed enforce: **${pct(r.enforce_signing_share)}**`,
    "",
    "### Scanning throughput (secrets + PII, MB/s = 10⁶ bytes/s of UTF-8 input)",
    "",
    scanTable(results, byId),
    "",
    `${results.scan_agreement}.`,
    "",
    "### engine.compile vs allowlist size",
    "",
    compileTable(byId),
    "",
    "### Cold start by runtime",
    "",
    runtimeTable(results.cold_start_runtimes),
  ].join("\n");
}

export function markdown(results) {
  return `# Agent Warden benchmark results\n\n${results.quick ? "**Quick run (`--quick`): short samples, rough figures.**\n\n" : ""}${tables(results).replace("](results/latest.svg)", "](latest.svg)")}\n`;
}
