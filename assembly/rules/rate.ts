// core:rate:* — actions per minute, hour and day (SPEC §2 step 9): count + 1 > cap blocks, retryably.

import { Key, Outcome, Reason, Rule } from "../catalogue";
import { decision, detail } from "../decision";
import { Policy } from "../policy";
import { input, R_ACTIONS_HOUR, R_ACTIONS_MINUTE, R_ACTIONS_TODAY } from "../request";

function rate(rule: Rule, cap: i64, countAt: i32, window: string): Outcome {
  const next = input.i64at(countAt) + 1;
  if (next <= cap) return Outcome.Pass;
  decision.block(rule, Reason.RateLimitExceeded, true);
  decision.setLimit(cap, next);
  detail.str("actions "); detail.str(window);
  detail.str(" would be "); detail.int(next);
  detail.str(" > limit "); detail.int(cap);
  const s = decision.beginSuggestion();
  s.str("slow down: at most "); s.int(cap); s.str(" actions "); s.str(window);
  decision.endSuggestion();
  return Outcome.Block;
}

export function perMinute(p: Policy): Outcome {
  return rate(Rule.RatePerMinute, p.int(Key.RateMaxPerMinute), R_ACTIONS_MINUTE, "in the last minute");
}
export function perHour(p: Policy): Outcome {
  return rate(Rule.RatePerHour, p.int(Key.RateMaxPerHour), R_ACTIONS_HOUR, "in the last hour");
}
export function perDay(p: Policy): Outcome {
  return rate(Rule.RatePerDay, p.int(Key.RateMaxPerDay), R_ACTIONS_TODAY, "today");
}
