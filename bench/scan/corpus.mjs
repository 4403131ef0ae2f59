// A deterministic, realistic agent context to scan: prose, logs, JSON and URLs, with a finding
// (secret or PII) every few hundred bytes and near misses around them (Luhn-failing order numbers,
// dates, version strings, "ASIA PACIFIC", short "sk-" ids, wrong IBAN check digits, non-ASCII words).
import { prng } from "../lib/inputs.mjs";

const WORDS = (
  "the agent fetched results from the index and summarised quarterly revenue for each region while " +
  "skills based routing sent tickets to ASIA PACIFIC support a bearer of bad news is still a bearer " +
  "customer asked about refunds shipping delays invoices contracts onboarding and the API rate limits " +
  "latency improved after caching ghost jobs were removed xoxo pk ids and sk-short are fine " +
  "café naïve Zürich São Paulo 東京 résumé déjà vu"
).split(" ");

const pick = (rnd, xs) => xs[Math.floor(rnd() * xs.length)];
const digits = (rnd, n) => {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(rnd() * 10);
  return s;
};
const alnum = (rnd, n, set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") => {
  let s = "";
  for (let i = 0; i < n; i++) s += set[Math.floor(rnd() * set.length)];
  return s;
};

function luhnDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = +body[body.length - 1 - i];
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

function iban(rnd, valid) {
  const bban = digits(rnd, 18);
  const numeric = bban + "1314" + "00"; // "DE" = 13 14
  let rem = 0;
  for (const c of numeric) rem = (rem * 10 + +c) % 97;
  const check = String(98 - rem).padStart(2, "0");
  const raw = `DE${valid ? check : check === "01" ? "02" : "01"}${bban}`;
  return raw.match(/.{1,4}/g).join(" ");
}

/** One finding, as an agent might carry it in a tool call or a scraped page. */
const FINDINGS = [
  (r) => `contact ${pick(r, ["jane.doe", "ops", "m.müller", "sales-team"])}@${pick(r, ["example.com", "acme.co.uk", "mail.example.org"])} today`,
  (r) => `call (555) ${digits(r, 3)}-${digits(r, 4)} or +44 20 ${digits(r, 4)} ${digits(r, 4)}`,
  (r) => {
    const b = "4" + digits(r, 14);
    const n = b + luhnDigit(b);
    return `card ${n.match(/.{4}/g).join(" ")} exp 09/29`;
  },
  (r) =>
    `ssn ${100 + Math.floor(r() * 500)}-${String(1 + Math.floor(r() * 98)).padStart(2, "0")}-${String(1 + Math.floor(r() * 9998)).padStart(4, "0")} on file`,
  (r) => `wire to ${iban(r, true)} ref ${digits(r, 8)}`,
  (r) => `OPENAI_API_KEY=sk-${alnum(r, 48)}`,
  (r) => `aws_access_key_id = AKIA${alnum(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}`,
  (r) => `git remote set-url origin https://ghp_${alnum(r, 36)}@github.com/acme/repo`,
  (r) => `Authorization: Bearer ${alnum(r, 40)}.${alnum(r, 12)}`,
  (r) => `SLACK_TOKEN="xoxb-${digits(r, 12)}-${alnum(r, 24)}"`,
  (r) => `maps key AIza${alnum(r, 35, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")} restricted`,
];

const NEAR_MISSES = [
  (r) => `order ${digits(r, 16)} shipped`, // 16 digits, Luhn fails nine times in ten
  (r) => `released v${digits(r, 1)}.${digits(r, 2)}.${digits(r, 1)} on 2026-02-${digits(r, 1)}4`,
  (r) => `iban ${iban(r, false)} rejected`,
  (r) => `id sk-${alnum(r, 8)} and AKIA${alnum(r, 12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")} are too short`,
  (r) => `host 10.${digits(r, 1)}.${digits(r, 2)}.7 port 8443 took ${digits(r, 3)} ms`,
];

function line(rnd) {
  const kind = rnd();
  if (kind < 0.45) {
    let s = "";
    const n = 8 + Math.floor(rnd() * 16);
    for (let i = 0; i < n; i++) s += (i ? " " : "") + pick(rnd, WORDS);
    return s + ".";
  }
  if (kind < 0.65) {
    return `2026-02-24T15:${digits(rnd, 1)}${digits(rnd, 1)}:0${digits(rnd, 1)}Z INFO request_id=${alnum(rnd, 12)} status=200 latency_ms=${digits(rnd, 3)} user=${digits(rnd, 5)}`;
  }
  if (kind < 0.8) {
    return `{"order_id": ${digits(rnd, 9)}, "amount_cents": ${digits(rnd, 4)}, "sku": "AB-${digits(rnd, 4)}-XY", "note": "${pick(rnd, WORDS)} ${pick(rnd, WORDS)}"}`;
  }
  if (kind < 0.9) return `GET https://api.example.com/v1/items?page=${digits(rnd, 1)}&q=${pick(rnd, WORDS)} -> 200`;
  if (kind < 0.95) return pick(rnd, NEAR_MISSES)(rnd);
  return pick(rnd, FINDINGS)(rnd);
}

const utf8Len = (c) => (c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3);

/** The first `bytes` bytes (UTF-8, whole characters) of the corpus; smaller sizes are prefixes of larger. */
export function corpus(bytes) {
  const rnd = prng(0x5ca11);
  let text = "",
    n = 0;
  while (n < bytes) {
    const l = line(rnd) + "\n";
    text += l;
    n += Buffer.byteLength(l);
  }
  let end = 0,
    size = 0;
  while (end < text.length) {
    const w = utf8Len(text.charCodeAt(end));
    if (size + w > bytes) break;
    size += w;
    end += w === 4 ? 2 : 1;
  }
  return text.slice(0, end);
}
