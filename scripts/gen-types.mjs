// Regenerates bindings/gen/types.ts and bindings/gen/zod.ts from schemas/*.schema.json; --check compares instead.

import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";
import { jsonSchemaToZod, parseSchema } from "json-schema-to-zod";
import { format } from "prettier";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMAS = join(ROOT, "schemas");
/** Where the generated files go; `--out DIR` redirects them (the tests use it). */
const OUT_ARG = process.argv.indexOf("--out");
const OUT = OUT_ARG > 0 ? resolve(process.argv[OUT_ARG + 1] ?? "") : join(ROOT, "bindings", "gen");
const SHOWN_OUT = OUT_ARG > 0 ? OUT : "bindings/gen";
const BANNER = (what) => `// generated — do not edit. ${what} from schemas/*.schema.json by scripts/gen-types.mjs; run \`npm run gen\`.\n`;
/** Keywords that may sit beside a $ref: annotations only, so inlining never changes what validates. */
const REF_SIBLINGS = new Set(["description", "title", "$comment"]);

// ---- loading and $ref resolution -------------------------------------------------------------

/** Loads every schema, sorted by file name, so the output never depends on directory order. */
function loadSchemas() {
  const files = readdirSync(SCHEMAS)
    .filter((f) => f.endsWith(".schema.json"))
    .sort();
  return files.map((file) => {
    const schema = JSON.parse(readFileSync(join(SCHEMAS, file), "utf8"));
    for (const key of ["$schema", "$id", "title", "description"]) {
      if (typeof schema[key] !== "string") throw new Error(`${file}: ${key} is missing`);
    }
    return { file, schema };
  });
}

/** Finds what a $ref points at: { file, node }. Refs are relative file names plus a JSON pointer. */
function resolveRef(ref, file, byFile) {
  const [where, pointer = ""] = ref.split("#");
  const target = where === "" ? file : where.split("/").pop();
  const doc = byFile.get(target);
  if (!doc) throw new Error(`${file}: $ref ${ref} names no schema file`);
  let node = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = node?.[part];
    if (node === undefined) throw new Error(`${file}: $ref ${ref} points at nothing`);
  }
  return { file: target, node };
}

/**
 * Replaces every $ref by its target, recursively. A bare $ref yields the very same object for
 * the same target, so generators that key on identity name and emit it once.
 */
function inliner(byFile, wrapSiblings) {
  const done = new Map();
  const busy = new Set();
  const walk = (node, file) => {
    if (Array.isArray(node)) return node.map((n) => walk(n, file));
    if (node === null || typeof node !== "object") return node;
    if (typeof node.$ref === "string") return inlineRef(node, file);
    const out = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "$schema" || key === "$id" || key === "$defs") continue;
      out[key] = key === "enum" || key === "const" || key === "default" ? value : walk(value, file);
    }
    return out;
  };
  const target = (ref, file) => {
    const hit = resolveRef(ref, file, byFile);
    if (done.has(hit.node)) return done.get(hit.node);
    if (busy.has(hit.node)) throw new Error(`${file}: $ref ${ref} is recursive, which the generators cannot inline`);
    busy.add(hit.node);
    const result = walk(hit.node, hit.file);
    busy.delete(hit.node);
    done.set(hit.node, result);
    return result;
  };
  const inlineRef = ({ $ref, ...siblings }, file) => {
    for (const key of Object.keys(siblings)) {
      if (!REF_SIBLINGS.has(key)) throw new Error(`${file}: "${key}" beside a $ref is not supported`);
    }
    const shared = target($ref, file);
    return Object.keys(siblings).length === 0 ? shared : wrapSiblings(shared, siblings);
  };
  return { walk, file: (file) => target(file, file), shared: () => [...done.values()] };
}

// ---- TypeScript types ------------------------------------------------------------------------

/** One interface or alias per titled schema, all in one file, generated from one bundle. */
async function generateTypes(docs, byFile) {
  // allOf of one shared object keeps the property's own description and the shared type's name.
  const inline = inliner(byFile, (shared, siblings) => ({ ...siblings, allOf: [shared] }));
  const roots = docs.map(({ file }) => inline.file(file));
  const bundle = {
    title: "WardenSchemaBundle",
    type: "object",
    properties: Object.fromEntries(roots.map((r) => [r.title, r])),
    additionalProperties: false,
  };
  const ts = await compile(bundle, "WardenSchemaBundle", {
    bannerComment: "",
    additionalProperties: false,
    unknownAny: true,
    strictIndexSignatures: true,
    format: false,
    maxItems: -1,
  });
  return BANNER("TypeScript types") + "\n" + dropBundle(ts);
}

/** Removes the bundle's own interface: it exists only so every schema is compiled in one pass. */
function dropBundle(ts) {
  const start = ts.indexOf("export interface WardenSchemaBundle {");
  if (start < 0) throw new Error("json-schema-to-typescript output changed: bundle interface not found");
  const end = ts.indexOf("\n}\n", start);
  return ts.slice(0, start).replace(/\/\*\*(?:(?!\*\/)[\s\S])*\*\/\n$/, "") + ts.slice(end + 3);
}

// ---- zod validators --------------------------------------------------------------------------

/** Extra keywords of our vocabulary: x-wellFormed (no lone surrogates), x-maxUtf8Bytes. */
function stringOverride(schema, refs) {
  const { "x-wellFormed": wellFormed, "x-maxUtf8Bytes": maxBytes, ...rest } = schema;
  if (wellFormed === undefined && maxBytes === undefined) return undefined;
  if (maxBytes !== undefined) delete rest.maxLength; // the byte bound is the real one, and it is tighter
  let out = parseSchema(rest, refs);
  if (wellFormed) {
    out += `.refine(isWellFormedString, { message: "well-formed Unicode (no lone surrogates)", params: { code: "invalid_string" } })`;
  }
  if (maxBytes !== undefined) {
    const message = `1 to ${maxBytes} bytes of UTF-8`;
    out += `.refine((s) => utf8ByteLength(s) <= ${maxBytes}, { message: ${JSON.stringify(message)}, params: { code: "out_of_range" } })`;
  }
  return out;
}

/** An object with known properties, free keys matching patterns, and nothing else. */
function patternObjectOverride(schema, refs) {
  const patterns = schema.patternProperties;
  if (schema.type !== "object" || !patterns || schema.additionalProperties !== false) return undefined;
  const free = Object.values(patterns).every((p) => p === true);
  if (!free) throw new Error("patternProperties must be `true` (free keys): value schemas are not supported");
  const { patternProperties: _p, additionalProperties: _a, ...rest } = schema;
  const known = JSON.stringify(Object.keys(schema.properties ?? {}));
  const regexes = Object.keys(patterns)
    .map((p) => `new RegExp(${JSON.stringify(p)})`)
    .join(", ");
  return (
    parseSchema({ ...rest, additionalProperties: true }, refs).replace(/\.catchall\(z\.any\(\)\)$/, ".catchall(z.unknown())") +
    `.superRefine((value, ctx) => { const known: string[] = ${known}; const free = [${regexes}];` +
    ` for (const key in value) { if (!known.includes(key) && !free.some((re) => re.test(key)))` +
    ` ctx.addIssue({ code: "custom", path: [key], message: "unknown field", params: { code: "unknown_field" } }); } })`
  );
}

/** Every pattern must carry errorMessage.pattern: it is the `expected` users read. */
function checkPatterns(node, where) {
  if (Array.isArray(node)) return node.forEach((n, i) => checkPatterns(n, `${where}/${i}`));
  if (node === null || typeof node !== "object") return;
  if (typeof node.pattern === "string" && typeof node.errorMessage?.pattern !== "string") {
    throw new Error(`${where}: a pattern needs errorMessage.pattern (what a value should look like)`);
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== "errorMessage") checkPatterns(value, `${where}/${key}`);
  }
}

const ZOD_HELPERS = `
/** Whether a string has no lone surrogates (String.prototype.isWellFormed, typed without lib es2024). */
export function isWellFormedString(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** The length of a string in UTF-8 bytes, without encoding it. */
export function utf8ByteLength(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x800) bytes += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? (i++, 2) : 2;
    else if (c >= 0x80) bytes += 1;
  }
  return bytes;
}
`;

/**
 * One exported zod schema per titled schema (each file's root and its shared $defs), declared
 * before first use, so a shared type is written once and named after its title.
 */
async function generateZod(docs, byFile) {
  const inline = inliner(byFile, (shared) => shared); // zod output carries no descriptions
  const shared = new Set();
  const names = new Map();
  const decls = [];
  const declare = (schema) => {
    if (names.has(schema)) return names.get(schema);
    const name = `${schema.title[0].toLowerCase()}${schema.title.slice(1)}Schema`;
    const override = (s, refs) =>
      s !== schema && typeof s.title === "string" && shared.has(s) ? declare(s) : (patternObjectOverride(s, refs) ?? stringOverride(s, refs));
    const opts = { name, module: "esm", noImport: true, withoutDefaults: true, withoutDescribes: true };
    const code = jsonSchemaToZod(schema, { ...opts, parserOverride: override });
    names.set(schema, name);
    decls.push(`\n/** ${schema.description ?? schema.title} */\n${code}`);
    return name;
  };
  const roots = docs.map(({ file, schema }) => (checkPatterns(schema, file), inline.file(file)));
  inline.shared().forEach((s) => shared.add(s));
  roots.forEach(declare);
  const parts = [BANNER("zod validators"), `import * as z from "zod";\n`, ZOD_HELPERS, ...decls];
  parts.push(kindTables(docs, byFile));
  return format(parts.join(""), { parser: "typescript", printWidth: 110 });
}

/**
 * For each object schema, the title of the shared type behind each property ($ref target), so a
 * validator can say "integer cents 0..2^53-1" rather than "a number".
 */
function kindTables(docs, byFile) {
  const tables = {};
  for (const { file, schema } of docs) {
    if (!schema.properties) continue;
    const table = {};
    for (const [key, prop] of Object.entries(schema.properties)) {
      if (typeof prop.$ref !== "string") continue;
      // A $ref to another schema's property (EnforceRequest's fields are EvalRequest's) follows on to its named type.
      let hit = resolveRef(prop.$ref, file, byFile);
      while (hit.node.title === undefined && typeof hit.node.$ref === "string") hit = resolveRef(hit.node.$ref, hit.file, byFile);
      if (hit.node.title !== undefined) table[key] = hit.node.title;
    }
    tables[schema.title] = table;
  }
  const kinds = [...new Set(Object.values(tables).flatMap((t) => Object.values(t)))].sort();
  return (
    `\n/** For each object schema: property -> title of its shared value type. */\n` +
    `export const propertyTypes = ${JSON.stringify(tables)} as const;\n` +
    `export type SchemaTypeName = ${kinds.map((k) => JSON.stringify(k)).join(" | ")};\n` +
    `/** The core: constraint keys, in catalogue order (SPEC §2). */\n` +
    `export const coreConstraintKeys = ${JSON.stringify(Object.keys(tables.Constraints))} as const;\n` +
    `export type CoreConstraintKey = (typeof coreConstraintKeys)[number];\n`
  );
}

// ---- main ------------------------------------------------------------------------------------

async function main() {
  const check = process.argv.includes("--check");
  const docs = loadSchemas();
  const byFile = new Map(docs.map((d) => [d.file, d.schema]));
  const outputs = {
    "types.ts": await format(await generateTypes(docs, byFile), { parser: "typescript", printWidth: 110 }),
    "zod.ts": await generateZod(docs, byFile),
  };
  let stale = 0;
  for (const [name, text] of Object.entries(outputs)) {
    const path = join(OUT, name);
    const current = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (current === text) continue;
    if (check) {
      console.error(`${SHOWN_OUT}/${name} is stale: run \`npm run gen\` and commit the result`);
      stale++;
    } else {
      mkdirSync(OUT, { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${SHOWN_OUT}/${name}`);
    }
  }
  if (check && stale === 0) console.log(`${SHOWN_OUT} is up to date`);
  process.exitCode = stale > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
});
