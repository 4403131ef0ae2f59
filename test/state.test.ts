// Counter state and its transitions (SPEC §6, §7, §10), through the real module: window edges,
// calendar rollovers, reservations, expiry, stop, resets, true-ups and hostile state bytes.

import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine, type Engine } from "../bindings/index";
import { CounterStates, type Snapshot, type StateResult } from "../bindings/state";

const T = (iso: string): number => Date.parse(iso);
const SEC = 1000,
  MIN = 60_000,
  HOUR = 3_600_000;

let engine: Engine;
let cs: CounterStates;

beforeAll(async () => {
  engine = await loadEngine();
  cs = new CounterStates(engine);
});

function ok(r: StateResult): Uint8Array {
  expect(r.status).toBe("ok");
  return r.state;
}

/** Commits one action of `cost` at each instant, in order, from a fresh state. */
function commits(times: number[], cost = 0, start?: Uint8Array): Uint8Array {
  let s = start ?? cs.fresh();
  for (const t of times) s = ok(cs.commit(s, t, cost));
  return s;
}

function snap(s: Uint8Array, now: number): Snapshot {
  const r = cs.snapshot(s, now);
  expect(r.status).toBe("ok");
  return r.snapshot;
}

describe("fresh state", () => {
  it("reads as an all-zero snapshot", () => {
    const s = cs.fresh();
    expect(s.length).toBe(632);
    expect(snap(s, T("2026-02-24T10:00:00Z"))).toEqual({
      spent_today_cents: 0,
      spent_week_cents: 0,
      spent_month_cents: 0,
      spent_total_cents: 0,
      held_cents: 0,
      actions_last_minute: 0,
      actions_last_5_minutes: 0,
      actions_last_30_minutes: 0,
      actions_last_hour: 0,
      actions_today: 0,
      last_action_at: null,
      last_heartbeat_at: null,
      pending_approval_id: null,
      emergency_stopped: false,
      enforcement_paused: false,
      paused_by: null,
      pending_cost_cents: 0,
      pending_created_at: null,
    });
  });

  it("an empty byte string is a fresh state", () => {
    const t = T("2026-02-24T10:00:00Z");
    const r = cs.commit(new Uint8Array(0), t, 70);
    expect(r.status).toBe("ok");
    expect(r.snapshot.spent_today_cents).toBe(70);
    expect(r.snapshot.actions_last_minute).toBe(1);
    expect(r.snapshot.last_action_at).toBe(t);
  });
});

describe("sliding minute (per-second buckets)", () => {
  const s0 = T("2026-02-24T10:00:00Z");

  it("an action at second s counts at s+59 and not at s+60", () => {
    const s = commits([s0 + 250]);
    expect(snap(s, s0 + 250).actions_last_minute).toBe(1);
    expect(snap(s, s0 + 59 * SEC).actions_last_minute).toBe(1);
    expect(snap(s, s0 + 59 * SEC + 999).actions_last_minute).toBe(1);
    expect(snap(s, s0 + 60 * SEC).actions_last_minute).toBe(0);
    expect(snap(s, s0 + 60 * SEC).actions_today).toBe(1);
  });

  it("rolling zeroes only the seconds that fell out", () => {
    const s = commits([s0, s0 + 10 * SEC, s0 + 20 * SEC, s0 + 20 * SEC + 500, s0 + 45 * SEC]);
    expect(snap(s, s0 + 45 * SEC).actions_last_minute).toBe(5);
    expect(snap(s, s0 + 60 * SEC).actions_last_minute).toBe(4); // second 0 left
    expect(snap(s, s0 + 70 * SEC).actions_last_minute).toBe(3); // second 10 left
    expect(snap(s, s0 + 80 * SEC).actions_last_minute).toBe(1); // both at second 20 left
    // The state carried through a partial roll keeps the right buckets.
    const rolled = ok(cs.snapshot(s, s0 + 70 * SEC));
    const s2 = ok(cs.commit(rolled, s0 + 75 * SEC, 0));
    expect(snap(s2, s0 + 79 * SEC).actions_last_minute).toBe(4);
    expect(snap(s2, s0 + 105 * SEC).actions_last_minute).toBe(1);
    expect(snap(s2, s0 + 135 * SEC).actions_last_minute).toBe(0);
  });

  it("a gap longer than the ring clears it", () => {
    const s = commits([s0, s0 + 30 * SEC]);
    const later = ok(cs.snapshot(s, s0 + 1000 * SEC));
    expect(snap(later, s0 + 1000 * SEC).actions_last_minute).toBe(0);
    expect(snap(ok(cs.commit(later, s0 + 1030 * SEC, 0)), s0 + 1030 * SEC).actions_last_minute).toBe(1);
  });
});

describe("sliding 5, 30 and 60 minutes (per-minute buckets)", () => {
  const m0 = T("2026-02-24T10:00:00Z");
  const s = (): Uint8Array => commits([m0 + 30 * SEC]);

  it.each([
    ["actions_last_5_minutes", 5],
    ["actions_last_30_minutes", 30],
    ["actions_last_hour", 60],
  ] as const)("%s: counts through minute m+%i−1, not from minute m+%i", (field, n) => {
    expect(snap(s(), m0 + (n - 1) * MIN)[field]).toBe(1);
    expect(snap(s(), m0 + n * MIN - 1)[field]).toBe(1);
    expect(snap(s(), m0 + n * MIN)[field]).toBe(0);
  });

  it("actions spread over 90 minutes fall into the right windows", () => {
    const times = Array.from({ length: 10 }, (_, k) => m0 + k * 10 * MIN); // 10:00, 10:10, …, 11:30
    const st = commits(times);
    const sn = snap(st, m0 + 90 * MIN + 30 * SEC); // 11:30:30
    expect(sn.actions_last_minute).toBe(1);
    expect(sn.actions_last_5_minutes).toBe(1); // 11:26–11:30
    expect(sn.actions_last_30_minutes).toBe(3); // 11:01–11:30: 11:10, 11:20, 11:30
    expect(sn.actions_last_hour).toBe(6); // 10:31–11:30: 10:40 … 11:30
    expect(sn.actions_today).toBe(10);
    expect(snap(st, m0 + 100 * MIN).actions_last_hour).toBe(5); // 10:41–11:40
  });
});

describe("calendar windows (UTC)", () => {
  it("a day ends at UTC midnight", () => {
    const t = T("2026-02-24T23:59:59.999Z");
    const s = commits([t], 100);
    expect(snap(s, t)).toMatchObject({ spent_today_cents: 100, actions_today: 1 });
    expect(snap(s, T("2026-02-25T00:00:00Z"))).toMatchObject({
      spent_today_cents: 0,
      actions_today: 0,
      spent_week_cents: 100,
      spent_month_cents: 100,
      spent_total_cents: 100,
    });
  });

  it("an ISO week ends on Sunday 23:59:59.999 and a new one starts Monday 00:00", () => {
    const sunday = T("2026-02-22T23:59:59.999Z");
    const s = commits([T("2026-02-16T00:00:00Z"), sunday], 100); // Monday and Sunday of one week
    expect(snap(s, sunday).spent_week_cents).toBe(200);
    expect(snap(s, T("2026-02-23T00:00:00Z"))).toMatchObject({
      spent_week_cents: 0,
      spent_today_cents: 0,
      spent_month_cents: 200,
    });
  });

  it("a week spanning a year end keeps counting across it", () => {
    const sunBefore = T("2025-12-28T23:59:59.999Z");
    const monday = T("2025-12-29T10:00:00Z");
    const newYear = T("2026-01-01T00:00:00Z"); // Thursday of the same ISO week
    let s = commits([sunBefore], 50);
    expect(snap(s, monday)).toMatchObject({ spent_week_cents: 0, spent_month_cents: 50 });
    s = commits([monday], 100, s);
    s = commits([newYear], 200, s);
    expect(snap(s, newYear)).toMatchObject({
      spent_today_cents: 200,
      spent_week_cents: 300,
      spent_month_cents: 200,
      spent_total_cents: 350,
    });
    expect(snap(s, T("2026-01-04T23:59:59.999Z")).spent_week_cents).toBe(300);
    expect(snap(s, T("2026-01-05T00:00:00Z")).spent_week_cents).toBe(0);
  });

  it("weeks and days before 1970 use floor division", () => {
    const s = commits([T("1969-12-29T00:00:00Z")], 100); // a Monday
    expect(snap(s, T("1970-01-01T12:00:00Z"))).toMatchObject({ spent_week_cents: 100, spent_month_cents: 0 });
    expect(snap(s, T("1970-01-05T00:00:00Z")).spent_week_cents).toBe(0);
    expect(snap(s, T("1969-12-31T23:59:59.999Z")).spent_month_cents).toBe(100);
  });

  it.each([
    ["leap February 2028", "2028-02-28T12:00:00Z", "2028-02-29T23:59:59.999Z", "2028-03-01T00:00:00Z"],
    ["leap February 2000", "2000-02-01T00:00:00Z", "2000-02-29T23:59:59.999Z", "2000-03-01T00:00:00Z"],
    ["February 2026", "2026-02-01T00:00:00Z", "2026-02-28T23:59:59.999Z", "2026-03-01T00:00:00Z"],
    ["February 2100 (not leap)", "2100-02-10T00:00:00Z", "2100-02-28T23:59:59.999Z", "2100-03-01T00:00:00Z"],
    ["March", "2026-03-31T00:00:00Z", "2026-03-31T23:59:59.999Z", "2026-04-01T00:00:00Z"],
    ["a 30-day month", "2026-04-30T00:00:00Z", "2026-04-30T23:59:59.999Z", "2026-05-01T00:00:00Z"],
    ["a year end", "2026-12-01T00:00:00Z", "2026-12-31T23:59:59.999Z", "2027-01-01T00:00:00Z"],
  ])("a month ends at its last instant: %s", (_name, at, last, next) => {
    const s = commits([T(at)], 100);
    expect(snap(s, T(last)).spent_month_cents).toBe(100);
    expect(snap(s, T(next))).toMatchObject({ spent_month_cents: 0, spent_total_cents: 100 });
  });

  it("day, week and month edges agree with the JavaScript calendar over 1900–2200", () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const lo = T("1900-01-01T00:00:00Z"),
      hi = T("2200-01-01T00:00:00Z");
    for (let i = 0; i < 300; i++) {
      const at = Math.floor(lo + rand() * (hi - lo));
      const d = new Date(at);
      const y = d.getUTCFullYear(),
        m = d.getUTCMonth(),
        day = d.getUTCDate();
      const nextDay = Date.UTC(y, m, day + 1);
      const nextMonday = Date.UTC(y, m, day + ((8 - d.getUTCDay()) % 7 || 7));
      const nextMonth = Date.UTC(y, m + 1, 1);
      const s = commits([at], 100);
      for (const [edge, field] of [
        [nextDay, "spent_today_cents"],
        [nextMonday, "spent_week_cents"],
        [nextMonth, "spent_month_cents"],
      ] as const) {
        expect(snap(s, edge - 1)[field], `${d.toISOString()} ${field} before`).toBe(100);
        expect(snap(s, edge)[field], `${d.toISOString()} ${field} at ${new Date(edge).toISOString()}`).toBe(0);
      }
    }
  });

  it("a clock going backwards keeps the counts (conservative)", () => {
    const t = T("2026-02-25T00:10:00Z");
    const s = commits([t], 100);
    const back = T("2026-02-24T23:59:00Z");
    expect(snap(s, back)).toMatchObject({ spent_today_cents: 100, actions_last_minute: 1, actions_last_hour: 1 });
    const s2 = ok(cs.commit(s, back, 10)); // lands in the newest windows
    expect(snap(s2, back)).toMatchObject({ spent_today_cents: 110, actions_last_minute: 2, actions_today: 2 });
    expect(snap(s2, t + 59 * SEC)).toMatchObject({ spent_today_cents: 110, actions_last_minute: 2 });
    expect(snap(s2, t + 60 * SEC).actions_last_minute).toBe(0);
    expect(snap(s2, T("2026-02-26T00:00:00Z")).spent_today_cents).toBe(0);
  });
});

describe("reservations and approvals", () => {
  const t0 = T("2026-02-24T23:58:00Z");

  it("reserve holds the cost; approve commits it in the windows current at approval time", () => {
    const r = cs.reserve(cs.fresh(), t0, 500, "apr_1");
    const held = ok(r);
    expect(r.snapshot).toMatchObject({
      held_cents: 500,
      spent_today_cents: 0,
      actions_today: 0,
      pending_approval_id: "apr_1",
      pending_cost_cents: 500,
      pending_created_at: t0,
      last_action_at: null,
    });
    const at = T("2026-02-25T00:02:00Z"); // the next day, 240 s later
    const a = cs.approve(held, at, "apr_1");
    ok(a);
    expect(a.expired).toBeUndefined();
    expect(a.snapshot).toMatchObject({
      held_cents: 0,
      spent_today_cents: 500,
      spent_week_cents: 500,
      spent_month_cents: 500,
      spent_total_cents: 500,
      actions_today: 1,
      actions_last_minute: 1,
      actions_last_hour: 1,
      last_action_at: at,
      pending_approval_id: null,
      pending_cost_cents: 0,
      pending_created_at: null,
    });
    // Nothing was counted in the day of the reservation.
    expect(snap(a.state, at).spent_today_cents).toBe(500);
    expect(snap(a.state, T("2026-02-26T00:00:00Z")).spent_today_cents).toBe(0);
  });

  it("only one approval may be pending; a wrong id is not found", () => {
    const held = ok(cs.reserve(cs.fresh(), t0, 500, "apr_1"));
    const again = cs.reserve(held, t0 + SEC, 300, "apr_2");
    expect(again.status).toBe("already_pending");
    expect(again.snapshot).toMatchObject({ held_cents: 500, pending_approval_id: "apr_1" });
    const wrong = cs.approve(held, t0 + SEC, "apr_2");
    expect(wrong.status).toBe("no_such_approval");
    expect(wrong.snapshot).toMatchObject({ held_cents: 500, spent_today_cents: 0, pending_approval_id: "apr_1" });
    expect(cs.approve(cs.fresh(), t0, "apr_1").status).toBe("no_such_approval");
  });

  it("release (deny) frees the reservation and counts nothing", () => {
    const held = ok(cs.reserve(commits([t0 - MIN], 40), t0, 500, "apr_1"));
    expect(snap(held, t0)).toMatchObject({ held_cents: 500, spent_today_cents: 40 });
    const r = cs.release(held, t0 + 10 * SEC, "apr_1");
    ok(r);
    expect(r.snapshot).toMatchObject({
      held_cents: 0,
      spent_today_cents: 40,
      actions_today: 1,
      pending_approval_id: null,
      last_action_at: t0 - MIN,
    });
    expect(r.released).toBeUndefined();
    expect(cs.release(r.state, t0 + 11 * SEC, "apr_1").status).toBe("no_such_approval");
  });

  it("a pending approval expires at created + 300 s exactly", () => {
    const held = ok(cs.reserve(cs.fresh(), t0, 500, "apr_1"));
    const before = cs.snapshot(held, t0 + 299_999);
    expect(before.expired).toBeUndefined();
    expect(before.snapshot).toMatchObject({ held_cents: 500, pending_approval_id: "apr_1" });
    const at = cs.snapshot(held, t0 + 300_000);
    expect(at.expired).toEqual({ id: "apr_1", cost_cents: 500 });
    expect(at.snapshot).toMatchObject({ held_cents: 0, pending_approval_id: null, spent_today_cents: 0 });
    // Approving at that instant is too late; a moment before is in time.
    const late = cs.approve(held, t0 + 300_000, "apr_1");
    expect(late.status).toBe("no_such_approval");
    expect(late.expired).toEqual({ id: "apr_1", cost_cents: 500 });
    expect(late.snapshot).toMatchObject({ held_cents: 0, spent_today_cents: 0, actions_today: 0 });
    expect(cs.approve(held, t0 + 299_999, "apr_1").snapshot.spent_total_cents).toBe(500);
    // A new reservation after expiry succeeds and reports the expiry.
    const next = cs.reserve(held, t0 + 400 * SEC, 70, "apr_2");
    expect(next.status).toBe("ok");
    expect(next.expired?.id).toBe("apr_1");
    expect(next.snapshot).toMatchObject({ held_cents: 70, pending_approval_id: "apr_2" });
  });

  it("an emergency stop releases the reservation and reports it; resume clears the stop", () => {
    const held = ok(cs.reserve(commits([t0], 25), t0, 500, "apr_é"));
    const stop = cs.emergencyStop(held, t0 + SEC);
    ok(stop);
    expect(stop.released).toEqual({ id: "apr_é", cost_cents: 500 });
    expect(stop.expired).toBeUndefined();
    expect(stop.snapshot).toMatchObject({
      emergency_stopped: true,
      held_cents: 0,
      pending_approval_id: null,
      spent_today_cents: 25,
    });
    expect(cs.approve(stop.state, t0 + 2 * SEC, "apr_é").status).toBe("no_such_approval");
    const again = cs.emergencyStop(stop.state, t0 + 3 * SEC);
    expect(again.released).toBeUndefined();
    const resumed = cs.resume(again.state, t0 + 4 * SEC);
    expect(resumed.snapshot).toMatchObject({ emergency_stopped: false, spent_today_cents: 25 });
  });
});

describe("resets", () => {
  const t = T("2026-02-24T10:00:00Z");
  const build = (): Uint8Array => ok(cs.reserve(commits([t - 2 * SEC, t - SEC], 100), t, 70, "apr_r"));
  const base = {
    spent_today_cents: 200,
    spent_week_cents: 200,
    spent_month_cents: 200,
    spent_total_cents: 200,
    actions_today: 2,
    actions_last_minute: 2,
    actions_last_hour: 2,
    held_cents: 70,
  };

  it.each([
    ["daily", { spent_today_cents: 0, actions_today: 0 }],
    ["weekly", { spent_week_cents: 0 }],
    ["monthly", { spent_month_cents: 0 }],
    ["total", { spent_total_cents: 0 }],
    [
      "all",
      {
        spent_today_cents: 0,
        spent_week_cents: 0,
        spent_month_cents: 0,
        spent_total_cents: 0,
        actions_today: 0,
        actions_last_minute: 0,
        actions_last_hour: 0,
      },
    ],
  ] as const)("reset %s zeroes only its windows; reservations stay", (kind, zeroed) => {
    const s = build();
    expect(snap(s, t)).toMatchObject(base);
    const r = cs.reset(s, t + SEC, kind);
    ok(r);
    expect(r.snapshot).toMatchObject({ ...base, ...zeroed });
    expect(r.snapshot.pending_approval_id).toBe("apr_r");
    expect(r.snapshot.last_action_at).toBe(t - SEC);
  });

  it("an unknown kind is refused before the module is called", () => {
    expect(() => cs.reset(cs.fresh(), t, "hourly" as never)).toThrow(/kind/);
  });
});

describe("true-up (report with an actual cost)", () => {
  it("in the same day it replaces the cost everywhere", () => {
    const t = T("2026-02-24T10:00:00Z");
    const s = commits([t - HOUR, t], 1000); // 2000 committed
    const r = cs.trueUp(s, t + HOUR, t, undefined, 1000, 300);
    ok(r);
    expect(r.snapshot).toMatchObject({
      spent_today_cents: 1300,
      spent_week_cents: 1300,
      spent_month_cents: 1300,
      spent_total_cents: 1300,
      actions_today: 2,
    });
    const up = cs.trueUp(s, t + HOUR, t, undefined, 1000, 4500);
    expect(up.snapshot).toMatchObject({ spent_today_cents: 5500, spent_total_cents: 5500 });
    const refund = cs.trueUp(s, t + HOUR, t, undefined, 1000, 0);
    expect(refund.snapshot).toMatchObject({ spent_today_cents: 1000, spent_month_cents: 1000, spent_total_cents: 1000 });
  });

  it("after a rollover only the still-current windows and the total change", () => {
    const sunday = T("2026-02-22T23:00:00Z");
    const s = commits([sunday], 1000);
    const monday = T("2026-02-23T01:00:00Z");
    const s2 = commits([monday], 10, s);
    const r = cs.trueUp(s2, monday + MIN, sunday, undefined, 1000, 1500);
    ok(r);
    expect(r.snapshot).toMatchObject({
      spent_today_cents: 10,
      spent_week_cents: 10,
      spent_month_cents: 1510,
      spent_total_cents: 1510,
    });
    // Across a month end as well: only the total moves.
    const feb = T("2026-02-28T23:59:00Z");
    const s3 = commits([T("2026-03-01T00:00:30Z")], 50, commits([feb], 800));
    const r3 = cs.trueUp(s3, T("2026-03-01T00:01:00Z"), feb, undefined, 800, 1000);
    expect(r3.snapshot).toMatchObject({
      // Saturday 28 Feb and Sunday 1 March share an ISO week
      spent_today_cents: 50,
      spent_week_cents: 1050,
      spent_month_cents: 50,
      spent_total_cents: 1050,
    });
  });

  it("never goes below zero (a commit of unknown generation ignores resets, as before generations)", () => {
    const t = T("2026-02-24T10:00:00Z");
    const s = ok(cs.reset(commits([t], 1000), t, "daily"));
    const r = cs.trueUp(s, t + SEC, t, undefined, 1000, 100);
    expect(r.snapshot).toMatchObject({ spent_today_cents: 0, spent_week_cents: 100, spent_total_cents: 100 });
  });
});

describe("true-up across a reset (reset generations)", () => {
  const t = T("2026-02-24T10:00:00Z"); // a Tuesday
  const all = (n: number) => ({ spent_today_cents: n, spent_week_cents: n, spent_month_cents: n, spent_total_cents: n });

  it("every reset starts a new generation; other ops keep it", () => {
    let r = cs.commit(cs.fresh(), t, 10);
    expect(r.resets).toBe(0);
    r = cs.reset(r.state, t, "daily");
    expect(r.resets).toBe(1);
    r = cs.reset(r.state, t, "all");
    expect(r.resets).toBe(2);
    for (const next of [cs.commit(r.state, t, 5), cs.snapshot(r.state, t), cs.heartbeat(r.state, t), cs.reserve(r.state, t, 5, "apr_g")]) {
      expect(next.resets).toBe(2);
    }
  });

  it("reset, then commit, then a true-up of the newer action: applies everywhere", () => {
    let s = ok(cs.commit(cs.fresh(), t, 100));
    s = ok(cs.reset(s, t + SEC, "all"));
    const c = cs.commit(s, t + 2 * SEC, 50);
    const r = cs.trueUp(c.state, t + 3 * SEC, t + 2 * SEC, c.resets, 50, 80);
    ok(r);
    expect(r.snapshot).toMatchObject(all(80));
  });

  it.each([
    ["daily", { spent_today_cents: 50 }],
    ["weekly", { spent_week_cents: 50 }],
    ["monthly", { spent_month_cents: 50 }],
    ["total", { spent_total_cents: 50 }],
    ["all", all(50)],
  ] as const)("commit, reset %s, commit, true-up of the first: the reset windows stay as they are", (kind, want) => {
    // Commit 100, reset, commit 50, then the first action's actual cost is 30 (a refund of 70).
    const first = cs.commit(cs.fresh(), t, 100);
    let s = ok(cs.reset(first.state, t + SEC, kind));
    s = ok(cs.commit(s, t + 2 * SEC, 50));
    const r = cs.trueUp(s, t + 3 * SEC, t, first.resets, 100, 30);
    ok(r);
    const expected = { ...all(80), ...want }; // the others: 150 − 100 + 30
    expect(r.snapshot).toMatchObject(expected);
    // Whatever the actual cost: a refund to 0 or a larger cost leaves the reset windows alone too.
    for (const actual of [0, 1000]) {
      const x = cs.trueUp(s, t + 3 * SEC, t, first.resets, 100, actual).snapshot;
      for (const [k, v] of Object.entries(expected)) {
        const untouched = v === 50;
        expect(x[k as keyof Snapshot], `${kind} ${actual} ${k}`).toBe(untouched ? 50 : 150 - 100 + actual);
      }
    }
  });

  it("the SPEC example: commit 100, reset daily, commit 50, true-up the first to 0 → 50 spent today", () => {
    const first = cs.commit(cs.fresh(), t, 100);
    let s = ok(cs.reset(first.state, t + SEC, "daily"));
    s = ok(cs.commit(s, t + 2 * SEC, 50));
    expect(cs.trueUp(s, t + 3 * SEC, t, first.resets, 100, 0).snapshot).toMatchObject({
      spent_today_cents: 50,
      spent_week_cents: 50,
      spent_month_cents: 50,
      spent_total_cents: 50,
    });
  });

  it("the same millisecond: commit then reset leaves the window alone; reset then commit trues it up", () => {
    const commitFirst = cs.commit(cs.fresh(), t, 100);
    const afterReset = ok(cs.reset(commitFirst.state, t, "daily"));
    expect(cs.trueUp(afterReset, t, t, commitFirst.resets, 100, 40).snapshot).toMatchObject({
      spent_today_cents: 0,
      spent_week_cents: 40,
      spent_total_cents: 40,
    });
    const resetFirst = ok(cs.reset(ok(cs.commit(cs.fresh(), t, 100)), t, "daily"));
    const c = cs.commit(resetFirst, t, 100);
    expect(cs.trueUp(c.state, t, t, c.resets, 100, 40).snapshot).toMatchObject({
      spent_today_cents: 40,
      spent_week_cents: 140,
      spent_total_cents: 140,
    });
  });

  it("a clock going backwards does not matter: only the order of ops does", () => {
    const first = cs.commit(cs.fresh(), t, 100);
    const s = ok(cs.reset(first.state, t - SEC, "total"));
    expect(cs.trueUp(s, t, t, first.resets, 100, 0).snapshot).toMatchObject({ spent_today_cents: 0, spent_total_cents: 0 });
    expect(cs.trueUp(s, t, t, first.resets, 100, 500).snapshot).toMatchObject({ spent_today_cents: 500, spent_total_cents: 0 });
  });

  it("a window that rolled over since still takes nothing, reset or not", () => {
    const first = cs.commit(cs.fresh(), t, 100);
    const s = ok(cs.reset(first.state, t + SEC, "weekly"));
    const r = cs.trueUp(s, t + 86_400_000, t, first.resets, 100, 0); // the next day, same week and month
    expect(r.snapshot).toMatchObject({ spent_today_cents: 0, spent_week_cents: 0, spent_month_cents: 0, spent_total_cents: 0 });
  });

  it("the generation saturates at 2^32 − 1", () => {
    const s = ok(cs.commit(cs.fresh(), t, 1)).slice();
    new DataView(s.buffer).setUint32(612, 0xffffffff, true);
    const r = cs.reset(s, t, "daily");
    ok(r);
    expect(r.resets).toBe(0xffffffff);
  });

  it("a bad generation is refused in TypeScript", () => {
    const s = cs.fresh();
    for (const g of [-1, 1.5, 2 ** 32, Number.NaN, null]) {
      expect(() => cs.trueUp(s, t, t, g as number, 1, 0)).toThrow(/committed_resets/);
    }
    expect(cs.trueUp(s, t, t, 2 ** 32 - 1, 1, 0).status).toBe("ok");
  });
});

describe("a version-1 state (before reset generations)", () => {
  const t = T("2026-02-24T10:00:00Z");
  const day = Math.floor(t / 86_400_000);

  /** Layout version 1, written field by field: 612 bytes, then the pending id. */
  function v1(id = "apr_old"): Uint8Array {
    const idBytes = new TextEncoder().encode(id);
    const s = new Uint8Array(612 + idBytes.length);
    const v = new DataView(s.buffer);
    const i64 = (at: number, n: number | bigint) => v.setBigInt64(at, BigInt(n), true);
    v.setUint32(0, 0x53435741, true); // "AWCS"
    v.setUint16(4, 1, true);
    v.setUint16(6, 4 | 8 | 16, true); // has last_action_at, has last_heartbeat_at, pending
    i64(8, Math.floor(t / SEC));
    i64(16, Math.floor(t / MIN));
    i64(24, day);
    i64(32, 300);
    i64(40, 2);
    i64(48, Math.floor((day + 3) / 7));
    i64(56, 700);
    i64(64, 2026 * 12 + 1);
    i64(72, 900);
    i64(80, 5000);
    i64(88, 40);
    i64(96, t);
    i64(104, t - SEC);
    i64(112, 40);
    i64(120, t - 2 * SEC);
    v.setUint32(128, idBytes.length, true);
    v.setUint32(132 + 4 * (Math.floor(t / SEC) % 60), 2, true); // two actions this second
    v.setUint32(372 + 4 * (Math.floor(t / MIN) % 60), 2, true); // and this minute
    s.set(idBytes, 612);
    return s;
  }

  it("decodes with every field, and is written back as version 2 with generation 0", () => {
    const r = cs.snapshot(v1(), t + SEC);
    ok(r);
    expect(r.snapshot).toEqual({
      spent_today_cents: 300,
      spent_week_cents: 700,
      spent_month_cents: 900,
      spent_total_cents: 5000,
      held_cents: 40,
      actions_last_minute: 2,
      actions_last_5_minutes: 2,
      actions_last_30_minutes: 2,
      actions_last_hour: 2,
      actions_today: 2,
      last_action_at: t,
      last_heartbeat_at: t - SEC,
      pending_approval_id: "apr_old",
      emergency_stopped: false,
      enforcement_paused: false,
      paused_by: null,
      pending_cost_cents: 40,
      pending_created_at: t - 2 * SEC,
    });
    expect(r.resets).toBe(0);
    const v = new DataView(r.state.buffer, r.state.byteOffset, r.state.byteLength);
    expect(v.getUint16(4, true)).toBe(2);
    expect(r.state.length).toBe(632 + "apr_old".length);
    for (const at of [612, 616, 620, 624, 628]) expect(v.getUint32(at, true)).toBe(0);
    expect(new TextDecoder().decode(r.state.subarray(632))).toBe("apr_old");
    expect(cs.snapshot(r.state, t + SEC).snapshot).toEqual(r.snapshot);
    expect(cs.approve(v1(), t + SEC, "apr_old").snapshot).toMatchObject({ held_cents: 0, spent_total_cents: 5040 });
  });

  it("a version-1 state of the wrong length is refused", () => {
    const s = v1();
    expect(cs.snapshot(s.subarray(0, s.length - 1), t).status).toBe("bad_state");
    const longer = new Uint8Array(s.length + 20);
    longer.set(s);
    expect(cs.snapshot(longer, t).status).toBe("bad_state");
  });

  it("a reset after the upgrade is known to later true-ups; a commit of unknown generation ignores it", () => {
    const after = cs.reset(v1(), t + SEC, "daily");
    expect(after.resets).toBe(1);
    expect(cs.trueUp(after.state, t + 2 * SEC, t, 0, 100, 0).snapshot).toMatchObject({ spent_today_cents: 0, spent_total_cents: 4900 });
    // A permit written before the upgrade has no generation: the old behaviour (the delta lands).
    const old = ok(cs.commit(after.state, t + 2 * SEC, 60));
    expect(cs.trueUp(old, t + 3 * SEC, t, undefined, 100, 0).snapshot).toMatchObject({ spent_today_cents: 0, spent_total_cents: 4960 });
  });
});

describe("heartbeat, pause, stop", () => {
  it("a heartbeat records its time and clears a fail-closed pause, never an operator's (SPEC §11)", () => {
    const t = T("2026-02-24T10:00:00Z");
    const tripped = cs.trip(cs.fresh(), t);
    expect(tripped.tripped).toBe(true);
    expect(tripped.snapshot).toMatchObject({ enforcement_paused: true, paused_by: "fail_closed", last_heartbeat_at: null });
    expect(cs.trip(tripped.state, t + SEC).tripped).toBeUndefined(); // once per trip
    const hb = cs.heartbeat(tripped.state, t + 5 * SEC);
    expect(hb.snapshot).toMatchObject({ enforcement_paused: false, paused_by: null, last_heartbeat_at: t + 5 * SEC });
    expect(cs.heartbeat(hb.state, t + 9 * SEC).snapshot.last_heartbeat_at).toBe(t + 9 * SEC);
    const paused = cs.pause(tripped.state, t + 10 * SEC);
    expect(paused.snapshot).toMatchObject({ enforcement_paused: true, paused_by: "operator" });
    expect(cs.trip(paused.state, t + 11 * SEC).tripped).toBeUndefined();
    const beat = cs.heartbeat(paused.state, t + 12 * SEC);
    expect(beat.snapshot).toMatchObject({ enforcement_paused: true, paused_by: "operator", last_heartbeat_at: t + 12 * SEC });
    expect(cs.resume(beat.state, t + 13 * SEC).snapshot).toMatchObject({ enforcement_paused: false, paused_by: null });
  });

  it("an agent's true-up (raise only) raises, and keeps the cost when the claim is lower", () => {
    const t = T("2026-02-24T10:00:00Z");
    const s = ok(cs.commit(cs.fresh(), t, 900));
    const lower = cs.trueUp(s, t + SEC, t, 0, 900, 0, true);
    expect(lower.status).toBe("kept");
    expect(lower.snapshot.spent_today_cents).toBe(900);
    const higher = cs.trueUp(s, t + SEC, t, 0, 900, 1200, true);
    expect(higher.status).toBe("ok");
    expect(higher.snapshot).toMatchObject({ spent_today_cents: 1200, spent_total_cents: 1200 });
  });

  it("the counter block has the request layout (offsets 40..143 of a request header)", () => {
    const t = T("2026-02-24T10:00:00Z");
    let s = commits([t], 123);
    s = ok(cs.heartbeat(s, t + SEC));
    s = ok(cs.reserve(s, t + 2 * SEC, 77, "apr_x"));
    const r = cs.emergencyStop(ok(cs.pause(s, t + 3 * SEC)), t + 3 * SEC);
    const b = new DataView(r.counterBlock.buffer, r.counterBlock.byteOffset, r.counterBlock.byteLength);
    expect(r.counterBlock.length).toBe(104);
    const at = (reqOffset: number): number => Number(b.getBigInt64(reqOffset - 40, true));
    expect(at(40)).toBe(123); // spent_today
    expect(at(64)).toBe(123); // spent_total
    expect(at(72)).toBe(0); // held: released by the stop
    expect(at(80)).toBe(1); // actions_last_minute
    expect(at(112)).toBe(1); // actions_today
    expect(at(120)).toBe(t); // last_action_at
    expect(at(128)).toBe(t + SEC); // last_heartbeat_at
    expect(b.getUint32(136 - 40, true)).toBe(1 | 2 | 8 | 16); // no pending after the stop
    expect(b.getUint32(140 - 40, true)).toBe(0);
  });
});

describe("encoding", () => {
  it("decode then encode gives back the same bytes", () => {
    const t = T("2026-02-24T10:00:00Z");
    let s = commits([t - 3 * HOUR, t - 40 * MIN, t - 30 * SEC, t], 250);
    s = ok(cs.heartbeat(s, t));
    s = ok(cs.reserve(s, t, 99, "apr_round"));
    const again = cs.snapshot(s, t);
    expect(again.state).toEqual(s);
    expect(s.length).toBe(632 + "apr_round".length);
    const v = new DataView(s.buffer, s.byteOffset, s.byteLength);
    expect(new TextDecoder().decode(s.subarray(0, 4))).toBe("AWCS");
    expect(v.getUint16(4, true)).toBe(2);
    expect(Number(v.getBigInt64(24, true))).toBe(Math.floor(t / 86_400_000)); // day index
    expect(Number(v.getBigInt64(48, true))).toBe(Math.floor((Math.floor(t / 86_400_000) + 3) / 7)); // week index
    expect(Number(v.getBigInt64(64, true))).toBe(2026 * 12 + 1); // February 2026
    expect(Number(v.getBigInt64(80, true))).toBe(1000); // spent_total
    expect(Number(v.getBigInt64(88, true))).toBe(99); // held
    expect(v.getUint32(128, true)).toBe(9); // pending id length
    expect(v.getUint32(612, true)).toBe(0); // reset generation: no reset yet
    expect(new TextDecoder().decode(s.subarray(632))).toBe("apr_round");
    expect(snap(again.state, t)).toEqual(snap(s, t));
  });

  it("a full per-second bucket saturates instead of wrapping", () => {
    const t = T("2026-02-24T10:00:07Z");
    const s = commits([t]).slice();
    new DataView(s.buffer).setUint32(132 + 4 * 7, 0xffffffff, true); // the bucket of second :07
    const r = cs.commit(s, t + 500, 0);
    expect(r.snapshot.actions_last_minute).toBe(0xffffffff);
  });
});

describe("bad state bytes", () => {
  const good = (): Uint8Array => ok(cs.reserve(commits([T("2026-02-24T10:00:00Z")], 5), T("2026-02-24T10:00:00Z"), 9, "apr_b"));
  const patch = (f: (v: DataView, s: Uint8Array) => void): Uint8Array => {
    const s = good().slice();
    f(new DataView(s.buffer), s);
    return s;
  };
  const cases: Array<[string, () => Uint8Array]> = [
    ["random bytes", () => Uint8Array.from({ length: 700 }, (_, i) => (i * 97 + 13) & 0xff)],
    ["too short", () => good().subarray(0, 100)],
    ["truncated id", () => good().subarray(0, good().length - 1)],
    [
      "a trailing byte",
      () => {
        const g = good();
        const s = new Uint8Array(g.length + 1);
        s.set(g);
        return s;
      },
    ],
    ["wrong magic", () => patch((v) => v.setUint32(0, 0x12345678, true))],
    ["a later version", () => patch((v) => v.setUint16(4, 3, true))],
    ["a window reset in a generation not reached", () => patch((v) => v.setUint32(620, 1, true))],
    ["version 1 with version 2's length", () => patch((v) => v.setUint16(4, 1, true))],
    ["unknown flag bits", () => patch((v) => v.setUint16(6, 0x100, true))],
    ["pending flag without an id", () => patch((v) => v.setUint16(6, v.getUint16(6, true) & ~16, true))],
    ["an id longer than 128", () => patch((v) => v.setUint32(128, 4000, true))],
    ["negative money", () => patch((v) => v.setBigInt64(80, -1n, true))],
    ["money above 2^53", () => patch((v) => v.setBigInt64(32, 2n ** 60n, true))],
    ["a time out of range", () => patch((v) => v.setBigInt64(96, 2n ** 62n, true))],
    ["a ring head out of range", () => patch((v) => v.setBigInt64(8, 2n ** 62n, true))],
  ];

  it.each(cases)("%s → bad_state, no trap", (_name, make) => {
    const generation = engine.core.generation;
    const bytes = make();
    const r = cs.commit(bytes, T("2026-02-24T10:01:00Z"), 1);
    expect(r.status).toBe("bad_state");
    expect(r.state).toBe(bytes);
    expect(r.snapshot.spent_total_cents).toBe(0);
    expect(engine.core.generation).toBe(generation);
    expect(snap(good(), T("2026-02-24T10:01:00Z")).held_cents).toBe(9);
  });

  it("the raw entry point refuses short or out-of-memory input without trapping", () => {
    const { exports } = engine.core;
    engine.core.io(64);
    const generation = engine.core.generation;
    for (const [op, len] of [
      [1, 0],
      [1, 43],
      [1, 0x7fffffff],
      [99, 44],
      [-1, 44],
    ]) {
      const n = exports.state_op(op, len);
      engine.core.refresh();
      expect(engine.core.view.getInt32(engine.core.outPtr, true)).toBe(-1);
      expect(n).toBe(24 + 104 + 4 + 16 + 4);
    }
    expect(engine.core.generation).toBe(generation);
  });

  it("bad arguments are refused in TypeScript", () => {
    const s = cs.fresh(),
      t = T("2026-02-24T10:00:00Z");
    expect(() => cs.commit(s, t, -1)).toThrow(/cost_cents/);
    expect(() => cs.commit(s, t, 1.5)).toThrow(/cost_cents/);
    expect(() => cs.commit(s, Number.NaN, 1)).toThrow(/now/);
    expect(() => cs.reserve(s, t, 1, "")).toThrow(/approval_id/);
    expect(() => cs.reserve(s, t, 1, "x".repeat(129))).toThrow(/approval_id/);
    expect(cs.reserve(s, t, 1, "x".repeat(128)).status).toBe("ok");
  });
});
