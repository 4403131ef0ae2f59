// Encodes a request context (any JSON-like value tree) into the pre-order byte form the module
// scans (docs/abi.md "Context"). Iterative, so 10,000-level nesting is fine; rejects values JSON
// cannot carry, naming the path.

import { ByteSink } from "./bytes";
import { RequestError } from "./errors";

export const Tag = { Obj: 1, Arr: 2, Str: 3, Num: 4, True: 5, False: 6, Null: 7, Key: 8 } as const;

/** A container being written; `at` is how its parent reached it (key or index), for error paths. */
interface Frame { value: object; keys: string[] | null; i: number; at: string | number | null }

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
    case "string": sink.u8(Tag.Str); sink.str(v); return true;
    case "boolean": sink.u8(v ? Tag.True : Tag.False); return true;
    case "number":
      if (!Number.isFinite(v)) throw badValue(pathOf(stack, at), v);
      sink.u8(Tag.Num); sink.str(String(v)); return true;
    case "object":
      if (v === null) { sink.u8(Tag.Null); return true; }
      if (Array.isArray(v) || isPlainObject(v)) return false;
      throw badValue(pathOf(stack, at), v);
    default:
      throw badValue(pathOf(stack, at), v);
  }
}

function badValue(path: string, v: unknown): RequestError {
  return new RequestError({
    code: "invalid_context", path, message: `${path} must be a JSON value`,
    expected: "string, finite number, boolean, null, array or plain object", found: describe(v),
  });
}

function open(sink: ByteSink, value: object, at: string | number | null, stack: Frame[], onPath: Set<object>): void {
  if (onPath.has(value)) {
    const path = pathOf(stack, at);
    throw new RequestError({ code: "invalid_context", path, message: `${path} refers to itself`, expected: "a tree", found: "a circular reference" });
  }
  onPath.add(value);
  if (Array.isArray(value)) {
    sink.u8(Tag.Arr); sink.u32(value.length);
    stack.push({ value, keys: null, i: 0, at });
  } else {
    // Like JSON: a key whose value is undefined is absent.
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    sink.u8(Tag.Obj); sink.u32(keys.length);
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
    if (top.i >= size) { onPath.delete(top.value); stack.pop(); continue; }
    let child: unknown, at: string | number;
    if (top.keys) {
      at = top.keys[top.i++]!;
      sink.u8(Tag.Key); sink.str(at);
      child = (top.value as Record<string, unknown>)[at];
    } else {
      at = top.i;
      child = (top.value as unknown[])[top.i++] ?? null; // like JSON: undefined in an array is null
    }
    if (!writeScalar(sink, child, stack, at)) open(sink, child as object, at, stack, onPath);
  }
}
