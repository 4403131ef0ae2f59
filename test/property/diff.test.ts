// warden diff against random traffic (issue 22): for random passport pairs (a passport and the same
// one with some constraints and fields redrawn) and random requests, counter snapshots and times
// aimed at the edges, every request the two passports decide differently falls in a class diff
// reported, and every example diff reported really is decided differently by the two.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadEngine, type Engine } from "../../bindings/index";
import { classify, keyId } from "../../cli/diff/probe";
import { diffPolicies } from "../../cli/commands/diff";
import { baseInstants } from "./instants";
import { caseSpecArb, passportSpecArb, resolveCase, resolvePassport, type PassportSpec } from "./arbitraries";
import { casesFor, runUntil, SEED } from "./run";
import type { Passport } from "../../bindings/gen/types";

let engine: Engine;
beforeAll(async () => {
  engine = await loadEngine();
});

const pairArb = fc.record({
  base: fc.constantFrom(...baseInstants().filter((t) => t >= Date.parse("1990-01-01T00:00:00Z"))),
  a: passportSpecArb,
  b: passportSpecArb,
  /** Per constraint key of either: keep a's (false) or take b's (true); the last three: status, validity, permissions. */
  take: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
  cases: fc.array(caseSpecArb, { minLength: 1, maxLength: 40 }),
});

/** b is a with some settings redrawn: the kind of change a person makes to a passport. */
function changed(a: PassportSpec, b: PassportSpec, take: boolean[]): PassportSpec {
  const keys = [...new Set([...Object.keys(a.constraints), ...Object.keys(b.constraints)])].sort();
  const constraints: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    const v = take[i % 61] ? b.constraints[k] : a.constraints[k];
    if (v !== undefined) constraints[k] = v;
  });
  return {
    ...a,
    constraints,
    status: take[61] ? b.status : a.status,
    notBeforeRel: take[62] ? b.notBeforeRel : a.notBeforeRel,
    expiresRel: take[62] ? b.expiresRel : a.expiresRel,
    permissions: take[63] ? b.permissions : a.permissions,
    schedule: take[60] ? b.schedule : a.schedule,
    blackouts: take[59] ? b.blackouts : a.blackouts,
  };
}

const PAIRS = casesFor(40);

describe(`warden diff covers every difference random traffic finds (seed ${SEED})`, () => {
  it(`on ${PAIRS} random passport pairs`, () => {
    const counter = { cases: 0 };
    let differing = 0;
    runUntil(
      PAIRS,
      counter,
      () =>
        fc.property(pairArb, ({ base, a, b, take, cases }) => {
          counter.cases++;
          const pa = resolvePassport(a, base),
            pb = resolvePassport(changed(a, b, take), base);
          const old = engine.compile(pa as Passport),
            neu = engine.compile(pb as Passport);
          try {
            const report = diffPolicies(engine, old, neu, { samples: 4000, regions: false });
            const reported = new Set(report.classes.map((c) => keyId({ rule: c.rule, old_outcome: c.old_outcome, new_outcome: c.new_outcome })));
            // Every example really differs, as reported.
            for (const c of report.classes) {
              for (const f of c.flips) {
                const { request, counters, now } = f.example;
                const da = old.evaluate(request, counters, { now }),
                  db = neu.evaluate(request, counters, { now });
                expect([da.decision, db.decision]).toEqual([f.from, f.to]);
                expect(da.decision).not.toBe(db.decision);
              }
            }
            expect(report.equivalent).toBe(report.classes.length === 0);
            // Every random request decided differently falls in a reported class.
            cases.forEach((spec, i) => {
              const c = resolveCase(spec, i % 2 === 0 ? pa : pb, base);
              let da, db;
              try {
                da = old.evaluate(c.request, c.counters, { now: c.now, explain: true });
                db = neu.evaluate(c.request, c.counters, { now: c.now, explain: true });
              } catch {
                return; // input the bindings refuse for both: no decision to compare
              }
              const key = classify(engine.core.catalogue.rules, da, db);
              if (key === null) return;
              differing++;
              if (!reported.has(keyId(key))) {
                throw new Error(
                  [
                    `a difference diff did not report: ${keyId(key)} (${da.decision} → ${db.decision})`,
                    `old: ${JSON.stringify(pa)}`,
                    `new: ${JSON.stringify(pb)}`,
                    `request: ${JSON.stringify(c.request)}`,
                    `counters: ${JSON.stringify(c.counters)}`,
                    `now: ${new Date(c.now).toISOString()}`,
                    `reported: ${[...reported].join("; ")}`,
                  ].join("\n"),
                );
              }
            });
          } finally {
            old.dispose();
            neu.dispose();
          }
        }),
      { chunkRuns: 10 },
    );
    expect(counter.cases).toBeGreaterThanOrEqual(PAIRS);
    // The generators must actually produce differences, or the property says nothing.
    expect(differing).toBeGreaterThan(0);
  }, 600_000);
});
