// Budget runway (module export spend_runway, issue #17): when each spending cap runs out at the pace of
// the last 7 days — against the reference model on generated inputs, and on cases a person can check.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getEngine, passport } from "./helpers";
import { spendRunway as modelRunway } from "./reference/model";

const MAX = Number.MAX_SAFE_INTEGER;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
const MON = Date.parse("2026-03-02T00:00:00Z"); // a Monday
const CAP_KEYS = ["core:cost:max_per_day", "core:cost:max_per_week", "core:cost:max_per_month", "core:cost:max_total", "core:cost:max_cumulative"];

const amount = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 1, MAX - 1, MAX));
const caps = fc.record({
  caps: fc.dictionary(fc.constantFrom(...CAP_KEYS), amount),
  window: fc.option(fc.constantFrom("daily", "weekly", "monthly", "total"), { nil: undefined }),
});
const counters = fc.record({
  spent_today_cents: amount,
  spent_week_cents: amount,
  spent_month_cents: amount,
  spent_total_cents: amount,
  held_cents: fc.oneof(fc.constant(0), amount),
});
// The model's calendar is JavaScript's Date, which ends at 8.64e15 ms; the pace and the total window still reach 2^53 − 1.
const LAST = 8.64e15 - 40 * DAY;
const now = fc.oneof(fc.integer({ min: 0, max: Date.parse("2100-01-01T00:00:00Z") }), fc.constantFrom(0, MON, MON - 1, LAST - WEEK, LAST));
const events = (at: number) =>
  fc.array(
    fc.record({
      at: fc.oneof(fc.integer({ min: at - 2 * WEEK, max: at + DAY }), fc.constantFrom(at, at - WEEK, at - WEEK + 1, at + 1)),
      cents: fc.oneof(fc.integer({ min: -500, max: 5_000 }), fc.constantFrom(-MAX, MAX, 1)),
    }),
    { maxLength: 40 },
  );

describe("budget runway (module export spend_runway)", () => {
  it("agrees with the reference model on pace, outcome and instant for every window", async () => {
    const engine = await getEngine();
    fc.assert(
      fc.property(
        caps,
        counters,
        now.chain((t) => fc.tuple(fc.constant(t), events(t))),
        (c, n, [t, ev]) => {
          const constraints = { ...c.caps, ...(c.window !== undefined && { "core:cost:cumulative_window": c.window }) };
          const p = engine.compile(passport(constraints));
          try {
            expect(p.spendRunway(n, t, ev)).toEqual(modelRunway(passport(constraints), n, t, ev));
          } finally {
            p.dispose();
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("a person can check it: $70 spent over the last week, $10 a day, $35 left of $100 this month → 3.5 days", async () => {
    const engine = await getEngine();
    const p = engine.compile(passport({ "core:cost:max_per_month": 10_000, "core:cost:max_per_day": 2_000, "core:cost:max_total": 1_000_000 }));
    const t = Date.parse("2026-03-10T12:00:00Z");
    const spends = Array.from({ length: 7 }, (_, i) => ({ at: t - i * DAY, cents: 1_000 }));
    // One older than 7 days and one in the future do not count.
    spends.push({ at: t - WEEK, cents: 99_999 }, { at: t + 1, cents: 99_999 });
    const r = p.spendRunway({ spent_today_cents: 1_000, spent_month_cents: 6_500, spent_total_cents: 6_500 }, t, spends);
    expect(r.pace_cents).toBe(7_000);
    expect(r.pace_since).toBe(t - WEEK);
    expect(r.windows.monthly).toEqual({ outcome: "runs_out", at: t + 3.5 * DAY });
    // $10 left today at $10/day: a whole day, but the day resets at midnight, 12 h from now.
    expect(r.windows.daily).toEqual({ outcome: "resets_first", at: Date.parse("2026-03-11T00:00:00Z") });
    expect(r.windows.weekly).toEqual({ outcome: "no_cap", at: null });
    // $9,935 left in total at $70/week: 993,500 × 7 d / 7,000.
    expect(r.windows.total).toEqual({ outcome: "runs_out", at: t + Math.floor((993_500 * WEEK) / 7_000) });
    p.dispose();
  });

  it("max_cumulative is a cap like the others; no spend → no pace; a spent cap is exhausted now; refunds lower the pace", async () => {
    const engine = await getEngine();
    const p = engine.compile(passport({ "core:cost:max_cumulative": 5_000, "core:cost:cumulative_window": "weekly", "core:cost:max_per_day": 1_000 }));
    const t = MON + DAY;
    expect(p.spendRunway({ spent_week_cents: 100 }, t, []).windows.weekly).toEqual({ outcome: "no_pace", at: null });
    expect(p.spendRunway({ spent_today_cents: 1_000 }, t, [{ at: t, cents: 1_000 }]).windows.daily).toEqual({ outcome: "exhausted", at: t });
    const refunded = p.spendRunway({ spent_week_cents: 100 }, t, [
      { at: t - 1, cents: 700 },
      { at: t, cents: -700 },
    ]);
    expect(refunded.pace_cents).toBe(0);
    const r = p.spendRunway({ spent_week_cents: 1_000 }, t, [{ at: t - DAY, cents: 7_000 }]);
    // $40 left of the weekly max_cumulative at $10/day → 4 days, before next Monday.
    expect(r.windows.weekly).toEqual({ outcome: "runs_out", at: t + 4 * DAY });
    p.dispose();
  });

  it("refuses bad input instead of trapping: an amount past 2^53 − 1", async () => {
    const engine = await getEngine();
    const p = engine.compile(passport({ "core:cost:max_total": 10 }));
    expect(() => p.spendRunway({}, MON, [{ at: MON, cents: 2 ** 60 }])).toThrow(/spend_runway/);
    // And the engine still works afterwards.
    expect(p.spendRunway({}, MON, []).windows.total.outcome).toBe("no_pace");
    p.dispose();
  });
});
