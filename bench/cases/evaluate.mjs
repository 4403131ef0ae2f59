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
/** Requests per policy.evaluateMany call in the batch cases. */
export const BATCH = 64;

/**
 * policy.evaluateMany on BATCH copies of the input's request (distinct objects, as a caller's
 * would be), and its twin: the WASM `evaluate` export alone, BATCH times on the bytes
 * policy.evaluate wrote for that request. Their quotient is the batch's cost per decision over
 * the module's.
 */
function manyCases(engine, policy, input) {
  const core = engine.core,
    real = core.exports;
  const batch = Array.from({ length: BATCH }, () => ({ ...input.request }));
  const opts = { now: input.now };
  let saved = null,
    handle = -1;
  const capture = () => {
    let len = -1;
    core.exports = {
      ...real,
      evaluate: (h, n) => {
        len = n;
        return real.evaluate(h, n);
      },
    };
    try {
      policy.evaluate(input.request, input.counters, opts);
    } finally {
      core.exports = real;
    }
    saved = core.bytes.slice(core.inputPtr, core.inputPtr + len);
    handle = policy.handle;
  };
  const many = policy.evaluateMany(batch, input.counters, opts);
  if (JSON.stringify(many) !== JSON.stringify(batch.map((r) => policy.evaluate(r, input.counters, opts)))) {
    throw new Error(`evaluateMany and evaluate disagree on ${input.key}`);
  }
  return [
    {
      id: `evaluate.many.${input.key}`,
      group: "evaluate",
      name: `policy.evaluateMany, ${BATCH} requests: ${input.name}`,
      fn: () => policy.evaluateMany(batch, input.counters, opts),
      note: `one call: ${BATCH} decisions, identical to ${BATCH} policy.evaluate calls (checked); per decision = median ÷ ${BATCH}`,
    },
    {
      id: `evaluate.many.${input.key}.wasm_only`,
      group: "evaluate",
      name: `evaluate export alone × ${BATCH}: ${input.name}`,
      before: capture,
      fn: () => {
        core.bytes.set(saved, core.io(saved.length)); // evaluateMany wrote its batch over the request
        for (let i = 0; i < BATCH; i++) real.evaluate(handle, saved.length);
      },
      note: `the request policy.evaluate encoded, evaluated ${BATCH} times by the WASM \`evaluate\` export`,
    },
  ];
}

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
    return WASM_ONLY.has(input.key) ? [c, wasmOnlyCase(ctx.engine, policy, input), ...manyCases(ctx.engine, policy, input)] : [c];
  });
}
