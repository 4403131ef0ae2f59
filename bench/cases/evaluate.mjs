// policy.evaluate on the README passport, the full-catalogue passport, 10- vs 100,000-entry
// allowlists, and the Cedar-equivalent passport (the other side of the Cedar comparison).
import { ROOT, NOW, allowlistPassport, fullCase, rel, smallCase } from "../lib/inputs.mjs";
import { CEDAR_PASSPORT, CEDAR_REQUEST, CEDAR_COUNTERS } from "./cedar.mjs";

export const ALLOWLIST_SIZES = [10, 100_000];
const HIT = { action: "web:search", cost_cents: 2, target: "https://en.wikipedia.org/wiki/Sparse_matrix", context: {} };
const MISS = { ...HIT, target: "https://docs.unlisted-example.net/a/b" };

/** The decision each input gets, so the report says what was measured. */
function outcome(d) {
  return d.decision === "allow" ? "allow" : `${d.decision} (${d.reason})`;
}

/** Every evaluate input, shared with the reference-model cases. */
export function evaluateInputs({ engine }) {
  const small = smallCase();
  const full = fullCase((p) => engine.compile(p));
  const inputs = [
    { key: "small", name: "README passport", source: small.path, ...small },
    { key: "small_block", name: "README passport, blocked domain", source: small.path, ...small, request: { ...small.request, target: "evil.example" } },
    { key: "full", name: "full-catalogue passport", source: full.path, ...full },
  ];
  for (const n of ALLOWLIST_SIZES) {
    const passport = allowlistPassport(n);
    const base = { passport, counters: small.counters, now: NOW, source: `README passport, ${n.toLocaleString("en-US")}-entry allowlist` };
    inputs.push({ key: `allow_${n}_hit`, name: `${n.toLocaleString("en-US")}-entry allowlist, subdomain hit`, ...base, request: HIT });
    inputs.push({ key: `allow_${n}_miss`, name: `${n.toLocaleString("en-US")}-entry allowlist, miss`, ...base, request: MISS });
  }
  inputs.push({
    key: "cedar_equivalent",
    name: "Cedar-equivalent passport",
    source: rel(ROOT + "bench/cedar/equivalent-passport.json"),
    passport: CEDAR_PASSPORT,
    request: CEDAR_REQUEST,
    counters: CEDAR_COUNTERS,
    now: NOW,
  });
  return inputs;
}

/**
 * The WASM half alone: the request `policy.evaluate` wrote into memory, evaluated again by the
 * `evaluate` export without encoding or decoding, so the JS share of an evaluate is visible.
 */
function wasmOnlyCase(engine, policy, input) {
  const core = engine.core,
    real = core.exports;
  let len = -1,
    handle = -1;
  // Right before timing: other cases write their own requests into the same input area.
  const encode = () => {
    core.exports = {
      ...real,
      evaluate: (h, n) => {
        len = n;
        return real.evaluate(h, n);
      },
    };
    try {
      policy.evaluate(input.request, input.counters, { now: input.now });
    } finally {
      core.exports = real;
    }
    handle = policy.handle;
    if (len < 0 || real.evaluate(handle, len) < 0) throw new Error("could not replay the encoded request");
  };
  return {
    id: `evaluate.${input.key}.wasm_only`,
    group: "evaluate",
    name: `evaluate export alone: ${input.name}`,
    before: encode,
    fn: () => real.evaluate(handle, len),
    note: "the request policy.evaluate encoded, evaluated again by the WASM `evaluate` export: no validation, encoding or decoding",
  };
}

const WASM_ONLY = new Set(["small", "full", "cedar_equivalent"]);

export function evaluateCases(ctx) {
  const policies = new Map();
  return ctx.inputs.flatMap((input) => {
    let policy = policies.get(input.passport);
    if (!policy) {
      policy = ctx.engine.compile(input.passport);
      policies.set(input.passport, policy);
    }
    const opts = { now: input.now };
    const { request, counters } = input;
    input.expected = policy.evaluate(request, counters, opts);
    const rules = policy.evaluate(request, counters, { ...opts, explain: true }).evaluated.filter((e) => e.outcome !== "skipped").length;
    const c = {
      id: `evaluate.${input.key}`,
      group: "evaluate",
      name: `policy.evaluate: ${input.name}`,
      fn: () => policy.evaluate(request, counters, opts),
      note: `${outcome(input.expected)}, ${rules} rules evaluated; ${input.source}`,
    };
    return WASM_ONLY.has(input.key) ? [c, wasmOnlyCase(ctx.engine, policy, input)] : [c];
  });
}
