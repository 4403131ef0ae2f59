// Byte classes shared by the recognizers (secrets.ts, pii.ts) and the scan (scan.ts), and the small
// byte tests they are written with. The class table is filled by top-level code, i.e. the module's
// start function, which must have run (it does on instantiation unless built with --exportStart).


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

/** True when offset i is a token start: offset 0, or after a byte not in [A-Za-z0-9_]. */
export function isTokenStart(ptr: usize, i: i32): bool {
  return i == 0 || (classOf(byteAt(ptr, i - 1)) & C_WORD) == 0;
}
