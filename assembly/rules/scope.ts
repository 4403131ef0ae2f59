// core:scope:* — action and domain allow- and blocklists (SPEC §2 step 4, §3).

import { Outcome, Reason, Rule } from "../catalogue";
import { decision, detail } from "../decision";
import { firstMatch } from "../match/actions";
import { ByteList } from "../match/bytelist";
import { DomainSet } from "../match/domains";
import { Policy } from "../policy";
import { input, ReqFlag } from "../request";

function writeAction(): void {
  detail.str("action '");
  detail.raw(input.action, min(input.actionLen, 128));
  detail.str("'");
}

export function actionBlocklist(p: Policy): Outcome {
  const i = firstMatch(p.actionBlock, input.matchAction, input.matchActionLen);
  if (i < 0) return Outcome.Pass;
  decision.block(Rule.ActionBlocklist, Reason.ActionBlocked, false);
  writeAction();
  detail.str(" matches blocked pattern '");
  writePattern(p.actionBlock, i);
  detail.str("'");
  return Outcome.Block;
}

export function actionAllowlist(p: Policy): Outcome {
  if (firstMatch(p.actionAllow, input.matchAction, input.matchActionLen) >= 0) return Outcome.Pass;
  decision.block(Rule.ActionAllowlist, Reason.ActionNotAllowed, false);
  writeAction();
  detail.str(" matches no pattern of the action allowlist");
  return Outcome.Block;
}

/** The pattern as the passport wrote it (not its fold). */
function writePattern(list: ByteList, i: i32): void { detail.raw(list.origPtr(i), min(list.origLength(i), 128)); }

function writeHost(): void {
  detail.str("host '");
  detail.raw(input.host, min(input.hostLen, 253));
  detail.str("'");
}

/** A target the host could not parse is blocked by whichever domain list comes first. */
function invalidTarget(rule: Rule): Outcome {
  decision.block(rule, Reason.InvalidTarget, false);
  detail.str("the target is not a valid URL or host");
  return Outcome.Block;
}

function applies(): bool { return input.hasFlag(ReqFlag.HasTarget); }

export function domainBlocklist(p: Policy): Outcome {
  if (!applies()) return Outcome.Pass;
  if (input.hasFlag(ReqFlag.TargetInvalid)) return invalidTarget(Rule.DomainBlocklist);
  if (!changetype<DomainSet>(p.domainBlock).matches(input.host, input.hostLen)) return Outcome.Pass;
  decision.block(Rule.DomainBlocklist, Reason.DomainBlocked, false);
  writeHost();
  detail.str(" is on the domain blocklist");
  return Outcome.Block;
}

export function domainAllowlist(p: Policy): Outcome {
  if (!applies()) return Outcome.Pass;
  if (input.hasFlag(ReqFlag.TargetInvalid)) return invalidTarget(Rule.DomainAllowlist);
  if (changetype<DomainSet>(p.domainAllow).matches(input.host, input.hostLen)) return Outcome.Pass;
  decision.block(Rule.DomainAllowlist, Reason.DomainNotAllowed, false);
  writeHost();
  detail.str(" matches no entry of the domain allowlist");
  return Outcome.Block;
}
