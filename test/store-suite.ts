// The contract every Store must pass (memory, SQLite, Redis): atomic conditions, expiry by the caller's clock, no lost updates.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Store, StoreClosedError, StoreUsageError } from "../enforcer/store";

const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
const readU32 = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, true);
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Reads, adds one, CAS-writes; on conflict backs off a little (jittered) and retries. */
async function increment(store: Store, id: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const s = await store.getState(id);
    const next = (s ? readU32(s.bytes) : 0) + 1;
    if (await store.casState(id, s?.version ?? null, u32(next))) return attempt;
    if (attempt > 8) await pause(Math.random() * Math.min(attempt, 20));
  }
}

export function runStoreSuite(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    describe("counter state", () => {
      it("creates only when absent, then swaps on the current version", async () => {
        expect(await store.getState("p1")).toBeNull();
        expect(await store.casState("p1", 1, u32(1))).toBe(false);
        expect(await store.casState("p1", null, u32(7))).toBe(true);
        expect(await store.casState("p1", null, u32(8))).toBe(false);
        expect(await store.getState("p1")).toEqual({ bytes: u32(7), version: 1 });
        expect(await store.casState("p1", 1, u32(9))).toBe(true);
        expect(await store.casState("p1", 1, u32(10))).toBe(false);
        expect(await store.getState("p1")).toEqual({ bytes: u32(9), version: 2 });
      });

      it("keeps passports apart", async () => {
        await store.casState("p1", null, u32(1));
        expect(await store.getState("p2")).toBeNull();
        expect(await store.casState("p2", null, u32(2))).toBe(true);
        expect(readU32((await store.getState("p1"))!.bytes)).toBe(1);
      });

      it("copies bytes in and out", async () => {
        const input = u32(5);
        await store.casState("p1", null, input);
        input[0] = 99;
        const out = (await store.getState("p1"))!.bytes;
        out[0] = 42;
        expect(readU32((await store.getState("p1"))!.bytes)).toBe(5);
      });

      it("loses no update under 1,000 concurrent CAS increments", async () => {
        const attempts = await Promise.all(Array.from({ length: 1000 }, () => increment(store, "hot")));
        const s = await store.getState("hot");
        expect(readU32(s!.bytes)).toBe(1000);
        expect(s!.version).toBe(1000);
        expect(attempts.some((a) => a > 0)).toBe(true); // conflicts really happened and were retried
      }, 60_000);
    });

    describe("documents", () => {
      it("writes, reads, overwrites and deletes", async () => {
        expect(await store.getDoc("passports", "p1")).toBeNull();
        expect(await store.putDoc("passports", "p1", '{"v":1}')).toBe(true);
        const first = await store.getDoc("passports", "p1");
        expect(first?.json).toBe('{"v":1}');
        expect(await store.putDoc("passports", "p1", '{"v":2}')).toBe(true);
        const second = await store.getDoc("passports", "p1");
        expect(second?.json).toBe('{"v":2}');
        expect(second!.version).not.toBe(first!.version);
        expect(await store.getDoc("approvals", "p1")).toBeNull();
        expect(await store.deleteDoc("passports", "p1")).toBe(true);
        expect(await store.deleteDoc("passports", "p1")).toBe(false);
        expect(await store.getDoc("passports", "p1")).toBeNull();
      });

      it("ifAbsent writes once (idempotency, one pending approval per passport)", async () => {
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.putDoc("pending", "p1", `"apr_${i}"`, { ifAbsent: true })));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect((await store.getDoc("pending", "p1"))?.json).toBe(`"apr_${winner}"`);
      });

      it("ifVersion writes only over that version, never over a recreated key", async () => {
        await store.putDoc("approvals", "a1", '"pending"');
        const v1 = (await store.getDoc("approvals", "a1"))!.version;
        expect(await store.putDoc("approvals", "a1", '"approved"', { ifVersion: v1 + 1000 })).toBe(false);
        expect(await store.putDoc("approvals", "a1", '"approved"', { ifVersion: v1 })).toBe(true);
        expect(await store.putDoc("approvals", "a1", '"denied"', { ifVersion: v1 })).toBe(false);
        expect(await store.putDoc("approvals", "nope", '"x"', { ifVersion: v1 })).toBe(false);
        await store.deleteDoc("approvals", "a1");
        await store.putDoc("approvals", "a1", '"pending again"');
        expect(await store.putDoc("approvals", "a1", '"stale"', { ifVersion: v1 })).toBe(false);
        const v3 = (await store.getDoc("approvals", "a1"))!.version;
        expect(await store.deleteDoc("approvals", "a1", { ifVersion: v1 })).toBe(false);
        expect(await store.deleteDoc("approvals", "a1", { ifVersion: v3 })).toBe(true);
      });

      it("ifVersion is a compare-and-set: of many concurrent writers at one version exactly one wins (closing an approval)", async () => {
        for (let round = 0; round < 5; round++) {
          const key = `apr_race_${round}`;
          await store.putDoc("approvals", key, '"pending"');
          const pending = (await store.getDoc("approvals", key))!.version;
          const outcomes = ["approved", "denied", "expired"];
          const wrote = await Promise.all(
            Array.from({ length: 30 }, (_, i) => store.putDoc("approvals", key, `"${outcomes[i % 3]}#${i}"`, { ifVersion: pending })),
          );
          expect(wrote.filter(Boolean)).toHaveLength(1);
          const winner = wrote.indexOf(true);
          const final = (await store.getDoc("approvals", key))!;
          expect(final.json).toBe(`"${outcomes[winner % 3]}#${winner}"`);
          expect(final.version).not.toBe(pending);
          expect(await store.putDoc("approvals", key, '"late"', { ifVersion: pending })).toBe(false);
        }
      });

      it("rejects contradictory options", async () => {
        await expect(store.putDoc("n", "k", "1", { ifAbsent: true, ifVersion: 1 })).rejects.toThrow(StoreUsageError);
        await expect(store.putDoc("n", "k", "1", { ttlMs: 1000 })).rejects.toThrow(StoreUsageError);
      });

      it("expires by the caller's clock: gone at exactly now + ttl", async () => {
        const t0 = 1_700_000_000_000;
        await store.putDoc("actions", "p1/act_1", '"first"', { ttlMs: 1000, now: t0 });
        expect((await store.getDoc("actions", "p1/act_1", { now: t0 + 999 }))?.json).toBe('"first"');
        expect(await store.putDoc("actions", "p1/act_1", '"again"', { ifAbsent: true, now: t0 + 999 })).toBe(false);
        expect(await store.getDoc("actions", "p1/act_1", { now: t0 + 1000 })).toBeNull();
        expect(await store.listDocs("actions", { now: t0 + 1000 })).toEqual([]);
        expect(await store.takeDoc("actions", "p1/act_1", { now: t0 + 1000 })).toBeNull();
        expect(await store.putDoc("actions", "p1/act_1", '"new"', { ifAbsent: true, now: t0 + 1000 })).toBe(true);
        expect((await store.getDoc("actions", "p1/act_1", { now: t0 + 5000 }))?.json).toBe('"new"');
      });

      it("takeDoc returns a document once, even to 100 concurrent takers", async () => {
        await store.putDoc("permits", "pmt_1", '{"passport_id":"p1"}', { ttlMs: 30_000, now: 0 });
        const taken = await Promise.all(Array.from({ length: 100 }, () => store.takeDoc("permits", "pmt_1", { now: 1 })));
        const winners = taken.filter((t) => t !== null);
        expect(winners).toHaveLength(1);
        expect(winners[0]!.json).toBe('{"passport_id":"p1"}');
        expect(await store.getDoc("permits", "pmt_1", { now: 1 })).toBeNull();
        expect(await store.takeDoc("permits", "pmt_1", { now: 1 })).toBeNull();
      });

      it("lists a namespace by key prefix, sorted", async () => {
        await store.putDoc("approvals", "p2/a3", '"c"');
        await store.putDoc("approvals", "p1/a2", '"b"');
        await store.putDoc("approvals", "p1/a1", '"a"');
        await store.putDoc("permits", "p1/x", '"other namespace"');
        const p1 = await store.listDocs("approvals", { prefix: "p1/" });
        expect(p1.map((d) => [d.key, d.json])).toEqual([
          ["p1/a1", '"a"'],
          ["p1/a2", '"b"'],
        ]);
        expect(p1.every((d) => typeof d.version === "number")).toBe(true);
        expect((await store.listDocs("approvals")).map((d) => d.key)).toEqual(["p1/a1", "p1/a2", "p2/a3"]);
        expect(await store.listDocs("empty")).toEqual([]);
      });
    });

    describe("audit log", () => {
      it("appends only the next seq and keeps the head", async () => {
        expect(await store.auditHead("p1")).toBeNull();
        expect(await store.appendAudit("p1", 2, '{"n":2}', "h2")).toBe(false);
        expect(await store.appendAudit("p1", 1, '{"n":1}', "h1")).toBe(true);
        expect(await store.appendAudit("p1", 1, '{"n":"fork"}', "hx")).toBe(false);
        expect(await store.appendAudit("p1", 3, '{"n":3}', "h3")).toBe(false);
        expect(await store.appendAudit("p1", 2, '{"n":2}', "h2")).toBe(true);
        expect(await store.auditHead("p1")).toEqual({ seq: 2, hash: "h2" });
        expect(await store.auditHead("p2")).toBeNull();
        expect(await collect(store.readAudit("p1"))).toEqual([
          { seq: 1, json: '{"n":1}' },
          { seq: 2, json: '{"n":2}' },
        ]);
        expect(await collect(store.readAudit("p1", 2))).toEqual([{ seq: 2, json: '{"n":2}' }]);
        expect(await collect(store.readAudit("p2"))).toEqual([]);
      });

      it("lets exactly one of many concurrent appends at one seq win", async () => {
        const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendAudit("p1", 1, `{"i":${i}}`, `h${i}`)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.auditHead("p1")).toEqual({ seq: 1, hash: `h${winner}` });
        expect(await collect(store.readAudit("p1"))).toEqual([{ seq: 1, json: `{"i":${winner}}` }]);
      });
    });

    describe("commit (one passport's parts in one atomic step)", () => {
      const t0 = 1_700_000_000_000;
      // Everything a commit may touch for p1, to compare before and after a refused batch.
      const everything = async (s: Store) => ({
        state: await s.getState("p1"),
        docs: await s.listDocs("idem", { now: t0 }),
        other: await s.getDoc("approvals", "p1/a1", { now: t0 }),
        head: await s.auditHead("p1"),
        audit: await collect(s.readAudit("p1")),
      });

      it("is implemented", () => {
        expect(typeof store.commit).toBe("function");
      });

      it("writes the state, the documents and the audit record together", async () => {
        const r = await store.commit!("p1", {
          state: { expectedVersion: null, bytes: u32(5) },
          docs: [
            { ns: "idem", key: "p1/act_1", json: '{"d":1}', opts: { ifAbsent: true, ttlMs: 60_000, now: t0 } },
            { ns: "approvals", key: "p1/a1", json: '"pending"' },
          ],
          audit: { seq: 1, json: '{"n":1}', hash: "h1" },
        });
        expect(r).toEqual({ ok: true });
        expect(await store.getState("p1")).toEqual({ bytes: u32(5), version: 1 });
        expect((await store.getDoc("idem", "p1/act_1", { now: t0 }))?.json).toBe('{"d":1}');
        expect((await store.getDoc("approvals", "p1/a1"))?.json).toBe('"pending"');
        expect((await store.listDocs("idem", { prefix: "p1/", now: t0 })).map((d) => d.key)).toEqual(["p1/act_1"]);
        expect(await store.auditHead("p1")).toEqual({ seq: 1, hash: "h1" });
        expect(await collect(store.readAudit("p1"))).toEqual([{ seq: 1, json: '{"n":1}' }]);
        // The parts are the same data the single-step methods see.
        const v = (await store.getDoc("approvals", "p1/a1"))!.version;
        expect(
          await store.commit!("p1", {
            state: { expectedVersion: 1, bytes: u32(6) },
            docs: [{ ns: "approvals", key: "p1/a1", json: '"approved"', opts: { ifVersion: v } }],
            audit: { seq: 2, json: '{"n":2}', hash: "h2" },
          }),
        ).toEqual({ ok: true });
        expect(await store.getState("p1")).toEqual({ bytes: u32(6), version: 2 });
        expect((await store.getDoc("approvals", "p1/a1"))?.json).toBe('"approved"');
        expect((await store.getDoc("approvals", "p1/a1"))!.version).not.toBe(v);
        expect(await store.casState("p1", 2, u32(7))).toBe(true);
        expect(await store.appendAudit("p1", 3, '{"n":3}', "h3")).toBe(true);
        // Each part alone, and an empty batch.
        expect(await store.commit!("p1", { state: { expectedVersion: 3, bytes: u32(8) } })).toEqual({ ok: true });
        expect(await store.commit!("p1", { audit: { seq: 4, json: '{"n":4}', hash: "h4" } })).toEqual({ ok: true });
        expect(await store.commit!("p1", { docs: [{ ns: "idem", key: "p1/act_2", json: "2" }] })).toEqual({ ok: true });
        expect(await store.commit!("p1", {})).toEqual({ ok: true });
        expect(await store.getState("p1")).toEqual({ bytes: u32(8), version: 4 });
        expect(await store.auditHead("p1")).toEqual({ seq: 4, hash: "h4" });
        expect((await store.getDoc("idem", "p1/act_2"))?.json).toBe("2");
        expect(await store.getState("p2")).toBeNull();
      });

      it("writes nothing when any condition fails, and names each failed part", async () => {
        expect(
          await store.commit!("p1", {
            state: { expectedVersion: null, bytes: u32(1) },
            docs: [
              { ns: "idem", key: "p1/act_1", json: '"first"', opts: { ifAbsent: true, ttlMs: 60_000, now: t0 } },
              { ns: "approvals", key: "p1/a1", json: '"pending"' },
            ],
            audit: { seq: 1, json: '{"n":1}', hash: "h1" },
          }),
        ).toEqual({ ok: true });
        const v = (await store.getDoc("approvals", "p1/a1"))!.version;
        const before = await everything(store);
        const good = () => ({
          state: { expectedVersion: 1 as number | null, bytes: u32(2) },
          docs: [
            { ns: "idem", key: "p1/act_2", json: '"second"', opts: { ifAbsent: true, ttlMs: 60_000, now: t0 } as Record<string, unknown> },
            { ns: "approvals", key: "p1/a1", json: '"approved"', opts: { ifVersion: v } as Record<string, unknown> },
          ],
          audit: { seq: 2, json: '{"n":2}', hash: "h2" },
        });
        const cases: [string, (b: ReturnType<typeof good>) => void, { state: boolean; docs: number[]; audit: boolean }][] = [
          [
            "a stale state version",
            (b) => {
              b.state.expectedVersion = 7;
            },
            { state: true, docs: [], audit: false },
          ],
          [
            "a state expected absent",
            (b) => {
              b.state.expectedVersion = null;
            },
            { state: true, docs: [], audit: false },
          ],
          [
            "a document that exists (ifAbsent)",
            (b) => {
              b.docs[0]!.key = "p1/act_1";
            },
            { state: false, docs: [0], audit: false },
          ],
          [
            "a document at another version (ifVersion)",
            (b) => {
              b.docs[1]!.opts = { ifVersion: v + 1000 };
            },
            { state: false, docs: [1], audit: false },
          ],
          [
            "a missing document (ifVersion)",
            (b) => {
              b.docs[1]!.key = "p1/nope";
            },
            { state: false, docs: [1], audit: false },
          ],
          [
            "an audit seq that is not head + 1",
            (b) => {
              b.audit.seq = 1;
            },
            { state: false, docs: [], audit: true },
          ],
          [
            "an audit seq past the head",
            (b) => {
              b.audit.seq = 3;
            },
            { state: false, docs: [], audit: true },
          ],
          [
            "all of them",
            (b) => {
              b.state.expectedVersion = 0;
              b.docs[0]!.key = "p1/act_1";
              b.docs[1]!.opts = { ifVersion: v + 1 };
              b.audit.seq = 5;
            },
            { state: true, docs: [0, 1], audit: true },
          ],
        ];
        for (const [what, spoil, failed] of cases) {
          const batch = good();
          spoil(batch);
          expect(await store.commit!("p1", batch), what).toEqual({ ok: false, ...failed });
          expect(await everything(store), what).toEqual(before);
          expect(await store.getDoc("idem", "p1/act_2", { now: t0 }), what).toBeNull();
        }
        expect(await store.commit!("p1", good())).toEqual({ ok: true });
        expect(readU32((await store.getState("p1"))!.bytes)).toBe(2);
        expect((await store.getDoc("approvals", "p1/a1"))?.json).toBe('"approved"');
        expect(await store.auditHead("p1")).toEqual({ seq: 2, hash: "h2" });
      });

      it("expires a document of the batch by the caller's clock", async () => {
        const doc = (json: string, now: number) => ({ ns: "idem", key: "p1/act_1", json, opts: { ifAbsent: true, ttlMs: 1000, now } });
        expect(await store.commit!("p1", { docs: [doc('"first"', t0)] })).toEqual({ ok: true });
        expect((await store.getDoc("idem", "p1/act_1", { now: t0 + 999 }))?.json).toBe('"first"');
        expect(await store.commit!("p1", { state: { expectedVersion: null, bytes: u32(1) }, docs: [doc('"again"', t0 + 999)] })).toEqual({
          ok: false,
          state: false,
          docs: [0],
          audit: false,
        });
        expect(await store.getState("p1")).toBeNull();
        expect(await store.getDoc("idem", "p1/act_1", { now: t0 + 1000 })).toBeNull();
        expect(await store.commit!("p1", { state: { expectedVersion: null, bytes: u32(1) }, docs: [doc('"new"', t0 + 1000)] })).toEqual({ ok: true });
        expect((await store.getDoc("idem", "p1/act_1", { now: t0 + 1999 }))?.json).toBe('"new"');
        expect(await store.getDoc("idem", "p1/act_1", { now: t0 + 2000 })).toBeNull();
      });

      it("writes loose documents (keyed outside the passport) with the batch, and none when it is refused", async () => {
        const t0 = 1_700_000_000_000;
        const state = { expectedVersion: null, bytes: u32(1) };
        const permit = { ns: "permits", key: "pmt_1", json: '"p"', opts: { ttlMs: 1000, now: t0 } };
        expect(await store.commit!("p1", { state: { expectedVersion: 5, bytes: u32(1) }, loose: [permit] })).toEqual({
          ok: false,
          state: true,
          docs: [],
          audit: false,
        });
        // SQLite and memory write them in the batch's step; Redis just before it (another slot), so
        // only the stores with one step are checked for nothing written on a refused batch.
        if (!name.startsWith("RedisStore")) expect(await store.getDoc("permits", "pmt_1", { now: t0 })).toBeNull();
        expect(await store.commit!("p1", { state, audit: { seq: 1, json: "{}", hash: "h" }, loose: [permit] })).toEqual({ ok: true });
        expect((await store.getDoc("permits", "pmt_1", { now: t0 + 999 }))?.json).toBe('"p"');
        expect((await store.takeDoc("permits", "pmt_1", { now: t0 + 999 }))?.json).toBe('"p"');
        expect(await store.getDoc("permits", "pmt_1", { now: t0 })).toBeNull();
      });

      it("refuses a document outside the passport's prefix, and other usage errors, writing nothing", async () => {
        const state = { expectedVersion: null, bytes: u32(1) };
        const audit = { seq: 1, json: "{}", hash: "h" };
        const refused = [
          store.commit!("p1", { state, audit, docs: [{ ns: "idem", key: "p2/act_1", json: "1" }] }),
          store.commit!("p1", { state, audit, docs: [{ ns: "idem", key: "p1", json: "1" }] }),
          store.commit!("p1", { state, audit, docs: [{ ns: "permits", key: "pmt_1", json: "1" }] }),
          store.commit!("p1", { state, audit, docs: [{ ns: "idem", key: "p1x/act_1", json: "1" }] }),
          store.commit!("p1", {
            state,
            audit,
            docs: [
              { ns: "n", key: "p1/a", json: "1" },
              { ns: "n", key: "p1/a", json: "2" },
            ],
          }),
          store.commit!("p1", { state, audit, docs: [{ ns: "n", key: "p1/a", json: "1", opts: { ifAbsent: true, ifVersion: 1 } }] }),
          store.commit!("p1", { state, audit, docs: [{ ns: "n", key: "p1/a", json: "1", opts: { ttlMs: 1000 } }] }),
          store.commit!("a/b", { state, audit, docs: [{ ns: "n", key: "a/b/c", json: "1" }] }),
          store.commit!("", { state, audit }),
          // Loose documents (keyed outside the passport) are unconditional and not written twice.
          store.commit!("p1", { state, audit, loose: [{ ns: "permits", key: "pmt_1", json: "1", opts: { ifAbsent: true } }] }),
          store.commit!("p1", { state, audit, loose: [{ ns: "permits", key: "pmt_1", json: "1", opts: { ifVersion: 1 } }] }),
          store.commit!("p1", {
            state,
            audit,
            loose: [
              { ns: "permits", key: "pmt_1", json: "1" },
              { ns: "permits", key: "pmt_1", json: "2" },
            ],
          }),
          store.commit!("p1", { state, audit, docs: [{ ns: "n", key: "p1/a", json: "1" }], loose: [{ ns: "n", key: "p1/a", json: "2" }] }),
        ];
        for (const r of refused) await expect(r).rejects.toThrow(StoreUsageError);
        expect(await store.getState("p1")).toBeNull();
        expect(await store.auditHead("p1")).toBeNull();
        expect(await store.getDoc("idem", "p2/act_1")).toBeNull();
        expect(await store.getDoc("n", "p1/a")).toBeNull();
        // The same key in two namespaces is two documents.
        expect(
          await store.commit!("p1", {
            docs: [
              { ns: "n", key: "p1/a", json: "1" },
              { ns: "m", key: "p1/a", json: "2" },
            ],
          }),
        ).toEqual({ ok: true });
      });

      it("lets exactly one of many concurrent commits at one version win", async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.commit!("p1", {
              state: { expectedVersion: null, bytes: u32(i) },
              docs: [{ ns: "idem", key: `p1/act_${i}`, json: String(i) }],
              audit: { seq: 1, json: `{"i":${i}}`, hash: `h${i}` },
            }),
          ),
        );
        const winners = results.flatMap((r, i) => (r.ok ? [i] : []));
        expect(winners).toHaveLength(1);
        const w = winners[0]!;
        for (const r of results) if (!r.ok) expect(r).toEqual({ ok: false, state: true, docs: [], audit: true });
        expect(await store.getState("p1")).toEqual({ bytes: u32(w), version: 1 });
        expect(await store.auditHead("p1")).toEqual({ seq: 1, hash: `h${w}` });
        expect((await store.listDocs("idem")).map((d) => d.key)).toEqual([`p1/act_${w}`]);
      });

      it("loses no update under 300 concurrent read–commit increments (state, document and audit record each time)", async () => {
        const bump = async (i: number): Promise<number> => {
          for (let attempt = 0; ; attempt++) {
            const [s, head] = await Promise.all([store.getState("hot"), store.auditHead("hot")]);
            const next = (s ? readU32(s.bytes) : 0) + 1;
            const r = await store.commit!("hot", {
              state: { expectedVersion: s?.version ?? null, bytes: u32(next) },
              docs: [{ ns: "idem", key: `hot/${i}`, json: String(next), opts: { ifAbsent: true } }],
              audit: { seq: (head?.seq ?? 0) + 1, json: String(next), hash: `h${next}` },
            });
            if (r.ok) return attempt;
            expect(r.docs).toEqual([]);
            if (attempt > 8) await pause(Math.random() * Math.min(attempt, 20));
          }
        };
        const attempts = await Promise.all(Array.from({ length: 300 }, (_, i) => bump(i)));
        expect(await store.getState("hot")).toEqual({ bytes: u32(300), version: 300 });
        const log = await collect(store.readAudit("hot"));
        expect(log.map((e) => e.json)).toEqual(Array.from({ length: 300 }, (_, i) => String(i + 1)));
        expect(await store.listDocs("idem", { prefix: "hot/" })).toHaveLength(300);
        expect(attempts.some((a) => a > 0)).toBe(true);
      }, 60_000);
    });

    describe("close", () => {
      it("is idempotent and fails every later call", async () => {
        await store.close();
        await store.close();
        await expect(store.getState("p1")).rejects.toThrow(StoreClosedError);
        await expect(store.casState("p1", null, u32(1))).rejects.toThrow(StoreClosedError);
        await expect(store.getDoc("n", "k")).rejects.toThrow(StoreClosedError);
        await expect(store.putDoc("n", "k", "1")).rejects.toThrow(StoreClosedError);
        await expect(store.takeDoc("n", "k")).rejects.toThrow(StoreClosedError);
        await expect(store.deleteDoc("n", "k")).rejects.toThrow(StoreClosedError);
        await expect(store.listDocs("n")).rejects.toThrow(StoreClosedError);
        await expect(store.appendAudit("p1", 1, "{}", "h")).rejects.toThrow(StoreClosedError);
        await expect(store.auditHead("p1")).rejects.toThrow(StoreClosedError);
        await expect(store.commit!("p1", {})).rejects.toThrow(StoreClosedError);
        await expect(collect(store.readAudit("p1"))).rejects.toThrow(StoreClosedError);
      });
    });
  });
}
