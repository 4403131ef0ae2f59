// Runs the Store contract on SqliteStore, in memory and in a WAL file shared by two connections.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../enforcer/sqlite-store";
import { runStoreSuite } from "./store-suite";

const dir = mkdtempSync(join(tmpdir(), "warden-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

runStoreSuite("SqliteStore (:memory:)", async () => SqliteStore.open(":memory:"));
runStoreSuite("SqliteStore (WAL file)", async () => SqliteStore.open(join(dir, `suite-${n++}.db`)));

describe("SqliteStore on disk", () => {
  it("uses WAL and keeps everything across a reopen", async () => {
    const file = join(dir, "reopen.db");
    const a = SqliteStore.open(file);
    await a.casState("p1", null, new Uint8Array([1, 2, 3]));
    await a.putDoc("approvals", "apr_1", '{"status":"pending"}');
    await a.appendAudit("p1", 1, '{"n":1}', "h1");
    const v = (await a.getDoc("approvals", "apr_1"))!.version;
    await a.close();
    const b = SqliteStore.open(file);
    expect(await b.getState("p1")).toEqual({ bytes: new Uint8Array([1, 2, 3]), version: 1 });
    expect(await b.auditHead("p1")).toEqual({ seq: 1, hash: "h1" });
    await b.putDoc("approvals", "apr_2", "{}");
    expect((await b.getDoc("approvals", "apr_2"))!.version).toBeGreaterThan(v); // versions never restart
    await b.close();
  });

  it("two connections on one file settle CAS races without losing an update", async () => {
    const file = join(dir, "shared.db");
    const stores = [SqliteStore.open(file), SqliteStore.open(file)];
    const bump = async (s: SqliteStore) => {
      for (let i = 0; i < 10_000; i++) {
        const cur = await s.getState("hot");
        const next = (cur ? cur.bytes[0]! + cur.bytes[1]! * 256 : 0) + 1;
        if (await s.casState("hot", cur?.version ?? null, new Uint8Array([next & 255, next >> 8]))) return;
      }
      throw new Error("no progress");
    };
    await Promise.all(Array.from({ length: 400 }, (_, i) => bump(stores[i % 2]!)));
    const s = await stores[0]!.getState("hot");
    expect(s!.bytes[0]! + s!.bytes[1]! * 256).toBe(400);
    await Promise.all(stores.map((x) => x.close()));
  });
});
