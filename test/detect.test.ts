// Secret and PII recognizers (assembly/detect): kinds, exact spans and boundaries, on a test-only build.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { luhn, luhnCheckDigit } from "./reference/detect";

interface DetectExports {
  memory: WebAssembly.Memory;
  detect_buf(len: number): number;
  detect_secret(len: number, from: number): number;
  detect_pii(len: number, from: number): number;
  detect_start(): number;
  detect_end(): number;
  detect_kind_name(family: number, id: number): number;
}

const SECRET_KINDS = [
  "openai_key",
  "stripe_key",
  "aws_access_key_id",
  "github_token",
  "github_pat",
  "bearer_token",
  "slack_token",
  "google_api_key",
  "private_key",
];
const PII_KINDS = ["email", "phone", "card_number", "us_ssn", "iban"];

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let wasm: WebAssembly.Module;
let ex: DetectExports;
let buildDir = "";

beforeAll(() => {
  // A stub-runtime build of the detectors alone, so these tests do not depend on the rest of the engine.
  buildDir = mkdtempSync(join(tmpdir(), "warden-detect-"));
  const out = join(buildDir, "detect.test.wasm");
  const asc = join(ROOT, "node_modules/assemblyscript/bin/asc.js");
  execFileSync(
    process.execPath,
    [asc, "assembly/detect/exports.ts", "--config", join(buildDir, "no-asconfig.json"), "--outFile", out, "--runtime", "stub", "--use", "abort=", "-O3"],
    { cwd: ROOT, stdio: "inherit" },
  );
  wasm = new WebAssembly.Module(readFileSync(out));
  ex = new WebAssembly.Instance(wasm, {}).exports as unknown as DetectExports;
});

afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

type Family = "secret" | "pii";

interface Finding {
  kind: string;
  text: string;
  start: number;
  end: number;
}

function load(text: string): { bytes: Uint8Array; len: number } {
  const bytes = encoder.encode(text);
  const ptr = ex.detect_buf(bytes.length);
  new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
  return { bytes, len: bytes.length };
}

function kindName(family: Family, id: number): string {
  const n = ex.detect_kind_name(family === "secret" ? 0 : 1, id);
  const ptr = ex.detect_buf(n);
  return decoder.decode(new Uint8Array(ex.memory.buffer, ptr, n));
}

/** Every finding of one family, looping with from = end. */
function scanAll(family: Family, text: string): Finding[] {
  const { bytes, len } = load(text);
  const find = family === "secret" ? ex.detect_secret : ex.detect_pii;
  const out: Finding[] = [];
  let from = 0;
  for (;;) {
    const id = find(len, from);
    if (id === 0) return out;
    const start = ex.detect_start();
    const end = ex.detect_end();
    expect(end).toBeGreaterThan(start);
    expect(start).toBeGreaterThanOrEqual(from);
    out.push({ kind: kindName(family, id), text: decoder.decode(bytes.subarray(start, end)), start, end });
    from = end;
  }
}

const secrets = (text: string): Array<[string, string]> => scanAll("secret", text).map((f) => [f.kind, f.text]);
const pii = (text: string): Array<[string, string]> => scanAll("pii", text).map((f) => [f.kind, f.text]);

// Luhn from the reference model (test/reference/detect.ts): to build cards and assert a test's premise.
const withLuhn = (body: string): string => body + luhnCheckDigit(body);

function ibanNumber(s: string): bigint {
  return BigInt([...s].map((c) => (c >= "A" ? String(c.charCodeAt(0) - 55) : c)).join(""));
}

/** Builds a valid IBAN for a country and BBAN by computing its check digits. */
function makeIban(country: string, bban: string): string {
  const check = 98n - (ibanNumber(bban + country + "00") % 97n);
  return country + String(check).padStart(2, "0") + bban;
}

function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, "");
  return ibanNumber(s.slice(4) + s.slice(0, 4)) % 97n === 1n;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
function run(n: number, alphabet = ALNUM): string {
  let s = "";
  for (let k = 0; k < n; k++) s += alphabet[(k * 7 + 3) % alphabet.length];
  return s;
}

describe("module", () => {
  it("imports nothing and exports exactly the detector ABI", () => {
    expect(WebAssembly.Module.imports(wasm)).toEqual([]);
    expect(
      WebAssembly.Module.exports(wasm)
        .map((e) => e.name)
        .sort(),
    ).toEqual(["detect_buf", "detect_end", "detect_kind_name", "detect_pii", "detect_secret", "detect_start", "memory"]);
  });

  it("names every kind id, in the documented order, and nothing past the end", () => {
    expect(SECRET_KINDS.map((_, k) => kindName("secret", k + 1))).toEqual(SECRET_KINDS);
    expect(PII_KINDS.map((_, k) => kindName("pii", k + 1))).toEqual(PII_KINDS);
    expect(kindName("secret", 0)).toBe("");
    expect(kindName("secret", SECRET_KINDS.length + 1)).toBe("");
    expect(kindName("pii", PII_KINDS.length + 1)).toBe("");
  });

  it("grows the scratch area past its initial 64 KiB and still finds a secret at the end", () => {
    const key = "AKIA" + "Z".repeat(16);
    const text = "x ".repeat(100_000) + key;
    const found = scanAll("secret", text);
    expect(found).toEqual([{ kind: "aws_access_key_id", text: key, start: 200_000, end: 200_020 }]);
  });

  it("returns 0 for an empty input and for from at or past the end", () => {
    const { len } = load("sk-" + run(20));
    expect(ex.detect_secret(0, 0)).toBe(0);
    expect(ex.detect_secret(len, len)).toBe(0);
    expect(ex.detect_secret(len, len + 5)).toBe(0);
    expect(ex.detect_secret(len, -3)).toBe(1);
  });
});

describe("secrets: OpenAI", () => {
  it("needs at least 20 body characters after sk-", () => {
    expect(secrets("sk-" + run(19))).toEqual([]);
    expect(secrets("sk-" + run(20))).toEqual([["openai_key", "sk-" + run(20)]]);
  });

  it("extends greedily over [A-Za-z0-9_-] and stops at the first other byte", () => {
    const key = "sk-proj-" + run(30) + "_x-y";
    expect(secrets(`OPENAI_API_KEY="${key}".`)).toEqual([["openai_key", key]]);
  });

  it("does not start inside a word", () => {
    expect(secrets("ask-" + run(30))).toEqual([]);
    expect(secrets("xsk-" + run(30))).toEqual([]);
    expect(secrets("_sk-" + run(30))).toEqual([]);
    expect(secrets("9sk-" + run(30))).toEqual([]);
  });

  it("starts after punctuation, including a dash", () => {
    expect(secrets("key:-sk-" + run(20))).toEqual([["openai_key", "sk-" + run(20)]]);
  });
});

describe("secrets: Stripe", () => {
  it.each(["sk_live_", "sk_test_", "rk_live_", "pk_live_", "pk_test_"])("%s needs 16 alphanumerics", (prefix) => {
    expect(secrets(prefix + run(15))).toEqual([]);
    expect(secrets(prefix + run(16))).toEqual([["stripe_key", prefix + run(16)]]);
  });

  it("takes alphanumerics only: the body stops at _ or -", () => {
    expect(secrets("sk_live_" + run(16) + "_more")).toEqual([["stripe_key", "sk_live_" + run(16)]]);
    expect(secrets("sk_live_" + run(10) + "-" + run(10))).toEqual([]);
  });

  it("rejects prefixes the spec does not list", () => {
    expect(secrets("rk_test_" + run(20))).toEqual([]);
    expect(secrets("SK_LIVE_" + run(20))).toEqual([]);
  });
});

describe("secrets: AWS access key id", () => {
  const body16 = "IOSFODNN7EXAMPL2";

  it("matches AKIA and ASIA with exactly 16 of [A-Z0-9]", () => {
    expect(secrets("AKIA" + body16)).toEqual([["aws_access_key_id", "AKIA" + body16]]);
    expect(secrets("id=ASIA" + body16 + ";")).toEqual([["aws_access_key_id", "ASIA" + body16]]);
  });

  it("rejects 15 and 17 characters", () => {
    expect(secrets("AKIA" + body16.slice(0, 15))).toEqual([]);
    expect(secrets("AKIA" + body16 + "Q")).toEqual([]);
    expect(secrets("AKIA" + body16 + "7")).toEqual([]);
  });

  it("accepts a 17th character outside the class (lower case, punctuation, non-ASCII)", () => {
    expect(secrets("AKIA" + body16 + "x")).toEqual([["aws_access_key_id", "AKIA" + body16]]);
    expect(secrets("AKIA" + body16 + "_")).toEqual([["aws_access_key_id", "AKIA" + body16]]);
    expect(secrets("AKIA" + body16 + "é")).toEqual([["aws_access_key_id", "AKIA" + body16]]);
  });

  it("rejects lower case in the body and the prefix inside a word", () => {
    expect(secrets("AKIA" + body16.toLowerCase())).toEqual([]);
    expect(secrets("akia" + body16)).toEqual([]);
    expect(secrets("XAKIA" + body16)).toEqual([]);
  });
});

describe("secrets: GitHub", () => {
  it.each(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])("%s needs 36 alphanumerics", (prefix) => {
    expect(secrets(prefix + run(35))).toEqual([]);
    expect(secrets(prefix + run(36))).toEqual([["github_token", prefix + run(36)]]);
    expect(secrets(prefix + run(40) + "_x")).toEqual([["github_token", prefix + run(40)]]);
  });

  it("ignores other gh?_ prefixes", () => {
    expect(secrets("ghx_" + run(40))).toEqual([]);
  });

  it("github_pat_ needs 22 of [A-Za-z0-9_] and takes underscores greedily", () => {
    expect(secrets("github_pat_" + run(21))).toEqual([]);
    expect(secrets("github_pat_" + run(22))).toEqual([["github_pat", "github_pat_" + run(22)]]);
    const pat = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123";
    expect(secrets(`token ${pat}-end`)).toEqual([["github_pat", pat]]);
  });
});

describe("secrets: Bearer", () => {
  const token = "eyJhbGciOi.JIUzI1_N~iIs+In/R5cCI6=-";

  it("covers the word, the spaces and a token of at least 16 characters", () => {
    expect(secrets(`Authorization: Bearer ${token}`)).toEqual([["bearer_token", `Bearer ${token}`]]);
    expect(secrets("Bearer " + run(15))).toEqual([]);
    expect(secrets("Bearer " + run(16))).toEqual([["bearer_token", "Bearer " + run(16)]]);
  });

  it("matches the word in any case and after several spaces", () => {
    expect(secrets("bearer   " + run(16))).toEqual([["bearer_token", "bearer   " + run(16)]]);
    expect(secrets("BEARER " + run(16) + ",")).toEqual([["bearer_token", "BEARER " + run(16)]]);
  });

  it("needs a space or a tab (SPEC §11), and the word at a token start", () => {
    expect(secrets("Bearer" + run(20))).toEqual([]);
    expect(secrets("Bearer\n" + run(20))).toEqual([]);
    expect(secrets("Bearer\t" + run(20))).not.toEqual([]);
    expect(secrets("xBearer " + run(20))).toEqual([]);
  });
});

describe("secrets: Slack", () => {
  it.each(["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"])("%s needs 10 of [A-Za-z0-9-]", (prefix) => {
    expect(secrets(prefix + run(9))).toEqual([]);
    expect(secrets(prefix + run(10))).toEqual([["slack_token", prefix + run(10)]]);
  });

  it("takes dashes greedily and stops at other bytes", () => {
    const tok = "xoxb-1234-5678-abcdEFGH";
    expect(secrets(`(${tok}_)`)).toEqual([["slack_token", tok]]);
    expect(secrets("xoxc-" + run(20))).toEqual([]);
  });
});

describe("secrets: Google API key", () => {
  const body = "SyD-9tSrke72PouQMnMX7_7A2bCdEfGhIjk"; // 35 characters

  it("matches AIza with exactly 35 of [A-Za-z0-9_-]", () => {
    expect(body.length).toBe(35);
    expect(secrets(`key=AIza${body}&q=1`)).toEqual([["google_api_key", "AIza" + body]]);
  });

  it("rejects 34 and 36 characters", () => {
    expect(secrets("AIza" + body.slice(0, 34))).toEqual([]);
    expect(secrets("AIza" + body + "x")).toEqual([]);
    expect(secrets("AIza" + body + "-")).toEqual([]);
  });
});

describe("secrets: private keys", () => {
  const bodyLines = "MIIEpAIBAAKCAQEA7\nZ3x+/abc=\n";

  it.each(["RSA ", "OPENSSH ", "EC ", "ENCRYPTED ", ""])("spans header to footer for '%sPRIVATE KEY'", (label) => {
    const block = `-----BEGIN ${label}PRIVATE KEY-----\n${bodyLines}-----END ${label}PRIVATE KEY-----`;
    expect(secrets(`before\n${block}\nafter AKIA${"A".repeat(16)}`)).toEqual([
      ["private_key", block],
      ["aws_access_key_id", "AKIA" + "A".repeat(16)],
    ]);
  });

  it("runs to the end of the input when the footer is missing", () => {
    const text = `-----BEGIN RSA PRIVATE KEY-----\n${bodyLines}(truncated`;
    expect(secrets("k: " + text)).toEqual([["private_key", text]]);
  });

  it("skips footers of other blocks", () => {
    const text = `-----BEGIN PRIVATE KEY-----\nAAA\n-----END CERTIFICATE-----\nBBB\n-----END PRIVATE KEY-----`;
    expect(secrets(text)).toEqual([["private_key", text]]);
  });

  it("ignores public keys, certificates, PGP blocks and a header glued to a word", () => {
    expect(secrets("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")).toEqual([]);
    expect(secrets("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")).toEqual([]);
    expect(secrets("-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx")).toEqual([]);
    expect(secrets("x-----BEGIN PRIVATE KEY-----\nxx")).toEqual([]);
    expect(secrets("-----BEGIN rsa PRIVATE KEY-----\nxx")).toEqual([]);
  });
});

describe("secrets: scanning", () => {
  it("reports several findings in order with byte offsets, around non-ASCII text", () => {
    const openai = "sk-" + run(24);
    const aws = "AKIA" + "ABCDEFGHIJ234567";
    const slack = "xoxp-" + run(12);
    const text = `日本 ${openai}→${aws}, é${slack}`;
    const found = scanAll("secret", text);
    expect(found.map((f) => [f.kind, f.text])).toEqual([
      ["openai_key", openai],
      ["aws_access_key_id", aws],
      ["slack_token", slack],
    ]);
    expect(found[0].start).toBe(encoder.encode("日本 ").length);
    expect(found[1].start).toBe(encoder.encode(`日本 ${openai}→`).length);
  });

  it("treats the byte before `from` as context: no token starts mid-word", () => {
    const { len } = load("xxsk-" + run(24));
    expect(ex.detect_secret(len, 2)).toBe(0);
    const loaded = load("x sk-" + run(24));
    expect(ex.detect_secret(loaded.len, 2)).toBe(1);
    expect(ex.detect_start()).toBe(2);
  });

  it("stays linear on inputs built to make recognizers rescan", () => {
    const inputs = [
      "sk-" + "-".repeat(600_000),
      "AKIA" + "A".repeat(600_000),
      "AIza-".repeat(120_000),
      "Bearer ".repeat(100_000),
      "-----BEGIN ".repeat(60_000),
      "-----BEGIN PRIVATE KEY-----".repeat(20_000),
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      scanAll("secret", text);
      expect(performance.now() - t0).toBeLessThan(3000);
    }
  });

  it("finds nothing in ordinary prose", () => {
    expect(secrets("Ask the desk: skipped bearer of bad news, github_pat is fine. AKIAS are birds.")).toEqual([]);
  });
});

describe("PII: e-mail", () => {
  it("matches local@domain.tld with the usual local-part characters", () => {
    expect(pii("mail Jane.Doe+news_1%x@mail.Example.co.uk today")).toEqual([["email", "Jane.Doe+news_1%x@mail.Example.co.uk"]]);
  });

  it("needs a TLD of two letters or more, and ends after the last such label", () => {
    expect(pii("a@b.c")).toEqual([]);
    expect(pii("a@localhost")).toEqual([]);
    expect(pii("a@b.io")).toEqual([["email", "a@b.io"]]);
    expect(pii("write to a@b.com.")).toEqual([["email", "a@b.com"]]);
    expect(pii("a@b.com.x")).toEqual([["email", "a@b.com"]]);
    expect(pii("a@host.c0m")).toEqual([]);
  });

  it("starts the local part at a token start, after non-ASCII and punctuation", () => {
    expect(pii("über@x.io")).toEqual([["email", "ber@x.io"]]);
    expect(pii("<mailto:bob@x.io>")).toEqual([["email", "bob@x.io"]]);
    expect(pii("--bob@x.io")).toEqual([["email", "bob@x.io"]]);
    expect(pii("@x.io")).toEqual([]);
  });

  it("prefers the e-mail over a number inside its local part", () => {
    expect(pii("123-45-6789@x.io")).toEqual([["email", "123-45-6789@x.io"]]);
  });

  it("reports an e-mail over a number that starts inside its local part", () => {
    expect(pii("x.4111111111111111@y.io")).toEqual([["email", "x.4111111111111111@y.io"]]);
    expect(pii("4111 1111 1111 1111-x@y.io")).toEqual([
      ["card_number", "4111 1111 1111 1111"],
      ["email", "x@y.io"],
    ]);
  });

  it("limits the local part to 64 bytes, starting at the first token start within them", () => {
    expect(pii("a".repeat(64) + "@x.io")).toEqual([["email", "a".repeat(64) + "@x.io"]]);
    expect(pii("a".repeat(65) + "@x.io")).toEqual([]);
    expect(pii("x".repeat(70) + ".bob@x.io")).toEqual([["email", "bob@x.io"]]);
  });

  it("never reaches back before `from` for the local part", () => {
    const { len } = load("abc def@x.io");
    expect(ex.detect_pii(len, 5)).toBe(0);
    expect(ex.detect_pii(len, 4)).toBe(1);
    expect([ex.detect_start(), ex.detect_end()]).toEqual([4, 12]);
  });

  it("finds several addresses in one string", () => {
    expect(pii("a@x.io, b.c@y.org;d@z.net")).toEqual([
      ["email", "a@x.io"],
      ["email", "b.c@y.org"],
      ["email", "d@z.net"],
    ]);
  });
});

describe("PII: phone", () => {
  it("international: + and 8 to 15 digits", () => {
    expect(pii("+1234567")).toEqual([]);
    expect(pii("+12345678")).toEqual([["phone", "+12345678"]]);
    expect(pii("+123456789012345")).toEqual([["phone", "+123456789012345"]]);
    expect(pii("+1234567890123456")).toEqual([]);
  });

  it("international: groups joined by single spaces, dashes, dots or parentheses", () => {
    expect(pii("call +1 (555) 123-4567.")).toEqual([["phone", "+1 (555) 123-4567"]]);
    expect(pii("+44 (0)20 7946 0958")).toEqual([["phone", "+44 (0)20 7946 0958"]]);
    expect(pii("+49.30.1234.5678")).toEqual([["phone", "+49.30.1234.5678"]]);
    expect(pii("+1 555  123 4567")).toEqual([]); // two spaces end the run: "+1 555" is 4 digits
  });

  it("international: the + must be at a token start", () => {
    expect(pii("a+12345678")).toEqual([]);
  });

  it("North American forms", () => {
    for (const p of ["(555) 123-4567", "(555)123-4567", "555-123-4567", "555.123.4567", "555 123 4567", "1-800-555-0199"]) {
      expect(pii(`tel ${p}, thanks`)).toEqual([["phone", p]]);
    }
  });

  it("North American: whole numbers only", () => {
    expect(pii("5551234567")).toEqual([]);
    expect(pii("1555-123-4567")).toEqual([]);
    expect(pii("555-123-45678")).toEqual([]);
    expect(pii("555-123-4567-1")).toEqual([]);
    expect(pii("9 555-123-4567")).toEqual([]);
    expect(pii("555-1234")).toEqual([]);
  });
});

describe("PII: payment card", () => {
  const visa = "4111111111111111";

  it("matches Luhn-valid runs of 13 to 19 digits", () => {
    const c13 = "4222222222222";
    const c19 = withLuhn("601100000000000000");
    expect([luhn(c13), luhn(c19), luhn("378282246310005")]).toEqual([true, true, true]);
    expect(pii(c13)).toEqual([["card_number", c13]]);
    expect(pii("amex 378282246310005.")).toEqual([["card_number", "378282246310005"]]);
    expect(pii(c19)).toEqual([["card_number", c19]]);
  });

  it("rejects 12 and 20 digits even when Luhn-valid", () => {
    const c12 = withLuhn("41111111111");
    const c20 = withLuhn("4111111111111111111");
    expect([c12.length, c20.length]).toEqual([12, 20]);
    expect([luhn(c12), luhn(c20)]).toEqual([true, true]);
    expect(pii(c12)).toEqual([]);
    expect(pii(c20)).toEqual([]);
  });

  it("rejects a Luhn-invalid number", () => {
    expect(luhn("4111111111111112")).toBe(false);
    expect(pii("4111111111111112")).toEqual([]);
  });

  it("accepts groups split by single spaces or dashes", () => {
    expect(pii("card: 4111 1111 1111 1111 exp")).toEqual([["card_number", "4111 1111 1111 1111"]]);
    expect(pii("4111-1111-1111-1111")).toEqual([["card_number", "4111-1111-1111-1111"]]);
    expect(pii("4111  1111 1111 1111")).toEqual([]);
    expect(pii("4111.1111.1111.1111")).toEqual([]);
  });

  it("is the whole run of digits and single separators, never a part of it", () => {
    expect(luhn("2024" + visa)).toBe(false);
    expect(pii("2024 " + "4111 1111 1111 1111")).toEqual([]);
    expect(pii("4111 1111 1111 1111 7")).toEqual([]);
    expect(pii("4111-1111-1111-1111-7")).toEqual([]);
    expect(luhn("9" + visa)).toBe(false);
    expect(pii("9" + visa)).toEqual([]);
    expect(pii("9 " + visa)).toEqual([]); // the 17-digit run "9 4111…" fails Luhn as a whole
    expect(pii("9  " + visa)).toEqual([["card_number", visa]]);
    expect(pii("x" + visa)).toEqual([]);
  });

  it("is found next to non-ASCII bytes and after punctuation", () => {
    expect(pii(`n°${visa}€`)).toEqual([["card_number", visa]]);
    expect(pii(`#${visa}`)).toEqual([["card_number", visa]]);
  });
});

describe("PII: US SSN", () => {
  it("matches AAA-GG-SSSS with allowed parts", () => {
    expect(pii("ssn 123-45-6789.")).toEqual([["us_ssn", "123-45-6789"]]);
    expect(pii("665-01-0001")).toEqual([["us_ssn", "665-01-0001"]]);
    expect(pii("899-99-9999")).toEqual([["us_ssn", "899-99-9999"]]);
  });

  it("rejects area 000, 666 and 900-999, group 00, serial 0000", () => {
    for (const bad of ["000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000"]) {
      expect(pii(bad)).toEqual([]);
    }
  });

  it("is taken whole", () => {
    expect(pii("1123-45-6789")).toEqual([]);
    expect(pii("123-45-67890")).toEqual([]);
    expect(pii("123-45-6789-1")).toEqual([]);
    expect(pii("1-123-45-6789")).toEqual([]);
    expect(pii("123 45 6789")).toEqual([]);
    expect(pii("123-45-6789 12")).toEqual([["us_ssn", "123-45-6789"]]);
  });
});

describe("PII: IBAN", () => {
  it("matches valid IBANs, compact or grouped by single spaces", () => {
    expect(ibanValid("GB82WEST12345698765432")).toBe(true);
    expect(pii("iban GB82WEST12345698765432.")).toEqual([["iban", "GB82WEST12345698765432"]]);
    expect(pii("GB82 WEST 1234 5698 7654 32")).toEqual([["iban", "GB82 WEST 1234 5698 7654 32"]]);
    expect(pii("DE89 3704 0044 0532 0130 00, thanks")).toEqual([["iban", "DE89 3704 0044 0532 0130 00"]]);
    expect(pii("FR1420041010050500013M02606")).toEqual([["iban", "FR1420041010050500013M02606"]]);
  });

  it("rejects a one-digit change", () => {
    expect(ibanValid("GB82WEST12345698765433")).toBe(false);
    expect(pii("GB82WEST12345698765433")).toEqual([]);
    expect(pii("GB83WEST12345698765432")).toEqual([]);
  });

  it("needs 11 to 30 characters after the check digits", () => {
    const min = makeIban("NO", "86011117947");
    const short = makeIban("NO", "8601111794");
    const max = makeIban("LC", "HEMM00010001001200120002301512");
    const long = makeIban("LC", "HEMM000100010012001200023015123");
    expect([min, short, max, long].map(ibanValid)).toEqual([true, true, true, true]);
    expect(pii(min)).toEqual([["iban", min]]);
    expect(pii(short)).toEqual([]);
    expect(pii(max)).toEqual([["iban", max]]);
    expect(pii(long)).toEqual([]);
  });

  it("is upper case only and taken greedily over groups", () => {
    expect(pii("gb82west12345698765432")).toEqual([]);
    expect(pii("GB82 WEST 1234 5698 7654 32 via bank")).toEqual([["iban", "GB82 WEST 1234 5698 7654 32"]]);
    // An upper-case word after a single space joins the run, and the whole run fails mod-97.
    expect(pii("GB82 WEST 1234 5698 7654 32 EUR")).toEqual([]);
    expect(pii("GB82 WEST 1234 5698 7654 32  EUR")).toEqual([["iban", "GB82 WEST 1234 5698 7654 32"]]);
    expect(pii("XGB82WEST12345698765432")).toEqual([]);
  });
});

describe("PII: scanning", () => {
  it("reports mixed findings in order, looping with from = end", () => {
    const text = "Jo (jo@x.io) paid with 4111 1111 1111 1111, SSN 123-45-6789, tel +44 20 7946 0958, IBAN DE89370400440532013000.";
    expect(pii(text)).toEqual([
      ["email", "jo@x.io"],
      ["card_number", "4111 1111 1111 1111"],
      ["us_ssn", "123-45-6789"],
      ["phone", "+44 20 7946 0958"],
      ["iban", "DE89370400440532013000"],
    ]);
  });

  it("reports byte offsets after multi-byte characters", () => {
    const found = scanAll("pii", "électricité: 555-123-4567");
    expect(found).toEqual([{ kind: "phone", text: "555-123-4567", start: 15, end: 27 }]);
  });

  it("stays linear on inputs built to make recognizers rescan", () => {
    const inputs = [
      "4111111111111111.".repeat(40_000),
      "a.".repeat(300_000) + "@x",
      "a@".repeat(300_000),
      "x@" + "b.".repeat(300_000),
      "AB12 ".repeat(120_000),
      "+1 ".repeat(200_000),
      "1 ".repeat(300_000),
      "123-45-".repeat(100_000),
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      scanAll("pii", text);
      scanAll("secret", text);
      expect(performance.now() - t0).toBeLessThan(3000);
    }
  });

  it("finds nothing in ordinary prose, dates, versions and amounts", () => {
    expect(pii("Meet on 2026-02-24 at 10:30, v1.2.3, total 1,234.56 EUR, order #12345, room 101.")).toEqual([]);
  });
});
