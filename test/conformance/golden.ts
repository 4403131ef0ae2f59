// The committed golden digest (golden.json) and how to say which cases a digest mismatch comes from.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Corpus, CorpusResult } from "./run-corpus";

export interface Golden {
  /** SHA-256 of the decision lines (see run-corpus.ts). */
  digest: string;
  count: number;
  /** SHA-256 of corpus.json when the golden was written: a regenerated corpus needs a new golden. */
  corpus_sha256: string;
  /** The first 16 hex digits of each line's SHA-256, in corpus order, to name the cases that changed. */
  case_hashes: string[];
}

const GOLDEN = new URL("./golden.json", import.meta.url);
export const CORPUS = new URL("./corpus.json", import.meta.url);

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
export const lineHash = (line: string): string => sha256(line).slice(0, 16);

export function readCorpus(): { corpus: Corpus; sha: string } {
  const text = readFileSync(CORPUS, "utf8");
  return { corpus: JSON.parse(text) as Corpus, sha: sha256(text) };
}

export function readGolden(): Golden {
  return JSON.parse(readFileSync(GOLDEN, "utf8")) as Golden;
}

export function writeGolden(result: CorpusResult, corpusSha: string): void {
  const golden: Golden = { digest: result.digest, count: result.count, corpus_sha256: corpusSha, case_hashes: result.lines.map(lineHash) };
  writeFileSync(GOLDEN, `${JSON.stringify(golden, null, 1)}\n`);
}

/** The cases whose decision differs from the golden one: name, and the line the runtime produced. */
export function changedCases(corpus: Corpus, golden: Golden, lines: readonly string[]): { name: string; line: string }[] {
  const out: { name: string; line: string }[] = [];
  corpus.cases.forEach((c, i) => {
    const line = lines[i] ?? "(missing)";
    if (golden.case_hashes[i] !== lineHash(line)) out.push({ name: c.name, line });
  });
  return out;
}

/** A short report of the first changed cases, for an assertion message. */
export function describeChanges(changes: readonly { name: string; line: string }[], max = 8): string {
  const shown = changes.slice(0, max).map((c) => `  ${c.name}\n    ${c.line.slice(0, 400)}`);
  return `${changes.length} case(s) differ from golden.json:\n${shown.join("\n")}${changes.length > max ? "\n  ..." : ""}`;
}
