// policy.evaluateMany (issue 21) decides a batch exactly as policy.evaluate decides each request
// of it one by one, with the same counter snapshot, `now` and options: on generated passports and
// requests (the generators of the differential suite), batches across the module's batch size of
// 64, contexts large enough to make the input area grow, and the explain trace on and off.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine, RequestError, type Engine } from "../../bindings/index";
import { caseSpecArb, resolveCase, resolvePassport, runSpecArb } from "./arbitraries";
import { casesFor, runUntil, SEED } from "./run";

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

/** What a call gives: the decisions, or the error's class, code, path and message. */
function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    const e = err as RequestError;
    return { error: e.constructor.name, code: e.code, path: e.path, message: e.message };
  }
}

const bigContext = (n: number): Record<string, unknown> => ({ notes: "x".repeat(n), list: Array.from({ length: 50 }, (_, i) => ({ i, s: "é".repeat(i) })) });

describe(`policy.evaluateMany = policy.evaluate one by one (seed ${SEED})`, () => {
  it("decides every generated batch as one-by-one calls do", () => {
    const counter = { cases: 0 };
    const target = casesFor(20_000);
    runUntil(
      target,
      counter,
      () =>
        fc.property(
          fc.tuple(runSpecArb(1), fc.array(caseSpecArb, { minLength: 0, maxLength: 150 }), fc.boolean(), fc.array(fc.nat(149), { maxLength: 3 })),
          ([run, specs, explain, bigAt]) => {
            const passport = resolvePassport(run.passport, run.base);
            const policy = engine.compile(passport as never);
            try {
              const cases = (run.cases.length > 0 ? [...run.cases, ...specs] : specs).map((s) => resolveCase(s, passport, run.base));
              if (cases.length === 0) return;
              // One snapshot and one `now` for the batch: the first case's.
              const { counters, now } = cases[0]!;
              const requests = cases.map((c) => c.request as unknown as Record<string, unknown>);
              for (const i of bigAt) if (i < requests.length) requests[i] = { ...requests[i], context: bigContext(5_000 + i * 300) };
              const opts = { now, explain };
              const many = outcome(() => policy.evaluateMany(requests as never, counters as never, opts));
              const single = outcome(() => requests.map((r) => policy.evaluate(r as never, counters as never, opts)));
              expect(many).toEqual(single);
              counter.cases += requests.length;
            } finally {
              policy.dispose();
            }
          },
        ),
      { chunkRuns: 50 },
    );
    expect(counter.cases).toBeGreaterThanOrEqual(target);
  }, 600_000);
});

describe("policy.evaluateMany", () => {
  const passport = { constraints: { "core:cost:max_per_action": 500, "core:scope:domain_allowlist": ["serpapi.com"] } };
  const now = Date.parse("2026-02-24T15:00:00Z");

  it("names the index of a bad request in its error's path, and evaluates nothing", () => {
    const policy = engine.compile(passport);
    const good = { action: "web:search", cost_cents: 2, target: "serpapi.com" };
    for (const [bad, path] of [
      [{ action: "web:search", cost_cents: -1 }, "[2].cost_cents"],
      [{ action: "web:search", cots_cents: 1 }, "[2].cots_cents"],
      [null, "[2]"],
      [{ action: "a", context: { x: 1n } }, "[2].context.x"],
    ] as const) {
      let caught: unknown;
      try {
        policy.evaluateMany([good, good, bad as never, good], {}, { now });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RequestError);
      expect((caught as RequestError).path).toBe(path);
      // The same problem as evaluate reports for the request alone, under the batch's path.
      const alone = outcome(() => policy.evaluate(bad as never, {}, { now })) as { code: string; message: string };
      expect((caught as RequestError).code).toBe(alone.code);
      expect((caught as RequestError).message).toContain(alone.message.replace(/^invalid request: /, "").replace(/^[^:]*: /, ""));
    }
  });

  it("rejects a bad counter snapshot or a non-array as evaluate does, even for an empty batch", () => {
    const policy = engine.compile(passport);
    const single = outcome(() => policy.evaluate({ action: "a" }, { spent_today_cents: -5 }, { now }));
    expect(outcome(() => policy.evaluateMany([{ action: "a" }], { spent_today_cents: -5 }, { now }))).toEqual(single);
    expect(outcome(() => policy.evaluateMany([], { spent_today_cents: -5 }, { now }))).toEqual(single);
    expect(outcome(() => policy.evaluateMany({ action: "a" } as never, {}, { now }))).toMatchObject({ error: "RequestError", code: "invalid_type" });
    expect(policy.evaluateMany([], {}, { now })).toEqual([]);
  });

  it("leaves the engine usable for single evaluations in between batches", () => {
    const policy = engine.compile(passport);
    const reqs = Array.from({ length: 200 }, (_, i) => ({ action: "web:search", cost_cents: i * 5, target: i % 3 === 0 ? "evil.example" : "serpapi.com" }));
    const many = policy.evaluateMany(reqs, {}, { now });
    expect(many.map((d) => d.decision)).toEqual(reqs.map((r) => policy.evaluate(r, {}, { now }).decision));
    expect(many.filter((d) => d.decision === "block").length).toBeGreaterThan(0);
    expect(many.filter((d) => d.decision === "allow").length).toBeGreaterThan(0);
  });
});
