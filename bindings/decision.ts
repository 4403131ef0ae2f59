// Reads a decision back from the output area (docs/abi.md "Decision") into the SPEC §8 shape.

import { readI64 } from "./bytes";
import { type Core, readText } from "./core";

export type Verdict = "allow" | "request_hold" | "block";
export type Outcome = "pass" | "hold" | "block" | "skipped";

export interface Hold { rule: string; reason: string }
export interface TraceEntry { rule: string; outcome: Outcome }

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

// Fixed places of the sections in the output area (assembly/decision.ts).
const HOLDS_AT = 32, WARNINGS_AT = 64, TRACE_AT = 72, SUGGESTION_LENS_AT = 136, DETAIL_AT = 144, SUGGESTIONS_AT = 1168;
const SUGGESTION_MAX = 256;

const VERDICTS: Verdict[] = ["allow", "request_hold", "block"];
const OUTCOMES: Outcome[] = ["pass", "hold", "block", "skipped"];
const RULE_NONE = 0xffff;

export function readDecision(core: Core, explain: boolean, staticWarnings: readonly string[]): Decision {
  core.refresh();
  const { bytes, view, catalogue } = core;
  const o = core.outPtr;
  const nHolds = bytes[o + 3], nWarnings = bytes[o + 24], nSuggestions = bytes[o + 25];
  const nTrace = view.getUint16(o + 26, true), detailLen = view.getUint32(o + 28, true);
  const ruleId = view.getUint16(o + 4, true);
  const decision = VERDICTS[bytes[o]];
  const reason = catalogue.reasons[view.getUint16(o + 6, true)];
  const rule = ruleId === RULE_NONE ? null : catalogue.rules[ruleId];
  const retryable = bytes[o + 1] === 1;
  const holds: Hold[] = [], warnings: string[] = [], suggestions: string[] = [];
  for (let i = 0, p = o + HOLDS_AT; i < nHolds; i++, p += 4) {
    holds.push({ rule: catalogue.rules[view.getUint16(p, true)], reason: catalogue.reasons[view.getUint16(p + 2, true)] });
  }
  for (let i = 0; i < nWarnings; i++) warnings.push(catalogue.warnings[bytes[o + WARNINGS_AT + i]]);
  for (const w of staticWarnings) warnings.push(w);
  let evaluated: TraceEntry[] | undefined;
  if (explain) {
    evaluated = [];
    for (let i = 0, p = o + TRACE_AT; i < nTrace; i++, p += 2) evaluated.push({ rule: catalogue.rules[bytes[p]], outcome: OUTCOMES[bytes[p + 1]] });
  }
  const detail = readText(bytes, o + DETAIL_AT, detailLen);
  for (let i = 0; i < nSuggestions; i++) {
    suggestions.push(readText(bytes, o + SUGGESTIONS_AT + i * SUGGESTION_MAX, view.getUint16(o + SUGGESTION_LENS_AT + i * 2, true)));
  }
  // Two literal shapes, so key order (and so the JSON) is the same everywhere.
  const d: Decision = bytes[o + 2] === 1
    ? { decision, reason, rule, detail, limit: readI64(view, o + 8), observed: readI64(view, o + 16), retryable, holds, warnings, suggestions }
    : { decision, reason, rule, detail, retryable, holds, warnings, suggestions };
  if (evaluated) d.evaluated = evaluated;
  return d;
}
