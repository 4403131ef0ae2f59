// Context scanning for secrets and PII: the WASM detectors against a JavaScript RegExp scanner with
// the same recognizers, on the same text, at 1 KiB, 64 KiB and 1 MiB. Throughput in MB/s (10^6 B/s).
import { compareScanners } from "../scan/check.mjs";
import { corpus } from "../scan/corpus.mjs";
import { scanRegex } from "../scan/regex-scanner.mjs";
import { wasmScanner } from "../scan/wasm-scanner.mjs";

export const SCAN_SIZES = [
  ["1 KiB", 1 << 10],
  ["64 KiB", 1 << 16],
  ["1 MiB", 1 << 20],
];

export function scanCases({ engine }) {
  const full = corpus(1 << 20);
  const agreement = compareScanners(engine, full);
  if (!agreement.agree) throw new Error(`the RegExp scanner disagrees with the WASM detectors: ${JSON.stringify(agreement.differences)}`);
  const scanWasm = wasmScanner(engine);
  const cases = [];
  for (const [label, size] of SCAN_SIZES) {
    const text = corpus(size);
    const bytes = Buffer.byteLength(text);
    const found = scanRegex(text);
    const note = `${found.secrets.length} secrets + ${found.pii.length} PII found`;
    cases.push(
      {
        id: `scan.wasm.${size}`,
        group: "scan",
        name: `scan ${label}: WASM detectors`,
        fn: () => scanWasm(text),
        bytes,
        note: `${note}; includes UTF-8 encoding into memory`,
      },
      { id: `scan.regex.${size}`, group: "scan", name: `scan ${label}: JS RegExp scanner`, fn: () => scanRegex(text), bytes, note },
    );
  }
  return cases;
}

export const SCAN_AGREEMENT_NOTE = "both scanners report identical findings on the 1 MiB corpus (bench/scan/check.mjs)";
