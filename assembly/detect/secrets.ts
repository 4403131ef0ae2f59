// Secret recognizers (SPEC §5): which secret, if any, begins at a token start.
//
// Choices where the spec is silent:
// - A "≥ n" body extends greedily and puts no condition on the byte after it; an "exactly n" body
//   (AKIA/ASIA, AIza) fails when the run of its class is longer or shorter than n.
// - Bearer: "spaces" are one or more U+0020 or tabs (SPEC §11; no line breaks); "Bearer" is matched in any
//   case and must be followed by a space. The span covers "Bearer", the spaces and the token.
// - Private keys: the header is `-----BEGIN ` + label words of [A-Z0-9] separated by single spaces
//   (at most 40 bytes: RSA, EC, DSA, OPENSSH, ENCRYPTED, or none) + `PRIVATE KEY-----`.
//   PGP's `PRIVATE KEY BLOCK-----` is not matched (the spec names `PRIVATE KEY-----`).
//   The span runs from the header to the end of the first later `-----END <label>PRIVATE KEY-----`
//   footer; with no footer (a truncated paste) it runs to the end of the input, since everything
//   after a private-key header is key material and redaction must not leak it.

import {
  C_ALNUM, C_DASH, C_TOKEN_PUNCT, C_UNDER, C_UPPER_ALNUM, C_WORD,
  byteAt, byteIs, runEnd, startsWith,
} from "./bytes";
import {
  AWS_ACCESS_KEY_ID, BEARER_TOKEN, GITHUB_PAT, GITHUB_TOKEN, GOOGLE_API_KEY, OPENAI_KEY,
  PRIVATE_KEY, SLACK_TOKEN, STRIPE_KEY,
} from "./kinds";

const NO_MATCH: i32 = -1;

const CH_SPACE: u8 = 0x20;
const CH_TAB: u8 = 0x09;
const CH_DASH: u8 = 0x2d;
const CH_LOWER_B: u8 = 0x62;
const CH_UPPER_A: u8 = 0x41;
const CH_LOWER_G: u8 = 0x67;
const CH_LOWER_P: u8 = 0x70;
const CH_LOWER_R: u8 = 0x72;
const CH_LOWER_S: u8 = 0x73;
const CH_LOWER_X: u8 = 0x78;
const ASCII_CASE_BIT: u8 = 0x20;

// Body classes, as SPEC §5 spells them.
const OPENAI_BODY: u16 = C_WORD | C_DASH; // [A-Za-z0-9_-]
const GOOGLE_BODY: u16 = C_WORD | C_DASH; // [A-Za-z0-9_-]
const SLACK_BODY: u16 = C_ALNUM | C_DASH; // [A-Za-z0-9-]
const BEARER_BODY: u16 = C_ALNUM | C_UNDER | C_DASH | C_TOKEN_PUNCT; // [A-Za-z0-9._~+/=-]

const BEARER_WORD: string = "bearer";
const BEARER_MIN: i32 = 16;

const PEM_BEGIN: string = "-----BEGIN ";
const PEM_END: string = "-----END ";
const PEM_TAIL: string = "PRIVATE KEY-----";
const PEM_MAX_LABEL: i32 = 40;

// Every prefix in the tables below has at least this many bytes.
const HEAD_BYTES: i32 = 3;

/** A fixed case-sensitive prefix followed by a body of one byte class. */
class Rule {
  // The prefix's first three bytes, little-endian, to reject most candidates with one compare.
  head: u32 = 0;
  constructor(
    public prefix: string,
    public body: u16,
    public min: i32,
    public exact: bool,
    public kind: i32,
  ) {
    for (let k: i32 = 0; k < HEAD_BYTES; k++) this.head |= <u32>prefix.charCodeAt(k) << (k * 8);
  }
}

const EXACT: bool = true;
const AT_LEAST: bool = false;

// Grouped by first byte; within a group, order does not matter (no prefix is a prefix of another).
const S_RULES: StaticArray<Rule> = [
  new Rule("sk-", OPENAI_BODY, 20, AT_LEAST, OPENAI_KEY),
  new Rule("sk_live_", C_ALNUM, 16, AT_LEAST, STRIPE_KEY),
  new Rule("sk_test_", C_ALNUM, 16, AT_LEAST, STRIPE_KEY),
];
const R_RULES: StaticArray<Rule> = [
  new Rule("rk_live_", C_ALNUM, 16, AT_LEAST, STRIPE_KEY),
];
const P_RULES: StaticArray<Rule> = [
  new Rule("pk_live_", C_ALNUM, 16, AT_LEAST, STRIPE_KEY),
  new Rule("pk_test_", C_ALNUM, 16, AT_LEAST, STRIPE_KEY),
];
const A_RULES: StaticArray<Rule> = [
  new Rule("AKIA", C_UPPER_ALNUM, 16, EXACT, AWS_ACCESS_KEY_ID),
  new Rule("ASIA", C_UPPER_ALNUM, 16, EXACT, AWS_ACCESS_KEY_ID),
  new Rule("AIza", GOOGLE_BODY, 35, EXACT, GOOGLE_API_KEY),
];
const G_RULES: StaticArray<Rule> = [
  new Rule("ghp_", C_ALNUM, 36, AT_LEAST, GITHUB_TOKEN),
  new Rule("gho_", C_ALNUM, 36, AT_LEAST, GITHUB_TOKEN),
  new Rule("ghu_", C_ALNUM, 36, AT_LEAST, GITHUB_TOKEN),
  new Rule("ghs_", C_ALNUM, 36, AT_LEAST, GITHUB_TOKEN),
  new Rule("ghr_", C_ALNUM, 36, AT_LEAST, GITHUB_TOKEN),
  new Rule("github_pat_", C_WORD, 22, AT_LEAST, GITHUB_PAT),
];
const X_RULES: StaticArray<Rule> = [
  new Rule("xoxb-", SLACK_BODY, 10, AT_LEAST, SLACK_TOKEN),
  new Rule("xoxp-", SLACK_BODY, 10, AT_LEAST, SLACK_TOKEN),
  new Rule("xoxa-", SLACK_BODY, 10, AT_LEAST, SLACK_TOKEN),
  new Rule("xoxr-", SLACK_BODY, 10, AT_LEAST, SLACK_TOKEN),
  new Rule("xoxs-", SLACK_BODY, 10, AT_LEAST, SLACK_TOKEN),
];
const NO_RULES: StaticArray<Rule> = [];

function rulesFor(b: u8): StaticArray<Rule> {
  switch (b) {
    case CH_LOWER_S: return S_RULES;
    case CH_LOWER_R: return R_RULES;
    case CH_LOWER_P: return P_RULES;
    case CH_UPPER_A: return A_RULES;
    case CH_LOWER_G: return G_RULES;
    case CH_LOWER_X: return X_RULES;
    default: return NO_RULES;
  }
}

// End offset of the last successful secretAt.
export let secretEnd: i32 = 0;

/** Kind of the secret starting at token start i (0 if none); sets secretEnd. */
export function secretAt(ptr: usize, len: i32, i: i32): i32 {
  const b: u8 = byteAt(ptr, i);
  if (b == CH_DASH) return found(privateKeyEnd(ptr, len, i), PRIVATE_KEY);
  if ((b | ASCII_CASE_BIT) == CH_LOWER_B) return found(bearerEnd(ptr, len, i), BEARER_TOKEN);
  const rules = rulesFor(b);
  for (let r: i32 = 0; r < rules.length; r++) {
    const rule = unchecked(rules[r]);
    const kind: i32 = found(ruleEnd(ptr, len, i, rule), rule.kind);
    if (kind != 0) return kind;
  }
  return 0;
}

function found(end: i32, kind: i32): i32 {
  if (end == NO_MATCH) return 0;
  secretEnd = end;
  return kind;
}

function ruleEnd(ptr: usize, len: i32, i: i32, rule: Rule): i32 {
  if (len - i < rule.prefix.length) return NO_MATCH;
  const head: u32 = <u32>load<u16>(ptr + <usize>i) | (<u32>byteAt(ptr, i + 2) << 16);
  if (head != rule.head || !startsWith(ptr, len, i, rule.prefix)) return NO_MATCH;
  const bodyStart: i32 = i + rule.prefix.length;
  // An exact body needs one byte of look-ahead; a greedy one runs to the end of its class.
  const limit: i32 = rule.exact ? bodyStart + rule.min + 1 : len;
  const end: i32 = runEnd(ptr, len, bodyStart, rule.body, limit);
  const n: i32 = end - bodyStart;
  if (n < rule.min || (rule.exact && n != rule.min)) return NO_MATCH;
  return end;
}

function bearerEnd(ptr: usize, len: i32, i: i32): i32 {
  const n: i32 = BEARER_WORD.length;
  if (n > len - i) return NO_MATCH;
  for (let k: i32 = 0; k < n; k++) {
    if ((byteAt(ptr, i + k) | ASCII_CASE_BIT) != <u8>BEARER_WORD.charCodeAt(k)) return NO_MATCH;
  }
  let j: i32 = i + n;
  const spaces: i32 = j;
  while (byteIs(ptr, len, j, CH_SPACE) || byteIs(ptr, len, j, CH_TAB)) j++;
  if (j == spaces) return NO_MATCH;
  const end: i32 = runEnd(ptr, len, j, BEARER_BODY, len);
  return end - j >= BEARER_MIN ? end : NO_MATCH;
}

function privateKeyEnd(ptr: usize, len: i32, i: i32): i32 {
  if (!startsWith(ptr, len, i, PEM_BEGIN)) return NO_MATCH;
  const header: i32 = privateKeyLabelEnd(ptr, len, i + PEM_BEGIN.length);
  if (header == NO_MATCH) return NO_MATCH;
  return footerEnd(ptr, len, header);
}

/** After `-----BEGIN ` or `-----END `: label words, then `PRIVATE KEY-----`; its end or NO_MATCH. */
function privateKeyLabelEnd(ptr: usize, len: i32, j: i32): i32 {
  const limit: i32 = j + PEM_MAX_LABEL;
  let k: i32 = j;
  while (k <= limit) {
    if (startsWith(ptr, len, k, PEM_TAIL)) return k + PEM_TAIL.length;
    const word: i32 = runEnd(ptr, len, k, C_UPPER_ALNUM, limit);
    if (word == k || !byteIs(ptr, len, word, CH_SPACE)) return NO_MATCH;
    k = word + 1;
  }
  return NO_MATCH;
}

/** End of the first private-key footer at or after `from`, or the end of the input. */
function footerEnd(ptr: usize, len: i32, from: i32): i32 {
  for (let k: i32 = from; k < len; k++) {
    if (byteAt(ptr, k) != CH_DASH || !startsWith(ptr, len, k, PEM_END)) continue;
    const end: i32 = privateKeyLabelEnd(ptr, len, k + PEM_END.length);
    if (end != NO_MATCH) return end;
  }
  return len;
}
