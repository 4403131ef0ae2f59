// The targets of issue 21, each read as a ratio taken inside one run (never asserted in tests):
// the binding over the WASM export (one by one and in batches) from `npm run bench`'s paired
// rounds, and the server over the do-nothing floor from `npm run bench:http`. Both reports show
// all of them: the half a run did not measure is read from the other report's file, with its date
// and machine.
import { existsSync, readFileSync } from "node:fs";
import { ratio } from "./format.mjs";
import { machineLine } from "./machine.mjs";

const PASSPORTS = [
  ["small", "README"],
  ["full", "full-catalogue"],
  ["cedar_equivalent", "Cedar-equivalent"],
];
/** Redis, one hot passport, before issue 21 (bench/results/http.json of 2026-11-23): 315 decisions/s. */
export const REDIS_ONE_PASSPORT_BEFORE_RPS = 315;

const row = (name, target, measured, met, reading) => ({ name, target, measured, met: measured === null ? null : met, reading });

/** The worst of the three passports' paired ratios `prefix_<key>`, with each one named in the reading. */
function worstOf(paired, prefix, limit, name, target) {
  const got = PASSPORTS.map(([k, label]) => [label, paired[`${prefix}_${k}`]]).filter(([, p]) => p);
  if (got.length === 0) return row(name, target, null, false, "not measured in this run");
  const worst = Math.max(...got.map(([, p]) => p.ratio));
  const each = got.map(([label, p]) => `${label} ${ratio(p.ratio)} (middle half ${ratio(p.q1)}–${ratio(p.q3)})`).join("; ");
  const missing = got.length < PASSPORTS.length ? "; not every passport measured" : "";
  return row(name, target, worst, got.length === PASSPORTS.length && worst <= limit, `worst of paired rounds: ${each}${missing}`);
}

/** From `npm run bench`'s paired ratios: policy.evaluate and policy.evaluateMany over the export alone. */
export function boundaryTargets(paired) {
  return [
    worstOf(paired, "evaluate_over_wasm", 2, "policy.evaluate ÷ the WASM export alone (worst of README, full-catalogue, Cedar-equivalent)", "≤ 2×"),
    worstOf(paired, "many_over_wasm", 1.3, "policy.evaluateMany per decision ÷ the WASM export alone (batches of 64; worst of the three)", "≤ 1.3×"),
  ];
}

/** From `npm run bench:http`'s report: the server over the floor, and Redis with one hot passport. */
export function serverTargets(report) {
  const floor = report.stores?.["floor: node:http, no work"] ?? {};
  const sqlite = report.stores?.sqlite ?? {};
  const redis = report.stores?.redis ?? {};
  const closed = Object.keys(sqlite).find((k) => k.startsWith("closed loop") && k.endsWith(`${report.passports} passports`));
  const open = `open loop ${report.rate}/s, ${report.passports} passports`;
  const floorClosed = closed ? floor[closed] : undefined;
  const cpu =
    closed && sqlite[closed]?.server_cpu_us_per_request != null && floorClosed?.server_cpu_us_per_request
      ? sqlite[closed].server_cpu_us_per_request / floorClosed.server_cpu_us_per_request
      : null;
  const p99 = sqlite[open] && floor[open] ? sqlite[open].p99_ms / floor[open].p99_ms : null;
  const atRate = report.rate === 1000;
  // A ratio to the floor means something only when both kept up with the offered rate: a saturated
  // floor (the machine busy with other work) makes any server look close to it.
  const keptUp = (r) => r !== undefined && r.throughput_rps >= 0.98 * report.rate;
  const p99Valid = atRate && keptUp(floor[open]) && keptUp(sqlite[open]);
  const p99Why = !atRate
    ? " (not at 1,000/s: does not count)"
    : !keptUp(floor[open])
      ? ` (the floor answered ${floor[open]?.throughput_rps}/s of ${report.rate}/s: the machine was saturated, the ratio does not count)`
      : !keptUp(sqlite[open])
        ? ` (warden serve answered ${sqlite[open]?.throughput_rps}/s of ${report.rate}/s: its queue grew for the whole run)`
        : "";
  // One hot passport: the closed loop when the run has one (its ceiling), else the open loop (capped by the offered rate).
  const hotClosed = Object.keys(redis).find((k) => k.startsWith("closed loop") && k.endsWith(", 1 passport"));
  const hotKey = hotClosed ?? Object.keys(redis).find((k) => k.startsWith("open loop") && k.endsWith(", 1 passport"));
  const hot = hotKey ? redis[hotKey].throughput_rps / REDIS_ONE_PASSPORT_BEFORE_RPS : null;
  const hotCapped =
    hotKey && !hotClosed ? `; an open loop at ${report.rate}/s cannot show more than ${ratio(report.rate / REDIS_ONE_PASSPORT_BEFORE_RPS)}` : "";
  const p99Row = row(
    `warden serve, SQLite: p99 at ${report.rate}/s over ${report.passports} passports ÷ the floor's p99`,
    "≤ 3×",
    p99,
    p99 !== null && p99Valid && p99 <= 3,
    p99 === null ? "not measured" : `${sqlite[open].p99_ms} ms ÷ ${floor[open].p99_ms} ms${p99Why}${report.quick ? "; a --quick run" : ""}`,
  );
  if (p99 !== null && (!atRate || !keptUp(floor[open]))) p99Row.met = null; // no reading: neither met nor not
  return [
    row(
      "warden serve, SQLite: server CPU per decision ÷ the floor's per request (closed loop)",
      "≤ 5×",
      cpu,
      cpu !== null && cpu <= 5,
      cpu === null ? "not measured" : `${sqlite[closed].server_cpu_us_per_request} µs ÷ ${floorClosed.server_cpu_us_per_request} µs (${closed})`,
    ),
    p99Row,
    row(
      "Redis, one hot passport: decisions/s ÷ 315/s (before issue 21)",
      "≥ 5×",
      hot,
      hot !== null && hot >= 5,
      hot === null ? "not measured" : `${redis[hotKey].throughput_rps}/s (${hotKey})${hotCapped}`,
    ),
  ];
}

/** A report's rows when this run did not measure them: read from its file, with where they come from. */
export function fromFile(path, pick, what) {
  if (!existsSync(path)) return [];
  let report;
  try {
    report = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return [];
  }
  const when = report.generated_at?.slice(0, 10) ?? "undated";
  const source = `from ${what} (${when}, ${report.machine ? machineLine(report.machine) : "machine not recorded"})`;
  return pick(report).map((t) => ({ ...t, reading: t.reading ? `${t.reading}; ${source}` : source }));
}
