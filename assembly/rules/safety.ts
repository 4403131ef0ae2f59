// core:safety:* — emergency stop, fail-closed heartbeats and the anomaly hold (SPEC §2 step 1 and 10).

import { Key, Outcome, Reason, Rule, Warning } from "../catalogue";
import { ANOMALY_FACTOR, ANOMALY_FLOOR, HEARTBEAT_STALE_MS } from "../constants";
import { decision, detail } from "../decision";
import { Policy } from "../policy";
import { CounterFlag, input, R_ACTIONS_30MIN, R_ACTIONS_5MIN, R_LAST_HEARTBEAT } from "../request";

export function emergencyStop(): Outcome {
  if (!input.counter(CounterFlag.EmergencyStopped)) return Outcome.Pass;
  decision.block(Rule.EmergencyStop, Reason.EmergencyStopped, false);
  detail.str("the passport is emergency-stopped; an operator must resume it");
  return Outcome.Block;
}

function heartbeatStale(): bool {
  return input.counter(CounterFlag.HasLastHeartbeat)
    && input.now - input.i64at(R_LAST_HEARTBEAT) > HEARTBEAT_STALE_MS;
}

/** Paused enforcement blocks whatever the passport says; fail_closed also blocks on a missing or stale heartbeat. */
export function failClosed(p: Policy): Outcome {
  const on = p.flag(Key.SafetyFailClosed);
  const paused = input.counter(CounterFlag.EnforcementPaused);
  // An operator's pause is lifted only by an operator (SPEC §11); a fail-closed one by a heartbeat.
  const byOperator = paused && !input.counter(CounterFlag.PausedByFailClosed);
  if (byOperator) {
    detail.str("enforcement is paused by an operator");
  } else if (paused) {
    detail.str("enforcement is paused: fail_closed tripped for want of a fresh heartbeat");
  } else if (on && !input.counter(CounterFlag.HasLastHeartbeat)) {
    detail.str("fail_closed is on and no heartbeat has been received");
  } else if (on && heartbeatStale()) {
    detail.str("fail_closed is on and the last heartbeat is ");
    detail.int((input.now - input.i64at(R_LAST_HEARTBEAT)) / 1000);
    detail.str(" s old (limit 120 s)");
  } else {
    if (!on && heartbeatStale()) decision.warn(Warning.HeartbeatStale);
    return Outcome.Pass;
  }
  decision.block(Rule.FailClosed, Reason.EnforcementPaused, true);
  const s = decision.beginSuggestion();
  s.str(byOperator ? "an operator must resume enforcement" : "send a heartbeat to resume enforcement");
  decision.endSuggestion();
  return Outcome.Block;
}

export function anomalySuspend(): Outcome {
  const r5 = input.i64at(R_ACTIONS_5MIN) + 1;
  const a30 = input.i64at(R_ACTIONS_30MIN);
  if (!(ANOMALY_FACTOR * r5 > a30 && r5 >= ANOMALY_FLOOR)) return Outcome.Pass;
  if (decision.hold(Rule.AnomalySuspend, Reason.AnomalyDetected)) {
    detail.str("activity spike: ");
    detail.int(r5);
    detail.str(" actions in the last 5 minutes against ");
    detail.int(a30);
    detail.str(" in the last 30");
  }
  return Outcome.Hold;
}
