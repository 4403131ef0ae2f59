// WebAssembly exports of the detectors: a scratch input area, the two scans, the last span, kind names.
//
// Host protocol: p = detect_buf(n); write n UTF-8 bytes at p; kind = detect_secret(n, from) or
// detect_pii(n, from); on kind > 0 read detect_start()/detect_end(); loop with from = detect_end().
// detect_buf may move the area when n grows, so re-read it (and re-create memory views) per call.
// The scratch area is the module's one input area (assembly/io.ts), the same that io_ptr returns.

import { ensureIo, ioBase, ioCapacity } from "../io";
import { findPii, findSecret, matchEnd, matchStart } from "./scan";
import { piiKindName, secretKindName } from "./kinds";

const FAMILY_SECRET: i32 = 0;
const FAMILY_PII: i32 = 1;

/** Pointer to a scratch area of at least `len` bytes (contents are not kept when it grows). */
export function detect_buf(len: i32): usize {
  return ensureIo(len);
}

/** Kind id of the first secret in the first `len` scratch bytes at or after `from`, or 0. */
export function detect_secret(len: i32, from: i32): i32 {
  return findSecret(ioBase(), clampLen(len), from);
}

/** Kind id of the first PII token in the first `len` scratch bytes at or after `from`, or 0. */
export function detect_pii(len: i32, from: i32): i32 {
  return findPii(ioBase(), clampLen(len), from);
}

/** Start byte offset of the last finding. */
export function detect_start(): i32 {
  return matchStart;
}

/** End byte offset (exclusive) of the last finding. */
export function detect_end(): i32 {
  return matchEnd;
}

/** Writes the ASCII name of kind `id` of `family` (0 secret, 1 PII) at the scratch area; its length, 0 if unknown. */
export function detect_kind_name(family: i32, id: i32): i32 {
  const name: string = family == FAMILY_SECRET ? secretKindName(id) : family == FAMILY_PII ? piiKindName(id) : "";
  const ptr: usize = detect_buf(name.length);
  for (let k: i32 = 0; k < name.length; k++) store<u8>(ptr + <usize>k, <u8>name.charCodeAt(k));
  return name.length;
}

function clampLen(len: i32): i32 {
  if (len < 0) return 0;
  const cap = ioCapacity();
  return len < cap ? len : cap;
}
