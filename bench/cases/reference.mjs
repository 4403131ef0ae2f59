// The TypeScript reference model (test/reference/, issue 5) on the evaluate inputs. The model is
// TypeScript outside the package, so it is bundled with esbuild into a temporary file first. While
// it is missing, or its API is not recognised, its cases are reported as pending.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../lib/inputs.mjs";

const DIR = "test/reference/";
const ENTRIES = ["index.ts", "model.ts", "reference.ts", "evaluate.ts"];
const FUNCTIONS = ["decide", "evaluate", "referenceEvaluate", "evaluateReference"];

/** Call shapes tried in turn; the first whose answer matches the engine's decision is used. */
const SHAPES = [
  (f, x) => f(x.passport, x.request, x.counters, x.now),
  (f, x) => f(x.passport, x.request, x.counters, new Date(x.now).toISOString()),
  (f, x) => f(x.passport, x.request, x.counters, { now: x.now }),
  (f, x) => f({ passport: x.passport, request: x.request, counters: x.counters, now: x.now }),
];

async function loadModel() {
  if (!existsSync(ROOT + DIR)) return { reason: `${DIR} is not there yet` };
  const entry = ENTRIES.find((e) => existsSync(ROOT + DIR + e));
  if (!entry) return { reason: `${DIR} has no entry point (${ENTRIES.join(", ")}); found ${readdirSync(ROOT + DIR).join(", ")}` };
  const { build } = await import("esbuild");
  const out = join(mkdtempSync(join(tmpdir(), "warden-bench-")), "reference.mjs");
  try {
    await build({
      entryPoints: [ROOT + DIR + entry],
      outfile: out,
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      logLevel: "silent",
    });
  } catch (err) {
    return { reason: `${DIR}${entry} does not build: ${String(err.message).split("\n")[0]}` };
  }
  const mod = await import(out);
  const fns = FUNCTIONS.filter((n) => typeof mod[n] === "function").map((n) => [n, mod[n]]);
  if (fns.length === 0) return { reason: `${DIR}${entry} exports none of ${FUNCTIONS.join(", ")} (it has ${Object.keys(mod).join(", ")})` };
  return { entry, fns };
}

function adapt(model, input) {
  for (const [name, f] of model.fns) {
    for (const shape of SHAPES) {
      try {
        const d = shape(f, input);
        if (d && d.decision === input.expected.decision && d.reason === input.expected.reason) return { name, call: () => shape(f, input) };
      } catch {
        /* try the next shape */
      }
    }
  }
  return null;
}

export async function referenceCases({ inputs, only }) {
  const model = await loadModel();
  const wanted = inputs.filter((x) => !x.key.startsWith("small_block") && !x.key.endsWith("_miss") && x.key !== "cedar_equivalent");
  return wanted.map((input) => {
    const base = { id: `reference.${input.key}`, group: "reference", name: `reference model: ${input.name}` };
    if (model.reason) return { ...base, pending: model.reason };
    const a = adapt(model, input);
    if (!a)
      return { ...base, pending: `${DIR}${model.entry}: no call shape gave the engine's decision (${input.expected.decision}, ${input.expected.reason})` };
    return { ...base, fn: a.call, note: `\`${a.name}\` from ${DIR}${model.entry}; same decision as the engine` };
  });
}
