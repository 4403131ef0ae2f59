// Issue #15 item 6, from the side of someone who can write the database file: the signing key is
// not in it (a 0600 key file beside it), a witness outside it keeps signed checkpoints of the chain
// heads, and `warden audit verify` finds re-signed, truncated and rewritten logs and counters
// edited away from what the log's records add up to.

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { type IncomingMessage, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CounterStates } from "../bindings/state";
import { type AuditRecord, recordHash } from "../enforcer/audit";
import { type Checkpoint, validCheckpoints } from "../enforcer/checkpoint";
import { Enforcer } from "../enforcer/enforcer";
import { loadEngine } from "../enforcer/index";
import { MemoryStore } from "../enforcer/memory-store";
import { Records } from "../enforcer/records";
import { type SigningKey, canonicalJson, generateSigningKey, importSigningKey, signCompact } from "../enforcer/signing";
import { SqliteStore } from "../enforcer/sqlite-store";
import { SigningKeyFileError, serverSigningJwk } from "../node/signing-key";
import { createWardenServer } from "../server/server";
import { AuditWitness } from "../server/witness";
import { warden } from "./cli-helpers";

let dir: string;
let db: string;
let witnessFile: string;
const PID = "pass_w";

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "warden-audit-"));
  db = join(dir, "w.db");
  witnessFile = join(dir, "witness.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A server on `db` as `warden serve` runs it: key file beside the database, a file witness; runs `work`, then shuts down. */
async function serveAndRun(work: (e: Enforcer) => Promise<void>, every = 2): Promise<void> {
  const server = await createWardenServer({
    store: SqliteStore.open(db),
    storeKind: "sqlite",
    signingKeyFile: `${db}.key`,
    auditWitness: { target: `file:${witnessFile}`, every },
    log: () => undefined,
    hitl: { notifier: null },
  });
  await server.enforcer.register({ id: PID, constraints: { "core:cost:max_per_day": 10_000 } });
  await work(server.enforcer);
  await server.close(); // the last checkpoint is written here
}

async function sixDecisions(e: Enforcer): Promise<void> {
  for (let i = 1; i <= 6; i++) expect((await e.enforce({ passport_id: PID, action: "web:search", cost_cents: 100 * i })).decision).toBe("allow");
}

const verify = (...extra: string[]) => warden(["audit", "verify", "--store", `sqlite:${db}`, ...extra]);

/** The attacker's edit: record `fromSeq` changed by `edit`, it and every later one re-hashed, re-chained and re-signed with `key`. */
async function forge(fromSeq: number, edit: (r: AuditRecord) => void, key: SigningKey): Promise<void> {
  const sql = new Database(db);
  const rows = sql.prepare("SELECT id, json FROM audit WHERE passport_id = ? ORDER BY seq").all(PID) as { id: number; json: string }[];
  let prev: AuditRecord | null = null;
  for (const row of rows) {
    const r = JSON.parse(row.json) as AuditRecord;
    if (r.seq >= fromSeq) {
      if (r.seq === fromSeq) edit(r);
      r.prev_hash = prev!.hash;
      r.hash = await recordHash(r);
      r.signature = await signCompact({ hash: r.hash, seq: r.seq }, key.privateKey, key.kid);
      sql.prepare("UPDATE audit SET json = ?, hash = ? WHERE id = ?").run(canonicalJson(r), r.hash, row.id);
    }
    prev = r;
  }
  sql.close();
}

describe("the signing key lives outside the store", () => {
  it("is a 0600 file beside the database, and the database holds no key", async () => {
    await serveAndRun(sixDecisions);
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
    const sql = new Database(db);
    expect(sql.prepare("SELECT count(*) AS n FROM docs WHERE ns = 'server'").get()).toEqual({ n: 0 });
    sql.close();
    const ok = await verify("--witness", `file:${witnessFile}`);
    expect(ok.stdout).toContain("ok: the log holds and the counters match it");
    expect(ok.code).toBe(0);
  });

  it("someone with the database file edits a record and re-signs it with a key of their own: verify fails", async () => {
    await serveAndRun(sixDecisions);
    const theirs = await generateSigningKey();
    await forge(
      3,
      (r) => {
        (r.request as { cost_cents: number }).cost_cents = 3; // "it cost 3 cents"
      },
      theirs,
    );
    const run = await verify();
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/pass_w seq 3: bad_signature/);
  });

  it("refuses a key file that group or others can read, in one line", async () => {
    const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    writeFileSync(`${db}.key`, JSON.stringify(await exportJWK(pair.privateKey)));
    chmodSync(`${db}.key`, 0o644);
    const store = SqliteStore.open(db);
    await expect(serverSigningJwk(store, { file: `${db}.key` })).rejects.toThrow(SigningKeyFileError);
    await store.close();
    const run = await warden(["serve", "--store", `sqlite:${db}`, "--port", "0"]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([`warden serve: the signing key ${db}.key is readable by others (mode 0644); run: chmod 600 ${db}.key`]);
  });

  it("moves a key older versions kept in the store out to the file, once, and deletes it from the store", async () => {
    const store = SqliteStore.open(db);
    const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const old = await exportJWK(pair.privateKey);
    await new Records<JWK>(store, "server").put("signing_key", old);
    const lines: string[] = [];
    const jwk = await serverSigningJwk(store, { file: `${db}.key`, log: (l) => lines.push(l) });
    expect(jwk).toEqual(old); // the same key: records signed before still verify
    expect(JSON.parse(readFileSync(`${db}.key`, "utf8"))).toEqual(old);
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
    expect(await new Records<JWK>(store, "server").get("signing_key")).toBeNull();
    expect(lines).toEqual([`warden: moved the signing key out of the store to ${db}.key (mode 0600); keep a copy of it`]);
    expect(await serverSigningJwk(store, { file: `${db}.key`, log: (l) => lines.push(l) })).toEqual(old);
    expect(lines).toHaveLength(1);
    await store.close();
  });

  it("an --audit-witness that is neither file: nor webhook:http(s) is a usage error", async () => {
    const run = await warden(["serve", "--store", `sqlite:${db}`, "--port", "0", "--audit-witness", "ftp://x"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--audit-witness "ftp://x" is not file:PATH or webhook:http(s)://URL');
    expect(existsSync(`${db}.key`)).toBe(false); // refused before anything was made
  });

  it("a Redis store without --signing-key is a usage error (there is no 'beside the database')", async () => {
    const run = await warden(["serve", "--store", "redis://127.0.0.1:1", "--port", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("a Redis store needs --signing-key FILE");
  });
});

describe("the witness and warden audit verify", () => {
  it("detects the newest records dropped, against the witness's checkpoints", async () => {
    await serveAndRun(sixDecisions);
    const checkpoints = readFileSync(witnessFile, "utf8").trim().split("\n");
    expect(checkpoints.length).toBeGreaterThanOrEqual(2); // every 2 records (heads seen meanwhile share one) and at shutdown
    expect(JSON.parse(checkpoints.at(-1)!)).toMatchObject({ type: "warden.audit.checkpoint", passport_id: PID, seq: 6 });
    const sql = new Database(db);
    sql.prepare("DELETE FROM audit WHERE passport_id = ? AND seq > 4").run(PID);
    sql.close();
    const run = await verify("--witness", `file:${witnessFile}`);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/pass_w seq 6: truncated — the log ends at seq 4/);
  });

  it("detects a log rewritten and re-signed with the real key (stolen), where signatures alone cannot", async () => {
    await serveAndRun(sixDecisions);
    const key = await importSigningKey(JSON.parse(readFileSync(`${db}.key`, "utf8")) as JWK);
    await forge(
      2,
      (r) => {
        (r.request as { target: string | null }).target = "https://innocent.example/";
      },
      key,
    );
    expect((await verify()).code).toBe(0); // chain and signatures hold: only the witness knows
    const run = await verify("--witness", `file:${witnessFile}`);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/pass_w seq \d: rewritten/);
  });

  it("reports counters edited in the database, per passport and counter, expected vs found", async () => {
    await serveAndRun(sixDecisions);
    const store = SqliteStore.open(db);
    const states = new CounterStates(await loadEngine());
    const entry = (await store.getState(PID))!;
    const zeroed = states.reset(entry.bytes, Date.now(), "daily").state; // "nothing spent today"
    expect(await store.casState(PID, entry.version, zeroed)).toBe(true);
    await store.close();
    const run = await verify("--witness", `file:${witnessFile}`);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("pass_w spent_today_cents: the log gives 2100, the store has 0");
  });

  it("recounts holds, approvals, denials, true-ups, resets and stops exactly as the enforcer counted them", async () => {
    await serveAndRun(async (e) => {
      await e.register({ id: PID, constraints: { "core:cost:max_per_day": 100_000, "core:cost:approval_threshold": 1000 } });
      const a = await e.enforce({ passport_id: PID, action: "travel:book", cost_cents: 5000 });
      expect(a.decision).toBe("request_hold");
      const ok = await e.approve(a.approval_request_id!);
      const b = await e.enforce({ passport_id: PID, action: "web:search", cost_cents: 300 });
      await e.report({ permit_token: b.permit_token!, success: true, actual_cost_cents: 450 }, { channel: "operator" }); // trued up
      const c = await e.enforce({ passport_id: PID, action: "web:search", cost_cents: 200 });
      await e.report({ permit_token: c.permit_token!, success: true, actual_cost_cents: 0 }, { channel: "agent" }); // kept
      await e.report({ permit_token: ok.permit_token!, success: true, actual_cost_cents: 4000 }); // an approved one trued down
      await e.resetWindow(PID, "daily");
      await e.enforce({ passport_id: PID, action: "web:search", cost_cents: 70 });
      const d = await e.enforce({ passport_id: PID, action: "travel:book", cost_cents: 2000 });
      await e.deny(d.approval_request_id!);
      const f = await e.enforce({ passport_id: PID, action: "travel:book", cost_cents: 3000 });
      expect(f.decision).toBe("request_hold");
      await e.emergencyStop(PID); // releases the pending hold
      await e.resume(PID);
      await e.enforce({ passport_id: PID, action: "web:search", cost_cents: 10 });
    });
    const run = await verify("--witness", `file:${witnessFile}`, "--json");
    const report = JSON.parse(run.stdout) as { ok: boolean; records: number; mismatches: unknown[]; problems: unknown[] };
    expect(report).toMatchObject({ ok: true, problems: [], mismatches: [] });
    expect(report.records).toBeGreaterThan(12);
    expect(run.code).toBe(0);
  });

  it("tells usage errors apart: no key to verify with, a webhook as --witness", async () => {
    expect((await verify()).code).toBe(2); // no database, no key file beside it
    await serveAndRun(sixDecisions);
    expect((await verify("--witness", "webhook:http://127.0.0.1:1/")).code).toBe(2);
    expect((await warden(["audit"])).code).toBe(2);
  });

  it("refuses a forged checkpoint (not signed by the server's key)", async () => {
    await serveAndRun(sixDecisions);
    const c = JSON.parse(readFileSync(witnessFile, "utf8").trim().split("\n")[0]!) as Checkpoint;
    writeFileSync(witnessFile, `${JSON.stringify({ ...c, seq: c.seq + 1 })}\n`, { flag: "a" });
    const run = await verify("--witness", `file:${witnessFile}`);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("bad_checkpoint");
  });
});

describe("the webhook witness", () => {
  async function receiver(status: number) {
    const bodies: { checkpoints: Checkpoint[] }[] = [];
    const http = createServer((req: IncomingMessage, res) => {
      let text = "";
      req.on("data", (b) => (text += b));
      req.on("end", () => {
        bodies.push(JSON.parse(text) as { checkpoints: Checkpoint[] });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
    return { bodies, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/cp`, close: () => new Promise((ok) => http.close(ok)) };
  }

  it("POSTs signed checkpoints of the chain heads", async () => {
    const r = await receiver(204);
    const key = await generateSigningKey({ extractable: true });
    const enforcer = await Enforcer.create({ store: new MemoryStore(), signingKey: key, timers: false });
    const witness = new AuditWitness({ target: `webhook:${r.url}`, every: 1000 }, key, () => undefined);
    enforcer.onEvent((e) => witness.observe(e));
    await enforcer.register({ id: PID, constraints: {} });
    await enforcer.enforce({ passport_id: PID, action: "a" });
    await enforcer.enforce({ passport_id: PID, action: "b" });
    await witness.close();
    expect(r.bodies).toHaveLength(1);
    const [cp] = r.bodies[0]!.checkpoints;
    expect(cp).toMatchObject({ passport_id: PID, seq: 2, hash: (await enforcer.attestationHead(PID))!.hash, kid: key.kid });
    expect((await validCheckpoints([cp!], enforcer.publicJwk)).valid).toHaveLength(1);
    enforcer.close();
    await r.close();
  });

  it("a failing witness is logged and retried with the next checkpoint; decisions do not wait for it", async () => {
    const r = await receiver(503);
    const key = await generateSigningKey({ extractable: true });
    const enforcer = await Enforcer.create({ store: new MemoryStore(), signingKey: key, timers: false });
    const lines: string[] = [];
    const witness = new AuditWitness({ target: `webhook:${r.url}`, every: 1, attempts: 1 }, key, (l) => lines.push(l));
    enforcer.onEvent((e) => witness.observe(e));
    await enforcer.register({ id: PID, constraints: {} });
    expect((await enforcer.enforce({ passport_id: PID, action: "a" })).decision).toBe("allow");
    await witness.flush();
    expect(lines.some((l) => l.includes("audit witness webhook:") && l.includes("HTTP 503"))).toBe(true);
    await witness.close(); // the head not delivered is sent again
    expect(r.bodies.length).toBeGreaterThanOrEqual(2);
    expect(r.bodies.at(-1)!.checkpoints[0]).toMatchObject({ passport_id: PID, seq: 1 });
    enforcer.close();
    await r.close();
  });

  it("the witness file is created 0600 and each checkpoint is one JSON line", async () => {
    await serveAndRun(sixDecisions, 1);
    expect(existsSync(witnessFile)).toBe(true);
    expect(statSync(witnessFile).mode & 0o777).toBe(0o600);
    const seqs = readFileSync(witnessFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as Checkpoint).seq);
    expect(seqs.at(-1)).toBe(6);
  });
});
