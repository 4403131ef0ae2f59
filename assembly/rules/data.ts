// core:data:* — read-only agents and the export guards for secrets and PII (SPEC §2 steps 5 and 7, §5).

import { Outcome, Reason, Rule } from "../catalogue";
import { Finder, foundAt, scanContext, writeContextPath } from "../context";
import { decision, detail } from "../decision";
import { piiKindName, secretKindName } from "../detect/kinds";
import { findPiiDecoded, findSecretDecoded } from "../detect/decode";
import { isWriteAction } from "../match/verbs";
import { input, ReqFlag } from "../request";

export function readOnly(): Outcome {
  if (!isWriteAction(input.action, input.actionLen)) return Outcome.Pass;
  decision.block(Rule.ReadOnly, Reason.ReadOnly, false);
  detail.str("the passport is read-only and action '");
  detail.raw(input.action, min(input.actionLen, 128));
  detail.str("' writes");
  return Outcome.Block;
}

/** Scans the target, then the context (each string as written and percent-decoded, detect/decode.ts); on a finding writes "<what> (<kind>) found at <path>". */
function guard(find: Finder, rule: Rule, reason: Reason, what: string, secret: bool): Outcome {
  let kind = 0;
  let inTarget = false;
  if (input.hasFlag(ReqFlag.HasTarget) && input.targetLen > 0) {
    kind = find(input.target, input.targetLen, 0);
    inTarget = kind != 0;
  }
  if (kind == 0 && input.hasFlag(ReqFlag.HasContext)) kind = scanContext(find);
  if (kind == 0) return Outcome.Pass;
  decision.block(rule, reason, false);
  detail.str(what);
  detail.str(" (");
  detail.str(secret ? secretKindName(kind) : piiKindName(kind));
  detail.str(") found at ");
  if (inTarget) detail.str("target");
  else writeContextPath(detail, foundAt);
  return Outcome.Block;
}

export function noSecretsExport(): Outcome {
  return guard(findSecretDecoded, Rule.NoSecretsExport, Reason.SecretDetected, "secret", true);
}

export function noPiiExport(): Outcome {
  return guard(findPiiDecoded, Rule.NoPiiExport, Reason.PiiDetected, "personal data", false);
}
