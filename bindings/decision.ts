// Reads a decision back from the output area (docs/abi.md "Decision") into the SPEC §8 shape.

import { readI64 } from "./bytes";
import { type Core, readText } from "./core";
import {
  D_DETAIL,
  D_DETAIL_LEN,
  D_HAS_LIMIT,
  D_HOLD_COUNT,
  D_HOLDS,
  D_LIMIT,
  D_OBSERVED,
  D_REASON,
  D_RETRYABLE,
  D_RULE,
  D_SUGGESTION_COUNT,
  D_SUGGESTION_LENS,
  D_SUGGESTIONS,
  D_TRACE,
  D_TRACE_COUNT,
  D_VERDICT,
  D_WARNING_COUNT,
  D_WARNINGS,
  DH_SIZE,
  DT_SIZE,
  SUGGESTION_MAX,
} from "./gen/abi-layout";

export type Verdict = "allow" | "request_hold" | "block";
export type Outcome = "pass" | "hold" | "block" | "skipped";

export interface Hold {
  rule: string;
  reason: string;
}
export interface TraceEntry {
  rule: string;
  outcome: Outcome;
}

export interface Decision {
  decision: Verdict;
  reason: string;
  rule: string | null;
  detail: string;
  limit?: number;
  observed?: number;
  retryable: boolean;
  holds: Hold[];
  warnings: string[];
  suggestions: string[];
  evaluated?: TraceEntry[];
}

// Fixed places of the sections in the output area: schemas/abi-layout.json "Decision", generated.
const HOLDS_AT = D_HOLDS,
  WARNINGS_AT = D_WARNINGS,
  TRACE_AT = D_TRACE,
  SUGGESTION_LENS_AT = D_SUGGESTION_LENS;
const DETAIL_AT = D_DETAIL,
  SUGGESTIONS_AT = D_SUGGESTIONS;

const VERDICTS: Verdict[] = ["allow", "request_hold", "block"];
const OUTCOMES: Outcome[] = ["pass", "hold", "block", "skipped"];
const RULE_NONE = 0xffff;

/** Most decisions repeat the detail of the one before (every allow of a passport has the same): reuse the string. */
export class LastText {
  private static readonly MAX = 1024;
  /** The last text's bytes, as whole words (the tail word zero-padded). */
  private readonly last = new Uint32Array(LastText.MAX / 4);
  private len = -1;
  private text = "";

  /** The text at the 4-aligned `ptr`, compared a word at a time with the last one. */
  read(core: Pick<Core, "bytes" | "words">, ptr: number, len: number): string {
    const { bytes, words } = core;
    if ((ptr & 3) !== 0) return readText(bytes, ptr, len); // not where the ABI puts it; never on the hot path
    const n = len >> 2,
      tail = len & 3,
      w = ptr >> 2;
    if (len === this.len) {
      let same = true;
      for (let i = 0; i < n; i++)
        if (words[w + i] !== this.last[i]) {
          same = false;
          break;
        }
      if (same && tail > 0) same = tailWord(bytes, ptr + n * 4, tail) === this.last[n];
      if (same) return this.text;
    }
    this.text = readText(bytes, ptr, len);
    if (len > LastText.MAX) {
      this.len = -1;
      return this.text;
    }
    this.len = len;
    for (let i = 0; i < n; i++) this.last[i] = words[w + i]!;
    if (tail > 0) this.last[n] = tailWord(bytes, ptr + n * 4, tail);
    return this.text;
  }
}

/** The last 1–3 bytes of a text as a little-endian word, zero-padded. */
function tailWord(bytes: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v |= bytes[at + i]! << (i * 8);
  return v >>> 0;
}

const detailCache = new LastText();

/** The decision at `o` (the output area, or a batch's copy of it: assembly/batch.ts), in the SPEC §8 shape. */
export function readDecision(core: Core, explain: boolean, staticWarnings: readonly string[], o = core.outPtr): Decision {
  core.refresh();
  const { bytes, view, catalogue } = core;
  const nHolds = bytes[o + D_HOLD_COUNT],
    nWarnings = bytes[o + D_WARNING_COUNT],
    nSuggestions = bytes[o + D_SUGGESTION_COUNT];
  const nTrace = view.getUint16(o + D_TRACE_COUNT, true),
    detailLen = view.getUint32(o + D_DETAIL_LEN, true);
  const ruleId = view.getUint16(o + D_RULE, true);
  const decision = VERDICTS[bytes[o + D_VERDICT]];
  const reason = catalogue.reasons[view.getUint16(o + D_REASON, true)];
  const rule = ruleId === RULE_NONE ? null : catalogue.rules[ruleId];
  const retryable = bytes[o + D_RETRYABLE] === 1;
  const holds: Hold[] = [],
    warnings: string[] = [],
    suggestions: string[] = [];
  for (let i = 0, p = o + HOLDS_AT; i < nHolds; i++, p += DH_SIZE) {
    holds.push({ rule: catalogue.rules[view.getUint16(p, true)], reason: catalogue.reasons[view.getUint16(p + 2, true)] });
  }
  for (let i = 0; i < nWarnings; i++) warnings.push(catalogue.warnings[bytes[o + WARNINGS_AT + i]]);
  for (const w of staticWarnings) warnings.push(w);
  let evaluated: TraceEntry[] | undefined;
  if (explain) {
    evaluated = [];
    for (let i = 0, p = o + TRACE_AT; i < nTrace; i++, p += DT_SIZE) evaluated.push({ rule: catalogue.rules[bytes[p]], outcome: OUTCOMES[bytes[p + 1]] });
  }
  const detail = detailCache.read(core, o + DETAIL_AT, detailLen);
  for (let i = 0; i < nSuggestions; i++) {
    suggestions.push(readText(bytes, o + SUGGESTIONS_AT + i * SUGGESTION_MAX, view.getUint16(o + SUGGESTION_LENS_AT + i * 2, true)));
  }
  // Two literal shapes, so key order (and so the JSON) is the same everywhere.
  const d: Decision =
    bytes[o + D_HAS_LIMIT] === 1
      ? { decision, reason, rule, detail, limit: readI64(view, o + D_LIMIT), observed: readI64(view, o + D_OBSERVED), retryable, holds, warnings, suggestions }
      : { decision, reason, rule, detail, retryable, holds, warnings, suggestions };
  if (evaluated) d.evaluated = evaluated;
  return d;
}
