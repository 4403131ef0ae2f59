// Writes the ABI byte layout (schemas/abi-layout.json, the one source) as constants for both sides of
// the boundary: assembly/gen/abi-layout.ts (AssemblyScript) and bindings/gen/abi-layout.ts
// (TypeScript). `--check` compares instead and exits 1 naming each stale file; `--out DIR` writes
// both files into DIR (the tests use it).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const LAYOUT_PATH = join(ROOT, "schemas", "abi-layout.json");
const SIZES = { i64: 8, u64: 8, i32: 4, u32: 4, u16: 2, u8: 1 };
const BANNER = "// generated — do not edit. The ABI byte layout from schemas/abi-layout.json by scripts/gen-abi.mjs; run `npm run gen`.\n";

/** Offsets of the request header's fields, each after the one before; checks names, types and alignment. */
export function requestOffsets(layout) {
  const fields = [];
  const seen = new Set();
  let at = 0;
  for (const f of layout.request.fields) {
    const size = SIZES[f.type];
    if (size === undefined) throw new Error(`request field ${f.name}: unknown type ${f.type}`);
    if (!/^[A-Z][A-Z0-9_]*$/.test(f.name) || seen.has(f.name)) throw new Error(`request field ${f.name}: bad or repeated name`);
    if (at % size !== 0) throw new Error(`request field ${f.name}: offset ${at} is not aligned to ${size}`);
    seen.add(f.name);
    fields.push({ ...f, offset: at, size });
    at += size;
  }
  if (at % 16 !== 0) throw new Error(`the request header (${at} bytes) must keep the 16-byte alignment of what follows`);
  const first = fields.find((f) => f.name === layout.request.counterBlockFirst);
  if (!first) throw new Error(`counterBlockFirst names no field: ${layout.request.counterBlockFirst}`);
  const counters = fields.filter((f) => f.counter !== undefined);
  counters.forEach((f, i) => {
    if (f.type !== "i64" || f.offset !== first.offset + i * 8) throw new Error(`counter ${f.counter} must be the i64 number ${i} of the counter block`);
  });
  return { fields, header: at, counterBlock: { start: first.offset, length: at - first.offset }, counters };
}

function flagTables(layout) {
  return Object.entries(layout.flags).map(([name, table]) => {
    const bits = Object.entries(table).filter(([k]) => k !== "$comment");
    for (const [k, v] of bits) if (!Number.isInteger(Math.log2(v))) throw new Error(`${name}.${k} = ${v} is not one bit`);
    if (new Set(bits.map(([, v]) => v)).size !== bits.length) throw new Error(`${name}: two flags share a bit`);
    return { name, comment: table.$comment, bits };
  });
}

/** Numbered choices: distinct integer values per enum. */
function enumTables(layout) {
  return Object.entries(layout.enums ?? {})
    .filter(([k]) => k !== "$comment")
    .map(([name, table]) => {
      const values = Object.entries(table);
      if (values.some(([, v]) => !Number.isInteger(v)) || new Set(values.map(([, v]) => v)).size !== values.length) {
        throw new Error(`${name}: values must be distinct integers`);
      }
      return [name, values];
    });
}

const fieldDoc = (f) => f.doc ?? f.counter;

/** Offsets of each struct's fields, in order of definition (a struct may repeat one defined before it). */
export function structOffsets(layout) {
  const done = new Map();
  for (const [name, s] of Object.entries(layout.structs ?? {})) {
    if (name === "$comment") continue;
    let at = 0;
    let maxAlign = 1;
    const fields = s.fields.map((f) => {
      const inner = done.get(f.type);
      const unit = SIZES[f.type] ?? inner?.size;
      if (unit === undefined) throw new Error(`${name}.${f.name}: unknown type ${f.type} (define a struct before using it)`);
      const align = SIZES[f.type] ?? inner.align;
      if (at % align !== 0) throw new Error(`${name}.${f.name}: offset ${at} is not aligned to ${align}`);
      maxAlign = Math.max(maxAlign, align);
      const out = { ...f, offset: at, size: unit * (f.count ?? 1), stride: unit };
      at += out.size;
      return out;
    });
    if (!s.packed && at % maxAlign !== 0) throw new Error(`${name}: its size ${at} must be a multiple of its alignment ${maxAlign}`);
    done.set(name, { name, prefix: s.prefix, doc: s.doc, fields, size: at, align: maxAlign });
  }
  return [...done.values()];
}

function structLines(layout, typed) {
  const out = [];
  for (const s of structOffsets(layout)) {
    out.push(`/** ${s.doc} */`);
    for (const f of s.fields) {
      const what = f.count ? `${f.count} × ${f.type} (${f.stride} bytes each)` : f.type;
      out.push(`export const ${s.prefix}_${f.name}${typed} = ${f.offset}; // ${what} ${f.doc ?? ""}`.trimEnd());
      if (f.count) out.push(`export const ${s.prefix}_${f.name}_MAX${typed} = ${f.count};`);
    }
    out.push(`export const ${s.prefix}_SIZE${typed} = ${s.size};`);
  }
  const constants = Object.entries(layout.constants ?? {}).filter(([k]) => k !== "$comment");
  if (constants.length > 0) out.push(`/** ${layout.constants.$comment} */`);
  for (const [k, v] of constants) out.push(`export const ${k}${typed} = ${v};`);
  return out;
}

/** The AssemblyScript side: `R_*` offsets, the header and counter-block sizes, flags as const enums. */
export function generateAs(layout) {
  const r = requestOffsets(layout);
  const out = [BANNER.trimEnd(), "", `/** Byte offsets in the request header (docs/abi.md "Request"). */`];
  for (const f of r.fields) out.push(`export const R_${f.name}: i32 = ${f.offset}; // ${f.type} ${fieldDoc(f)}`);
  out.push(`/** The header's length: the time-zone offsets start here. */`, `export const REQ_HEADER: i32 = ${r.header};`);
  out.push(`/** The counter block: request bytes ${r.counterBlock.start}..${r.header - 1}, the layout of a counter-state snapshot. */`);
  out.push(`export const COUNTER_BLOCK_START: i32 = ${r.counterBlock.start};`, `export const COUNTER_BLOCK: i32 = ${r.counterBlock.length};`);
  for (const t of flagTables(layout)) {
    out.push(`/** ${t.comment} */`, `export const enum ${t.name} { ${t.bits.map(([k, v]) => `${k} = ${v}`).join(", ")} }`);
  }
  for (const [name, values] of enumTables(layout)) {
    out.push(`export const enum ${name} { ${values.map(([k, v]) => `${k} = ${v}`).join(", ")} }`);
  }
  out.push(...structLines(layout, ": i32"));
  return unique(out).join("\n") + "\n";
}

/** The TypeScript side: the same names, flags as frozen objects, and the counter block's snapshot fields. */
export function generateTs(layout) {
  const r = requestOffsets(layout);
  const out = [BANNER.trimEnd(), "", `/** Byte offsets in the request header (docs/abi.md "Request"). */`];
  for (const f of r.fields) out.push(`export const R_${f.name} = ${f.offset}; // ${f.type} ${fieldDoc(f)}`);
  out.push(`/** The header's length: the time-zone offsets start here. */`, `export const REQ_HEADER = ${r.header};`);
  out.push(`/** The counter block: request bytes ${r.counterBlock.start}..${r.header - 1}, the layout of a counter-state snapshot. */`);
  out.push(`export const COUNTER_BLOCK_START = ${r.counterBlock.start};`, `export const COUNTER_BLOCK = ${r.counterBlock.length};`);
  out.push(`/** The i64 counters of the counter block, in order from COUNTER_BLOCK_START (SPEC §6 field names). */`);
  out.push(`export const COUNTER_BLOCK_FIELDS = [${r.counters.map((f) => JSON.stringify(f.counter)).join(", ")}] as const;`);
  for (const t of flagTables(layout)) {
    out.push(`/** ${t.comment} */`, `export const ${t.name} = Object.freeze({ ${t.bits.map(([k, v]) => `${k}: ${v}`).join(", ")} } as const);`);
  }
  for (const [name, values] of enumTables(layout)) {
    out.push(`export const ${name} = Object.freeze({ ${values.map(([k, v]) => `${k}: ${v}`).join(", ")} } as const);`);
  }
  out.push(...structLines(layout, ""));
  return unique(out).join("\n") + "\n";
}

/** Refuses a table in which two constants would get one name. */
function unique(lines) {
  const seen = new Set();
  for (const line of lines) {
    const name = /^export const (?:enum )?(\w+)/.exec(line)?.[1];
    if (name === undefined) continue;
    if (seen.has(name)) throw new Error(`two constants are named ${name}`);
    seen.add(name);
  }
  return lines;
}

export function loadLayout(path = LAYOUT_PATH) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function main() {
  const check = process.argv.includes("--check");
  const outArg = process.argv.indexOf("--out");
  const outDir = outArg > 0 ? resolve(process.argv[outArg + 1] ?? "") : null;
  const layout = loadLayout();
  const targets = [
    [outDir ? join(outDir, "assembly-abi-layout.ts") : join(ROOT, "assembly", "gen", "abi-layout.ts"), generateAs(layout)],
    [outDir ? join(outDir, "bindings-abi-layout.ts") : join(ROOT, "bindings", "gen", "abi-layout.ts"), generateTs(layout)],
  ];
  let stale = 0;
  for (const [path, text] of targets) {
    const shown = path.startsWith(ROOT + "/") ? path.slice(ROOT.length + 1) : path;
    const current = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (current === text) continue;
    if (check) {
      console.error(`${shown} is stale: run \`npm run gen\` and commit the result`);
      stale++;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${shown}`);
    }
  }
  if (check && stale === 0) console.log("the ABI layout constants are up to date");
  process.exitCode = stale > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 2;
  }
}
