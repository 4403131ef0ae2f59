// Passport-level checks (SPEC §2 steps 2–3): status, validity period, permissions.

import { Outcome, Reason, Rule } from "../catalogue";
import { decision, detail } from "../decision";
import { firstMatch } from "../match/actions";
import { Policy } from "../policy";
import { input } from "../request";

export function status(p: Policy): Outcome {
  if (!p.revoked) return Outcome.Pass;
  decision.block(Rule.PassportStatus, Reason.PassportRevoked, false);
  detail.str("the passport has been revoked");
  return Outcome.Block;
}

export function notBefore(p: Policy): Outcome {
  if (input.now >= p.notBefore) return Outcome.Pass;
  decision.block(Rule.PassportNotBefore, Reason.PassportNotYetValid, false);
  detail.str("the passport is not valid before its not_before time");
  return Outcome.Block;
}

export function expiresAt(p: Policy): Outcome {
  if (input.now < p.expiresAt) return Outcome.Pass;
  decision.block(Rule.PassportExpiresAt, Reason.PassportExpired, false);
  detail.str("the passport expired");
  return Outcome.Block;
}

export function permissions(p: Policy): Outcome {
  if (firstMatch(p.permissions, input.matchAction, input.matchActionLen) >= 0) return Outcome.Pass;
  decision.block(Rule.Permissions, Reason.PermissionDenied, false);
  detail.str("action '");
  detail.raw(input.action, min(input.actionLen, 128));
  detail.str("' is not covered by the passport's permissions");
  return Outcome.Block;
}
