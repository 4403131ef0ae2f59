// The WASM detectors driven as a host drives them (assembly/detect/exports.ts): UTF-8 straight into
// the scratch area, then detect_secret / detect_pii from the end of each finding until none is left.
const FAMILY_SECRET = 0,
  FAMILY_PII = 1;

/** A scanner bound to one engine instance: text in, findings (UTF-8 byte offsets) out. */
export function wasmScanner(engine) {
  const core = engine.core;
  const ex = core.exports;
  const encoder = new TextEncoder();
  const names = [kindNames(core, FAMILY_SECRET), kindNames(core, FAMILY_PII)];

  function family(len, find, table) {
    const out = [];
    for (let from = 0; from < len;) {
      const kind = find(len, from);
      if (kind === 0) break;
      const start = ex.detect_start(),
        end = ex.detect_end();
      out.push({ kind: table[kind], start, end });
      from = end > from ? end : from + 1;
    }
    return out;
  }

  return function scanWasm(text) {
    const max = text.length * 3;
    const ptr = core.io(max); // the detectors read the module's input area

    const len = encoder.encodeInto(text, core.bytes.subarray(ptr, ptr + max)).written;
    return { secrets: family(len, ex.detect_secret, names[0]), pii: family(len, ex.detect_pii, names[1]) };
  };
}

function kindNames(core, family) {
  const out = [""];
  for (let id = 1; ; id++) {
    const n = core.exports.detect_kind_name(family, id);
    if (n === 0) return out;
    out.push(core.readUtf8(core.io(n), n)); // the name is written to the start of the input area
  }
}
