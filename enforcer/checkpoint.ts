// Signed checkpoints of audit chain heads, kept by a witness outside the store, and the check of a
// log against them: a log shorter than a checkpoint was truncated; a different hash at a
// checkpoint's seq was rewritten (and re-signed, if its signatures hold).

import type { JWK } from "jose";
import type { AuditRecord } from "./audit";
import { type PayloadSigner, importPublicJwk, verifyCompact } from "./signing";

/** What a checkpoint says: passport `passport_id`'s chain had record `seq` with hash `hash` at `at`. */
export interface CheckpointBody {
  type: "warden.audit.checkpoint";
  passport_id: string;
  seq: number;
  hash: string;
  /** RFC 3339 instant the checkpoint was made. */
  at: string;
  /** The signing key's id (RFC 7638 thumbprint). */
  kid: string;
}

/** A checkpoint as a witness keeps it: the body plus a compact JWS (EdDSA) over its canonical JSON. */
export interface Checkpoint extends CheckpointBody {
  signature: string;
}

export async function signCheckpoint(body: Omit<CheckpointBody, "type">, sign: PayloadSigner): Promise<Checkpoint> {
  const full: CheckpointBody = { type: "warden.audit.checkpoint", ...body };
  return { ...full, signature: await sign(full) };
}

export type WitnessProblem =
  /** The log ends before a checkpoint's seq (newest records dropped). */
  | "truncated"
  /** The record at a checkpoint's seq has another hash (the log was rewritten from there). */
  | "rewritten"
  /** A checkpoint whose signature does not hold for the key (forged or made with another key). */
  | "bad_checkpoint";

export interface WitnessFinding {
  passport_id: string;
  seq: number;
  problem: WitnessProblem;
  detail: string;
}

/** Checks each checkpoint's signature; returns the valid ones and a finding per invalid one. */
export async function validCheckpoints(checkpoints: readonly Checkpoint[], publicJwk: JWK): Promise<{ valid: Checkpoint[]; findings: WitnessFinding[] }> {
  const key = await importPublicJwk(publicJwk);
  const valid: Checkpoint[] = [];
  const findings: WitnessFinding[] = [];
  for (const c of checkpoints) {
    const { signature, ...body } = c;
    let ok = false;
    try {
      const payload = await verifyCompact(signature, key);
      ok = payload.passport_id === body.passport_id && payload.seq === body.seq && payload.hash === body.hash && payload.type === body.type;
    } catch {
      ok = false;
    }
    if (ok) valid.push(c);
    else
      findings.push({ passport_id: String(c.passport_id), seq: Number(c.seq), problem: "bad_checkpoint", detail: "its signature does not hold for the key" });
  }
  return { valid, findings };
}

/**
 * Checks one passport's records against its (valid) checkpoints: each checkpoint's seq must be in
 * the log with the checkpoint's hash. Reports the first problem per checkpoint, oldest first.
 */
export function checkAgainstCheckpoints(passportId: string, records: readonly AuditRecord[], checkpoints: readonly Checkpoint[]): WitnessFinding[] {
  const bySeq = new Map<number, AuditRecord>();
  for (const r of records) bySeq.set(r.seq, r);
  const last = records.length === 0 ? 0 : records[records.length - 1]!.seq;
  const out: WitnessFinding[] = [];
  const mine = checkpoints.filter((c) => c.passport_id === passportId).sort((a, b) => a.seq - b.seq);
  for (const c of mine) {
    const r = bySeq.get(c.seq);
    if (!r) {
      if (c.seq > last)
        out.push({ passport_id: passportId, seq: c.seq, problem: "truncated", detail: `the log ends at seq ${last}; the witness saw seq ${c.seq} at ${c.at}` });
      else out.push({ passport_id: passportId, seq: c.seq, problem: "rewritten", detail: `no record with seq ${c.seq}; the witness saw one at ${c.at}` });
    } else if (r.hash !== c.hash) {
      out.push({
        passport_id: passportId,
        seq: c.seq,
        problem: "rewritten",
        detail: `record ${c.seq} has hash ${r.hash.slice(0, 12)}…; the witness saw ${c.hash.slice(0, 12)}… at ${c.at}`,
      });
    }
  }
  return out;
}
