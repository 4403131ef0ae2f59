// Profiles the policy.evaluate hot path with V8's sampling profiler and prints where the time goes:
// self and inclusive time per function, WASM functions named from build/warden.wat, JS functions
// tagged with their bindings/ source file.
//   node bench/profile.mjs [full|small|small_block|allow_100000_hit|...] [seconds=5] [--many]
// --many profiles policy.evaluateMany on batches of 64 copies of the request instead.
// Writes the raw .cpuprofile (for Chrome DevTools) to the OS temp directory.
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadEngine } from "../dist/bindings/index.js";
import { evaluateInputs } from "./cases/evaluate.mjs";
import { ROOT } from "./lib/inputs.mjs";

const many = process.argv.includes("--many");
const [key = "full", secondsArg = "5"] = process.argv.slice(2).filter((a) => a !== "--many");
const seconds = Number(secondsArg);
const BATCH = 64;
const TOP = 25;

/** wasm-function[i] → $name, from the text format the release build writes beside the binary. */
function wasmNames() {
  const wat = ROOT + "build/warden.wat";
  if (!existsSync(wat)) return [];
  const imports = (readFileSync(wat, "utf8").match(/^ \(import .*\(func /gm) ?? []).length;
  const names = Array(imports).fill("(import)");
  for (const m of readFileSync(wat, "utf8").matchAll(/^ \(func \$(\S+)/gm)) names.push(m[1].replace(/^~lib\//, "lib/").replace(/^assembly\//, ""));
  return names;
}

/** JS function name → bindings/ or enforcer/ file that defines it (the dist bundle keeps names). */
function jsFiles() {
  const out = new Map();
  for (const dir of ["bindings", "enforcer"]) {
    for (const f of readdirSync(ROOT + dir).filter((x) => x.endsWith(".ts"))) {
      const src = readFileSync(ROOT + dir + "/" + f, "utf8");
      for (const m of src.matchAll(/(?:function\s+|^\s+(?:private\s+|static\s+|async\s+)*)([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\(/gm)) {
        if (!out.has(m[1]) && !["if", "for", "while", "switch", "return", "catch"].includes(m[1])) out.set(m[1], `${dir}/${f}`);
      }
    }
  }
  return out;
}

function label(frame, wasm, files) {
  const m = /^wasm-function\[(\d+)\]$/.exec(frame.functionName);
  if (m) return `wasm ${wasm[+m[1]] ?? frame.functionName}`;
  const name = frame.functionName || "(anonymous)";
  if (frame.url.includes("/dist/")) return `${name} (${files.get(name) ?? "dist"})`;
  if (frame.url.startsWith("node:")) return `${name} (${frame.url})`;
  if (frame.url === "") return name;
  return `${name} (${frame.url.split("/").slice(-2).join("/")})`;
}

function summarize(profile, wasm, files) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map();
  for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const self = new Map(),
    incl = new Map();
  for (const [id, n] of hits) {
    const k = label(byId.get(id).callFrame, wasm, files);
    self.set(k, (self.get(k) ?? 0) + n);
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const l = label(byId.get(x).callFrame, wasm, files);
      if (!seen.has(l)) {
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + n);
      }
    }
  }
  const total = profile.samples.length;
  const show = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, TOP)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(6)}%  ${k}`)
      .join("\n");
  const side = { wasm: 0, js: 0, gc: 0, other: 0 };
  for (const [k, v] of self)
    side[k.startsWith("wasm ") ? "wasm" : k.includes("(bindings/") || k.includes("(dist)") ? "js" : k.includes("garbage") ? "gc" : "other"] += v;
  const pct = (v) => `${((100 * v) / total).toFixed(1)}%`;
  return `self time by side: WASM ${pct(side.wasm)}, bindings JS ${pct(side.js)}, GC ${pct(side.gc)}, other (V8 builtins, TextEncoder, loop) ${pct(side.other)}\n\nSELF\n${show(self)}\n\nINCLUSIVE\n${show(incl)}`;
}

const engine = await loadEngine();
const input = evaluateInputs({ engine }).find((x) => x.key === key);
if (!input) throw new Error(`unknown input ${key}`);
const policy = engine.compile(input.passport);
const opts = { now: input.now };
const batch = Array.from({ length: BATCH }, () => ({ ...input.request }));
const run = (ms) => {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (many) {
      for (let i = 0; i < 16; i++) policy.evaluateMany(batch, input.counters, opts);
      n += 16 * BATCH;
      continue;
    }
    for (let i = 0; i < 1000; i++) policy.evaluate(input.request, input.counters, opts);
    n += 1000;
  }
  return n;
};
run(1000); // warm up: let the JIT and wasm tiering settle

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 50 });
await session.post("Profiler.start");
const calls = run(seconds * 1000);
const { profile } = await session.post("Profiler.stop");
session.disconnect();

const file = join(tmpdir(), `warden-evaluate${many ? "-many" : ""}-${key}.cpuprofile`);
writeFileSync(file, JSON.stringify(profile));
console.log(
  `policy.${many ? `evaluateMany (batches of ${BATCH})` : "evaluate"}: ${input.name} — ${calls.toLocaleString("en-US")} decisions in ${seconds} s under the profiler (${((seconds * 1e9) / calls).toFixed(0)} ns/decision, profiler on); profile: ${file}\n`,
);
console.log(summarize(profile, wasmNames(), jsFiles()));
