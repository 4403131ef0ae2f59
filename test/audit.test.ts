// Signing, canonical JSON and the audit chain: every kind of tampering is caught and named.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuditInput, AuditLog, type AuditRecord, GENESIS_HASH, recordHash, verifyAuditLog } from "../enforcer/audit";
import { MemoryStore } from "../enforcer/memory-store";
import { type SigningKey, SigningKeyError, canonicalJson, generateSigningKey, importSigningKey, signCompact, verifyCompact } from "../enforcer/signing";

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 12, 0, s)).toISOString();

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A fresh log of five records for passport p1, as stored. */
async function chain(key: SigningKey, redact?: (r: AuditInput) => AuditInput): Promise<AuditRecord[]> {
  const log = new AuditLog({ store: new MemoryStore(), signingKey: key, ...(redact ? { redact } : {}) });
  for (let i = 0; i < 5; i++) {
    await log.append("p1", { type: "decision", at: at(i), decision: "allow", cost_cents: i * 10 });
  }
  return collect(log.records("p1"));
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops whitespace", () => {
    const a = { b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } };
    const b = { a: { c: "x", d: [3, { y: 2, z: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it("is JSON.stringify with every object's keys sorted by UTF-16 code units, for any JSON value", () => {
    const reference = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(reference).join(",")}]`;
      if (v !== null && typeof v === "object") {
        return `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${reference((v as Record<string, unknown>)[k])}`)
          .join(",")}}`;
      }
      return JSON.stringify(v);
    };
    const anyKeys = fc.dictionary(fc.string({ unit: "binary" }), fc.jsonValue(), { maxKeys: 40 }); // more than insertion sort handles
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), anyKeys), (v) => canonicalJson(v) === reference(v)),
      { numRuns: 2000 },
    );
  });

  it("orders integer-like keys as strings, unlike object insertion order", () => {
    expect(canonicalJson({ 10: "a", 9: "b", x: "c" })).toBe('{"10":"a","9":"b","x":"c"}');
  });

  it("follows JSON.stringify for undefined, toJSON and -0, and refuses what JSON cannot say", () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0), d: -0 })).toBe('{"b":[null],"c":"1970-01-01T00:00:00.000Z","d":0}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });
});

describe("signing", () => {
  let key: SigningKey;
  beforeAll(async () => {
    key = await generateSigningKey();
  });

  it("round-trips a compact JWS with alg EdDSA and the RFC 7638 kid", async () => {
    const jws = await signCompact({ seq: 1, hash: "ab" }, key.privateKey, key.kid);
    const header = JSON.parse(Buffer.from(jws.split(".")[0]!, "base64url").toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: "EdDSA", kid: key.kid });
    expect(Buffer.from(jws.split(".")[1]!, "base64url").toString()).toBe('{"hash":"ab","seq":1}');
    expect(await verifyCompact(jws, key.publicJwk)).toEqual({ hash: "ab", seq: 1 });
    expect(key.publicJwk).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: key.kid, alg: "EdDSA" });
    expect(key.publicJwk).not.toHaveProperty("d");
  });

  it("rejects another key's signature", async () => {
    const other = await generateSigningKey();
    const jws = await signCompact({ x: 1 }, other.privateKey, key.kid);
    await expect(verifyCompact(jws, key.publicJwk)).rejects.toThrow();
  });

  it("imports a private JWK, an extractable key and a key pair to the same kid", async () => {
    const extractable = await generateSigningKey({ extractable: true });
    const { exportJWK } = await import("jose");
    const jwk = await exportJWK(extractable.privateKey);
    expect((await importSigningKey(jwk)).kid).toBe(extractable.kid);
    expect((await importSigningKey(extractable.privateKey)).kid).toBe(extractable.kid);
    await expect(importSigningKey(key.privateKey)).rejects.toThrow(SigningKeyError);
    await expect(importSigningKey(key.publicJwk)).rejects.toThrow(SigningKeyError);
    const viaJwk = await importSigningKey(jwk);
    const jws = await signCompact({ ok: true }, viaJwk.privateKey, viaJwk.kid);
    expect(await verifyCompact(jws, extractable.publicJwk)).toEqual({ ok: true });
  });
});

describe("audit log", () => {
  let key: SigningKey;
  let records: AuditRecord[];
  beforeAll(async () => {
    key = await generateSigningKey();
    records = await chain(key);
  });

  it("chains, hashes and signs each record", async () => {
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]!.prev_hash).toBe(GENESIS_HASH);
    expect(records[3]!.prev_hash).toBe(records[2]!.hash);
    expect(records[2]).toMatchObject({ passport_id: "p1", type: "decision", cost_cents: 20 });
    expect(await recordHash(records[2]!)).toBe(records[2]!.hash);
    expect(await verifyAuditLog(records, key.publicJwk)).toEqual({ ok: true });
  });

  it("serializes concurrent appends into one chain", async () => {
    const store = new MemoryStore();
    const log = new AuditLog({ store, signingKey: key });
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append("p1", { type: "heartbeat", at: at(i) })));
    const stored = await collect(log.records("p1"));
    expect(stored).toHaveLength(50);
    expect(await verifyAuditLog(stored, key.publicJwk, { expectedHead: (await log.head("p1"))! })).toEqual({ ok: true });
  });

  it("retries when another writer took the seq", async () => {
    const store = new MemoryStore();
    const a = new AuditLog({ store, signingKey: key });
    const b = new AuditLog({ store, signingKey: key });
    await Promise.all([a.append("p1", { type: "panic", at: at(0) }), b.append("p1", { type: "resume", at: at(1) })]);
    const stored = await collect(a.records("p1"));
    expect(stored.map((r) => r.seq)).toEqual([1, 2]);
    expect(await verifyAuditLog(stored, key.publicJwk)).toEqual({ ok: true });
  });

  it("applies the redact hook before hashing and storing", async () => {
    const redacted = await chain(key, (r) => ({ ...r, decision: "[redacted]" }));
    expect(redacted.every((r) => r.decision === "[redacted]")).toBe(true);
    expect(await verifyAuditLog(redacted, key.publicJwk)).toEqual({ ok: true });
  });

  it("refuses input that sets chain fields", async () => {
    const log = new AuditLog({ store: new MemoryStore(), signingKey: key });
    await expect(log.append("p1", { type: "decision", at: at(0), seq: 9 })).rejects.toThrow(/seq/);
  });

  it("detects an edited field", async () => {
    const tampered = records.map((r) => (r.seq === 3 ? { ...r, cost_cents: 0 } : r));
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 3, problem: "edited" });
  });

  it("detects a dropped record", async () => {
    const tampered = records.filter((r) => r.seq !== 3);
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 3, problem: "dropped" });
  });

  it("detects an inserted forged record, even with a correct hash and link", async () => {
    const forger = await generateSigningKey();
    const body = { type: "decision" as const, at: at(2), decision: "allow", cost_cents: 1, passport_id: "p1", seq: 3, prev_hash: records[1]!.hash };
    const hash = await recordHash(body);
    const forged = { ...body, hash, signature: await signCompact({ hash, seq: 3 }, forger.privateKey, key.kid) };
    const tampered = [...records.slice(0, 2), forged, ...records.slice(2)];
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 3, problem: "inserted" });
  });

  it("detects a replayed copy of a genuine record", async () => {
    const tampered = [...records.slice(0, 4), records[1]!, records[4]!];
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 2, problem: "inserted" });
  });

  it("detects two swapped records", async () => {
    const tampered = [records[0]!, records[2]!, records[1]!, records[3]!, records[4]!];
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 2, problem: "reordered" });
  });

  it("detects a bad signature", async () => {
    const other = await generateSigningKey();
    const r = records[3]!;
    const resigned = { ...r, signature: await signCompact({ hash: r.hash, seq: r.seq }, other.privateKey, key.kid) };
    const tampered = records.map((x) => (x.seq === 4 ? resigned : x));
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 4, problem: "bad_signature" });
  });

  it("detects a signature moved from another record", async () => {
    const tampered = records.map((x) => (x.seq === 4 ? { ...x, signature: records[0]!.signature } : x));
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 4, problem: "bad_signature" });
  });

  it("detects a record from another chain as a broken chain", async () => {
    const elsewhere = await chain(key, (r) => ({ ...r, note: "a fork" }));
    const tampered = records.map((x) => (x.seq === 3 ? elsewhere[2]! : x));
    expect(await verifyAuditLog(tampered, key.publicJwk)).toEqual({ ok: false, seq: 3, problem: "broken_chain" });
  });

  it("detects a truncated head only when told the expected head", async () => {
    const head = { seq: 5, hash: records[4]!.hash };
    const truncated = records.slice(0, 3);
    expect(await verifyAuditLog(truncated, key.publicJwk)).toEqual({ ok: true });
    expect(await verifyAuditLog(truncated, key.publicJwk, { expectedHead: head })).toEqual({ ok: false, seq: 4, problem: "dropped" });
    expect(await verifyAuditLog(records, key.publicJwk, { expectedHead: head })).toEqual({ ok: true });
  });
});

describe("audit log: the head each writer remembers", () => {
  it("writers taking turns on one store each start from a stale head, retry, and never fork the chain", async () => {
    const key = await generateSigningKey();
    const store = new MemoryStore();
    const logs = [new AuditLog({ store, signingKey: key }), new AuditLog({ store, signingKey: key }), new AuditLog({ store, signingKey: key })];
    for (let i = 0; i < 12; i++) await logs[i % 3]!.append("p1", { type: "heartbeat", at: at(i) });
    const stored = await collect(logs[0]!.records("p1"));
    expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await verifyAuditLog(stored, key.publicJwk, { expectedHead: (await logs[1]!.head("p1"))! })).toEqual({ ok: true });
  });
});
