// Fairness check for the scanning comparison: on the benchmark corpus, the RegExp scanner must find
// exactly what the WASM detectors find (same kinds, same matched text). Run alone:
//   node bench/scan/check.mjs        (needs `npm run build`)
import { corpus } from "./corpus.mjs";
import { scanRegex } from "./regex-scanner.mjs";
import { wasmScanner } from "./wasm-scanner.mjs";

const decoder = new TextDecoder();

function wasmFindings(scan, text) {
  const bytes = new TextEncoder().encode(text);
  const r = scan(text);
  const show = (f) => `${f.kind}:${decoder.decode(bytes.subarray(f.start, f.end))}`;
  return { secrets: r.secrets.map(show), pii: r.pii.map(show) };
}

function regexFindings(text) {
  const r = scanRegex(text);
  const show = (f) => `${f.kind}:${text.slice(f.start, f.end)}`;
  return { secrets: r.secrets.map(show), pii: r.pii.map(show) };
}

function diff(a, b) {
  const out = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) out.push({ at: i, wasm: a[i], regex: b[i] });
  return out;
}

/** Compares both scanners on `text`; returns counts and the first differences. */
export function compareScanners(engine, text) {
  const w = wasmFindings(wasmScanner(engine), text),
    r = regexFindings(text);
  const differences = [...diff(w.secrets, r.secrets), ...diff(w.pii, r.pii)];
  return { secrets: w.secrets.length, pii: w.pii.length, differences: differences.slice(0, 5), agree: differences.length === 0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { loadEngine } = await import("../../dist/bindings/index.js");
  const engine = await loadEngine();
  const result = compareScanners(engine, corpus(1 << 20));
  console.log(JSON.stringify(result, null, 2));
  process.exit(result.agree ? 0 : 1);
}
