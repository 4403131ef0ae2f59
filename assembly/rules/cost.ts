// core:cost:* — per-action cap, spending windows, lifetime cap, cumulative cap and the approval
// threshold (SPEC §2 steps 8 and 10, §10 "limit / observed", "retryable").

import { Key, Outcome, Reason, Rule } from "../catalogue";
import { decision, detail } from "../decision";
import { Policy, Window } from "../policy";
import { input, R_HELD, R_SPENT_MONTH, R_SPENT_TODAY, R_SPENT_TOTAL, R_SPENT_WEEK } from "../request";

export function perAction(p: Policy): Outcome {
  const cap = p.int(Key.CostMaxPerAction);
  if (input.cost <= cap) return Outcome.Pass;
  decision.block(Rule.CostPerAction, Reason.CostPerActionExceeded, false);
  decision.setLimit(cap, input.cost);
  detail.str("action cost "); detail.int(input.cost);
  detail.str(" > limit "); detail.int(cap);
  const s = decision.beginSuggestion();
  s.str("keep each action at or under "); s.int(cap); s.str(" cents");
  decision.endSuggestion();
  return Outcome.Block;
}

const WINDOW_SPENT: i32[] = [R_SPENT_TODAY, R_SPENT_WEEK, R_SPENT_MONTH, R_SPENT_TOTAL];
const WINDOW_ADJ: string[] = ["daily", "weekly", "monthly", "lifetime"];
const WINDOW_WHEN: string[] = [" today", " this week", " this month", ""];

/** spent + held + cost > cap blocks; every window but the lifetime one resets, so those are retryable. */
function windowCap(rule: Rule, window: i32, cap: i64): Outcome {
  const spent = input.i64at(unchecked(WINDOW_SPENT[window]));
  const held = input.i64at(R_HELD);
  const projected = spent + held + input.cost;
  if (projected <= cap) return Outcome.Pass;
  decision.block(rule, Reason.CostLimitExceeded, window != Window.Total);
  decision.setLimit(cap, projected);
  detail.str("projected "); detail.str(unchecked(WINDOW_ADJ[window]));
  detail.str(" spend "); detail.int(projected);
  detail.str(" > limit "); detail.int(cap);
  detail.str(" (spent "); detail.int(spent);
  detail.str(", held "); detail.int(held);
  detail.str(", this action "); detail.int(input.cost); detail.str(")");
  const room = cap - spent - held;
  const s = decision.beginSuggestion();
  if (room > 0) {
    s.str("keep this action at or under "); s.int(room); s.str(" cents"); s.str(unchecked(WINDOW_WHEN[window]));
  } else if (window == Window.Total) {
    s.str("the lifetime budget is spent; raise core:cost:max_total to continue");
  } else {
    s.str("the budget is spent; retry when the "); s.str(unchecked(WINDOW_ADJ[window])); s.str(" window resets");
  }
  decision.endSuggestion();
  return Outcome.Block;
}

export function perDay(p: Policy): Outcome { return windowCap(Rule.CostPerDay, Window.Daily, p.int(Key.CostMaxPerDay)); }
export function perWeek(p: Policy): Outcome { return windowCap(Rule.CostPerWeek, Window.Weekly, p.int(Key.CostMaxPerWeek)); }
export function perMonth(p: Policy): Outcome { return windowCap(Rule.CostPerMonth, Window.Monthly, p.int(Key.CostMaxPerMonth)); }
export function total(p: Policy): Outcome { return windowCap(Rule.CostTotal, Window.Total, p.int(Key.CostMaxTotal)); }

/** max_cumulative applies to the window named by cumulative_window (default daily). */
export function cumulative(p: Policy): Outcome {
  const w = p.has(Key.CostCumulativeWindow) ? <i32>p.int(Key.CostCumulativeWindow) : Window.Daily;
  return windowCap(Rule.CostCumulative, w, p.int(Key.CostMaxCumulative));
}

export function approvalThreshold(p: Policy): Outcome {
  const v = p.int(Key.CostApprovalThreshold);
  if (input.cost <= v) return Outcome.Pass;
  if (decision.hold(Rule.ApprovalThreshold, Reason.CostRequiresApproval)) {
    detail.str("action cost "); detail.int(input.cost);
    detail.str(" > approval threshold "); detail.int(v);
  }
  return Outcome.Hold;
}
