// Generators for the differential suites: passports, requests, counter snapshots and times aimed at
// the boundaries of SPEC §2–6 (caps ± 1 cent, window edges, look-alike domains, near-miss secrets,
// DST days, overnight schedules, holds combined with blocks). A run is a plain "spec" of small
// choices that `resolveRun` turns into concrete inputs, so generation is cheap and shrinking works.

import fc from "fast-check";
import { luhnCheckDigit } from "../reference/detect";
import { WRITE_VERBS } from "../reference/match";
import type { ModelCounters, ModelPassport, ModelRequest } from "../reference/model";
import { baseInstants, offsetMinutes, ZONES } from "./instants";

export const MAX = Number.MAX_SAFE_INTEGER;
const MIN_MS = 60_000,
  HOUR_MS = 3_600_000,
  DAY_MS = 86_400_000;

// ---- pools -------------------------------------------------------------------------------------

export const ACTIONS = [
  "web:search",
  "web:fetch",
  "documents:read",
  "documents:write",
  "db:drop_table",
  "db:deleteAll",
  "DB:DELETE",
  "db:DeleteAll",
  "db:select",
  "email:send",
  "EMAIL:Send_now",
  "files:upload_batch",
  "files:list",
  "x",
  "a:b:c",
  "payments:refund",
  "crm:Update.contact",
  "jobs:kill",
  "s3:destroy_bucket",
  "customers:read",
  "users:read_all",
  "pii:export",
  "credentials:rotate",
  "code:deploy-prod",
  "deploy:now",
  "travel:book",
  "shell:exec",
  "code:run",
  "calendar:create_event",
  "secrets:read",
  "vault:readAll",
  "crm:export",
  "crm:export_all",
  "repo:push",
  "git:merge-pr",
  "send",
  "settings",
  "documents:",
  ":",
  "::write",
  "db:reWrite",
  "db:WRITEall",
  "db:writeAll",
  "web:delete_cache",
  "café:order",
  "CAFÉ:ORDER",
  "straße:move",
  "STRASSE:MOVE",
  "ǅ:x",
  "web:*",
  "a*b",
  "billing:charge_card",
  "mail:sendBulk",
  "db:migrate",
  "db:truncate.all",
  "file:write",
  "calendar:write",
  "db:insert",
  "money:x",
  // letters beyond ASCII (SPEC §3 case-insensitive; simple lower case, one code point at a time):
  // ẞ/ß change byte length, ς has no upper-case twin of its own, İ lower-cases to two code points
  // (so it stays), the Kelvin sign lower-cases to ASCII k ("\u212Aill" is the write verb kill),
  // Deseret is outside the BMP.
  "DATEI:LÖSCHEN",
  "datei:löschen_alle",
  "GRUẞ:x",
  "gruß:X",
  "ΣΟΦΊΑ:ΣΣ",
  "σοφία:σς",
  "İSTANBUL:x",
  "istanbul:x",
  "i̇stanbul:x",
  "УДАЛИТЬ:ВСЁ",
  "удалить:всё",
  "𐐀𐐇:x",
  "𐐨𐐯:X",
  "db:\u212AILL",
  "jobs:\u212Aill_now",
  "x:\u212AILL",
  "ȺZ",
  "ⱥz",
  "ÉCRIRE:doc",
  "Ǆ:x",
  "ǆ:x",
];

export const PATTERNS = [
  "web:*",
  "*",
  "*:delete*",
  "db:*",
  "documents:read",
  "*search",
  "w*b:s*h",
  "**",
  "a:b",
  "DB:Delete*",
  "café:*",
  "*:*",
  "web:search",
  "x",
  "*write*",
  "email:send*",
  "crm:export",
  "*:read*",
  "travel:*",
  "a*b",
  "*:",
  ":*",
  "*.contact",
  "straße:*",
  "db:?",
  "[web]:*",
  "*:löschen*",
  "STRAẞE:*",
  "σοφία:*",
  "ΣΟΦΊΑ:Σ*",
  "İ*",
  "i̇*",
  "удалить:*",
  "𐐨*",
  "*ß",
  "ⱥ*z",
  "*\u212A*",
  "écrire:*",
];

export const SENTINEL_NAMES = [
  "high_risk",
  "side_effects_lower_stakes",
  "high_risk_and_side_effects_lower_stakes",
  "sensitive_data",
  "destructive",
  "destructive_and_sensitive",
  "HIGH_RISK",
  "high_risk*",
  "HIGH_RIS\u212A",
];

export const DOMAIN_ENTRIES = [
  "example.com",
  "*.example.com",
  "evil.com",
  "10.0.0.1",
  "::1",
  "[::1]",
  "bücher.de",
  "*.wild.io",
  "EXAMPLE.COM.",
  "0x0a.0.0.2",
  "xn--bcher-kva.de",
  "com",
  "localhost",
  "api.openai.com",
  "*.openai.com",
  "2001:db8::1",
  "127.1",
  "例え.jp",
  "a.b.c.example.net",
  "*.co.uk",
  "serpapi.com",
];

export const TARGETS = [
  "example.com",
  "sub.example.com",
  "a.b.example.com",
  "badexample.com",
  "example.com.evil.net",
  "EXAMPLE.COM.",
  "https://user@example.com/x",
  "https://example.com@evil.com/",
  "https://openai.com@evil.com",
  "http://0x0a.0.0.1/",
  "10.0.0.1",
  "10.0.0.2",
  "0x0a.0.0.2",
  "167772162",
  "[::1]:80",
  "::1",
  "http://[0:0::1]/",
  "xn--bcher-kva.de",
  "bücher.de",
  "shop.BÜCHER.de",
  "http://[::zz]/",
  "",
  "host:8443/path",
  "1.10.0.0.1",
  "ftp://example.com/file",
  "wss://api.openai.com/v1",
  "foo://example.com/x",
  "example.com:99999",
  "exa mple.com",
  "https://例え.jp/",
  "xn--",
  "a..b.com",
  "-a.com",
  "localhost",
  "https://api.openai.com/v1/chat",
  "api.openai.com.",
  "https://serpapi.com?q=1",
  "http://127.0.0.1:8080",
  "127.1",
  "http://2130706433/",
  "wild.io",
  "x.wild.io",
  "https://x.WILD.io:443/",
  "http://[2001:DB8::1]/",
  "evil.com/example.com",
  "example.co.uk",
  "bbc.co.uk",
  "https://jane@example.com",
  "mailto:jane@example.com",
  "//example.com",
  "http:example.com",
  "https://exa%6dple.com/",
  "HTTPS://EVIL.COM",
  " example.com",
  "example.com\t",
  "ex\u00adample.com",
  "https://ｅｘａｍｐｌｅ.com",
  "*.example.com",
  "https://",
];

export const TIMEZONES = ZONES;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/** Money anchors: small amounts, the SPEC's examples, 32-bit edges and 2^53 − 1. */
export const AMOUNTS = [0, 1, 2, 9, 10, 99, 100, 101, 500, 999, 1000, 9990, 10000, 2 ** 31 - 1, 2 ** 31, 2 ** 32, MAX - 1, MAX];

const DELTAS_MS = [
  0,
  1,
  -1,
  999,
  -999,
  1000,
  -1000,
  59_999,
  -59_999,
  MIN_MS,
  -MIN_MS,
  MIN_MS + 1,
  -MIN_MS - 1,
  HOUR_MS - 1,
  -HOUR_MS,
  HOUR_MS,
  DAY_MS - 1,
  -DAY_MS,
  DAY_MS,
  2 * HOUR_MS,
  -2 * HOUR_MS,
  30 * MIN_MS,
  -30 * MIN_MS,
];

// ---- small helpers -----------------------------------------------------------------------------

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
/** Absent three times in (3 + freq), else drawn from `a`. */
const maybe = <T>(a: fc.Arbitrary<T>, freq = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: Math.round(freq * 10), arbitrary: a });

export const amountArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 5, arbitrary: pick(AMOUNTS) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
  { weight: 1, arbitrary: fc.maxSafeNat() },
);

const deltaMsArb: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: pick(DELTAS_MS) },
  { weight: 1, arbitrary: fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }) },
);

const YEAR_0 = Date.parse("0000-01-01T00:00:00Z"),
  YEAR_10000 = Date.parse("9999-12-31T23:59:59.999Z");

/** Whether an instant has an RFC 3339 spelling (a four-digit year). */
export const hasRfc3339 = (ms: number, offsetMin = 0): boolean => ms + offsetMin * MIN_MS >= YEAR_0 && ms + offsetMin * MIN_MS <= YEAR_10000;

/** An RFC 3339 rendering of an instant: Z or a local offset; the fraction varies with the millisecond. */
export function rfc3339(ms: number, offsetMin = 0): string {
  let local = new Date(ms + offsetMin * MIN_MS).toISOString().slice(0, -1);
  const frac = local.slice(-3);
  if (frac === "000")
    local = local.slice(0, -4); // no fraction
  else if (frac.endsWith("00"))
    local = local.slice(0, -2); // one digit
  else if (ms % 7 === 0) local += "999"; // six digits: finer than milliseconds, dropped
  if (offsetMin === 0) return local + "Z";
  const sign = offsetMin < 0 ? "-" : "+",
    a = Math.abs(offsetMin);
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}
const offsetArb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: pick([330, -480, 60, -210, 845, -720, 840]) });

// ---- detection strings -------------------------------------------------------------------------

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BEFORE = ["", " ", "x", "_", "=", "é", "-", ":", "0", "(", "\n", '"', "/", ".", "1-", "1 ", "1.", "+", "1"];
const AFTER = ["", " ", "x", "A", "0", "-", "!", "_", ".", "@", "é", "\n", "z", "-1", " 1", ".1", "-x", " -1"];

/** `n` characters from `alphabet`, chosen by `seed` (cheap and deterministic). */
function fill(alphabet: string, n: number, seed: number): string {
  let s = "",
    x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

interface SecretShape {
  prefix: string;
  alphabet: string;
  n: number;
  sep?: string;
}
const SECRET_SHAPES: SecretShape[] = [
  { prefix: "sk-", alphabet: ALNUM + "_-", n: 20 },
  { prefix: "sk_live_", alphabet: ALNUM, n: 16 },
  { prefix: "sk_test_", alphabet: ALNUM, n: 16 },
  { prefix: "rk_live_", alphabet: ALNUM, n: 16 },
  { prefix: "pk_live_", alphabet: ALNUM, n: 16 },
  { prefix: "pk_test_", alphabet: ALNUM, n: 16 },
  { prefix: "sk_prod_", alphabet: ALNUM, n: 16 },
  { prefix: "AKIA", alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n: 16 },
  { prefix: "ASIA", alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n: 16 },
  { prefix: "AKIA", alphabet: "abcdefghijklmnopqrstuvwxyz", n: 16 },
  { prefix: "ghp_", alphabet: ALNUM, n: 36 },
  { prefix: "gho_", alphabet: ALNUM, n: 36 },
  { prefix: "ghs_", alphabet: ALNUM, n: 36 },
  { prefix: "ghx_", alphabet: ALNUM, n: 36 },
  { prefix: "github_pat_", alphabet: ALNUM + "_", n: 22 },
  { prefix: "Bearer ", alphabet: ALNUM + "._~+/=-", n: 16 },
  { prefix: "bEaReR   ", alphabet: ALNUM + "._~+/=-", n: 16 },
  { prefix: "Bearer\t", alphabet: ALNUM, n: 16 },
  { prefix: "Bearer", alphabet: ALNUM, n: 16 },
  { prefix: "xoxb-", alphabet: ALNUM + "-", n: 10 },
  { prefix: "xoxp-", alphabet: ALNUM + "-", n: 10 },
  { prefix: "xoxz-", alphabet: ALNUM + "-", n: 10 },
  { prefix: "AIza", alphabet: ALNUM + "_-", n: 35 },
  { prefix: "-----BEGIN RSA PRIVATE KEY-----", alphabet: ALNUM, n: 0 },
  { prefix: "-----BEGIN PRIVATE KEY-----", alphabet: ALNUM, n: 0 },
  { prefix: "-----BEGIN PUBLIC KEY-----", alphabet: ALNUM, n: 0 },
  { prefix: "-----BEGIN OPENSSH PRIVATE KEY----", alphabet: ALNUM, n: 0 },
  { prefix: "-----BEGIN EC\nPRIVATE KEY-----", alphabet: ALNUM, n: 0 },
  { prefix: "-----BEGINPRIVATE KEY-----", alphabet: ALNUM, n: 0 },
];

/** A PEM header whose label is near the 40-character limit, with a footer or without. */
const pemArb = fc
  .record({
    words: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 0, maxLength: 5 }),
    footer: fc.boolean(),
    seed: fc.nat(),
    before: pick(BEFORE),
    lower: fc.nat(5),
  })
  .map(({ words, footer, seed, before, lower }) => {
    let label = words.map((n, i) => fill("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", n, seed + i) + " ").join("");
    if (lower === 0) label = label.toLowerCase();
    return `${before}-----BEGIN ${label}PRIVATE KEY-----\nMIIE${fill(ALNUM, 20, seed)}\n${footer ? `-----END ${label}PRIVATE KEY-----` : ""}`;
  });

const secretArb0 = fc
  .record({
    shape: fc.nat(SECRET_SHAPES.length - 1),
    delta: fc.integer({ min: -2, max: 3 }),
    seed: fc.nat(),
    before: pick(BEFORE),
    after: pick(AFTER),
  })
  .map(({ shape, delta, seed, before, after }) => {
    const s = SECRET_SHAPES[shape]!;
    const body = s.n === 0 ? "" : fill(s.alphabet, Math.max(0, s.n + delta), seed);
    return before + s.prefix + body + after;
  });
const secretArb = fc.oneof({ weight: 4, arbitrary: secretArb0 }, { weight: 1, arbitrary: pemArb });

const cardArb = fc
  .record({
    len: fc.integer({ min: 12, max: 20 }),
    seed: fc.nat(),
    valid: fc.boolean(),
    group: pick([0, 4, 4, 3, 5]),
    sep: pick([" ", "-", "  ", "--", " -", "."]),
    mixed: fc.boolean(),
    before: pick(BEFORE),
    after: pick(AFTER),
  })
  .map(({ len, seed, valid, group, sep, mixed, before, after }) => {
    const body = fill("0123456789", len - 1, seed);
    let check = luhnCheckDigit(body);
    if (!valid) check = String((Number(check) + 1) % 10);
    const digits = body + check;
    if (group === 0) return before + digits + after;
    const groups = digits.match(new RegExp(`.{1,${group}}`, "g"))!;
    return before + groups.map((g, i) => (i === 0 ? g : (mixed && i % 2 ? (sep === " " ? "-" : " ") : sep) + g)).join("") + after;
  });

const ssnArb = fc
  .record({
    area: pick(["000", "001", "123", "665", "666", "667", "899", "900", "999", "078"]),
    group: pick(["00", "01", "45", "99"]),
    serial: pick(["0000", "0001", "6789", "9999"]),
    sep: pick(["-", "-", "-", " ", "."]),
    before: pick(BEFORE),
    after: pick(AFTER),
  })
  .map(({ area, group, serial, sep, before, after }) => `${before}${area}${sep}${group}${sep}${serial}${after}`);

function ibanCheck(country: string, bban: string): string {
  const text = bban + country + "00";
  let r = 0;
  for (const c of text) {
    const v = c >= "A" && c <= "Z" ? String(c.charCodeAt(0) - 55) : c;
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return String(98 - r).padStart(2, "0");
}

const ibanArb = fc
  .record({
    country: pick(["DE", "GB", "FR", "NL", "XK"]),
    len: fc.integer({ min: 9, max: 32 }),
    seed: fc.nat(),
    valid: fc.boolean(),
    grouped: fc.boolean(),
    lower: fc.integer({ min: 0, max: 6 }),
    before: pick(BEFORE),
    after: pick([...AFTER, " ABCD", " 12", " x"]),
  })
  .map(({ country, len, seed, valid, grouped, lower, before, after }) => {
    const bban = fill("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", len, seed);
    let check = ibanCheck(country, bban);
    if (!valid) check = check === "97" ? "02" : String(Number(check) + 1).padStart(2, "0");
    let s = country + check + bban;
    if (grouped) s = s.match(/.{1,4}/g)!.join(" ");
    if (lower === 1) s = s.toLowerCase();
    return before + s + after;
  });

const emailArb = fc
  .record({
    local: pick([
      "jane",
      "j.doe+tag",
      "a",
      "_x",
      "x_",
      "jane.doe",
      "%",
      "-",
      "ünï",
      "x".repeat(63),
      "x".repeat(64),
      "x".repeat(65),
      "x".repeat(70) + ".bob",
      "x".repeat(60) + ".bob",
      "x".repeat(59) + ".bob",
      "-".repeat(64) + "a",
      "%.a",
      "..a",
    ]),
    domain: pick([
      "example.com",
      "ex-ample.co.uk",
      "x.c",
      "x.c1",
      "example.com1",
      "localhost",
      "x..com",
      "-x.com",
      "a.b",
      "x.y.io",
      "例え.jp",
      "x.12",
      "x_y.com",
      "x.co_m",
    ]),
    at: pick(["@", "@", " @", "＠"]),
    before: pick(BEFORE),
    after: pick(AFTER),
  })
  .map(({ local, domain, at, before, after }) => before + local + at + domain + after);

const phoneArb = fc.oneof(
  fc
    .record({
      groups: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
      seed: fc.nat(),
      sep: pick([" ", "-", ".", " (", ") ", "  ", "", "/", "()"]),
      before: pick(BEFORE),
      after: pick(AFTER),
    })
    .map(({ groups, seed, sep, before, after }) => {
      const digits = fill(
        "0123456789",
        groups.reduce((a, b) => a + b, 0),
        seed,
      );
      let at = 0;
      const parts = groups.map((g) => {
        const p = digits.slice(at, at + g);
        at += g;
        return p;
      });
      return before + "+" + parts.join(sep) + after;
    }),
  fc
    .record({
      form: pick([
        "(555) 123-4567",
        "555-123-4567",
        "555.123.4567",
        "555 123 4567",
        "(555)123-4567",
        "555-1234567",
        "5551234567",
        "555-123.4567",
        "(555)-123-4567",
        "55-123-4567",
        "555-123-45678",
        "1-555-123-4567",
        "(555) 123 4567",
        "555--123-4567",
        "(555 123-4567",
        "+1 (555) 123-4567",
        "+44 20 7946 0958",
        "+1234567",
        "+12345678",
        "+1234567890123456",
      ]),
      before: pick(BEFORE),
      after: pick(AFTER),
    })
    .map(({ form, before, after }) => before + form + after),
);

const noiseArb = fc.oneof(
  pick([
    "order 123",
    "hello",
    "",
    "4111111111111111",
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4111111111111112",
    "123-45-6789",
    "DE89 3704 0044 0532 0130 00",
    "DE89370400440532013000",
    "GB82 WEST 1234 5698 7654 32",
    "jane@example.com",
    "token sk-aaaaaaaaaaaaaaaaaaaaaaaa",
    "AKIAIOSFODNN7EXAMPLE",
    "1e21",
    "+",
    "@",
    "sk-",
  ]),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 6 }),
);

/** A string aimed at a recognizer's edges, or noise. */
export const detectStringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: secretArb },
  { weight: 2, arbitrary: cardArb },
  { weight: 1, arbitrary: ssnArb },
  { weight: 2, arbitrary: ibanArb },
  { weight: 2, arbitrary: emailArb },
  { weight: 2, arbitrary: phoneArb },
  { weight: 2, arbitrary: noiseArb },
);

const NUMBERS = [4111111111111111, 4111111111111112, 5551234567, 1e21, 0.1, -4111111111111111, 123456789, 0, -0, 2 ** 53, 1234567812345670, 79927398713];
const contextValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: detectStringArb },
  { weight: 1, arbitrary: pick(NUMBERS) },
  { weight: 1, arbitrary: pick([true, false, null]) },
  { weight: 1, arbitrary: fc.array(detectStringArb, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(pick(["email", "to", "addr", "n"]), detectStringArb, { maxKeys: 2 }) },
);
export const contextArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: pick(["note", "customer", "headers", "q", "card", "x"]) }, { weight: 1, arbitrary: detectStringArb }),
  contextValueArb,
  { maxKeys: 3 },
);

// ---- passports ---------------------------------------------------------------------------------

interface RangeSpec {
  tz: string;
  days?: string[];
  startRel: number;
  len: number;
  endOf: "rel" | "24:00" | "00:00";
}
interface BlackoutSpec {
  startRel: number;
  len: number;
  offset: number;
  reason?: string;
}
export interface PassportSpec {
  status?: string;
  notBeforeRel?: number;
  expiresRel?: number;
  timeOffset: number;
  permissions?: string[];
  constraints: Record<string, unknown>;
  schedule?: RangeSpec[] | RangeSpec;
  blackouts?: BlackoutSpec[];
}

const rangeArb: fc.Arbitrary<RangeSpec> = fc.record(
  {
    tz: pick(TIMEZONES),
    days: maybe(fc.subarray(DAYS, { minLength: 1 }), 3),
    startRel: fc.oneof(pick([-61, -60, -1, 0, 1, 59, 60]), fc.integer({ min: -1440, max: 1440 })),
    len: fc.oneof(pick([1, 60, 480, 1439, 1440 - 60, 1440 + 60]), fc.integer({ min: -1439, max: 1439 })),
    endOf: fc.oneof({ weight: 8, arbitrary: fc.constant("rel" as const) }, { weight: 1, arbitrary: pick(["24:00", "00:00"] as const) }),
  },
  { requiredKeys: ["tz", "startRel", "len", "endOf"] },
);

const blackoutArb: fc.Arbitrary<BlackoutSpec> = fc.record(
  {
    startRel: deltaMsArb,
    len: fc.oneof(pick([1, 1000, MIN_MS, HOUR_MS, DAY_MS]), fc.integer({ min: 1, max: 2 * DAY_MS })),
    offset: offsetArb,
    reason: maybe(pick(["deploy freeze", "", "maintenance ✓"])),
  },
  { requiredKeys: ["startRel", "len", "offset"] },
);

const patternListArb = fc.array(fc.oneof({ weight: 4, arbitrary: pick(PATTERNS) }, { weight: 2, arbitrary: pick(ACTIONS) }), { maxLength: 4 });
const domainListArb = fc.array(pick(DOMAIN_ENTRIES), { maxLength: 4 });
const rateArb = fc.oneof(pick([0, 1, 2, 10, 60, 100, MAX]), fc.integer({ min: 0, max: 200 }));

/** Each key with its value generator and how often (in %) a passport sets it. */
const KEYS: [string, fc.Arbitrary<unknown>, number][] = [
  ["core:cost:max_per_action", amountArb, 20],
  ["core:cost:max_per_day", amountArb, 20],
  ["core:cost:max_per_week", amountArb, 15],
  ["core:cost:max_per_month", amountArb, 15],
  ["core:cost:max_total", amountArb, 15],
  ["core:cost:max_cumulative", amountArb, 15],
  ["core:cost:cumulative_window", pick(["daily", "weekly", "monthly", "total"]), 15],
  ["core:cost:approval_threshold", amountArb, 20],
  ["core:rate:max_per_minute", rateArb, 15],
  ["core:rate:max_per_hour", rateArb, 12],
  ["core:rate:max_per_day", rateArb, 12],
  ["core:scope:domain_allowlist", domainListArb, 15],
  ["core:scope:domain_blocklist", domainListArb, 15],
  ["core:scope:action_allowlist", patternListArb, 10],
  ["core:scope:action_blocklist", patternListArb, 15],
  ["core:time:idle_timeout_minutes", fc.oneof(pick([0, 1, 30, 60, 1440, 150119987579]), fc.integer({ min: 0, max: 200 })), 15],
  ["core:approval:required", fc.boolean(), 8],
  ["core:approval:for_actions", fc.array(fc.oneof(pick(SENTINEL_NAMES), pick(PATTERNS), pick(ACTIONS)), { maxLength: 3 }), 20],
  ["core:safety:anomaly_suspend", fc.boolean(), 15],
  ["core:safety:fail_closed", fc.boolean(), 10],
  ["core:data:read_only", fc.boolean(), 12],
  ["core:data:no_pii_export", fc.boolean(), 25],
  ["core:data:no_secrets_export", fc.boolean(), 25],
  ["core:data:redact_pii_in_logs", fc.boolean(), 5],
  ["acme:region", pick(["eu", "us"]), 4],
  ["x-team:owner", fc.constant("ops"), 2],
];

/** Chosen when a draw in 0..99 reaches 100 − weight, so shrinking drops keys. */
const chosen = (draw: number, weight: number): boolean => draw >= 100 - weight;

const constraintsArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(fc.tuple(...KEYS.map(([, arb]) => arb)), fc.array(fc.nat(99), { minLength: KEYS.length, maxLength: KEYS.length }))
  .map(([values, draws]) => {
    const out: Record<string, unknown> = {};
    KEYS.forEach(([key, , weight], i) => {
      if (!chosen(draws[i]!, weight)) return;
      // Flags are mostly on: a flag that is off tests little.
      out[key] = typeof values[i] === "boolean" && draws[i]! % 5 !== 0 ? true : values[i];
    });
    return out;
  });

export const passportSpecArb: fc.Arbitrary<PassportSpec> = fc.record(
  {
    status: fc.oneof(
      { weight: 30, arbitrary: fc.constant(undefined) },
      { weight: 5, arbitrary: fc.constant("active") },
      { weight: 1, arbitrary: fc.constant("revoked") },
    ),
    notBeforeRel: maybe(deltaMsArb, 0.3),
    expiresRel: maybe(deltaMsArb, 0.3),
    timeOffset: offsetArb,
    permissions: maybe(patternListArb, 0.5),
    constraints: constraintsArb,
    schedule: maybe(fc.oneof(rangeArb, fc.array(rangeArb, { minLength: 1, maxLength: 3 })), 0.7),
    blackouts: maybe(fc.array(blackoutArb, { maxLength: 3 }), 0.5),
  },
  { requiredKeys: ["constraints", "timeOffset"] },
);

const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const mod = (a: number, n: number): number => ((a % n) + n) % n;

function resolveRange(spec: RangeSpec, base: number): Record<string, unknown> {
  const r = AVOID.secondOffsets && base < YEAR_1973 ? { ...spec, tz: "UTC" } : spec;
  const local = mod(Math.floor((base + offsetMinutes(r.tz, base) * MIN_MS) / MIN_MS), 1440);
  const start = mod(local + r.startRel, 1440);
  let end = r.endOf === "24:00" ? 1440 : r.endOf === "00:00" ? 0 : mod(start + r.len, 1440);
  if (end === start) end = start === 0 ? 1440 : mod(start + 1, 1440) || 1440; // start == end is an error
  const out: Record<string, unknown> = { start: hhmm(start), end: hhmm(end) };
  if (r.tz !== "UTC" || r.days) out.timezone = r.tz;
  if (r.days) out.days = r.days;
  return out;
}

/** A valid passport for a spec around the base instant. */
export function resolvePassport(spec: PassportSpec, base: number): ModelPassport {
  const p: ModelPassport = { id: "pass_prop", agent_id: "agent-prop" };
  if (spec.status !== undefined) p.status = spec.status;
  const nb = spec.notBeforeRel;
  let ex = spec.expiresRel;
  if (nb !== undefined && ex !== undefined && nb >= ex) ex = nb + 1;
  if (nb !== undefined && hasRfc3339(base + nb, spec.timeOffset)) p.not_before = rfc3339(base + nb, spec.timeOffset);
  if (ex !== undefined && hasRfc3339(base + ex, spec.timeOffset)) p.expires_at = rfc3339(base + ex, spec.timeOffset);
  if (spec.permissions !== undefined) p.permissions = spec.permissions;
  const c: Record<string, unknown> = { ...spec.constraints };
  if (spec.schedule !== undefined) {
    c["core:time:operating_hours"] = Array.isArray(spec.schedule) ? spec.schedule.map((r) => resolveRange(r, base)) : resolveRange(spec.schedule, base);
  }
  if (spec.blackouts !== undefined) {
    c["core:time:blackout_windows"] = spec.blackouts
      .filter((b) => hasRfc3339(base + b.startRel, b.offset) && hasRfc3339(base + b.startRel + b.len, b.offset))
      .map((b) => {
        const w: Record<string, unknown> = { start: rfc3339(base + b.startRel, b.offset), end: rfc3339(base + b.startRel + b.len, b.offset) };
        if (b.reason !== undefined) w.reason = b.reason;
        return w;
      });
  }
  p.constraints = c;
  return p;
}

// ---- cases -------------------------------------------------------------------------------------

/** A cost: an anchor, or a cap's edge (cap − spent − held + delta, or cap + delta for per-action keys). */
type CostSpec = { abs: number } | { edge: number; delta: number };
type CountSpec = { abs: number } | { edge: number; delta: number } | undefined;
type TimeSpec = { rel: number; asString: boolean; offset: number } | { edgeOf: "idle" | "heartbeat"; delta: number; asString: boolean } | null | undefined;

/** An action from the pool, or one made from a pattern of the passport (stars filled in). */
type ActionSpec = string | { fromPattern: number; filler: string; upper: boolean };
/** A target from the pool, or a variation on one of the passport's domain entries. */
type TargetSpec = string | { fromEntry: number; variant: number };

export interface CaseSpec {
  nowDelta: number;
  action: ActionSpec;
  cost?: CostSpec;
  target?: TargetSpec;
  context?: Record<string, unknown>;
  actionId?: string;
  spent: [CountSpec, CountSpec, CountSpec, CountSpec, CountSpec];
  rates: [CountSpec, CountSpec, CountSpec, CountSpec, CountSpec];
  lastActionAt: TimeSpec;
  lastHeartbeatAt: TimeSpec;
  pending?: string | null;
  stopped?: boolean;
  paused?: boolean;
}

const rarelyTrue = fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
const smallDelta = fc.integer({ min: -2, max: 2 });
const countSpecArb: fc.Arbitrary<CountSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: amountArb.map((abs) => ({ abs })) },
  { weight: 3, arbitrary: fc.record({ edge: fc.nat(7), delta: smallDelta }) },
);
const timeSpecArb = (edgeOf: "idle" | "heartbeat"): fc.Arbitrary<TimeSpec> =>
  fc.oneof(
    { weight: 2, arbitrary: pick([undefined, null]) },
    { weight: 1, arbitrary: fc.record({ rel: deltaMsArb, asString: fc.boolean(), offset: offsetArb }) },
    { weight: 3, arbitrary: fc.record({ edgeOf: fc.constant(edgeOf), delta: pick([-1, 0, 1, -1000, 1000, 60_000]), asString: fc.boolean() }) },
  );

/** Ways to vary a domain entry into a target: the host itself, a subdomain, a look-alike, a URL... */
const TARGET_VARIANTS: ((host: string) => string)[] = [
  (h) => h,
  (h) => `sub.${h}`,
  (h) => `bad${h}`,
  (h) => `${h}.evil.net`,
  (h) => h.toUpperCase() + ".",
  (h) => `https://${h}/path?q=1`,
  (h) => `${h}:8443/x`,
  (h) => `https://${h}@evil.com/`,
  (h) => `https://evil.com@${h}/`,
  (h) => `a.b.${h}`,
  (h) => `http://[${h}]/`,
  (h) => h.slice(1),
  (h) => `x${h.slice(1)}`,
];

/** The write verbs of SPEC §4, §10 and §11 (the reference model's own set), and words that only look like them. */
const VERBS = [...WRITE_VERBS, "read", "get", "list", "settle", "posts", "runner", "payload", "booking", "setup", "unset", "export", "search"];
const verbActionArb = fc
  .record({
    ns: pick(["", "db:", "files:", "a:b:", "x:"]),
    verb: pick(VERBS),
    tail: pick(["", "_x", "-x", ".x", "All", "all", "s", "X", "_", "Bulk"]),
    upper: fc.nat(3),
  })
  .map(({ ns, verb, tail, upper }) => ns + (upper === 0 ? verb.toUpperCase() : upper === 1 ? verb[0]!.toUpperCase() + verb.slice(1) : verb) + tail);

const actionArb = fc.oneof(
  { weight: 6, arbitrary: pick(ACTIONS) },
  { weight: 3, arbitrary: verbActionArb },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(..."abAB:_-.*éÉẞßΣσςİiÖö𐐀𐐨ȺⱥK\u212AДд"), minLength: 1, maxLength: 10 }) },
);
/** Host-ish strings that stress the difference between a quick host check and the URL parser. */
const hostishArb = fc.string({ unit: fc.constantFrom(..."ab0x9.-_:@/[]%Ａ。é\\?#"), minLength: 1, maxLength: 12 });
const targetArb = fc.oneof(
  { weight: 6, arbitrary: pick(TARGETS) },
  { weight: 2, arbitrary: hostishArb },
  { weight: 1, arbitrary: hostishArb.map((h) => `https://${h}`) },
  { weight: 1, arbitrary: detectStringArb.filter((s) => s.length > 0) },
  { weight: 1, arbitrary: fc.webUrl() },
);

export const caseSpecArb: fc.Arbitrary<CaseSpec> = fc.record(
  {
    nowDelta: deltaMsArb,
    action: fc.oneof(
      { weight: 2, arbitrary: actionArb },
      {
        weight: 3,
        arbitrary: fc.record({
          fromPattern: fc.nat(),
          filler: pick(["", "x", ":", "_delete", "Search", "a:b", "é", "ẞ", "Σ", "𐐀", "\u212A"]),
          upper: fc.boolean(),
        }),
      },
    ),
    cost: fc.oneof(
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: amountArb.map((abs) => ({ abs })) },
      { weight: 4, arbitrary: fc.record({ edge: fc.nat(7), delta: smallDelta }) },
    ),
    target: maybe(fc.oneof(targetArb, fc.record({ fromEntry: fc.nat(), variant: fc.nat(TARGET_VARIANTS.length - 1) })), 2),
    context: maybe(contextArb, 2),
    actionId: maybe(fc.constant("act_1"), 1),
    spent: fc.tuple(countSpecArb, countSpecArb, countSpecArb, countSpecArb, countSpecArb),
    rates: fc.tuple(countSpecArb, countSpecArb, countSpecArb, countSpecArb, countSpecArb),
    lastActionAt: timeSpecArb("idle"),
    lastHeartbeatAt: timeSpecArb("heartbeat"),
    pending: maybe(pick(["apr_1", null, ""]), 1),
    stopped: maybe(rarelyTrue, 0.4),
    paused: maybe(rarelyTrue, 0.4),
  },
  { requiredKeys: ["nowDelta", "action", "spent", "rates", "lastActionAt", "lastHeartbeatAt"] },
);

export interface RunSpec {
  base: number;
  passport: PassportSpec;
  cases: CaseSpec[];
}

/**
 * Known engine divergences the generators steer around until they are fixed (each one is shown
 * against the SPEC in known-divergences.test.ts and kept as a regression fixture).
 */
export const AVOID = {
  /** bindings/timezone.ts: wrong UTC offsets before year 100 (Date.UTC maps 0–99 to 19xx; BC years lose their era). */
  ancientOffsets: true,
  /** bindings/timezone.ts + ABI: offsets travel in whole minutes; local mean time (before ~1973) has seconds. */
  secondOffsets: true,
};
const YEAR_1973 = Date.parse("1973-01-01T00:00:00Z");
const YEAR_100 = Date.parse("0100-01-02T00:00:00Z");
const usableBase = (t: number): boolean => !AVOID.ancientOffsets || t >= YEAR_100;

export const runSpecArb = (maxCases: number): fc.Arbitrary<RunSpec> =>
  fc.record({
    base: fc.oneof(
      { weight: 5, arbitrary: pick(baseInstants().filter(usableBase)) },
      { weight: 1, arbitrary: fc.integer({ min: Date.parse("1990-01-01T00:00:00Z"), max: Date.parse("2060-01-01T00:00:00Z") }) },
    ),
    passport: passportSpecArb,
    cases: fc.array(caseSpecArb, { minLength: 1, maxLength: maxCases }),
  });

export interface Case {
  request: ModelRequest;
  counters: ModelCounters;
  now: number;
}

const SPENT_FIELDS = ["spent_today_cents", "spent_week_cents", "spent_month_cents", "spent_total_cents", "held_cents"] as const;
const RATE_FIELDS = ["actions_last_minute", "actions_last_5_minutes", "actions_last_30_minutes", "actions_last_hour", "actions_today"] as const;
const COST_KEYS = [
  "core:cost:max_per_action",
  "core:cost:max_per_day",
  "core:cost:max_per_week",
  "core:cost:max_per_month",
  "core:cost:max_total",
  "core:cost:max_cumulative",
  "core:cost:approval_threshold",
];
const RATE_KEYS = ["core:rate:max_per_minute", "core:rate:max_per_hour", "core:rate:max_per_day"];
const clampAmount = (v: number): number => Math.min(MAX, Math.max(0, v));

/** A count at a rate cap's edge (count + 1 > cap ⇔ count ≥ cap), or the anomaly edge for the 5/30-minute counts. */
function resolveCount(spec: CountSpec, field: string, c: Record<string, unknown>, counts: Record<string, number>): number | undefined {
  if (spec === undefined) return undefined;
  if ("abs" in spec) return spec.abs;
  if (field === "actions_last_5_minutes") return clampAmount(9 + spec.delta);
  if (field === "actions_last_30_minutes") return clampAmount(2 * ((counts.actions_last_5_minutes ?? 0) + 1) + spec.delta);
  const caps = RATE_KEYS.filter((k) => c[k] !== undefined);
  const cap = caps.length > 0 ? (c[caps[spec.edge % caps.length]!] as number) : 10;
  return clampAmount(cap + spec.delta);
}

function resolveTime(spec: TimeSpec, now: number, edge: number): number | string | null | undefined {
  if (spec === undefined || spec === null) return spec;
  const [t, offset] = "rel" in spec ? [now + spec.rel, spec.offset] : [now - edge + spec.delta, 0];
  // Epoch ms must be ≥ 0; a string needs a four-digit year.
  if ((spec.asString || t < 0) && hasRfc3339(t, offset)) return rfc3339(t, offset);
  return t >= 0 && t <= 8_640_000_000_000_000 ? t : null;
}

/** Concrete inputs for one case of a run. */
export function resolveCase(spec: CaseSpec, passport: ModelPassport, base: number): Case {
  const c = passport.constraints ?? {};
  const now = base + spec.nowDelta;
  const counters: Record<string, unknown> = {};
  const spentKeys = COST_KEYS.filter((k) => c[k] !== undefined);
  spec.spent.forEach((s, i) => {
    if (s === undefined) return;
    if ("abs" in s) {
      counters[SPENT_FIELDS[i]!] = s.abs;
      return;
    }
    // A share of a cap: spent fills it up to a few cents, so the cost edge lands near it.
    const cap = spentKeys.length > 0 ? (c[spentKeys[s.edge % spentKeys.length]!] as number) : 10000;
    counters[SPENT_FIELDS[i]!] = clampAmount(Math.floor(cap / (i === 4 ? 4 : 2)) + s.delta);
  });
  const counts: Record<string, number> = {};
  spec.rates.forEach((s, i) => {
    const v = resolveCount(s, RATE_FIELDS[i]!, c, counts);
    if (v !== undefined) {
      counts[RATE_FIELDS[i]!] = v;
      counters[RATE_FIELDS[i]!] = v;
    }
  });
  const idle = typeof c["core:time:idle_timeout_minutes"] === "number" ? (c["core:time:idle_timeout_minutes"] as number) * MIN_MS : 30 * MIN_MS;
  const la = resolveTime(spec.lastActionAt, now, idle);
  if (la !== undefined) counters.last_action_at = la;
  const hb = resolveTime(spec.lastHeartbeatAt, now, 120_000);
  if (hb !== undefined) counters.last_heartbeat_at = hb;
  if (spec.pending !== undefined) counters.pending_approval_id = spec.pending;
  if (spec.stopped !== undefined) counters.emergency_stopped = spec.stopped;
  if (spec.paused !== undefined) counters.enforcement_paused = spec.paused;

  const request: ModelRequest = { action: resolveAction(spec.action, passport) };
  if (spec.cost !== undefined) request.cost_cents = resolveCost(spec.cost, c, counters);
  if (spec.target !== undefined) request.target = resolveTarget(spec.target, c);
  if (spec.context !== undefined) request.context = spec.context;
  if (spec.actionId !== undefined) request.action_id = spec.actionId;
  return { request, counters: counters as ModelCounters, now };
}

function resolveAction(spec: ActionSpec, passport: ModelPassport): string {
  if (typeof spec === "string") return spec;
  const c = passport.constraints ?? {};
  const patterns = [
    ...(passport.permissions ?? []),
    ...["core:scope:action_allowlist", "core:scope:action_blocklist", "core:approval:for_actions"].flatMap((k) => (c[k] as string[] | undefined) ?? []),
  ];
  if (patterns.length === 0) return ACTIONS[spec.fromPattern % ACTIONS.length]!;
  const action = patterns[spec.fromPattern % patterns.length]!.replaceAll("*", spec.filler);
  const out = spec.upper ? action.toUpperCase() : action;
  return out === "" ? "x" : out;
}

function resolveTarget(spec: TargetSpec, c: Record<string, unknown>): string {
  if (typeof spec === "string") return spec;
  const entries = ["core:scope:domain_allowlist", "core:scope:domain_blocklist"].flatMap((k) => (c[k] as string[] | undefined) ?? []);
  const entry = (entries.length > 0 ? entries[spec.fromEntry % entries.length]! : DOMAIN_ENTRIES[spec.fromEntry % DOMAIN_ENTRIES.length]!).replace(/^\*\./, "");
  return TARGET_VARIANTS[spec.variant]!(entry);
}

const WINDOW_OF: Record<string, string> = {
  "core:cost:max_per_day": "spent_today_cents",
  "core:cost:max_per_week": "spent_week_cents",
  "core:cost:max_per_month": "spent_month_cents",
  "core:cost:max_total": "spent_total_cents",
};

function resolveCost(spec: CostSpec, c: Record<string, unknown>, counters: Record<string, unknown>): number {
  if ("abs" in spec) return spec.abs;
  const keys = COST_KEYS.filter((k) => c[k] !== undefined);
  if (keys.length === 0) return clampAmount(100 + spec.delta);
  const key = keys[spec.edge % keys.length]!;
  const cap = c[key] as number;
  if (key === "core:cost:max_per_action" || key === "core:cost:approval_threshold") return clampAmount(cap + spec.delta);
  let field = WINDOW_OF[key];
  if (key === "core:cost:max_cumulative") {
    field =
      WINDOW_OF[
        { daily: "core:cost:max_per_day", weekly: "core:cost:max_per_week", monthly: "core:cost:max_per_month", total: "core:cost:max_total" }[
          (c["core:cost:cumulative_window"] as string | undefined) ?? "daily"
        ]!
      ];
  }
  const spent = (counters[field!] as number | undefined) ?? 0,
    held = (counters.held_cents as number | undefined) ?? 0;
  return clampAmount(cap - spent - held + spec.delta);
}
