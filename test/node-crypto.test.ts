// The server's node:crypto signer and hash against the WebCrypto/jose path every other runtime uses:
// the same bytes (Ed25519 is deterministic), signatures jose verifies, audit logs that verify.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { compactVerify, importJWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { AuditLog, GENESIS_HASH, recordHash, verifyAuditLog } from "../enforcer/audit";
import { Enforcer } from "../enforcer/enforcer";
import { MemoryStore } from "../enforcer/memory-store";
import { type SigningKey, canonicalJson, generateSigningKey, importSigningKey, payloadSigner, signCompact, verifyCompact } from "../enforcer/signing";
import { nodeCrypto } from "../node/node-crypto";

const PAYLOADS: object[] = [
  { hash: "ab".repeat(32), seq: 1 },
  { decision: "allow", reason: null, holds: [], at: "2026-02-24T10:00:00.000Z", cost_cents: 0, note: 'naïve ☃ 𝄞 \u0000 "q"' },
  { nested: { z: [1, { y: true, x: -0.5 }], a: "" }, big: 2 ** 53 - 1 },
];

describe("nodeCrypto", () => {
  let key: SigningKey;
  beforeAll(async () => {
    key = await generateSigningKey();
  }); // non-extractable, as the default

  it("signs the very bytes jose and WebCrypto sign", async () => {
    const native = payloadSigner(key, nodeCrypto);
    for (const payload of PAYLOADS) {
      expect(await native(payload)).toBe(await signCompact(payload, key.privateKey, key.kid));
    }
  });

  it("makes compact JWS that jose and verifyCompact accept, with alg EdDSA and the key's kid", async () => {
    const jws = await payloadSigner(key, nodeCrypto)(PAYLOADS[1]!);
    const { payload, protectedHeader } = await compactVerify(jws, await importJWK(key.publicJwk, "EdDSA"), { algorithms: ["EdDSA"] });
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: key.kid });
    expect(new TextDecoder().decode(payload)).toBe(canonicalJson(PAYLOADS[1]!));
    expect(await verifyCompact(jws, key.publicJwk)).toEqual(JSON.parse(canonicalJson(PAYLOADS[1]!)));
  });

  it("signs with a key imported from a JWK the same as the key it came from", async () => {
    const extractable = await generateSigningKey({ extractable: true });
    const { exportJWK } = await import("jose");
    const imported = await importSigningKey(await exportJWK(extractable.privateKey));
    expect(await payloadSigner(imported, nodeCrypto)(PAYLOADS[0]!)).toBe(await signCompact(PAYLOADS[0]!, extractable.privateKey, extractable.kid));
  });

  it("hashes as recordHash does and encodes base64url without padding", async () => {
    const record = { type: "decision", at: "2026-02-24T10:00:00.000Z", passport_id: "p", seq: 1, prev_hash: GENESIS_HASH, text: "é☃𝄞" };
    expect(nodeCrypto.sha256Hex(canonicalJson(record))).toBe(await recordHash(record));
    expect(nodeCrypto.base64url("ÿ?>")).toBe(Buffer.from("ÿ?>").toString("base64url"));
    expect(nodeCrypto.base64url(new Uint8Array([251, 255]))).toBe("-_8");
  });

  it("gives an audit log that verifies, byte for byte the log WebCrypto writes", async () => {
    const logs = [
      new AuditLog({ store: new MemoryStore(), signingKey: key }),
      new AuditLog({ store: new MemoryStore(), signingKey: key, hostCrypto: nodeCrypto }),
    ];
    const out: unknown[][] = [];
    for (const log of logs) {
      for (let i = 0; i < 3; i++) await log.append("p1", { type: "heartbeat", at: `2026-02-24T10:00:0${i}.000Z` });
      const records = [];
      for await (const r of log.records("p1")) records.push(r);
      expect(await verifyAuditLog(records, key.publicJwk)).toEqual({ ok: true });
      out.push(records);
    }
    expect(out[1]).toEqual(out[0]);
  });

  it("an Enforcer given nodeCrypto signs decisions and records that verify", async () => {
    const enforcer = await Enforcer.create({ store: new MemoryStore(), timers: false, signingKey: key, hostCrypto: nodeCrypto });
    await enforcer.register({ id: "pass_1", constraints: { "core:cost:max_per_day": 100 } });
    const d = await enforcer.enforce({ passport_id: "pass_1", action: "web:search", cost_cents: 5 });
    const { signature, ...body } = d;
    expect(await verifyCompact(signature, enforcer.publicJwk)).toEqual(JSON.parse(canonicalJson(body)));
    expect(signature).toBe(await signCompact(body, key.privateKey, key.kid));
    const records = [];
    for await (const r of enforcer.auditLog("pass_1")) records.push(r);
    expect(records).toHaveLength(1);
    expect(await verifyAuditLog(records, enforcer.publicJwk)).toEqual({ ok: true });
  });

  it("is the package export agent-warden/node-crypto, and an Enforcer from the package signs with it", () => {
    // A real Node process importing the built package by its own name (package.json "exports").
    expect(existsSync("dist/node/node-crypto.js"), "run npm run build").toBe(true);
    const script = `
      const { nodeCrypto } = await import("agent-warden/node-crypto");
      const { Enforcer, MemoryStore, verifyCompact } = await import("agent-warden");
      const enforcer = await Enforcer.create({ store: new MemoryStore(), timers: false, hostCrypto: nodeCrypto });
      await enforcer.register({ id: "pass_1", constraints: {} });
      const d = await enforcer.enforce({ passport_id: "pass_1", action: "web:search" });
      const { signature, ...body } = d;
      const payload = await verifyCompact(signature, enforcer.publicJwk);
      console.log(JSON.stringify({ keys: Object.keys(nodeCrypto).sort(), decision: d.decision, signed: payload.decision_id === body.decision_id }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ keys: ["base64url", "ed25519Signer", "sha256Hex"], decision: "allow", signed: true });
  });
});
