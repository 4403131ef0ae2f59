// The pipeline of SPEC §2, in its fixed order: the first block ends evaluation, holds are
// collected, and a hold while an approval is pending becomes a block.

import { Key, Outcome, Reason, Rule, Verdict } from "./catalogue";
import { decision, detail } from "./decision";
import { Policy } from "./policy";
import { CounterFlag, input, ReqFlag } from "./request";
import * as approval from "./rules/approval";
import * as cost from "./rules/cost";
import * as data from "./rules/data";
import * as passport from "./rules/passport";
import * as rate from "./rules/rate";
import * as safety from "./rules/safety";
import * as scope from "./rules/scope";
import * as time from "./rules/time";

/** Runs one rule. The switch is in pipeline order; the passport's `rules` list says which run. */
function check(rule: i32, p: Policy): Outcome {
  switch (rule) {
    case Rule.EmergencyStop: return safety.emergencyStop();
    case Rule.FailClosed: return safety.failClosed(p);
    case Rule.PassportStatus: return passport.status(p);
    case Rule.PassportNotBefore: return passport.notBefore(p);
    case Rule.PassportExpiresAt: return passport.expiresAt(p);
    case Rule.Permissions: return passport.permissions(p);
    case Rule.ActionBlocklist: return scope.actionBlocklist(p);
    case Rule.ActionAllowlist: return scope.actionAllowlist(p);
    case Rule.DomainBlocklist: return scope.domainBlocklist(p);
    case Rule.DomainAllowlist: return scope.domainAllowlist(p);
    case Rule.ReadOnly: return p.flag(Key.DataReadOnly) ? data.readOnly() : Outcome.Pass;
    case Rule.BlackoutWindows: return time.blackoutWindows(p);
    case Rule.OperatingHours: return time.operatingHours(p);
    case Rule.NoSecretsExport: return p.flag(Key.DataNoSecretsExport) ? data.noSecretsExport() : Outcome.Pass;
    case Rule.NoPiiExport: return p.flag(Key.DataNoPiiExport) ? data.noPiiExport() : Outcome.Pass;
    case Rule.CostPerAction: return cost.perAction(p);
    case Rule.CostPerDay: return cost.perDay(p);
    case Rule.CostPerWeek: return cost.perWeek(p);
    case Rule.CostPerMonth: return cost.perMonth(p);
    case Rule.CostTotal: return cost.total(p);
    case Rule.CostCumulative: return cost.cumulative(p);
    case Rule.RatePerMinute: return rate.perMinute(p);
    case Rule.RatePerHour: return rate.perHour(p);
    case Rule.RatePerDay: return rate.perDay(p);
    case Rule.ApprovalRequired: return p.flag(Key.ApprovalRequired) ? approval.required() : Outcome.Pass;
    case Rule.ApprovalForActions: return approval.forActions(p);
    case Rule.ApprovalThreshold: return cost.approvalThreshold(p);
    case Rule.IdleTimeout: return time.idleTimeout(p);
    case Rule.AnomalySuspend: return p.flag(Key.SafetyAnomalySuspend) ? safety.anomalySuspend() : Outcome.Pass;
    default: return Outcome.Pass;
  }
}

/** One hold per passport at a time: a hold while another approval is pending is a retryable block. */
function pendingApproval(): void {
  if (decision.verdict != Verdict.Hold) return; // the check only runs when the decision would be a hold
  if (!input.counter(CounterFlag.PendingApproval)) { decision.traceRule(Rule.ApprovalPending, Outcome.Pass); return; }
  decision.traceRule(Rule.ApprovalPending, Outcome.Block);
  decision.verdict = Verdict.Block;
  decision.rule = <u16>Rule.ApprovalPending;
  decision.reason = <u16>Reason.ApprovalAlreadyPending;
  decision.retryable = true;
  detail.reset();
  detail.str("another approval is already pending for this passport");
  const s = decision.beginSuggestion();
  s.str("wait for the pending approval to be answered, then retry");
  decision.endSuggestion();
}

/** Approving a held action re-checks only these (SPEC §10 "Approve"): the human's answer overrides holds. */
function recheckedOnApproval(rule: i32): bool {
  return rule == Rule.EmergencyStop || rule == Rule.PassportStatus || rule == Rule.PassportExpiresAt;
}

export function evaluatePolicy(p: Policy): void {
  if (input.hasFlag(ReqFlag.ApprovalRecheck)) { recheckApproval(p); return; }
  const rules = p.rules;
  const n = rules.length;
  let i = 0;
  for (; i < n; i++) {
    const rule = <i32>unchecked(rules[i]);
    const outcome = check(rule, p);
    decision.traceRule(rule, outcome);
    if (outcome == Outcome.Block) break;
  }
  for (i++; i < n; i++) decision.traceRule(<i32>unchecked(rules[i]), Outcome.Skipped);
  if (decision.verdict == Verdict.Allow) {
    detail.str("allowed: ");
    detail.int(n);
    detail.str(" rules passed");
  }
  pendingApproval();
}

function recheckApproval(p: Policy): void {
  const rules = p.rules;
  for (let i = 0, n = rules.length; i < n; i++) {
    const rule = <i32>unchecked(rules[i]);
    if (!recheckedOnApproval(rule)) continue;
    const outcome = check(rule, p);
    decision.traceRule(rule, outcome);
    if (outcome == Outcome.Block) return;
  }
  detail.str("approval re-check passed");
}
