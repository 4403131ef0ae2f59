// The public entry points findSecret / findPii (the byte classes they use are in bytes.ts).
//
// Both scans are one forward pass over UTF-8 bytes in linear memory: one table lookup per byte
// (eight at a time while nothing is found), and a recognizer call only where a byte that can begin
// a token sits at a token start (offset 0, or after a byte not in [A-Za-z0-9_]; every non-ASCII
// byte counts as such a byte). E-mail is the one exception: it is recognised at its "@" (pii.ts).
// No allocation, no regex. A search from `from` still looks at the byte before `from`, so looping
// with `from = matchEnd` sees the same token starts as one scan of the whole string.
// The pair table is filled by top-level code, i.e. the module's start function, which must have run
// (it does on instantiation unless the module is built with --exportStart).

// bytes.ts first: its top-level code fills the class table that the recognizers' and the pair
// table below are built from (AssemblyScript runs top-level code, imports included, in source order).
import { C_AT, C_PII_START, C_SECRET_START, C_WORD, byteAt, classOf } from "./bytes";
import { secretAt, secretEnd } from "./secrets";
import { piiAt, piiEnd, piiStart } from "./pii";

// Result of the last successful find (byte offsets, end exclusive).
export let matchStart: i32 = 0;
export let matchEnd: i32 = 0;


// Candidate table indexed by the byte pair (previous, current) as load<u16>(ptr + i - 1) reads it
// (wasm is little-endian: previous byte low, current byte high; offset 0 pairs with a NUL, which is
// not a word byte). A family's bit is set when its scan must call its recognizer there: one table
// load per byte, instead of two class lookups and a branch.
const PAIR_TABLE: usize = memory.data(256 * 256);
const PAIR_SECRET: u8 = 1;
const PAIR_PII: u8 = 2;

function initPairs(): void {
  for (let cur: i32 = 0; cur < 256; cur++) {
    const c: u16 = classOf(<u8>cur);
    if ((c & (C_SECRET_START | C_PII_START)) == 0) continue;
    for (let prev: i32 = 0; prev < 256; prev++) {
      const start: bool = (classOf(<u8>prev) & C_WORD) == 0;
      let bits: u8 = 0;
      if (start && (c & C_SECRET_START) != 0) bits |= PAIR_SECRET;
      if ((start || (c & C_AT) != 0) && (c & C_PII_START) != 0) bits |= PAIR_PII;
      store<u8>(PAIR_TABLE + <usize>(prev | (cur << 8)), bits);
    }
  }
}
initPairs();

/** Pair bits at offset i >= 1. */
function pairBits(ptr: usize, i: i32): u8 {
  return load<u8>(PAIR_TABLE + <usize>load<u16>(ptr + <usize>(i - 1)));
}

/** Pair bits at offset 0, where the previous byte counts as a NUL. */
function firstPairBits(ptr: usize): u8 {
  return load<u8>(PAIR_TABLE + (<usize>byteAt(ptr, 0) << 8));
}

// Bytes tested per step of the fast path; most steps find no candidate.
const STRIDE: i32 = 8;

/** Union of the pair bits at offsets i .. i + 7 (1 <= i, i + 7 < len). */
function strideBits(ptr: usize, i: i32): u8 {
  const p: usize = ptr + <usize>(i - 1);
  return load<u8>(PAIR_TABLE + <usize>load<u16>(p, 0)) | load<u8>(PAIR_TABLE + <usize>load<u16>(p, 1)) |
    load<u8>(PAIR_TABLE + <usize>load<u16>(p, 2)) | load<u8>(PAIR_TABLE + <usize>load<u16>(p, 3)) |
    load<u8>(PAIR_TABLE + <usize>load<u16>(p, 4)) | load<u8>(PAIR_TABLE + <usize>load<u16>(p, 5)) |
    load<u8>(PAIR_TABLE + <usize>load<u16>(p, 6)) | load<u8>(PAIR_TABLE + <usize>load<u16>(p, 7));
}

/** First offset at or after i where the family's recognizer must run, or len. */
function nextCandidate(ptr: usize, len: i32, i: i32, bit: u8): i32 {
  if (i == 0 && len > 0) {
    if ((firstPairBits(ptr) & bit) != 0) return 0;
    i = 1;
  }
  while (i <= len - STRIDE && (strideBits(ptr, i) & bit) == 0) i += STRIDE;
  for (; i < len; i++) {
    if ((pairBits(ptr, i) & bit) != 0) return i;
  }
  return len;
}

/** Kind id (> 0) of the first secret starting at or after `from`, or 0; sets matchStart/matchEnd. */
export function findSecret(ptr: usize, len: i32, from: i32): i32 {
  let i: i32 = nextCandidate(ptr, len, from > 0 ? from : 0, PAIR_SECRET);
  while (i < len) {
    const kind: i32 = secretAt(ptr, len, i);
    if (kind != 0) {
      matchStart = i;
      matchEnd = secretEnd;
      return kind;
    }
    i = nextCandidate(ptr, len, i + 1, PAIR_SECRET);
  }
  return 0;
}

/** Kind id (> 0) of the first PII token starting at or after `from`, or 0; sets matchStart/matchEnd. */
export function findPii(ptr: usize, len: i32, from: i32): i32 {
  const first: i32 = from > 0 ? from : 0;
  let i: i32 = nextCandidate(ptr, len, first, PAIR_PII);
  while (i < len) {
    const kind: i32 = piiAt(ptr, len, i, first);
    if (kind != 0) {
      matchStart = piiStart;
      matchEnd = piiEnd;
      return kind;
    }
    i = nextCandidate(ptr, len, i + 1, PAIR_PII);
  }
  return 0;
}
