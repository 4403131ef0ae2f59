// The ratios the issue asks for and the targets read from them (never asserted: reported).
import { SCAN_SIZES } from "../cases/scan.mjs";
import { duration, ratio } from "./format.mjs";

const get = (byId, id) => (byId[id]?.status === "ok" ? byId[id] : null);
const div = (a, b) => (a !== null && b !== null && b > 0 ? a / b : null);

export function ratios(byId) {
  const m = (id) => get(byId, id)?.median_ns ?? null;
  const mb = (id) => get(byId, id)?.mb_per_s ?? null;
  return {
    evaluate_small_over_floor: div(m("evaluate.small"), m("floor.noop")),
    evaluate_full_over_floor: div(m("evaluate.full"), m("floor.noop")),
    cedar_over_warden: div(m("cedar.stateful"), m("evaluate.cedar_equivalent")),
    cedar_over_warden_wasm_only: div(m("cedar.stateful"), m("evaluate.cedar_equivalent.wasm_only")),
    reference_over_warden_full: div(m("reference.full"), m("evaluate.full")),
    allowlist_100k_over_10_hit: div(m("evaluate.allow_100000_hit"), m("evaluate.allow_10_hit")),
    allowlist_100k_over_10_miss: div(m("evaluate.allow_100000_miss"), m("evaluate.allow_10_miss")),
    compile_100k_over_10: div(m("compile.100000"), m("compile.10")),
    scan_wasm_over_regex: Object.fromEntries(SCAN_SIZES.map(([label, size]) => [label, div(mb(`scan.wasm.${size}`), mb(`scan.regex.${size}`))])),
    enforce_signing_share: div(m("enforce.signing"), m("enforce.signed")),
    evaluate_small_wasm_share: div(m("evaluate.small.wasm_only"), m("evaluate.small")),
    evaluate_full_wasm_share: div(m("evaluate.full.wasm_only"), m("evaluate.full")),
    gateway_over_direct: div(m("gateway.proxied"), m("gateway.direct")),
  };
}

/** Each target: what it asks, what was measured, and whether it is met (null: not measured). */
export function targets(byId, r, paired = {}) {
  const full = get(byId, "evaluate.full")?.median_ns ?? null;
  const scans = Object.values(r.scan_wasm_over_regex);
  const worstScan = scans.some((x) => x === null) ? null : Math.min(...scans);
  // Ratios from paired rounds when the run has them (bench/lib/paired.mjs), else quotients of medians.
  const pr = (id) => paired[id]?.ratio ?? r[id];
  const hit = pr("allowlist_100k_over_10_hit"),
    miss = pr("allowlist_100k_over_10_miss");
  const allow = hit === null ? null : Math.max(hit, miss ?? 0);
  const cedarRatio = pr("cedar_over_warden");
  const replaySeconds = get(byId, "replay.cli_1m")?.total_s ?? null;
  const replayStep = get(byId, "replay.step");
  const t = (name, target, measured, met, reading = "") => ({ name, target, measured, met: measured === null ? null : met, reading });
  const wasmFull = get(byId, "evaluate.full.wasm_only")?.median_ns ?? null;
  const floor = get(byId, "floor.noop")?.median_ns ?? null;
  const cedar = get(byId, "cedar.stateful")?.median_ns ?? null;
  const ours = get(byId, "evaluate.cedar_equivalent")?.median_ns ?? null;
  // What bounds each reading on this machine: the module's own share, and the two medians of the ratio.
  const fullReading =
    wasmFull === null
      ? ""
      : `the WASM export alone takes ${duration(wasmFull)}${wasmFull > 1000 ? ", above the target before any binding work" : ""}; the empty call ${duration(floor)}`;
  const cp = paired.cedar_over_warden;
  const medians =
    cedar === null || ours === null ? "" : `the medians: cedar-wasm ${duration(cedar)} ÷ policy.evaluate ${duration(ours)} = ${ratio(cedar / ours)}`;
  const cedarReading = cp ? `median of ${cp.rounds} paired rounds (middle half ${ratio(cp.q1)}–${ratio(cp.q3)}); ${medians}` : medians;
  const allowReading = paired.allowlist_100k_over_10_hit
    ? `paired rounds: hit ${ratio(hit)}, miss ${ratio(miss)}; the medians: hit ${ratio(r.allowlist_100k_over_10_hit)}, miss ${ratio(r.allowlist_100k_over_10_miss)}`
    : "";
  const added = get(byId, "gateway.added")?.median_ns ?? null;
  const direct = get(byId, "gateway.direct")?.median_ns ?? null;
  const gatewayReading =
    r.gateway_over_direct === null || r.gateway_over_direct === undefined
      ? ""
      : `through the gateway ${duration(get(byId, "gateway.proxied").median_ns)} vs direct ${duration(direct)}: ${ratio(r.gateway_over_direct)} the direct call`;
  return [
    t("evaluate, full-catalogue passport", "median ≤ 1 µs", full, full !== null && full <= 1000, fullReading),
    t("vs cedar-wasm, equivalent policy", "≥ 100× faster", cedarRatio, cedarRatio !== null && cedarRatio >= 100, cedarReading),
    t("scanning vs RegExp scanner (worst size)", "≥ 2× the MB/s", worstScan, worstScan !== null && worstScan >= 2),
    t("100,000- vs 10-entry allowlist (worst of hit, miss)", "within 1.5×", allow, allow !== null && allow <= 1.5, allowReading),
    t("warden proxy added latency, echo tool over stdio", "≤ 1000 µs added", added, added !== null && added <= 1e6, gatewayReading),
    t(
      "warden replay, 1,000,000 recorded requests end to end",
      "≤ 30 s",
      replaySeconds,
      replaySeconds !== null && replaySeconds <= 30,
      replayStep === null
        ? ""
        : `Replay.step alone ${duration(replayStep.median_ns)} per request (${Math.round(replayStep.ops_per_s).toLocaleString("en-US")}/s)`,
    ),
  ];
}
