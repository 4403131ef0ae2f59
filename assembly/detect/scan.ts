// Byte classes shared by the recognizers, and the public entry points findSecret / findPii.
//
// Both scans are one forward pass over UTF-8 bytes in linear memory: one table lookup per byte
// (eight at a time while nothing is found), and a recognizer call only where a byte that can begin
// a token sits at a token start (offset 0, or after a byte not in [A-Za-z0-9_]; every non-ASCII
// byte counts as such a byte). E-mail is the one exception: it is recognised at its "@" (pii.ts).
// No allocation, no regex. A search from `from` still looks at the byte before `from`, so looping
// with `from = matchEnd` sees the same token starts as one scan of the whole string.
// The tables are filled by top-level code, i.e. the module's start function, which must have run
// (it does on instantiation unless the module is built with --exportStart).

// Byte class bits.
export const C_DIGIT: u16 = 1 << 0; // 0-9
export const C_UPPER: u16 = 1 << 1; // A-Z
export const C_LOWER: u16 = 1 << 2; // a-z
export const C_UNDER: u16 = 1 << 3; // _
export const C_DASH: u16 = 1 << 4; // -
export const C_TOKEN_PUNCT: u16 = 1 << 5; // . ~ + / =   (bearer tokens, with - and _)
export const C_MAIL_PUNCT: u16 = 1 << 6; // . % +       (e-mail local parts, with - and _)
export const C_NUM_SEP: u16 = 1 << 7; // space - .   (phone digit-group separators)
export const C_SECRET_START: u16 = 1 << 8; // first byte of some secret token
export const C_PII_START: u16 = 1 << 9; // first byte of a PII token other than e-mail, or "@"
export const C_SPACE: u16 = 1 << 10; // U+0020 only
export const C_AT: u16 = 1 << 11; // @

// Unions used by the recognizers.
export const C_ALNUM: u16 = C_DIGIT | C_UPPER | C_LOWER;
export const C_WORD: u16 = C_ALNUM | C_UNDER;
export const C_UPPER_ALNUM: u16 = C_DIGIT | C_UPPER;

const CLASS_TABLE: usize = memory.data(256 * 2, 2);

function mark(chars: string, bits: u16): void {
  for (let k: i32 = 0; k < chars.length; k++) {
    const at: usize = CLASS_TABLE + (<usize>chars.charCodeAt(k) << 1);
    store<u16>(at, load<u16>(at) | bits);
  }
}

function markRange(first: i32, last: i32, bits: u16): void {
  for (let c: i32 = first; c <= last; c++) {
    const at: usize = CLASS_TABLE + (<usize>c << 1);
    store<u16>(at, load<u16>(at) | bits);
  }
}

function initClasses(): void {
  markRange(0x30, 0x39, C_DIGIT | C_PII_START);
  markRange(0x41, 0x5a, C_UPPER | C_PII_START);
  markRange(0x61, 0x7a, C_LOWER);
  mark("_", C_UNDER);
  mark("-", C_DASH);
  mark(".~+/=", C_TOKEN_PUNCT);
  mark(".%+", C_MAIL_PUNCT);
  mark(" -.", C_NUM_SEP);
  mark(" ", C_SPACE);
  // Digits and A-Z above: numbers and IBANs; + and (: phones; @: e-mail, whatever precedes it.
  mark("+(", C_PII_START);
  mark("@", C_AT | C_PII_START);
  // s/r/p: Stripe and OpenAI; A: AWS, Google; g: GitHub; x: Slack; B/b: Bearer; -: PEM header.
  mark("srpAgxBb-", C_SECRET_START);
}
initClasses();

/** Class bits of one byte. */
export function classOf(b: u8): u16 {
  return load<u16>(CLASS_TABLE + (<usize>b << 1));
}

/** Byte at offset i (the caller guarantees 0 <= i < len). */
export function byteAt(ptr: usize, i: i32): u8 {
  return load<u8>(ptr + <usize>i);
}

/** True when offset i is inside the input and its byte has one of the class bits. */
export function hasClass(ptr: usize, len: i32, i: i32, bits: u16): bool {
  return i < len && (classOf(byteAt(ptr, i)) & bits) != 0;
}

/** True when offset i is inside the input and holds an ASCII digit. */
export function isDigitAt(ptr: usize, len: i32, i: i32): bool {
  return hasClass(ptr, len, i, C_DIGIT);
}

/** True when offset i is inside the input and holds exactly byte b. */
export function byteIs(ptr: usize, len: i32, i: i32, b: u8): bool {
  return i < len && byteAt(ptr, i) == b;
}

/** First offset at or after i whose byte is not in the class, looking no further than `limit`. */
export function runEnd(ptr: usize, len: i32, i: i32, bits: u16, limit: i32): i32 {
  const stop: i32 = limit < len ? limit : len;
  while (i < stop && (classOf(byteAt(ptr, i)) & bits) != 0) i++;
  return i;
}

/** True when bytes at offset i spell `ascii` exactly. */
export function startsWith(ptr: usize, len: i32, i: i32, ascii: string): bool {
  const n: i32 = ascii.length;
  if (n > len - i) return false;
  for (let k: i32 = 0; k < n; k++) {
    if (byteAt(ptr, i + k) != <u8>ascii.charCodeAt(k)) return false;
  }
  return true;
}

// Imported only here, below the byte classes: the recognizers' tables are built from them, and
// AssemblyScript compiles top-level code (imports included) in source order.
import { secretAt, secretEnd } from "./secrets";
import { piiAt, piiEnd, piiStart } from "./pii";

// Result of the last successful find (byte offsets, end exclusive).
export let matchStart: i32 = 0;
export let matchEnd: i32 = 0;

/** True when offset i is a token start: offset 0, or after a byte not in [A-Za-z0-9_]. */
export function isTokenStart(ptr: usize, i: i32): bool {
  return i == 0 || (classOf(byteAt(ptr, i - 1)) & C_WORD) == 0;
}

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
