// The peer for context scanning: a JavaScript RegExp scanner with the recognizers of SPEC §5, as a
// careful JavaScript developer would write it — one global regex per kind, post-checks (Luhn,
// mod-97, SSN ranges, digit counts) in code, and the same reporting rule as the WASM detectors:
// per family, leftmost finding first, then the next finding that starts at or after its end.
// bench/scan/check.mjs proves it finds exactly what the WASM detectors find on the corpus.

const S = "(?<![A-Za-z0-9_])"; // a token starts at offset 0 or after a byte not in [A-Za-z0-9_]

/** [kind, regex, post-check or null]; within a family, earlier entries win at the same start. */
export const SECRET_RULES = [
  ["openai_key", new RegExp(`${S}sk-[A-Za-z0-9_-]{20,}`, "g"), null],
  ["stripe_key", new RegExp(`${S}(?:sk_live_|sk_test_|rk_live_|pk_live_|pk_test_)[A-Za-z0-9]{16,}`, "g"), null],
  ["aws_access_key_id", new RegExp(`${S}(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])`, "g"), null],
  ["github_token", new RegExp(`${S}gh[pousr]_[A-Za-z0-9]{36,}`, "g"), null],
  ["github_pat", new RegExp(`${S}github_pat_[A-Za-z0-9_]{22,}`, "g"), null],
  ["bearer_token", new RegExp(`${S}[Bb][Ee][Aa][Rr][Ee][Rr] +[A-Za-z0-9._~+/=-]{16,}`, "g"), null],
  ["slack_token", new RegExp(`${S}xox[bpars]-[A-Za-z0-9-]{10,}`, "g"), null],
  ["google_api_key", new RegExp(`${S}AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])`, "g"), null],
  // Header with label words of ≤ 40 bytes, then up to the first matching footer or the end of the input.
  [
    "private_key",
    new RegExp(`${S}-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\\s\\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|$(?![\\s\\S]))`, "g"),
    (m) => m[1].length <= 40,
  ],
];

export const PII_RULES = [
  // The local part starts with [A-Za-z0-9_] at a token start and is ≤ 64 bytes; the match ends
  // after the last dot-joined label made of ≥ 2 letters.
  ["email", new RegExp(`${S}[A-Za-z0-9_][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]+\\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])`, "g"), null],
  ["iban", new RegExp(`${S}[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]+)+`, "g"), ibanOk],
  ["us_ssn", new RegExp(`${S}(?<![0-9]-)([0-9]{3})-([0-9]{2})-([0-9]{4})(?![0-9]|-[0-9])`, "g"), ssnOk],
  ["card_number", new RegExp(`${S}(?<![0-9][ -])[0-9](?:[ -]?[0-9]){12,18}(?![ -]?[0-9])`, "g"), (m) => luhn(m[0])],
  // North-American: optional trunk "1" + separator, "(DDD)" + optional separator or "DDD" + separator,
  // "DDD" + separator + "DDDD", never joined to more digits by a separator.
  ["phone", new RegExp(`${S}(?<![0-9][ .-])(?:1[ .-](?=[0-9(]))?(?:\\([0-9]{3}\\)[ .-]?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}(?![0-9]|[ .-][0-9])`, "g"), null],
  // International: "+", then digit groups joined by at most one of " -." and one parenthesis; 8–15 digits.
  ["phone", new RegExp(`${S}\\+[0-9]+(?:(?:[ .-][()]?|[()][ .-]?)[0-9]+)*`, "g"), (m) => digitCount(m[0], 8, 15)],
];

function digitCount(s, min, max) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n >= min && n <= max;
}

function luhn(s) {
  let sum = 0,
    double = false;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function ssnOk(m) {
  const area = +m[1],
    group = +m[2],
    serial = +m[3];
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

/** 11–30 characters after the check digits, and the ISO 13616 mod-97 check on the whole run. */
function ibanOk(m) {
  const s = m[0].replaceAll(" ", "");
  if (s.length < 15 || s.length > 34) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    rem = c <= 57 ? (rem * 10 + (c - 48)) % 97 : (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

/** Every candidate of one rule; a failed post-check retries one character later, as a scan would. */
function candidates(text, kind, re, ok, rank, out) {
  re.lastIndex = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (ok === null || ok(m)) out.push({ kind, start: m.index, end: m.index + m[0].length, rank });
    else re.lastIndex = m.index + 1;
  }
}

/** Leftmost first (earlier rule at the same start), then the next that starts at or after its end. */
function family(text, rules) {
  const all = [];
  rules.forEach(([kind, re, ok], rank) => candidates(text, kind, re, ok, rank, all));
  all.sort((a, b) => a.start - b.start || a.rank - b.rank);
  const out = [];
  let at = 0;
  for (const f of all)
    if (f.start >= at) {
      out.push({ kind: f.kind, start: f.start, end: f.end });
      at = f.end;
    }
  return out;
}

/** Secrets and PII in `text`, offsets in UTF-16 code units. */
export function scanRegex(text) {
  return { secrets: family(text, SECRET_RULES), pii: family(text, PII_RULES) };
}
