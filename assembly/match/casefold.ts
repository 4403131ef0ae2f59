// Case folding of actions and action patterns beyond ASCII (SPEC §3 "compared case-insensitively"):
// the simple lower-case mapping of casefold-table.ts, one code point at a time. ASCII letters are
// still folded by `lower` while matching, so only text with a byte >= 0x80 is rewritten here.

import { CASEFOLD_RUNS, CASEFOLD_TABLE } from "./casefold-table";

/** The simple lower case of a code point (itself when it has none or it is longer than one code point). */
export function lowerCodePoint(c: u32): u32 {
  let lo = 0, hi = CASEFOLD_RUNS - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((load<u32>(CASEFOLD_TABLE + (<usize>mid << 3)) & 0x1fffff) <= c) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  if (found < 0) return c;
  const at = CASEFOLD_TABLE + (<usize>found << 3);
  const w0 = load<u32>(at), w1 = load<i32>(at, 4);
  const off = c - (w0 & 0x1fffff);
  if (off >= (w0 >>> 21)) return c;
  if ((w1 & 1) != 0 && (off & 1) != 0) return c;
  return <u32>(<i32>c + (w1 >> 1));
}

/** True when some byte of [p, p+n) is not ASCII. */
export function hasNonAscii(p: usize, n: i32): bool {
  let i = 0;
  for (; i + 8 <= n; i += 8) if ((load<u64>(p + <usize>i) & 0x8080808080808080) != 0) return true;
  for (; i < n; i++) if (load<u8>(p + <usize>i) >= 0x80) return true;
  return false;
}

/** The most bytes folding `n` bytes can produce (a 2-byte letter may fold to a 3-byte one). */
// @ts-ignore: decorator
@inline export function foldedCapacity(n: i32): i32 { return n + (n >> 1) + 4; }

/**
 * Writes the fold of the UTF-8 text [p, p+n) at `out` (room for foldedCapacity(n) bytes) and
 * returns its length. Bytes that do not decode as UTF-8 are copied as they are; never traps.
 */
export function foldUtf8(p: usize, n: i32, out: usize): i32 {
  let i = 0, o = 0;
  while (i < n) {
    const b0 = <u32>load<u8>(p + <usize>i);
    if (b0 < 0x80) { store<u8>(out + <usize>o, <u8>b0); o++; i++; continue; }
    let c: u32 = 0, len = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf && i + 1 < n) {
      const b1 = <u32>load<u8>(p + <usize>i + 1);
      if ((b1 & 0xc0) == 0x80) { c = ((b0 & 0x1f) << 6) | (b1 & 0x3f); len = 2; }
    } else if (b0 >= 0xe0 && b0 <= 0xef && i + 2 < n) {
      const b1 = <u32>load<u8>(p + <usize>i + 1), b2 = <u32>load<u8>(p + <usize>i + 2);
      if ((b1 & 0xc0) == 0x80 && (b2 & 0xc0) == 0x80) {
        c = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
        if (c >= 0x800 && (c < 0xd800 || c > 0xdfff)) len = 3;
      }
    } else if (b0 >= 0xf0 && b0 <= 0xf4 && i + 3 < n) {
      const b1 = <u32>load<u8>(p + <usize>i + 1), b2 = <u32>load<u8>(p + <usize>i + 2), b3 = <u32>load<u8>(p + <usize>i + 3);
      if ((b1 & 0xc0) == 0x80 && (b2 & 0xc0) == 0x80 && (b3 & 0xc0) == 0x80) {
        c = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
        if (c >= 0x10000 && c <= 0x10ffff) len = 4;
      }
    }
    if (len == 0) { store<u8>(out + <usize>o, <u8>b0); o++; i++; continue; } // undecodable: itself
    i += len;
    const d = lowerCodePoint(c);
    if (d < 0x80) {
      store<u8>(out + <usize>o, <u8>d); o++;
    } else if (d < 0x800) {
      store<u8>(out + <usize>o, <u8>(0xc0 | (d >> 6)));
      store<u8>(out + <usize>o + 1, <u8>(0x80 | (d & 0x3f)));
      o += 2;
    } else if (d < 0x10000) {
      store<u8>(out + <usize>o, <u8>(0xe0 | (d >> 12)));
      store<u8>(out + <usize>o + 1, <u8>(0x80 | ((d >> 6) & 0x3f)));
      store<u8>(out + <usize>o + 2, <u8>(0x80 | (d & 0x3f)));
      o += 3;
    } else {
      store<u8>(out + <usize>o, <u8>(0xf0 | (d >> 18)));
      store<u8>(out + <usize>o + 1, <u8>(0x80 | ((d >> 12) & 0x3f)));
      store<u8>(out + <usize>o + 2, <u8>(0x80 | ((d >> 6) & 0x3f)));
      store<u8>(out + <usize>o + 3, <u8>(0x80 | (d & 0x3f)));
      o += 4;
    }
  }
  return o;
}

// The request's action, folded when it has a non-ASCII byte: one buffer, reused, grown on demand.
let actionScratch = new StaticArray<u8>(256);

/** Folds [p, p+n) into the action scratch buffer; returns the buffer (the length is in `foldedLen`). */
export function foldIntoScratch(p: usize, n: i32): usize {
  const need = foldedCapacity(n);
  if (actionScratch.length < need) actionScratch = new StaticArray<u8>(need);
  const out = changetype<usize>(actionScratch);
  foldedLen = foldUtf8(p, n, out);
  return out;
}
export let foldedLen: i32 = 0;
