// core:approval:* — holds for every action or for matching actions (SPEC §2 step 10, §4 sentinels).

import { Outcome, Reason, Rule } from "../catalogue";
import { decision, detail } from "../decision";
import { firstMatch } from "../match/actions";
import { Policy } from "../policy";
import { input } from "../request";

export function required(): Outcome {
  if (decision.hold(Rule.ApprovalRequired, Reason.ApprovalRequired)) {
    detail.str("the passport requires approval for every action");
  }
  return Outcome.Hold;
}

export function forActions(p: Policy): Outcome {
  const i = firstMatch(p.forActions, input.matchAction, input.matchActionLen);
  if (i < 0) return Outcome.Pass;
  if (decision.hold(Rule.ApprovalForActions, Reason.ActionRequiresApproval)) {
    detail.str("action '");
    detail.raw(input.action, min(input.actionLen, 128));
    detail.str("' matches approval pattern '");
    detail.raw(p.forActions.origPtr(i), min(p.forActions.origLength(i), 128));
    detail.str("'");
  }
  return Outcome.Hold;
}
