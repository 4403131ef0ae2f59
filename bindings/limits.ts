// The numbers people and agents are shown about a passport, read from the module (docs/abi.md
// "spend_caps", "deadline", "fold_action"): effective caps and headroom per spending window,
// lifetimes of approvals and permits, heartbeat freshness, and the fold actions compare by.
// Nothing here computes them: it moves bytes.

import { readI64, writeI64, writeUtf8 } from "./bytes";
import type { Core } from "./core";
import { type CounterInput, writeCounterBlock } from "./encode-request";
import { EngineError } from "./errors";
import {
  DeadlineKind as AbiDeadline,
  REQ_HEADER,
  R_NOW,
  RunwayKind,
  RW_PACE_CENTS,
  RW_PACE_SINCE,
  RW_SIZE,
  RW_WINDOWS,
  SE_AT,
  SE_CENTS,
  SE_SIZE,
  WR_AT,
  WR_KIND,
  WR_SIZE,
  SC_PER_ACTION,
  SC_SIZE,
  SC_WINDOWS,
  WC_HEADROOM,
  WC_HELD,
  WC_LIMIT,
  WC_RULE,
  WC_SIZE,
  WC_SPENT,
} from "./gen/abi-layout";

export type SpendWindow = "daily" | "weekly" | "monthly" | "total";
export const SPEND_WINDOWS: readonly SpendWindow[] = ["daily", "weekly", "monthly", "total"];

/** One spending window's effective cap at a counter snapshot. */
export interface WindowCap {
  /** The tightest cap on the window (max_per_<window>, or max_cumulative when it names the window), or null. */
  limit_cents: number | null;
  /** The rule of that cap (`core:cost:max_per_day`, `core:cost:max_cumulative`, ...), or null. */
  rule: string | null;
  spent_cents: number;
  /** Reserved by a pending approval: it weighs on every window. */
  held_cents: number;
  /** The largest cost that still passes the cap now (never negative), or null without a cap. */
  headroom_cents: number | null;
}

/** A passport's effective spending caps at a counter snapshot, as the module decides with them. */
export interface SpendCaps {
  per_action_cents: number | null;
  windows: Record<SpendWindow, WindowCap>;
}

/** Lifetimes from SPEC §7/§10, as the module applies them. */
export interface Lifetimes {
  /** An approval request expires this long after it is created (at that instant it is expired). */
  approval_ms: number;
  /** A permit expires this long after it is issued. */
  permit_ms: number;
  /** A heartbeat this old is still fresh; one millisecond older is stale. */
  heartbeat_fresh_ms: number;
}

export type DeadlineKind = "approval" | "permit" | "heartbeat" | "approver_code";
const DEADLINE_KIND: Record<DeadlineKind, number> = {
  approval: AbiDeadline.Approval,
  permit: AbiDeadline.Permit,
  heartbeat: AbiDeadline.Heartbeat,
  approver_code: AbiDeadline.ApproverCode,
};

/** When something issued (or a heartbeat sent) at `at` expires: at that instant it is already expired. */
export function readDeadline(core: Core, kind: DeadlineKind, at: number): number {
  const ptr = core.io(8);
  writeI64(core.view, ptr, at);
  core.exports.deadline(DEADLINE_KIND[kind]);
  core.refresh();
  return readI64(core.view, core.outPtr);
}

export function readLifetimes(core: Core): Lifetimes {
  return {
    approval_ms: readDeadline(core, "approval", 0),
    permit_ms: readDeadline(core, "permit", 0),
    heartbeat_fresh_ms: readDeadline(core, "heartbeat", 0) - 1,
  };
}

const nullable = (v: number): number | null => (v < 0 ? null : v);

/** Runs spend_caps for the compiled passport `handle` at the (valid) counter snapshot `counters`. */
export function readSpendCaps(core: Core, handle: number, counters: CounterInput): SpendCaps {
  const base = core.io(REQ_HEADER);
  core.bytes.fill(0, base, base + REQ_HEADER);
  writeCounterBlock(core, base, counters);
  const n = core.exports.spend_caps(handle, REQ_HEADER);
  if (n !== SC_SIZE) throw new EngineError("spend_caps_failed", `the module refused spend_caps (code ${n})`);
  core.refresh();
  const { view } = core;
  const o = core.outPtr;
  const windows = {} as Record<SpendWindow, WindowCap>;
  SPEND_WINDOWS.forEach((w, i) => {
    const at = o + SC_WINDOWS + i * WC_SIZE;
    const rule = view.getUint32(at + WC_RULE, true);
    windows[w] = {
      limit_cents: nullable(readI64(view, at + WC_LIMIT)),
      rule: rule === 0xffff_ffff ? null : core.catalogue.rules[rule]!,
      spent_cents: readI64(view, at + WC_SPENT),
      held_cents: readI64(view, at + WC_HELD),
      headroom_cents: nullable(readI64(view, at + WC_HEADROOM)),
    };
  });
  return { per_action_cents: nullable(readI64(view, o + SC_PER_ACTION)), windows };
}

/** One committed spend, as read from the records: when, and how much (negative: a refund or a true-up down). */
export interface SpendEvent {
  at: number;
  cents: number;
}

/** How a window's cap fares at the pace of the last 7 days. */
export type RunwayOutcome = "no_cap" | "exhausted" | "runs_out" | "no_pace" | "resets_first" | "beyond";
const RUNWAY_OUTCOMES: Record<number, RunwayOutcome> = {
  [RunwayKind.NoCap]: "no_cap",
  [RunwayKind.Exhausted]: "exhausted",
  [RunwayKind.RunsOut]: "runs_out",
  [RunwayKind.NoPace]: "no_pace",
  [RunwayKind.ResetsFirst]: "resets_first",
  [RunwayKind.Beyond]: "beyond",
};

export interface WindowRunway {
  outcome: RunwayOutcome;
  /** runs_out: when the cap runs out; exhausted: now; resets_first: when the window resets; otherwise null. */
  at: number | null;
}

/** Budget runway, as the module projects it (docs/abi.md "spend_runway"). */
export interface SpendRunway {
  /** Spent in the 7 days before now (the pace), never below 0. */
  pace_cents: number;
  /** Where the pace window starts (exclusive), epoch ms. */
  pace_since: number;
  windows: Record<SpendWindow, WindowRunway>;
}

/** Runs spend_runway for the compiled passport `handle` at `now`, the counter snapshot and the spends (any order). */
export function readRunway(core: Core, handle: number, counters: CounterInput, now: number, events: readonly SpendEvent[]): SpendRunway {
  const len = REQ_HEADER + 8 + events.length * SE_SIZE;
  const base = core.io(len);
  core.bytes.fill(0, base, base + REQ_HEADER + 8);
  writeCounterBlock(core, base, counters);
  writeI64(core.view, base + R_NOW, now);
  core.view.setUint32(base + REQ_HEADER, events.length, true);
  events.forEach((e, i) => {
    const at = base + REQ_HEADER + 8 + i * SE_SIZE;
    writeI64(core.view, at + SE_AT, e.at);
    writeI64(core.view, at + SE_CENTS, e.cents);
  });
  const n = core.exports.spend_runway(handle, len);
  if (n !== RW_SIZE) throw new EngineError("spend_runway_failed", `the module refused spend_runway (code ${n})`);
  core.refresh();
  const { view } = core;
  const o = core.outPtr;
  const windows = {} as Record<SpendWindow, WindowRunway>;
  SPEND_WINDOWS.forEach((w, i) => {
    const at = o + RW_WINDOWS + i * WR_SIZE;
    const t = readI64(view, at + WR_AT);
    windows[w] = { outcome: RUNWAY_OUTCOMES[view.getUint32(at + WR_KIND, true)]!, at: t < 0 ? null : t };
  });
  return { pace_cents: readI64(view, o + RW_PACE_CENTS), pace_since: readI64(view, o + RW_PACE_SINCE), windows };
}

/** An action folded as the module compares actions (SPEC §3; docs/decisions.md "Action patterns"). */
export function readFold(core: Core, action: string): string {
  const ptr = core.io(action.length * 3);
  const len = writeUtf8(core.bytes, ptr, action);
  const n = core.exports.fold_action(len);
  if (n < 0) throw new EngineError("fold_failed", "the action is too long to fold");
  core.refresh();
  return core.readUtf8(core.outPtr, n);
}
