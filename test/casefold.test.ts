// The simple Unicode lower-case mapping baked into the module (assembly/match/casefold*.ts):
// the checked-in table is what scripts/gen-casefold.mjs generates today, and the module's lookup
// and UTF-8 fold agree with the reference model's foldCase on every code point.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import asc from "assemblyscript/asc";
import { beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without declarations
import { generate, TABLE_PATH } from "../scripts/gen-casefold.mjs";
import { foldCase } from "./reference/match";

const checkedIn = readFileSync(TABLE_PATH, "utf8");
const tableUnicode = /Unicode ([\d.]+)\./.exec(checkedIn)?.[1];

describe("casefold-table.ts", () => {
  // A Node with another Unicode version generates another table: CI's Node decides (the header says which).
  it.skipIf(tableUnicode !== process.versions.unicode)(`is the generator's output for Unicode ${process.versions.unicode}`, () => {
    expect(checkedIn, "stale: run node scripts/gen-casefold.mjs").toBe((generate as () => string)());
  });
});

// The fold compiled on its own (same sources as the module), with a test-only entry point.
const ENTRY = `
import { foldUtf8, lowerCodePoint } from "./casefold";
const BUF: usize = memory.data(8192);
export function lower(c: u32): u32 { return lowerCodePoint(c); }
export function buf(): usize { return BUF; }
export function fold(n: i32): i32 { return foldUtf8(BUF, n, BUF + 4096); }
`;

interface Fold {
  lower(c: number): number;
  buf(): number;
  fold(n: number): number;
  memory: WebAssembly.Memory;
}
let m: Fold;

beforeAll(async () => {
  const dir = join(process.cwd(), "assembly/match");
  let binary: Uint8Array | undefined;
  const r = await asc.main(["casefold-entry.ts", "--outFile", "out.wasm", "--runtime", "stub", "--use", "abort=", "-O3"], {
    readFile: (name: string, baseDir: string) => {
      if (name === "casefold-entry.ts") return ENTRY;
      const p = join(baseDir === "." ? dir : baseDir, name);
      return existsSync(p) ? readFileSync(p, "utf8") : null;
    },
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith(".wasm")) binary = contents as Uint8Array;
    },
    listFiles: () => [],
  });
  if (r.error || !binary) throw new Error(`asc: ${r.error?.message} ${r.stderr.toString()}`);
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(Uint8Array.from(binary)), {});
  m = instance.exports as unknown as Fold;
}, 60_000);

const foldBytes = (bytes: Uint8Array): Uint8Array => {
  new Uint8Array(m.memory.buffer, m.buf(), bytes.length).set(bytes);
  const n = m.fold(bytes.length);
  return new Uint8Array(m.memory.buffer, m.buf() + 4096, n).slice();
};

describe("the module's fold", () => {
  // The model asks this Node's ICU: on another Unicode version, newly mapped letters differ.
  it.skipIf(tableUnicode !== process.versions.unicode)("lower-cases every code point as the model does (one code point, or itself)", () => {
    const wrong: string[] = [];
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const want = foldCase(String.fromCodePoint(c)).codePointAt(0)!;
      const got = m.lower(c);
      if (got !== want && wrong.length < 10) wrong.push(`U+${c.toString(16)}: ${got.toString(16)} != ${want.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("folds UTF-8 text, lengths changing with the letters (ẞ 3 → ß 2 bytes, Ⱥ 2 → ⱥ 3, K 3 → k 1)", () => {
    // ASCII letters are left to the matcher (it folds them byte by byte): fold them here to compare.
    const enc = new TextEncoder(),
      dec = (b: Uint8Array) => new TextDecoder().decode(b).replace(/[A-Z]/g, (c) => c.toLowerCase());
    for (const s of ["CAFÉ:ORDER", "DATEI:LÖSCHEN", "STRAẞE", "ȺȾ", "\u212Aill", "İ:x", "ΣΑΣ ς", "УДАЛИТЬ", "𐐀𐐇:X", "a*É*b", ""]) {
      expect(dec(foldBytes(enc.encode(s))), s).toBe(foldCase(s));
    }
    for (let c = 0x80; c <= 0x10ffff; c += 0x100) {
      const s = Array.from({ length: 200 }, (_, i) => c + i)
        .filter((x) => x <= 0x10ffff && (x < 0xd800 || x > 0xdfff))
        .map((x) => String.fromCodePoint(x))
        .join("");
      expect(dec(foldBytes(enc.encode(s)))).toBe(foldCase(s));
    }
  });

  it("keeps bytes that do not decode as UTF-8 as they are, and never traps", () => {
    const cases: number[][] = [
      [0xc3],
      [0xc3, 0x41],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xe0, 0x80, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0x80],
      [0xbf, 0x41],
      [0xe1, 0xba],
      [0xf0, 0x90, 0x90],
      [0xff, 0xfe],
    ];
    for (const bytes of cases) expect([...foldBytes(Uint8Array.from(bytes))], bytes.join(",")).toEqual(bytes);
    // A broken sequence does not hide the letter after it: 0xC3 then "É".
    expect([...foldBytes(Uint8Array.from([0xc3, 0xc3, 0x89]))]).toEqual([0xc3, 0xc3, 0xa9]);
    let seed = 1;
    for (let k = 0; k < 2000; k++) {
      const bytes = Uint8Array.from({ length: 1 + (k % 64) }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
      const out = foldBytes(bytes);
      expect(out.length).toBeLessThanOrEqual(bytes.length + (bytes.length >> 1) + 4);
    }
  });
});
