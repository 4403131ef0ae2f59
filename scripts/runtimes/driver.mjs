// The program every runtime runs (copied into the test project beside runner.mjs and corpus.json):
// cold start (import the package, load the engine, compile the README passport, first decision),
// the loadEngineSync check, then the conformance corpus. Imports "agent-warden" by name, so each
// runtime's own package.json `exports` resolution picks the entry under test.
import { runCorpus, runOutcomes } from "./runner.mjs";
import corpus from "./corpus.json" with { type: "json" };
import divergences from "./known-divergences.json" with { type: "json" };
import cold from "./cold.json" with { type: "json" };

function runtimeName() {
  if (typeof Deno !== "undefined") return `deno ${Deno.version.deno}`;
  if (typeof Bun !== "undefined") return `bun ${Bun.version}`;
  if (typeof process !== "undefined" && process.versions?.node) return `node ${process.version}`;
  return typeof navigator !== "undefined" ? navigator.userAgent : "unknown";
}

function resolved() {
  try {
    return import.meta.resolve("agent-warden");
  } catch {
    return null;
  }
}

const round = (ms) => Math.round(ms * 1000) / 1000;

/**
 * @param {{ load?: () => Promise<any>, corpus?: boolean }} options
 *   load: how to get the package (default: `import("agent-warden")`; the CommonJS driver passes require)
 */
export async function main({ load = () => import("agent-warden"), corpus: withCorpus = true } = {}) {
  const t0 = performance.now();
  const warden = await load();
  const t1 = performance.now();
  const engine = await warden.loadEngine();
  const t2 = performance.now();
  const policy = engine.compile(cold.passport);
  const t3 = performance.now();
  const first = policy.evaluate(cold.request, undefined, { now: cold.now });
  const t4 = performance.now();

  let sync;
  try {
    const again = warden.loadEngineSync().compile(cold.passport).evaluate(cold.request, undefined, { now: cold.now });
    sync = JSON.stringify(again) === JSON.stringify(first) ? "ok" : `differs: ${JSON.stringify(again)}`;
  } catch (err) {
    sync = `error: ${err?.message ?? err}`;
  }

  const out = {
    runtime: runtimeName(),
    resolved: typeof import.meta.resolve === "function" ? resolved() : null,
    cold: {
      import_ms: round(t1 - t0),
      load_engine_ms: round(t2 - t1),
      compile_ms: round(t3 - t2),
      first_decision_ms: round(t4 - t3),
      total_ms: round(t4 - t0),
    },
    first: first.decision,
    sync,
  };
  if (withCorpus) Object.assign(out, { divergences: runOutcomes(engine, divergences.cases) }, await runCorpus(engine, corpus));
  return out;
}
