// Parsed YAML/JSON documents that remember where each value came from, so messages can cite lines.

import { readFile } from "node:fs/promises";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from "yaml";

export type Segment = string | number;

/** A file that cannot be read or parsed, with the line where the parser stopped. */
export interface SourceError {
  code: "file_not_found" | "unreadable_file" | "invalid_yaml";
  line?: number;
  message: string;
}

/** A document read from a file: its value, and the line of any path into it. */
export interface Source {
  /** The path as the user should see it (relative to the working directory when possible). */
  readonly file: string;
  readonly value: unknown;
  readonly errors: readonly SourceError[];
  /** The line of the value at `path`, or of its deepest existing ancestor. */
  lineOf(path: readonly Segment[]): number | undefined;
}

/** Parses YAML (JSON is YAML too), with merge keys (`<<: *base`) and unique keys. */
export function parseSource(file: string, text: string): Source {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, merge: true, uniqueKeys: true, prettyErrors: false });
  const errors: SourceError[] = doc.errors.map((e) => ({ code: "invalid_yaml", line: counter.linePos(e.pos[0]).line, message: firstLine(e.message) }));
  let value: unknown = null;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 10_000 });
    } catch (err) {
      errors.push({ code: "invalid_yaml", message: firstLine(err instanceof Error ? err.message : String(err)) });
    }
  }
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : counter.linePos(offset).line);
  return { file, value, errors, lineOf: (path) => lineAt(offsetOf(doc, path)) };
}

/** Reads and parses a file; a missing or unreadable file becomes an error, not an exception. */
export async function readSource(absPath: string, shown: string): Promise<Source> {
  let text: string;
  try {
    text = await readFile(absPath, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    const error: SourceError = missing
      ? { code: "file_not_found", message: "no such file" }
      : { code: "unreadable_file", message: `cannot read it (${(err as Error).message})` };
    return { file: shown, value: undefined, errors: [error], lineOf: () => undefined };
  }
  return parseSource(shown, text);
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** Walks the syntax tree along `path`; through aliases and merge keys; stops at the deepest match. */
function offsetOf(doc: Document, path: readonly Segment[]): number | undefined {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    node = resolve(doc, node);
    if (isMap(node)) {
      const pair = findPair(doc, node.items, seg);
      if (!pair) return offset;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item: unknown = node.items[seg];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function findPair(doc: Document, items: readonly Pair<unknown, unknown>[], seg: Segment): Pair<unknown, unknown> | undefined {
  const own = items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
  if (own) return own;
  for (const p of items) {
    if (!isScalar(p.key) || p.key.value !== "<<") continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (const s of sources) {
      const target = resolve(doc, s);
      const found = isMap(target) ? findPair(doc, target.items, seg) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/** The inverse of bindings' renderPath: `cases[2].constraints["core:x"]` → ["cases", 2, "constraints", "core:x"]. */
export function parsePath(rendered: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z_$][A-Za-z0-9_$]*)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < rendered.length && (m = re.exec(rendered)) !== null) {
    if (m[1] !== undefined) out.push(Number(m[1]));
    else if (m[2] !== undefined) out.push(JSON.parse(m[2]) as string);
    else out.push(m[3]!);
  }
  return out;
}
