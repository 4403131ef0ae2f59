// The decision being built during one evaluation, and its byte layout in the output area
// (docs/abi.md "Decision"). Static storage: evaluating allocates nothing.

import { Outcome, Reason, Rule, RULE_NONE, Verdict } from "./catalogue";
import { DETAIL_MAX, MAX_SAFE } from "./constants";
import { OUT, OUT_SIZE, TextWriter } from "./io";

const MAX_HOLDS: i32 = 8;
const MAX_WARNINGS: i32 = 8;
const MAX_SUGGESTIONS: i32 = 4;
const SUGGESTION_MAX: i32 = 256;

const HOLD_AREA: usize = memory.data(MAX_HOLDS * 4, 4);
const TRACE_AREA: usize = memory.data(<i32>Rule.COUNT * 2, 4);
const DETAIL_AREA: usize = memory.data(DETAIL_MAX, 4);
const SUGGEST_AREA: usize = memory.data(MAX_SUGGESTIONS * SUGGESTION_MAX, 4);
const WARN_AREA: usize = memory.data(MAX_WARNINGS, 4);

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
  suggestionLens: StaticArray<i32> = new StaticArray<i32>(MAX_SUGGESTIONS);
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
      store<u16>(HOLD_AREA + (<usize>this.holds << 2), <u16>rule);
      store<u16>(HOLD_AREA + (<usize>this.holds << 2) + 2, <u16>reason);
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
    suggestion.reset();
    return suggestion;
  }
  endSuggestion(): void {
    if (this.suggestions < MAX_SUGGESTIONS) {
      unchecked(this.suggestionLens[this.suggestions] = suggestion.len);
      this.suggestions++;
    }
  }

  traceRule(rule: i32, outcome: Outcome): void {
    if (!this.explain || this.trace >= <i32>Rule.COUNT) return;
    store<u8>(TRACE_AREA + (<usize>this.trace << 1), <u8>rule);
    store<u8>(TRACE_AREA + (<usize>this.trace << 1) + 1, <u8>outcome);
    this.trace++;
  }

  /** Writes the decision into the output area; returns its length in bytes. */
  serialize(): i32 {
    const o = OUT;
    const holds = min(this.holds, MAX_HOLDS), warnings = min(this.warnings, MAX_WARNINGS);
    store<u8>(o, <u8>this.verdict);
    store<u8>(o, this.retryable ? 1 : 0, 1);
    store<u8>(o, this.hasLimit ? 1 : 0, 2);
    store<u8>(o, <u8>holds, 3);
    store<u16>(o, this.rule, 4);
    store<u16>(o, this.reason, 6);
    store<i64>(o, this.limit, 8);
    store<i64>(o, this.observed, 16);
    store<u8>(o, <u8>warnings, 24);
    store<u8>(o, <u8>this.suggestions, 25);
    store<u16>(o, <u16>this.trace, 26);
    store<u32>(o, <u32>detail.len, 28);
    let p = o + 32;
    memory.copy(p, HOLD_AREA, <usize>(holds << 2)); p += <usize>(holds << 2);
    memory.copy(p, WARN_AREA, <usize>warnings); p += <usize>warnings;
    memory.copy(p, TRACE_AREA, <usize>(this.trace << 1)); p += <usize>(this.trace << 1);
    memory.copy(p, DETAIL_AREA, <usize>detail.len); p += <usize>detail.len;
    for (let i = 0; i < this.suggestions; i++) {
      const n = unchecked(this.suggestionLens[i]);
      store<u16>(p, <u16>n); p += 2;
      memory.copy(p, SUGGEST_AREA + <usize>(i * SUGGESTION_MAX), <usize>n); p += <usize>n;
    }
    return <i32>(p - o);
  }
}

// The output area must hold the largest decision.
assert(32 + MAX_HOLDS * 4 + MAX_WARNINGS + <i32>Rule.COUNT * 2 + DETAIL_MAX
  + MAX_SUGGESTIONS * (2 + SUGGESTION_MAX) <= OUT_SIZE);

export const decision = new Decision();
