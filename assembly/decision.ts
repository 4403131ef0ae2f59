// The decision being built during one evaluation, and its byte layout in the output area
// (docs/abi.md "Decision"). Static storage: evaluating allocates nothing.

import { Outcome, Reason, Rule, RULE_NONE, Verdict } from "./catalogue";
import { DETAIL_MAX, MAX_SAFE } from "./constants";
import { OUT, OUT_SIZE, TextWriter } from "./io";
import {
  D_DETAIL, D_DETAIL_LEN, D_DETAIL_MAX, D_HAS_LIMIT, D_HOLD_COUNT, D_HOLDS, D_HOLDS_MAX, D_LIMIT, D_OBSERVED, D_REASON,
  D_RETRYABLE, D_RULE, D_SIZE, D_SUGGESTION_COUNT, D_SUGGESTION_LENS, D_SUGGESTION_LENS_MAX, D_SUGGESTIONS, D_SUGGESTIONS_MAX,
  D_TRACE, D_TRACE_COUNT, D_TRACE_MAX, D_VERDICT, D_WARNING_COUNT, D_WARNINGS, D_WARNINGS_MAX, DH_SIZE, DT_SIZE, SUGGESTION_MAX,
} from "./request";

// Every section has a fixed place in the output area (schemas/abi-layout.json "Decision"), so
// nothing is copied at the end (memory.copy of a few bytes costs more than the rules it would report on).
const MAX_HOLDS: i32 = D_HOLDS_MAX;
const MAX_WARNINGS: i32 = D_WARNINGS_MAX;
const MAX_SUGGESTIONS: i32 = D_SUGGESTION_LENS_MAX;
const MAX_TRACE: i32 = D_TRACE_MAX;
const HOLD_AREA: usize = OUT + <usize>D_HOLDS;
const WARN_AREA: usize = OUT + <usize>D_WARNINGS;
const TRACE_AREA: usize = OUT + <usize>D_TRACE;
const SUGGEST_LENS: usize = OUT + <usize>D_SUGGESTION_LENS;
const DETAIL_AREA: usize = OUT + <usize>D_DETAIL;
const SUGGEST_AREA: usize = OUT + <usize>D_SUGGESTIONS;
const OUT_END: usize = OUT + <usize>D_SIZE;

export const detail = new TextWriter(DETAIL_AREA, DETAIL_MAX);
export const suggestion = new TextWriter(SUGGEST_AREA, SUGGESTION_MAX);

export class Decision {
  verdict: Verdict = Verdict.Allow;
  rule: u16 = RULE_NONE;
  reason: u16 = <u16>Reason.Allowed;
  retryable: bool = false;
  hasLimit: bool = false;
  limit: i64 = 0;
  observed: i64 = 0;
  holds: i32 = 0;
  warnings: i32 = 0;
  suggestions: i32 = 0;
  trace: i32 = 0;
  explain: bool = false;

  reset(explain: bool): void {
    this.verdict = Verdict.Allow; this.rule = RULE_NONE; this.reason = <u16>Reason.Allowed;
    this.retryable = false; this.hasLimit = false; this.limit = 0; this.observed = 0;
    this.holds = 0; this.warnings = 0; this.suggestions = 0; this.trace = 0;
    this.explain = explain;
    detail.reset();
  }

  block(rule: i32, reason: Reason, retryable: bool): void {
    this.verdict = Verdict.Block; this.rule = <u16>rule; this.reason = <u16>reason; this.retryable = retryable;
  }

  /** Records a hold; the first one (pipeline order) names the decision. Returns true if it was the first. */
  hold(rule: i32, reason: Reason): bool {
    if (this.holds < MAX_HOLDS) {
      store<u16>(HOLD_AREA + <usize>this.holds * <usize>DH_SIZE, <u16>rule);
      store<u16>(HOLD_AREA + <usize>this.holds * <usize>DH_SIZE + 2, <u16>reason);
    }
    this.holds++;
    if (this.holds > 1) return false;
    this.verdict = Verdict.Hold; this.rule = <u16>rule; this.reason = <u16>reason;
    return true;
  }

  setLimit(limit: i64, observed: i64): void {
    this.hasLimit = true;
    this.limit = limit;
    this.observed = observed > MAX_SAFE ? MAX_SAFE : observed;
  }

  warn(code: i32): void {
    if (this.warnings < MAX_WARNINGS) store<u8>(WARN_AREA + <usize>this.warnings, <u8>code);
    this.warnings++;
  }

  /** Starts a suggestion; write its text with `suggestion`, then call endSuggestion. */
  beginSuggestion(): TextWriter {
    suggestion.base = SUGGEST_AREA + <usize>(min(this.suggestions, MAX_SUGGESTIONS - 1) * SUGGESTION_MAX);
    suggestion.cap = SUGGESTION_MAX;
    suggestion.reset();
    return suggestion;
  }
  endSuggestion(): void {
    if (this.suggestions < MAX_SUGGESTIONS) {
      store<u16>(SUGGEST_LENS + (<usize>this.suggestions << 1), <u16>suggestion.len);
      this.suggestions++;
    }
  }

  traceRule(rule: i32, outcome: Outcome): void {
    if (!this.explain || this.trace >= MAX_TRACE) return;
    store<u8>(TRACE_AREA + <usize>this.trace * <usize>DT_SIZE, <u8>rule);
    store<u8>(TRACE_AREA + <usize>this.trace * <usize>DT_SIZE + 1, <u8>outcome);
    this.trace++;
  }

  /** Completes the header of the output area (docs/abi.md "Decision"); returns the area's length. */
  serialize(): i32 {
    const o = OUT;
    store<u8>(o, <u8>this.verdict, D_VERDICT);
    store<u8>(o, this.retryable ? 1 : 0, D_RETRYABLE);
    store<u8>(o, this.hasLimit ? 1 : 0, D_HAS_LIMIT);
    store<u8>(o, <u8>min(this.holds, MAX_HOLDS), D_HOLD_COUNT);
    store<u16>(o, this.rule, D_RULE);
    store<u16>(o, this.reason, D_REASON);
    store<i64>(o, this.limit, D_LIMIT);
    store<i64>(o, this.observed, D_OBSERVED);
    store<u8>(o, <u8>min(this.warnings, MAX_WARNINGS), D_WARNING_COUNT);
    store<u8>(o, <u8>this.suggestions, D_SUGGESTION_COUNT);
    store<u16>(o, <u16>this.trace, D_TRACE_COUNT);
    store<u32>(o, <u32>detail.len, D_DETAIL_LEN);
    return <i32>(OUT_END - o);
  }
}

// The output area must hold the largest decision, and the layout's sections what this file writes.
assert(<i32>(OUT_END - OUT) <= OUT_SIZE && <i32>Rule.COUNT <= MAX_TRACE);
assert(D_DETAIL_MAX == DETAIL_MAX && D_SUGGESTIONS_MAX == MAX_SUGGESTIONS * SUGGESTION_MAX);

export const decision = new Decision();
