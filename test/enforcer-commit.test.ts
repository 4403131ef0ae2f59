// Each decision is one atomic Store.commit (counter state, idempotency record, audit record, permit): two
// nodes deciding one action_id at once count it once, a crash right after the commit loses nothing
// a retry needs, and a store without `commit` still works the old, sequential way.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  Enforcer,
  MemoryStore,
  generateSigningKey,
  verifyAuditLog,
  type AuditRecord,
  type CommitBatch,
  type CommitResult,
  type EnforcedDecision,
  type Store,
} from "../enforcer/index";
import { SqliteStore } from "../enforcer/sqlite-store";

const T0 = Date.parse("2026-02-24T10:00:00Z");

const collect = async (it: AsyncIterable<AuditRecord>) => {
  const out: AuditRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

/** The same store with no `commit`: a third-party store of before. */
function withoutCommit(store: Store): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "commit") return undefined;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    has(target, prop) {
      return prop !== "commit" && prop in target;
    },
  });
}

/** Counts commits and what they refused; `crashAfter` makes the next successful commit throw once it has written. */
function instrumented(store: Store) {
  const seen = { commits: 0, docConflicts: 0, crashAfter: false };
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === "commit") {
        if (target.commit === undefined) return undefined;
        return async (pid: string, batch: CommitBatch): Promise<CommitResult> => {
          seen.commits++;
          const r = await target.commit!(pid, batch);
          if (!r.ok && r.docs.length > 0) seen.docConflicts++;
          if (r.ok && seen.crashAfter) {
            seen.crashAfter = false;
            throw new Error("the process died right after the commit");
          }
          return r;
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: wrapped, seen };
}

async function sqlitePair() {
  const dir = mkdtempSync(join(tmpdir(), "warden-commit-"));
  const a = SqliteStore.open(join(dir, "w.db")),
    b = SqliteStore.open(join(dir, "w.db"));
  return {
    stores: [a, b] as [Store, Store],
    close: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const pairs: [string, () => Promise<{ stores: [Store, Store]; close: () => Promise<void> }>][] = [
  [
    "MemoryStore",
    async () => {
      const s = new MemoryStore();
      return { stores: [s, s], close: async () => undefined };
    },
  ],
  ["SqliteStore, two connections to one file", sqlitePair],
];

describe("two enforcers (two nodes) deciding the same action_id at once", () => {
  for (const [name, open] of pairs) {
    it(`${name}: each action_id is counted once and both answers are the first decision`, async () => {
      const {
        stores: [sa, sb],
        close,
      } = await open();
      const ia = instrumented(sa),
        ib = instrumented(sb);
      const key = await generateSigningKey();
      const [a, b] = await Promise.all([
        Enforcer.create({ store: ia.store, timers: false, signingKey: key }),
        Enforcer.create({ store: ib.store, timers: false, signingKey: key }),
      ]);
      await a.register({ id: "pass_1", constraints: { "core:cost:max_per_day": 100_000 } });
      const ids = Array.from({ length: 40 }, (_, i) => `act_${i}`);
      const answers = await Promise.all(
        ids.map((id, i) =>
          Promise.all([
            a.enforce({ passport_id: "pass_1", action: "api:call", cost_cents: i + 1, action_id: id }),
            b.enforce({ passport_id: "pass_1", action: "api:call", cost_cents: i + 1, action_id: id }),
          ]),
        ),
      );
      for (const [x, y] of answers) {
        expect(x.decision).toBe("allow");
        expect(y).toEqual(x); // the same decision_id, permit and signature
      }
      const spent = ids.reduce((sum, _, i) => sum + i + 1, 0);
      expect(await a.state("pass_1")).toMatchObject({ spent_today_cents: spent, actions_today: ids.length });
      // The race really happened: some commits found the other node's idempotency record.
      expect(ia.seen.docConflicts + ib.seen.docConflicts).toBeGreaterThan(0);
      const log = await collect(b.auditLog("pass_1"));
      const decided = log.filter((r) => r.type === "decision");
      expect(decided).toHaveLength(ids.length);
      expect(new Set(decided.map((r) => r.decision_id))).toEqual(new Set(answers.map(([x]) => x.decision_id)));
      expect(await verifyAuditLog(log, key.publicJwk)).toEqual({ ok: true });
      a.close();
      b.close();
      await close();
    });
  }
});

describe("a crash right after the commit", () => {
  for (const [name, open] of pairs) {
    it(`${name}: the retry of the action_id returns the first decision and counts nothing twice`, async () => {
      const {
        stores: [sa],
        close,
      } = await open();
      const { store, seen } = instrumented(sa);
      const enforcer = await Enforcer.create({ store, timers: false, clock: () => T0 });
      await enforcer.register({ id: "pass_1", constraints: { "core:cost:max_per_day": 1000, "core:cost:approval_threshold": 500 } });
      seen.crashAfter = true;
      await expect(enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 30, action_id: "x1" })).rejects.toThrow(/died/);
      // Committed together: the cost, the audit record and the idempotency record.
      expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 30, actions_today: 1 });
      const first = await collect(enforcer.auditLog("pass_1"));
      expect(first.map((r) => r.type)).toEqual(["decision"]);
      const again = await enforcer.enforce({ passport_id: "pass_1", action: "a", cost_cents: 30, action_id: "x1" });
      expect(again.decision_id).toBe(first[0]!.decision_id);
      expect(again.decision).toBe("allow");
      expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 30, actions_today: 1 });
      // The permit is written by the same commit (issue 21), so the crash did not lose it: the retry's
      // answer carries a permit that reports, once.
      expect(await enforcer.report({ permit_token: again.permit_token!, success: true })).toEqual({ accepted: true });
      expect(await enforcer.report({ permit_token: again.permit_token!, success: true })).toEqual({ accepted: false, reason: "unknown_or_used_permit" });
      // A hold too: the reservation and its decision are remembered; the approval record was lost with the process.
      seen.crashAfter = true;
      await expect(enforcer.enforce({ passport_id: "pass_1", action: "b", cost_cents: 600, action_id: "x2" })).rejects.toThrow(/died/);
      const hold = await enforcer.enforce({ passport_id: "pass_1", action: "b", cost_cents: 600, action_id: "x2" });
      expect(hold.decision).toBe("request_hold");
      expect((await enforcer.state("pass_1")).held_cents).toBe(600);
      // The chain goes on from the store's head (this process's remembered one was stale) and verifies.
      expect((await enforcer.enforce({ passport_id: "pass_1", action: "c", cost_cents: 1, action_id: "x3" })).decision).toBe("allow");
      const log = await collect(enforcer.auditLog("pass_1"));
      expect(log.map((r) => [r.seq, r.type, r.decision])).toEqual([
        [1, "decision", "allow"],
        [2, "permit_report", undefined],
        [3, "decision", "request_hold"],
        [4, "decision", "allow"],
      ]);
      expect(await verifyAuditLog(log, enforcer.publicJwk)).toEqual({ ok: true });
      enforcer.close();
      await close();
    });
  }
});

/** A fixed scenario: allow with a permit, a hold that expires unanswered, a block, repeats, a report. */
async function scenario(store: Store) {
  let now = T0;
  const key = await generateSigningKey();
  const enforcer = await Enforcer.create({ store, timers: false, clock: () => now, signingKey: key });
  await enforcer.register({
    id: "pass_1",
    constraints: { "core:cost:max_per_day": 1000, "core:cost:approval_threshold": 500, "core:data:redact_pii_in_logs": true },
  });
  const out: EnforcedDecision[] = [];
  out.push(await enforcer.enforce({ passport_id: "pass_1", action: "mail:send", cost_cents: 10, action_id: "m1", context: { to: "jane@example.com" } }));
  out.push(await enforcer.enforce({ passport_id: "pass_1", action: "mail:send", cost_cents: 10, action_id: "m1", context: { to: "jane@example.com" } }));
  await expect(enforcer.enforce({ passport_id: "pass_1", action: "mail:send", cost_cents: 11, action_id: "m1" })).rejects.toMatchObject({
    code: "action_id_conflict",
  });
  out.push(await enforcer.enforce({ passport_id: "pass_1", action: "travel:book", cost_cents: 600 }));
  now += 300_000; // the hold expires unanswered; the next request closes it before its own decision
  out.push(await enforcer.enforce({ passport_id: "pass_1", action: "x", cost_cents: 2000 }));
  out.push(await enforcer.enforce({ passport_id: "pass_1", action: "y", cost_cents: 5 }));
  expect(await enforcer.report({ permit_token: out[4]!.permit_token!, success: true, actual_cost_cents: 4 })).toEqual({ accepted: true });
  const log = await collect(enforcer.auditLog("pass_1"));
  expect(await verifyAuditLog(log, key.publicJwk)).toEqual({ ok: true });
  const state = await enforcer.state("pass_1");
  enforcer.close();
  return { out, log, state };
}

// Random ids, hashes and signatures differ between runs; everything else must be the same.
const RANDOM = new Set(["decision_id", "approval_request_id", "approval_id", "permit_token", "signature", "hash", "prev_hash"]);
const shape = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (RANDOM.has(k) && typeof x === "string" ? `<${k}>` : x)));

describe("a store without commit (the sequential path)", () => {
  it("decides, remembers action_ids and audits exactly as the atomic path does", async () => {
    const plain = instrumented(new MemoryStore());
    const atomic = await scenario(plain.store);
    expect(plain.seen.commits).toBeGreaterThan(0);
    const sequential = await scenario(withoutCommit(new MemoryStore()));
    expect(sequential.log.map((r) => r.type)).toEqual(["decision", "decision", "approval", "decision", "decision", "permit_report"]);
    expect(JSON.stringify(sequential.log)).not.toContain("jane@example.com");
    expect(shape(atomic.out)).toEqual(shape(sequential.out));
    expect(shape(atomic.log)).toEqual(shape(sequential.log));
    expect(atomic.state).toEqual(sequential.state);
    expect(atomic.out[1]).toEqual(atomic.out[0]);
    expect(sequential.out[1]).toEqual(sequential.out[0]);
  });

  it("works on SQLite too", async () => {
    const {
      stores: [s],
      close,
    } = await sqlitePair();
    const { state } = await scenario(withoutCommit(s));
    expect(state).toMatchObject({ spent_today_cents: 14, actions_today: 2, held_cents: 0 });
    await close();
  });

  it('a passport id containing "/" (no unambiguous prefix for commit) takes the sequential path', async () => {
    const { store, seen } = instrumented(new MemoryStore());
    const enforcer = await Enforcer.create({ store, timers: false });
    await enforcer.register({ id: "team/bot", constraints: {} });
    const d = await enforcer.enforce({ passport_id: "team/bot", action: "a", cost_cents: 3, action_id: "k" });
    expect(await enforcer.enforce({ passport_id: "team/bot", action: "a", cost_cents: 3, action_id: "k" })).toEqual(d);
    expect(seen.commits).toBe(0);
    expect((await enforcer.state("team/bot")).spent_today_cents).toBe(3);
    enforcer.close();
  });
});

describe("the permit is written by the decision's commit (issue 21: one transaction per decision)", () => {
  /** Counts putDoc calls per namespace; `breakPermit` makes the commit's permit write fail inside the store. */
  function watched(store: Store) {
    const seen = { putDocs: [] as string[], breakPermit: false };
    const wrapped = new Proxy(store, {
      get(target, prop) {
        if (prop === "putDoc") {
          return (ns: string, ...rest: unknown[]) => {
            seen.putDocs.push(ns);
            return (target.putDoc as (...a: unknown[]) => Promise<boolean>).call(target, ns, ...rest);
          };
        }
        if (prop === "commit") {
          return (pid: string, batch: CommitBatch) =>
            // A NULL json breaks the permit's INSERT (NOT NULL) inside SQLite's transaction.
            target.commit!(pid, seen.breakPermit ? { ...batch, loose: (batch.loose ?? []).map((d) => ({ ...d, json: null as unknown as string })) } : batch);
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return { store: wrapped, seen };
  }

  for (const [name, open] of pairs) {
    it(`${name}: an allowed decision writes no separate permit, and its permit reports`, async () => {
      const {
        stores: [s],
        close,
      } = await open();
      const { store, seen } = watched(s);
      const enforcer = await Enforcer.create({ store, timers: false });
      await enforcer.register({ id: "pass_1", constraints: {} });
      seen.putDocs.length = 0;
      const d = await enforcer.enforce({ passport_id: "pass_1", action: "api:call", cost_cents: 5, action_id: "a1" });
      expect(d.decision).toBe("allow");
      expect(seen.putDocs).toEqual([]);
      expect(await enforcer.getPermit(d.permit_token!)).toMatchObject({ passport_id: "pass_1", cost_cents: 5, decision_id: d.decision_id });
      expect(await enforcer.report({ permit_token: d.permit_token!, success: true })).toEqual({ accepted: true });
      enforcer.close();
      await close();
    });
  }

  it("SqliteStore: a permit write that fails commits nothing of the decision", async () => {
    const {
      stores: [s],
      close,
    } = await sqlitePair();
    const { store, seen } = watched(s);
    const key = await generateSigningKey();
    const enforcer = await Enforcer.create({ store, timers: false, signingKey: key });
    await enforcer.register({ id: "pass_1", constraints: {} });
    seen.breakPermit = true;
    await expect(enforcer.enforce({ passport_id: "pass_1", action: "api:call", cost_cents: 5, action_id: "a1" })).rejects.toThrow();
    // No counted cost, no audit record, no idempotency record: the retry decides afresh.
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 0, actions_today: 0 });
    expect((await collect(enforcer.auditLog("pass_1"))).filter((r) => r.type === "decision")).toHaveLength(0);
    seen.breakPermit = false;
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "api:call", cost_cents: 5, action_id: "a1" });
    expect(d.decision).toBe("allow");
    expect(await enforcer.state("pass_1")).toMatchObject({ spent_today_cents: 5, actions_today: 1 });
    const log = await collect(enforcer.auditLog("pass_1"));
    expect(log.filter((r) => r.type === "decision")).toHaveLength(1);
    expect(await verifyAuditLog(log, key.publicJwk)).toEqual({ ok: true });
    expect(await enforcer.getPermit(d.permit_token!)).not.toBeNull();
    enforcer.close();
    await close();
  });
});
