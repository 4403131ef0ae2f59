// Encodes a request context (any JSON-like value tree) into the pre-order byte form the module
// scans (docs/abi.md "Context"). Iterative, so 10,000-level nesting is fine; rejects values JSON
// cannot carry, naming the path.

import { ByteSink, writeUtf8 } from "./bytes";
import { RequestError } from "./errors";

export const Tag = { Obj: 1, Arr: 2, Str: 3, Num: 4, True: 5, False: 6, Null: 7, Key: 8 } as const;

/** A container being written; `at` is how its parent reached it (key or index), for error paths. */
interface Frame {
  value: object;
  keys: string[] | null;
  i: number;
  at: string | number | null;
}

function describe(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "function") return "a function";
  return typeof v;
}

function segment(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The path of a child of the top frame, built only when an error needs it. */
function pathOf(stack: Frame[], last: string | number | null): string {
  let path = "context";
  for (let i = 1; i < stack.length; i++) path = segment(path, stack[i]!.at!);
  return last === null ? path : segment(path, last);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Writes a scalar; returns false for a container (the caller opens a frame). */
function writeScalar(sink: ByteSink, v: unknown, stack: Frame[], at: string | number): boolean {
  switch (typeof v) {
    case "string":
      sink.u8(Tag.Str);
      sink.str(v);
      return true;
    case "boolean":
      sink.u8(v ? Tag.True : Tag.False);
      return true;
    case "number":
      if (!Number.isFinite(v)) throw badValue(pathOf(stack, at), v);
      sink.u8(Tag.Num);
      sink.str(String(v));
      return true;
    case "object":
      if (v === null) {
        sink.u8(Tag.Null);
        return true;
      }
      if (Array.isArray(v) || isPlainObject(v)) return false;
      throw badValue(pathOf(stack, at), v);
    default:
      throw badValue(pathOf(stack, at), v);
  }
}

function badValue(path: string, v: unknown): RequestError {
  return new RequestError({
    code: "invalid_context",
    path,
    message: `${path} must be a JSON value`,
    expected: "string, finite number, boolean, null, array or plain object",
    found: describe(v),
  });
}

function open(sink: ByteSink, value: object, at: string | number | null, stack: Frame[], onPath: Set<object>): void {
  if (onPath.has(value)) {
    const path = pathOf(stack, at);
    throw new RequestError({ code: "invalid_context", path, message: `${path} refers to itself`, expected: "a tree", found: "a circular reference" });
  }
  onPath.add(value);
  if (Array.isArray(value)) {
    sink.u8(Tag.Arr);
    sink.u32(value.length);
    stack.push({ value, keys: null, i: 0, at });
  } else {
    // Like JSON: a key whose value is undefined is absent.
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    sink.u8(Tag.Obj);
    sink.u32(keys.length);
    stack.push({ value, keys, i: 0, at });
  }
}

/** Encodes `context` (a plain object) into `sink`. */
export function encodeContext(sink: ByteSink, context: object): void {
  const stack: Frame[] = [];
  const onPath = new Set<object>();
  open(sink, context, null, stack, onPath);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const size = top.keys ? top.keys.length : (top.value as unknown[]).length;
    if (top.i >= size) {
      onPath.delete(top.value);
      stack.pop();
      continue;
    }
    let child: unknown, at: string | number;
    if (top.keys) {
      at = top.keys[top.i++]!;
      sink.u8(Tag.Key);
      sink.str(at);
      child = (top.value as Record<string, unknown>)[at];
    } else {
      at = top.i;
      child = (top.value as unknown[])[top.i++] ?? null; // like JSON: undefined in an array is null
    }
    if (!writeScalar(sink, child, stack, at)) open(sink, child as object, at, stack, onPath);
  }
}

// ---- fast path ---------------------------------------------------------------------------------
// Recursive, and writes straight into the module's input area: no frames, no cycle set, no copy.
// It gives up (returns -1) on anything unusual — nesting deeper than FAST_DEPTH (perhaps a cycle),
// a value JSON cannot carry, too little room — and the caller then runs encodeContext above, which
// handles every case and names the path of a bad value. Both write the same bytes.

const FAST_DEPTH = 32;
let out: Uint8Array = new Uint8Array(0);
let outView: DataView = new DataView(out.buffer);
let pos = 0;
let end = 0;

/** Encodes `context` into bytes[at, limit); returns the end offset, or -1 to fall back to encodeContext. */
export function encodeContextInto(bytes: Uint8Array, view: DataView, at: number, limit: number, context: object): number {
  out = bytes;
  outView = view;
  pos = at;
  end = limit;
  return objectFast(context, 0) ? pos : -1;
}

function objectFast(o: object, depth: number): boolean {
  if (depth > FAST_DEPTH || pos + 5 > end) return false;
  out[pos] = Tag.Obj;
  const countAt = pos + 1;
  pos += 5;
  let count = 0;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = (o as Record<string, unknown>)[key];
    if (v === undefined) continue; // like JSON: absent
    if (!textFast(Tag.Key, key) || !valueFast(v, depth)) return false;
    count++;
  }
  outView.setUint32(countAt, count, true);
  return true;
}

function arrayFast(a: unknown[], depth: number): boolean {
  if (depth > FAST_DEPTH || pos + 5 > end) return false;
  out[pos] = Tag.Arr;
  outView.setUint32(pos + 1, a.length, true);
  pos += 5;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!valueFast(v === undefined ? null : v, depth)) return false; // like JSON: undefined in an array is null
  }
  return true;
}

function valueFast(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case "string":
      return textFast(Tag.Str, v);
    case "number":
      return Number.isFinite(v) && textFast(Tag.Num, String(v));
    case "boolean":
      return tagFast(v ? Tag.True : Tag.False);
    case "object": {
      if (v === null) return tagFast(Tag.Null);
      if (Array.isArray(v)) return arrayFast(v, depth + 1);
      return isPlainObject(v) && objectFast(v, depth + 1);
    }
    default:
      return false;
  }
}

function tagFast(tag: number): boolean {
  if (pos >= end) return false;
  out[pos++] = tag;
  return true;
}

/** A tag, a u32 byte length and the UTF-8 bytes. */
function textFast(tag: number, s: string): boolean {
  if (pos + 5 + s.length * 3 > end) return false;
  out[pos] = tag;
  const written = writeUtf8(out, pos + 5, s);
  outView.setUint32(pos + 1, written, true);
  pos += 5 + written;
  return true;
}
