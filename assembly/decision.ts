// The decision being built during one evaluation, and its byte layout in the output area
// (docs/abi.md "Decision"). Static storage: evaluating allocates nothing.

import { Outcome, Reason, Rule, RULE_NONE, Verdict } from "./catalogue";
import { DETAIL_MAX, MAX_SAFE } from "./constants";
import { OUT, OUT_SIZE, TextWriter } from "./io";

const MAX_HOLDS: i32 = 8;
const MAX_WARNINGS: i32 = 8;
const MAX_SUGGESTIONS: i32 = 4;
const SUGGESTION_MAX: i32 = 256;

// Every section has a fixed place in the output area, so nothing is copied at the end
// (memory.copy of a few bytes costs more than the rules it would report on).
const MAX_TRACE: i32 = 32;
const HOLD_AREA: usize = OUT + 32;
const WARN_AREA: usize = HOLD_AREA + <usize>(MAX_HOLDS * 4);
const TRACE_AREA: usize = WARN_AREA + <usize>MAX_WARNINGS;
const SUGGEST_LENS: usize = TRACE_AREA + <usize>(MAX_TRACE * 2);
const DETAIL_AREA: usize = SUGGEST_LENS + <usize>(MAX_SUGGESTIONS * 2);
const SUGGEST_AREA: usize = DETAIL_AREA + <usize>DETAIL_MAX;
const OUT_END: usize = SUGGEST_AREA + <usize>(MAX_SUGGESTIONS * SUGGESTION_MAX);

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
    store<u8>(TRACE_AREA + (<usize>this.trace << 1), <u8>rule);
    store<u8>(TRACE_AREA + (<usize>this.trace << 1) + 1, <u8>outcome);
    this.trace++;
  }

  /** Completes the header of the output area (docs/abi.md "Decision"); returns the area's length. */
  serialize(): i32 {
    const o = OUT;
    store<u8>(o, <u8>this.verdict);
    store<u8>(o, this.retryable ? 1 : 0, 1);
    store<u8>(o, this.hasLimit ? 1 : 0, 2);
    store<u8>(o, <u8>min(this.holds, MAX_HOLDS), 3);
    store<u16>(o, this.rule, 4);
    store<u16>(o, this.reason, 6);
    store<i64>(o, this.limit, 8);
    store<i64>(o, this.observed, 16);
    store<u8>(o, <u8>min(this.warnings, MAX_WARNINGS), 24);
    store<u8>(o, <u8>this.suggestions, 25);
    store<u16>(o, <u16>this.trace, 26);
    store<u32>(o, <u32>detail.len, 28);
    return <i32>(OUT_END - o);
  }
}

// The output area must hold the largest decision.
assert(<i32>(OUT_END - OUT) <= OUT_SIZE && <i32>Rule.COUNT <= MAX_TRACE);

export const decision = new Decision();
