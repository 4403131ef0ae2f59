// Walks the encoded request context (docs/abi.md "Context") for detection, and renders the JSON
// path of a finding. The walk is iterative: contexts may nest thousands of levels deep.

import { PATH_MAX } from "./constants";
import { TextWriter } from "./io";
import { findPii, findSecret } from "./detect/scan";
import { input } from "./request";

export const enum Tag { Obj = 1, Arr = 2, Str = 3, Num = 4, True = 5, False = 6, Null = 7, Key = 8 }

export type Finder = (ptr: usize, len: i32, from: i32) => i32;

/** Where the last finding was: the offset of its string record, or -1 for the target. */
export let foundAt: i32 = 0;

function hasText(tag: u32): bool { return tag == Tag.Str || tag == Tag.Num || tag == Tag.Key; }

/** Scans every string (keys, values, numbers as text) of the context; returns the first kind found or 0. */
export function scanContext(find: Finder): i32 {
  const base = input.context, end = base + <usize>input.contextLen;
  let p = base;
  while (p < end) {
    const tag = <u32>load<u8>(p);
    if (tag == Tag.Obj || tag == Tag.Arr) { p += 5; continue; }
    if (!hasText(tag)) { p += 1; continue; }
    const n = load<i32>(p, 1);
    if (n < 0 || p + 5 + <usize>n > end) return 0;
    const kind = find(p + 5, n, 0);
    if (kind != 0) { foundAt = <i32>(p - base); return kind; }
    p += 5 + <usize>n;
  }
  return 0;
}

// Walk frames, reused across calls: kind (Obj/Arr), remaining entries, segment (key offset or index), count.
const fKind: Array<i32> = [];
const fLeft: Array<i32> = [];
const fSeg: Array<i32> = [];
const fCount: Array<i32> = [];

function push(kind: i32, count: i32): void { fKind.push(kind); fLeft.push(count); fSeg.push(-1); fCount.push(count); }
function pop(): void { fKind.pop(); fLeft.pop(); fSeg.pop(); fCount.pop(); }

function skipValue(p: usize): usize {
  const tag = <u32>load<u8>(p);
  return hasText(tag) ? p + 5 + <usize>load<i32>(p, 1) : p + 1;
}

/** Writes `context.a[0]["b c"]` for the record at offset `target` (a key is written as `<key>`). */
export function writeContextPath(w: TextWriter, target: i32): void {
  const base = input.context, end = base + <usize>input.contextLen;
  const start = w.len;
  fKind.length = 0; fLeft.length = 0; fSeg.length = 0; fCount.length = 0;
  let p = base;
  if (load<u8>(p) != Tag.Obj) return;
  push(Tag.Obj, load<i32>(p, 1));
  p += 5;
  while (fKind.length > 0 && p < end) {
    const top = fKind.length - 1;
    if (unchecked(fLeft[top]) <= 0) {
      pop();
      if (fKind.length > 0) fLeft[fKind.length - 1]--;
      continue;
    }
    if (unchecked(fKind[top]) == Tag.Obj) {
      if (<i32>(p - base) == target) { writeFrames(w, base, start, true); return; }
      fSeg[top] = <i32>(p - base);
      p = skipValue(p);
    } else {
      fSeg[top] = unchecked(fCount[top]) - unchecked(fLeft[top]);
    }
    if (<i32>(p - base) == target) { writeFrames(w, base, start, false); return; }
    const tag = <u32>load<u8>(p);
    if (tag == Tag.Obj || tag == Tag.Arr) { push(tag, load<i32>(p, 1)); p += 5; continue; }
    p = skipValue(p);
    fLeft[top]--;
  }
}

function writeFrames(w: TextWriter, base: usize, start: i32, inKey: bool): void {
  w.str("context");
  for (let i = 0, n = fKind.length; i < n; i++) {
    if (w.len - start > PATH_MAX) { w.str("..."); return; }
    const seg = unchecked(fSeg[i]);
    if (seg < 0) continue;
    if (unchecked(fKind[i]) == Tag.Arr) { w.byte(0x5b); w.int(seg); w.byte(0x5d); continue; }
    if (inKey && i == n - 1) { w.str(".<key>"); return; }
    writeKey(w, base + <usize>seg);
  }
  if (inKey) w.str(".<key>");
}

function isIdentifier(p: usize, n: i32): bool {
  if (n == 0) return false;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    const alpha = (c | 0x20) - 0x61 < 26 || c == 0x5f || c == 0x24;
    if (!(alpha || (i > 0 && c - 0x30 < 10))) return false;
  }
  return true;
}

/** A key segment; a key that itself holds a secret or PII is never written out. */
function writeKey(w: TextWriter, rec: usize): void {
  const n = load<i32>(rec, 1), p = rec + 5;
  if (findSecret(p, n, 0) != 0 || findPii(p, n, 0) != 0) { w.str(".<redacted>"); return; }
  if (isIdentifier(p, n)) { w.byte(0x2e); w.raw(p, min(n, PATH_MAX)); return; }
  w.str("[\"");
  for (let i = 0; i < n && i < PATH_MAX; i++) {
    const c = <u32>load<u8>(p + <usize>i);
    if (c == 0x22 || c == 0x5c) w.byte(0x5c);
    w.byte(c < 0x20 ? 0x3f : c);
  }
  w.str("\"]");
}
