// Reference model, detection (SPEC §5, §10 "Detection ends"): does a string hold a secret, or PII?
// Plain regular expressions and loops, one per recognizer, in the words of the SPEC. Slow is fine.
//
// Where SPEC §5 is silent, the model follows the choices documented in assembly/detect/*.ts
// (written down there as the SPEC asks), restated here so a reader can check them one by one:
// - AIza takes exactly 35 body characters ("35 of", unlike the "≥ n" tokens around it).
// - Private keys: "-----BEGIN " + label words of [A-Z0-9] each followed by one space (≤ 40 chars
//   in all) + "PRIVATE KEY-----".
// - Bearer: the spaces are U+0020 or tabs (SPEC §11).
// - E-mail: local part [A-Za-z0-9._%+-], at most the 64 characters before "@", starting with a
//   word character at a token start; domain: labels [A-Za-z0-9-]+ joined by single dots, a later
//   (not the first) label of ≥ 2 ASCII letters ends it.
// - Numbers are taken whole with their own separators too: an SSN ("-"), card (" " or "-") or
//   North-American phone (" ", "-", ".") is never preceded by "digit, separator" nor followed by
//   "separator, digit". A North-American phone may follow a trunk "1" and one separator.
//   Ten bare digits are no phone.
// - International phone: "+", then digit groups joined by at most one of " -." and at most one
//   parenthesis; 8–15 digits over the whole greedy run.

/** A token starts at the beginning of a string or after a character that is not [A-Za-z0-9_]. */
const START = "(?<![A-Za-z0-9_])";
const isWordChar = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9_]$/.test(c);
const tokenStart = (s: string, i: number): boolean => !isWordChar(s[i - 1]);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

const SECRETS: readonly RegExp[] = [
  new RegExp(`${START}sk-[A-Za-z0-9_-]{20}`),
  new RegExp(`${START}(?:sk_live_|sk_test_|rk_live_|pk_live_|pk_test_)[A-Za-z0-9]{16}`),
  new RegExp(`${START}(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])`),
  new RegExp(`${START}(?:ghp_|gho_|ghu_|ghs_|ghr_)[A-Za-z0-9]{36}`),
  new RegExp(`${START}github_pat_[A-Za-z0-9_]{22}`),
  new RegExp(`${START}[Bb][Ee][Aa][Rr][Ee][Rr][ \\t]+[A-Za-z0-9._~+/=-]{16}`),
  new RegExp(`${START}(?:xoxb-|xoxp-|xoxa-|xoxr-|xoxs-)[A-Za-z0-9-]{10}`),
  new RegExp(`${START}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`),
];
const PRIVATE_KEY = new RegExp(`${START}-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----`, "g");

export function hasSecret(s: string): boolean {
  if (SECRETS.some((re) => re.test(s))) return true;
  for (const m of s.matchAll(PRIVATE_KEY)) if (m[1]!.length <= 40) return true;
  return false;
}

// ---- PII ---------------------------------------------------------------------------------------

function hasEmail(s: string): boolean {
  for (let at = s.indexOf("@"); at >= 0; at = s.indexOf("@", at + 1)) {
    let from = at;
    while (from > 0 && at - from < 64 && /[A-Za-z0-9._%+-]/.test(s[from - 1]!)) from--;
    let local = false;
    for (let p = from; p < at && !local; p++) local = isWordChar(s[p]) && tokenStart(s, p);
    if (!local) continue;
    const labels = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*/.exec(s.slice(at + 1))?.[0].split(".") ?? [];
    if (labels.slice(1).some((l) => /^[A-Za-z]{2,}$/.test(l))) return true;
  }
  return false;
}

/** Taken whole: not preceded by "digit, separator", not followed by a digit or "separator, digit". */
function whole(s: string, start: number, end: number, seps: string): boolean {
  const before = seps.includes(s[start - 1] ?? "x") && isDigit(s[start - 2]);
  const after = isDigit(s[end]) || (seps.includes(s[end] ?? "x") && isDigit(s[end + 1]));
  return !before && !after;
}

const SSN = /^(\d{3})-(\d{2})-(\d{4})(?!\d)/;
function ssnAt(s: string, i: number): boolean {
  const m = SSN.exec(s.slice(i, i + 12));
  if (m === null) return false;
  const [area, group, serial] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0 && whole(s, i, i + 11, "-");
}

/** The Luhn checksum of a string of digits holds. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let d = Number(digits[digits.length - 1 - k]);
    if (k % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** The digit that completes `body` to pass the Luhn check (for building test cards). */
export function luhnCheckDigit(body: string): string {
  return [..."0123456789"].find((d) => luhn(body + d))!;
}

/** The whole run of digits and single spaces or dashes from i: 13–19 digits passing Luhn. */
function cardAt(s: string, i: number): boolean {
  const run = /^\d+(?:[ -]\d+)*/.exec(s.slice(i))![0];
  const digits = run.replace(/[ -]/g, "");
  return whole(s, i, i + run.length, " -") && digits.length >= 13 && digits.length <= 19 && luhn(digits);
}

const NANP = /^(?:1[ .-](?=[\d(]))?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)/;
function northAmericanPhoneAt(s: string, i: number): boolean {
  const m = NANP.exec(s.slice(i, i + 20));
  return m !== null && whole(s, i, i + m[0].length, " .-");
}

const INTL_SEPARATOR = /^(?:[()][ .-]|[ .-][()]|[ .()-])?/; // the longest separator first
function internationalPhoneAt(s: string, i: number): boolean {
  if (s[i] !== "+" || !isDigit(s[i + 1])) return false;
  let j = i + 1,
    digits = 0;
  for (;;) {
    while (isDigit(s[j])) {
      digits++;
      j++;
    }
    const sep = INTL_SEPARATOR.exec(s.slice(j, j + 2))![0];
    if (sep === "" || !isDigit(s[j + sep.length])) break;
    j += sep.length;
  }
  return digits >= 8 && digits <= 15;
}

function mod97(text: string): number {
  let r = 0;
  for (const c of text) {
    const v = c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c;
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}

/** Two letters, two digits, then upper-case alphanumeric groups joined by single spaces, taken greedily. */
function ibanAt(s: string, i: number): boolean {
  const m = /^[A-Z]{2}\d{2}(?: ?[A-Z0-9]+)*/.exec(s.slice(i));
  if (m === null) return false;
  const body = m[0].slice(4).replace(/ /g, "");
  return body.length >= 11 && body.length <= 30 && mod97(body + m[0].slice(0, 4)) === 1;
}

export function hasPii(s: string): boolean {
  if (hasEmail(s)) return true;
  for (let i = 0; i < s.length; i++) {
    if (!tokenStart(s, i)) continue;
    if (isDigit(s[i]) && (ssnAt(s, i) || cardAt(s, i) || northAmericanPhoneAt(s, i))) return true;
    if (s[i] === "(" && northAmericanPhoneAt(s, i)) return true;
    if (s[i] === "+" && internationalPhoneAt(s, i)) return true;
    if (/[A-Z]/.test(s[i]!) && ibanAt(s, i)) return true;
  }
  return false;
}

/** Every string the detectors read in a context (SPEC §5, §10): keys, values, numbers as decimal text. */
export function contextStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "number") out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) contextStrings(v, out);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out.push(k);
      contextStrings(v, out);
    }
  }
  return out;
}

/** SPEC §11: how many times a scanned string is percent-decoded (`%5F`, then `%255F`). */
export const DECODE_ROUNDS = 2;

const isHex = (b: number | undefined): boolean => b !== undefined && ((b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66));

function hasEscape(bytes: Uint8Array): boolean {
  for (let i = 0; i + 2 < bytes.length; i++) if (bytes[i] === 0x25 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) return true;
  return false;
}

function percentDecode(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out.push(parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16));
      i += 2;
    } else out.push(bytes[i]!);
  }
  return Uint8Array.from(out);
}

/**
 * A scanned string as written and, while it holds a `%XX` escape, percent-decoded (bytes, as
 * UTF-8) up to DECODE_ROUNDS times: the guards block when any form holds a secret or PII.
 */
export function decodedForms(s: string): string[] {
  const out = [s];
  let bytes: Uint8Array = new TextEncoder().encode(s);
  for (let round = 0; round < DECODE_ROUNDS && hasEscape(bytes); round++) {
    bytes = percentDecode(bytes);
    out.push(new TextDecoder().decode(bytes));
  }
  return out;
}
