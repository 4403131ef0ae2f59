// SPEC §11 "Bypasses closed: percent-decoded targets scanned". A secret or PII token written with
// percent escapes (`sk_live%5F…`, `jane%40example.com`) is found too: the guards scan each string
// as written and, where it holds an escape, its percent-decoded form, up to DECODE_ROUNDS times (a
// double encoding `%255F` is decoded twice). `+` stays a plus; an invalid escape stays as written.
// Decoding writes into a scratch area of the module; nothing else is allocated.

import { findPii, findSecret } from "./scan";

/** How many times a string is percent-decoded (1: `%5F`, 2: `%255F`); a triple encoding is not undone. */
export const DECODE_ROUNDS: i32 = 2;

let scratch: usize = 0;
let scratchCap: i32 = 0;

function ensureScratch(len: i32): usize {
  if (len > scratchCap) {
    let cap = scratchCap > 0 ? scratchCap : 1024;
    while (cap < len) cap <<= 1;
    if (scratch != 0) heap.free(scratch);
    scratch = heap.alloc(<usize>cap);
    scratchCap = cap;
  }
  return scratch;
}

function hexValue(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const l = c | 0x20;
  if (l - 0x61 < 6) return <i32>(l - 0x61 + 10);
  return -1;
}

/** Whether bytes [p, p + n) hold a valid escape `%XX`. */
function hasEscape(p: usize, n: i32): bool {
  for (let i = 0; i + 2 < n; i++) {
    if (load<u8>(p + <usize>i) == 0x25 && hexValue(<u32>load<u8>(p + <usize>(i + 1))) >= 0 && hexValue(<u32>load<u8>(p + <usize>(i + 2))) >= 0) return true;
  }
  return false;
}

/** Percent-decodes [src, src + n) into dst (which may be src: the output never outruns the input); returns the new length. */
function decodeInto(src: usize, n: i32, dst: usize): i32 {
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = <u32>load<u8>(src + <usize>i);
    if (c == 0x25 && i + 2 < n) {
      const hi = hexValue(<u32>load<u8>(src + <usize>(i + 1))), lo = hexValue(<u32>load<u8>(src + <usize>(i + 2)));
      if (hi >= 0 && lo >= 0) {
        store<u8>(dst + <usize>o, <u8>((hi << 4) | lo));
        o++;
        i += 2;
        continue;
      }
    }
    store<u8>(dst + <usize>o, <u8>c);
    o++;
  }
  return o;
}

/** `find` on the bytes as written, then on each decoded form; the first kind found, or 0. */
function findDecoded(secret: bool, p: usize, n: i32): i32 {
  let kind = secret ? findSecret(p, n, 0) : findPii(p, n, 0);
  if (kind != 0 || !hasEscape(p, n)) return kind;
  const buf = ensureScratch(n);
  let src = p, len = n;
  for (let round = 0; round < DECODE_ROUNDS; round++) {
    len = decodeInto(src, len, buf);
    src = buf;
    kind = secret ? findSecret(buf, len, 0) : findPii(buf, len, 0);
    if (kind != 0 || !hasEscape(buf, len)) return kind;
  }
  return 0;
}

/** A Finder (context.ts) for the secrets guard: as written, then percent-decoded. */
export function findSecretDecoded(p: usize, n: i32, from: i32): i32 {
  return from == 0 ? findDecoded(true, p, n) : findSecret(p, n, from);
}

/** A Finder (context.ts) for the PII guard: as written, then percent-decoded. */
export function findPiiDecoded(p: usize, n: i32, from: i32): i32 {
  return from == 0 ? findDecoded(false, p, n) : findPii(p, n, from);
}
