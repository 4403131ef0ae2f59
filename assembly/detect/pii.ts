// PII recognizers (SPEC §5): which PII token, if any, the scan has reached at a candidate byte.
//
// Choices where the spec is silent:
// - Order at one start: IBAN for a letter; SSN, card, North-American phone for a digit; "+" starts
//   only an international phone, "(" only a North-American one. An e-mail wins over any of these
//   that starts inside its local part ("123-45-6789@x.io" is one e-mail).
// - E-mail: the local part is [A-Za-z0-9._%+-]+ and starts with [A-Za-z0-9_] at a token start; the
//   domain is labels of [A-Za-z0-9-] joined by single dots; the match ends after the last label, not
//   the first, made of ≥ 2 ASCII letters ("a@b.com." ends before the dot, "a@b.com.x" is "a@b.com").
//   The local part is at most 64 bytes (RFC 5321): the e-mail starts at the first such token start
//   within the 64 bytes before the "@" ("x"×70 + ".bob@x.io" gives "bob@x.io"). It is recognised
//   when the scan reaches the "@", looking back (never before `from`), so that words are not each
//   looked ahead of for an "@"; a number found inside a local part looks at most 64 bytes ahead.
// - Numbers are taken whole: a match is never preceded or followed by a digit, and an SSN, card or
//   North-American phone is never preceded or followed by one of its own separators next to a
//   digit. Separators: SSN "-"; card one " " or "-" (mixed, any group sizes); phone " ", "-", ".".
//   So "123-45-6789-1" is no SSN but "123-45-6789 1" holds one, "2024 4111 1111 1111 1111" holds
//   no card, "9 555-123-4567" no phone. An international phone runs greedily over its groups.
// - Card: 13–19 digits passing Luhn; no issuer-prefix check (an all-zero run passes Luhn).
// - International phone: "+", a digit, then digit groups joined by at most one of " -." and at most
//   one parenthesis ("+1 (555) 123-4567", "+44 (0)20 7946 0958"); 8–15 digits over the whole run.
// - North-American phone: "(DDD)" with an optional " ", "-" or "." after it, or "DDD" and one of
//   " -."; then "DDD", one of " -.", "DDDD"; optionally after a "1" and one of " -."
//   ("1-800-555-0199"). Ten bare digits are not a phone: too many ids look like that.
// - IBAN: 2 upper-case letters, 2 digits, then [A-Z0-9] groups joined by single spaces, taken
//   greedily (a following upper-case word joins the run and then fails the check); the 11–30
//   characters after the check digits and mod-97 are checked on the whole run. Country codes and
//   per-country lengths are not checked.

import {
  C_ALNUM, C_DASH, C_DIGIT, C_LOWER, C_MAIL_PUNCT, C_NUM_SEP, C_SPACE, C_UPPER, C_UPPER_ALNUM,
  C_WORD, byteAt, byteIs, classOf, hasClass, isDigitAt, isTokenStart, runEnd,
} from "./bytes";
import { CARD_NUMBER, EMAIL, IBAN, PHONE, US_SSN } from "./kinds";

const NO_MATCH: i32 = -1;

const CH_SPACE: u8 = 0x20;
const CH_PLUS: u8 = 0x2b;
const CH_DOT: u8 = 0x2e;
const CH_ZERO: u8 = 0x30;
const CH_ONE: u8 = 0x31;
const CH_NINE: u8 = 0x39;
const CH_AT: u8 = 0x40;
const CH_UPPER_A: u8 = 0x41;
const CH_OPEN_PAREN: u8 = 0x28;
const CH_CLOSE_PAREN: u8 = 0x29;

const MAIL_LOCAL: u16 = C_WORD | C_DASH | C_MAIL_PUNCT; // [A-Za-z0-9._%+-]
const MAIL_LABEL: u16 = C_ALNUM | C_DASH; // [A-Za-z0-9-]
const MAIL_MIN_TLD: i32 = 2;
const MAIL_MAX_LOCAL: i32 = 64;

const CARD_SEP: u16 = C_SPACE | C_DASH;
const CARD_MIN_DIGITS: i32 = 13;
const CARD_MAX_DIGITS: i32 = 19;

const SSN_SEP: u16 = C_DASH;
const SSN_BAD_AREA: i32 = 666;
const SSN_FIRST_BAD_AREA_BLOCK: i32 = 900;

const PHONE_MIN_DIGITS: i32 = 8;
const PHONE_MAX_DIGITS: i32 = 15;

const IBAN_HEAD: i32 = 4; // country code and check digits
const IBAN_MIN_BBAN: i32 = 11;
const IBAN_MAX_BBAN: i32 = 30;
const IBAN_MODULUS: i32 = 97;
const IBAN_LETTER_BASE: i32 = 10; // A = 10 … Z = 35

// Span of the last successful piiAt.
export let piiStart: i32 = 0;
export let piiEnd: i32 = 0;

/**
 * Kind of the PII token found at candidate i (0 if none); sets piiStart/piiEnd. i is a token start,
 * or an "@" whose e-mail starts before it; `from` bounds how far back a local part may reach.
 */
export function piiAt(ptr: usize, len: i32, i: i32, from: i32): i32 {
  const b: u8 = byteAt(ptr, i);
  if (b == CH_AT) return emailAt(ptr, len, i, from, i);
  const c: u16 = classOf(b);
  let kind: i32 = 0;
  if ((c & C_UPPER) != 0) kind = found(ibanEnd(ptr, len, i), IBAN);
  else if ((c & C_DIGIT) != 0) kind = numberAt(ptr, len, i);
  else if (b == CH_PLUS) kind = found(intlPhoneEnd(ptr, len, i), PHONE);
  else if (b == CH_OPEN_PAREN) kind = found(nanpEnd(ptr, len, i), PHONE);
  if (kind == 0) return 0;
  const end: i32 = piiEnd;
  // The token may sit in the local part of an e-mail that starts no later: report the e-mail.
  const at: i32 = runEnd(ptr, len, i, MAIL_LOCAL, i + MAIL_MAX_LOCAL);
  if (byteIs(ptr, len, at, CH_AT) && emailAt(ptr, len, at, from, i) != 0) return EMAIL;
  piiStart = i;
  piiEnd = end;
  return kind;
}

function numberAt(ptr: usize, len: i32, i: i32): i32 {
  let kind: i32 = found(ssnEnd(ptr, len, i), US_SSN);
  if (kind == 0) kind = found(cardEnd(ptr, len, i), CARD_NUMBER);
  if (kind == 0) kind = found(nanpEnd(ptr, len, i), PHONE);
  return kind;
}

function found(end: i32, kind: i32): i32 {
  if (end == NO_MATCH) return 0;
  piiEnd = end;
  return kind;
}

// ---- shared number helpers ------------------------------------------------------------------

/** True when exactly n digits start at j (the byte after them is not a digit). */
function digitsExactly(ptr: usize, len: i32, j: i32, n: i32): bool {
  return runEnd(ptr, len, j, C_DIGIT, j + n + 1) == j + n;
}

/** Decimal value of n digits at j (n small; the caller checked they are digits). */
function digitsValue(ptr: usize, j: i32, n: i32): i32 {
  let v: i32 = 0;
  for (let k: i32 = 0; k < n; k++) v = v * 10 + <i32>(byteAt(ptr, j + k) - CH_ZERO);
  return v;
}

/** A digit run joined by `seps` continues before start (bytes "D<sep>" precede it). */
function extendsBack(ptr: usize, len: i32, start: i32, seps: u16): bool {
  return start >= 2 && hasClass(ptr, len, start - 1, seps) && isDigitAt(ptr, len, start - 2);
}

/** A digit run joined by `seps` continues after end (a digit, or "<sep>D", follows). */
function extendsForward(ptr: usize, len: i32, end: i32, seps: u16): bool {
  return isDigitAt(ptr, len, end) || (hasClass(ptr, len, end, seps) && isDigitAt(ptr, len, end + 1));
}

function takenWhole(ptr: usize, len: i32, start: i32, end: i32, seps: u16): bool {
  return !extendsBack(ptr, len, start, seps) && !extendsForward(ptr, len, end, seps);
}

// ---- e-mail ---------------------------------------------------------------------------------

/** E-mail around the "@" at `at`, if its local part starts in [from, latestStart]. */
function emailAt(ptr: usize, len: i32, at: i32, from: i32, latestStart: i32): i32 {
  const start: i32 = localPartStart(ptr, len, at, from);
  if (start == NO_MATCH || start > latestStart) return 0;
  const end: i32 = domainEnd(ptr, len, at + 1);
  if (end == NO_MATCH) return 0;
  piiStart = start;
  piiEnd = end;
  return EMAIL;
}

/** First token start holding [A-Za-z0-9_] in the run of local-part bytes before `at` (≤ 64 of them). */
function localPartStart(ptr: usize, len: i32, at: i32, from: i32): i32 {
  const limit: i32 = max(from, at - MAIL_MAX_LOCAL);
  let r: i32 = at;
  while (r > limit && hasClass(ptr, len, r - 1, MAIL_LOCAL)) r--;
  for (let p: i32 = r; p < at; p++) {
    if (hasClass(ptr, len, p, C_WORD) && isTokenStart(ptr, p)) return p;
  }
  return NO_MATCH;
}

/** End of the last label (not the first) of ≥ 2 letters, over dot-joined labels from j. */
function domainEnd(ptr: usize, len: i32, j: i32): i32 {
  let end: i32 = NO_MATCH;
  let labels: i32 = 0;
  while (true) {
    const labelEnd: i32 = runEnd(ptr, len, j, MAIL_LABEL, len);
    if (labelEnd == j) break;
    labels++;
    const letters: bool = runEnd(ptr, len, j, C_UPPER | C_LOWER, labelEnd) == labelEnd;
    if (labels >= 2 && letters && labelEnd - j >= MAIL_MIN_TLD) end = labelEnd;
    if (!byteIs(ptr, len, labelEnd, CH_DOT)) break;
    j = labelEnd + 1;
  }
  return end;
}

// ---- US SSN ---------------------------------------------------------------------------------

function ssnEnd(ptr: usize, len: i32, i: i32): i32 {
  // AAA-GG-SSSS
  if (!digitsExactly(ptr, len, i, 3) || !hasClass(ptr, len, i + 3, SSN_SEP)) return NO_MATCH;
  if (!digitsExactly(ptr, len, i + 4, 2) || !hasClass(ptr, len, i + 6, SSN_SEP)) return NO_MATCH;
  if (!digitsExactly(ptr, len, i + 7, 4)) return NO_MATCH;
  const area: i32 = digitsValue(ptr, i, 3);
  const group: i32 = digitsValue(ptr, i + 4, 2);
  const serial: i32 = digitsValue(ptr, i + 7, 4);
  if (area == 0 || area == SSN_BAD_AREA || area >= SSN_FIRST_BAD_AREA_BLOCK) return NO_MATCH;
  if (group == 0 || serial == 0) return NO_MATCH;
  const end: i32 = i + 11;
  return takenWhole(ptr, len, i, end, SSN_SEP) ? end : NO_MATCH;
}

// ---- payment card ---------------------------------------------------------------------------

function cardEnd(ptr: usize, len: i32, i: i32): i32 {
  if (extendsBack(ptr, len, i, CARD_SEP)) return NO_MATCH;
  // Luhn from the left: keep both parities, pick the one that doubles every second digit
  // counted from the right once the length is known.
  let sumDoubleOdd: i32 = 0; // doubles digits at odd offsets from the left
  let sumDoubleEven: i32 = 0; // doubles digits at even offsets from the left
  let n: i32 = 0;
  let j: i32 = i;
  while (true) {
    while (isDigitAt(ptr, len, j)) {
      if (n == CARD_MAX_DIGITS) return NO_MATCH;
      const d: i32 = <i32>(byteAt(ptr, j) - CH_ZERO);
      const twice: i32 = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sumDoubleOdd += (n & 1) != 0 ? twice : d;
      sumDoubleEven += (n & 1) != 0 ? d : twice;
      n++;
      j++;
    }
    if (!hasClass(ptr, len, j, CARD_SEP) || !isDigitAt(ptr, len, j + 1)) break;
    j++;
  }
  if (n < CARD_MIN_DIGITS) return NO_MATCH;
  const sum: i32 = (n & 1) != 0 ? sumDoubleOdd : sumDoubleEven;
  return sum % 10 == 0 ? j : NO_MATCH;
}

// ---- phones ---------------------------------------------------------------------------------

/** Offset after a phone separator at k: at most one of " -." and at most one parenthesis. */
function phoneSepEnd(ptr: usize, len: i32, k: i32): i32 {
  let punct: bool = false;
  let paren: bool = false;
  while (k < len) {
    const b: u8 = byteAt(ptr, k);
    if (!punct && (classOf(b) & C_NUM_SEP) != 0) punct = true;
    else if (!paren && (b == CH_OPEN_PAREN || b == CH_CLOSE_PAREN)) paren = true;
    else break;
    k++;
  }
  return k;
}

function intlPhoneEnd(ptr: usize, len: i32, i: i32): i32 {
  let j: i32 = i + 1;
  if (!isDigitAt(ptr, len, j)) return NO_MATCH;
  let n: i32 = 0;
  let end: i32 = j;
  while (true) {
    const groupEnd: i32 = runEnd(ptr, len, j, C_DIGIT, j + PHONE_MAX_DIGITS - n + 1);
    n += groupEnd - j;
    if (n > PHONE_MAX_DIGITS) return NO_MATCH;
    end = groupEnd;
    const next: i32 = phoneSepEnd(ptr, len, groupEnd);
    if (next == groupEnd || !isDigitAt(ptr, len, next)) break;
    j = next;
  }
  return n >= PHONE_MIN_DIGITS ? end : NO_MATCH;
}

function nanpEnd(ptr: usize, len: i32, i: i32): i32 {
  let j: i32 = i;
  const trunk: bool = byteIs(ptr, len, j, CH_ONE) && hasClass(ptr, len, j + 1, C_NUM_SEP) &&
    (isDigitAt(ptr, len, j + 2) || byteIs(ptr, len, j + 2, CH_OPEN_PAREN));
  if (trunk) j += 2;
  const end: i32 = nanpCoreEnd(ptr, len, j);
  if (end == NO_MATCH || !takenWhole(ptr, len, i, end, C_NUM_SEP)) return NO_MATCH;
  return end;
}

/** "(DDD) DDD-DDDD" or "DDD-DDD-DDDD" (any of " -." as separators) at j. */
function nanpCoreEnd(ptr: usize, len: i32, j: i32): i32 {
  if (byteIs(ptr, len, j, CH_OPEN_PAREN)) {
    if (!digitsExactly(ptr, len, j + 1, 3) || !byteIs(ptr, len, j + 4, CH_CLOSE_PAREN)) return NO_MATCH;
    j += 5;
    if (hasClass(ptr, len, j, C_NUM_SEP)) j++;
  } else {
    if (!digitsExactly(ptr, len, j, 3) || !hasClass(ptr, len, j + 3, C_NUM_SEP)) return NO_MATCH;
    j += 4;
  }
  if (!digitsExactly(ptr, len, j, 3) || !hasClass(ptr, len, j + 3, C_NUM_SEP)) return NO_MATCH;
  if (!digitsExactly(ptr, len, j + 4, 4)) return NO_MATCH;
  return j + 8;
}

// ---- IBAN -----------------------------------------------------------------------------------

function ibanEnd(ptr: usize, len: i32, i: i32): i32 {
  if (!hasClass(ptr, len, i + 1, C_UPPER)) return NO_MATCH;
  if (!isDigitAt(ptr, len, i + 2) || !isDigitAt(ptr, len, i + 3)) return NO_MATCH;
  let j: i32 = i + IBAN_HEAD;
  let n: i32 = 0;
  while (true) {
    if (byteIs(ptr, len, j, CH_SPACE) && hasClass(ptr, len, j + 1, C_UPPER_ALNUM)) j++;
    const groupEnd: i32 = runEnd(ptr, len, j, C_UPPER_ALNUM, j + IBAN_MAX_BBAN - n + 1);
    if (groupEnd == j) break;
    n += groupEnd - j;
    if (n > IBAN_MAX_BBAN) return NO_MATCH;
    j = groupEnd;
  }
  if (n < IBAN_MIN_BBAN) return NO_MATCH;
  return ibanRemainder(ptr, i, j) == 1 ? j : NO_MATCH;
}

/** ISO 13616 check: the BBAN, then the first four characters, as one number mod 97. */
function ibanRemainder(ptr: usize, i: i32, end: i32): i32 {
  let rem: i32 = 0;
  for (let k: i32 = i + IBAN_HEAD; k < end; k++) rem = mod97Step(rem, byteAt(ptr, k));
  for (let k: i32 = i; k < i + IBAN_HEAD; k++) rem = mod97Step(rem, byteAt(ptr, k));
  return rem;
}

function mod97Step(rem: i32, b: u8): i32 {
  if (b == CH_SPACE) return rem;
  if (b <= CH_NINE) return (rem * 10 + <i32>(b - CH_ZERO)) % IBAN_MODULUS;
  return (rem * 100 + <i32>(b - CH_UPPER_A) + IBAN_LETTER_BASE) % IBAN_MODULUS;
}
