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
    beforeEach(async () => { store = await make(); });
    afterEach(async () => { await store.close(); });

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
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.putDoc("pending", "p1", `"apr_${i}"`, { ifAbsent: true })),
        );
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
        expect(p1.map((d) => [d.key, d.json])).toEqual([["p1/a1", '"a"'], ["p1/a2", '"b"']]);
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
        expect(await collect(store.readAudit("p1"))).toEqual([{ seq: 1, json: '{"n":1}' }, { seq: 2, json: '{"n":2}' }]);
        expect(await collect(store.readAudit("p1", 2))).toEqual([{ seq: 2, json: '{"n":2}' }]);
        expect(await collect(store.readAudit("p2"))).toEqual([]);
      });

      it("lets exactly one of many concurrent appends at one seq win", async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.appendAudit("p1", 1, `{"i":${i}}`, `h${i}`)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.auditHead("p1")).toEqual({ seq: 1, hash: `h${winner}` });
        expect(await collect(store.readAudit("p1"))).toEqual([{ seq: 1, json: `{"i":${winner}}` }]);
      });
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
        await expect(collect(store.readAudit("p1"))).rejects.toThrow(StoreClosedError);
      });
    });
  });
}
