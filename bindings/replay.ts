// What-if replay: recorded requests decided in time order against compiled passports, each on a
// lane whose counter state the module keeps and moves with the replayed decisions (docs/abi.md
// "Replay lanes"). The host only writes requests and reads three numbers back; every window,
// cap and transition is the module's, the same the enforcer uses.

import { writeI64 } from "./bytes";
import type { Core } from "./core";
import { type RequestInput, writeRequest } from "./encode-request";
import type { Engine, Policy } from "./engine";
import { EngineError, RequestError } from "./errors";
import type { Verdict } from "./decision";

/** What a replayed hold does to the lane: approved at once, or left to the caller (`reserve`, or nothing). */
export type HoldHandling = "approve" | "caller";

/** The decision of one replayed request, as ids into the catalogue (no strings on the hot path). */
export interface StepResult {
  verdict: 0 | 1 | 2;
  rule: number;
  reason: number;
}

export type LaneOp = "reserve" | "approve" | "release" | "reset" | "emergency_stop" | "resume" | "pause" | "heartbeat";

const OP_CODES: Record<LaneOp, number> = {
  reserve: 2,
  approve: 3,
  release: 4,
  reset: 5,
  heartbeat: 7,
  pause: 8,
  emergency_stop: 9,
  resume: 10,
};
const RESET_KINDS = ["daily", "weekly", "monthly", "total", "all"] as const;
export type ReplayResetKind = (typeof RESET_KINDS)[number];

/** Lanes the module keeps (assembly/state/replay.ts REPLAY_LANES). */
export const REPLAY_LANES = 8;
const RULE_NONE = 0xffff;
const FLAG_HOLD_BY_CALLER = 1,
  FLAG_FRESH_HEARTBEAT = 4;
const STATUS_NAMES: Record<number, string> = { 0: "ok", [-1]: "bad_input", [-2]: "already_pending", [-3]: "no_such_approval" };
const VERDICTS: readonly Verdict[] = ["allow", "request_hold", "block"];
const encoder = new TextEncoder();

/**
 * One replay: lane i decides with `policies[i]`. Create it, `step` every request in time order,
 * apply recorded approvals and operator acts with `op`. Lanes start empty; a new Replay resets them.
 */
export class Replay {
  private readonly core: Core;
  /** The instance the lanes live in: after a trap the module restarts empty, and the replay is void. */
  private readonly generation: number;
  /** The decision of the last step (reused: no allocation per request). */
  readonly last: StepResult = { verdict: 0, rule: RULE_NONE, reason: 0 };

  constructor(
    private readonly engine: Engine,
    private readonly policies: readonly Policy[],
  ) {
    if (policies.length === 0 || policies.length > REPLAY_LANES) {
      throw new RequestError({
        code: "out_of_range",
        path: "policies",
        message: "invalid argument",
        expected: `1 to ${REPLAY_LANES} policies`,
        found: String(policies.length),
      });
    }
    this.core = engine.core;
    this.generation = this.core.generation;
    for (let lane = 0; lane < policies.length; lane++) {
      if (engine.call(() => this.core.exports.replay_reset(lane)) !== 0) throw new EngineError("replay_failed", `the module refused lane ${lane}`);
    }
  }

  /** The catalogue's names, for turning step results into words once, at the end. */
  verdictName(v: number): Verdict {
    return VERDICTS[v]!;
  }
  ruleName(id: number): string | null {
    return id === RULE_NONE ? null : (this.core.catalogue.rules[id] ?? null);
  }
  reasonName(id: number): string {
    return this.core.catalogue.reasons[id] ?? "unknown";
  }

  /**
   * Decides a validated request at `now` on `lane` and applies its transition there: an allow is
   * committed; a hold is approved at once (`holds: "approve"`) or left to the caller. The request
   * is decided as if the agent's heartbeat were fresh (a recording has no heartbeats).
   */
  step(lane: number, req: RequestInput, now: number, holds: HoldHandling = "approve"): StepResult {
    const policy = this.policies[lane]!;
    if (policy.handle < 0) throw new EngineError("policy_disposed", "this policy was disposed");
    this.checkAlive();
    const core = this.core;
    core.checkFree();
    let len: number;
    try {
      len = writeRequest(core, policy.timezones, req, now, false);
    } catch (err) {
      throw this.engine.failure(err);
    } finally {
      core.writing = false;
    }
    try {
      const flags = FLAG_FRESH_HEARTBEAT | (holds === "caller" ? FLAG_HOLD_BY_CALLER : 0);
      const n = core.exports.replay_step(policy.handle, lane, len, flags);
      if (n < 0) throw new EngineError("evaluate_failed", `the module rejected the replayed request (code ${n})`);
      core.refresh();
      const o = core.outPtr,
        bytes = core.bytes;
      const last = this.last;
      last.verdict = bytes[o] as 0 | 1 | 2;
      last.rule = bytes[o + 4]! | (bytes[o + 5]! << 8);
      last.reason = bytes[o + 6]! | (bytes[o + 7]! << 8);
      return last;
    } catch (err) {
      throw this.engine.failure(err);
    }
  }

  private checkAlive(): void {
    if (this.core.generation !== this.generation) {
      throw new EngineError("replay_lost", "the module restarted after a trap and its replay lanes are gone; start the replay again");
    }
  }

  /**
   * A counter-state transition on a lane: a recorded approval or denial (`id` as given to
   * `reserve`), a hold the caller keeps pending (`reserve`, `cost`), an operator's reset, stop,
   * resume or pause. Returns the module's status: ok, already_pending, no_such_approval.
   */
  op(lane: number, op: LaneOp, now: number, opts: { cost?: number; id?: string; kind?: ReplayResetKind } = {}): string {
    this.checkAlive();
    const code = OP_CODES[op];
    const id = encoder.encode(opts.id ?? "");
    const a = op === "reset" ? RESET_KINDS.indexOf(opts.kind ?? "all") : op === "reserve" ? (opts.cost ?? 0) : 0;
    const core = this.core;
    const status = this.engine.call(() => {
      const base = core.io(44 + id.length);
      writeI64(core.view, base, now);
      writeI64(core.view, base + 8, a);
      writeI64(core.view, base + 16, 0);
      writeI64(core.view, base + 24, 0);
      writeI64(core.view, base + 32, 0);
      core.view.setUint32(base + 40, id.length, true);
      core.bytes.set(id, base + 44);
      return core.exports.replay_op(lane, code, 44 + id.length);
    });
    const name = STATUS_NAMES[status];
    if (name === undefined || name === "bad_input") {
      throw new RequestError({ code: "out_of_range", path: op, message: "invalid argument", expected: "a valid counter-state op", found: `status ${status}` });
    }
    return name;
  }
}
