// `warden audit verify`: checks each passport's audit log (hash chain and signatures, with the key
// from OUTSIDE the store), against a witness's signed checkpoints (truncation, rewriting), and
// recounts the counter state from the log's records through the module to compare with the
// store's. Exit 0 all holds, 1 something does not, 2 usage.

import { readFileSync } from "node:fs";
import type { JWK } from "jose";
import { type AuditRecord, verifyAuditLog } from "../../enforcer/audit";
import { compareCounters, recountState, type CounterMismatch } from "../../enforcer/audit-recount";
import { type Checkpoint, type WitnessFinding, checkAgainstCheckpoints, validCheckpoints } from "../../enforcer/checkpoint";
import { Enforcer } from "../../enforcer/enforcer";
import { generateSigningKey } from "../../enforcer/signing";
import { defaultSigningKeyFile, readKeyFile } from "../../node/signing-key";
import { DEFAULT_STORE, StoreSpecError, openStore } from "../../node/store-url";
import { option, parse, type Io } from "../args";
import { UsageError } from "../errors";

export const AUDIT_HELP = `Usage: warden audit verify [options]

Checks the audit log of every passport in the store (docs/security.md):
  - each record's hash, its link to the previous one, and its signature by the server's key;
  - with --witness, each signed checkpoint of a chain head: a log that ends before a checkpoint
    was truncated, a record whose hash differs from the checkpoint's was rewritten (re-signed);
  - the counter state the log's records imply (decisions, approvals, reports, resets, stops),
    replayed through the module, against the store's counters: each mismatch is listed.
Exit 0: everything holds; 1: a problem was found; 2: usage.

Options:
      --store SPEC             sqlite:PATH (default ${DEFAULT_STORE}), redis://HOST:PORT[/DB],
                               redis-cluster://... (as warden serve)
      --redis-prefix TEXT      prefix of every Redis key (default warden:)
      --witness file:PATH      checkpoints written by warden serve --audit-witness file:PATH
                               (a webhook receiver may keep them as the same JSON lines)
      --public-key FILE        the server's public JWK, or a JWKS (GET /v1/keys)
      --signing-key FILE       the server's key file (default PATH.key beside a sqlite:PATH store)
      --json                   print {ok, passports, records, checkpoints, problems, mismatches}

The key is never taken from the store: whoever can write the store could have replaced it.
`;

const AUDIT_OPTIONS = {
  store: { type: "string" },
  "redis-prefix": { type: "string" },
  witness: { type: "string" },
  "public-key": { type: "string" },
  "signing-key": { type: "string" },
  json: { type: "boolean" },
} as const;

interface Problem {
  passport_id: string;
  seq: number;
  problem: string;
  detail?: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  passports: number;
  records: number;
  checkpoints: number;
  problems: Problem[];
  mismatches: CounterMismatch[];
}

export async function auditCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "verify")
    throw new UsageError(sub === undefined ? "say what to do: warden audit verify" : `unknown subcommand "${sub}"; try: warden audit verify`, "audit");
  const { values } = parse("audit", rest, AUDIT_OPTIONS, false);
  const store = option(values.store) ?? process.env.WARDEN_STORE ?? DEFAULT_STORE;
  const publicJwk = keyFor(store, option(values["public-key"]), option(values["signing-key"]));
  const checkpoints = readWitness(option(values.witness));
  let opened;
  try {
    opened = await openStore(store, { redisPrefix: option(values["redis-prefix"]) });
  } catch (err) {
    if (err instanceof StoreSpecError) throw new UsageError(err.message, "audit");
    io.stderr(`warden audit: ${(err as Error).message}\n`);
    return 1;
  }
  // An enforcer with a throwaway key: it only lists passports and lends its module; it writes nothing.
  const enforcer = await Enforcer.create({ store: opened.store, signingKey: await generateSigningKey(), timers: false });
  try {
    const report = await verifyStore(enforcer, publicJwk, checkpoints.list, checkpoints.unreadable);
    io.stdout(values.json === true ? `${JSON.stringify(report, null, 2)}\n` : pretty(report));
    return report.ok ? 0 : 1;
  } finally {
    enforcer.close();
    await opened.store.close();
  }
}

/** Checks every passport of the store (and every passport a checkpoint names). */
export async function verifyStore(
  enforcer: Enforcer,
  publicJwk: JWK,
  checkpoints: Checkpoint[],
  unreadable: Problem[] = [],
  now = Date.now(),
): Promise<AuditVerifyReport> {
  const { valid, findings } = await validCheckpoints(checkpoints, publicJwk);
  const problems: Problem[] = [...unreadable, ...findings.map(finding)];
  const mismatches: CounterMismatch[] = [];
  const ids = new Set<string>();
  for (const p of await enforcer.listPassports()) if (typeof p.id === "string") ids.add(p.id);
  for (const c of valid) ids.add(c.passport_id);
  let records = 0;
  for (const pid of [...ids].sort()) {
    const list: AuditRecord[] = [];
    for await (const r of enforcer.auditLog(pid)) list.push(r);
    records += list.length;
    const verdict = await verifyAuditLog(list, publicJwk);
    if (!verdict.ok) problems.push({ passport_id: pid, seq: verdict.seq, problem: verdict.problem, detail: explain(verdict.problem) });
    problems.push(...checkAgainstCheckpoints(pid, list, valid).map(finding));
    const stored = await enforcer.storedState(pid);
    mismatches.push(...compareCounters(enforcer.engine, pid, recountState(enforcer.engine, list), stored, now));
  }
  return { ok: problems.length === 0 && mismatches.length === 0, passports: ids.size, records, checkpoints: checkpoints.length, problems, mismatches };
}

function finding(f: WitnessFinding): Problem {
  return { passport_id: f.passport_id, seq: f.seq, problem: f.problem, detail: f.detail };
}

function explain(problem: string): string {
  switch (problem) {
    case "edited":
      return "its content does not match its hash";
    case "bad_signature":
      return "its signature does not hold for the server's key (re-signed with another key?)";
    case "dropped":
      return "a record is missing";
    case "inserted":
      return "a record was inserted";
    case "reordered":
      return "records are out of order";
    default:
      return "it does not link to the record before it";
  }
}

/** The public JWK to verify with: --public-key, else --signing-key, else the key file beside a SQLite store. */
function keyFor(store: string, publicFile: string | undefined, signingFile: string | undefined): JWK {
  if (publicFile !== undefined && signingFile !== undefined) throw new UsageError("give --public-key or --signing-key, not both", "audit");
  if (publicFile !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(publicFile, "utf8"));
    } catch (err) {
      throw new UsageError(`cannot read the public key ${publicFile}: ${(err as Error).message}`, "audit");
    }
    const jwk = (value as { keys?: JWK[] }).keys?.[0] ?? (value as JWK);
    if (typeof jwk?.x !== "string") throw new UsageError(`${publicFile} is not an Ed25519 JWK or JWKS`, "audit");
    return publicOf(jwk);
  }
  let file = signingFile;
  if (file === undefined) {
    try {
      file = defaultSigningKeyFile(store);
    } catch {
      file = undefined;
    }
  }
  if (file === undefined) throw new UsageError("give --public-key FILE (GET /v1/keys) or --signing-key FILE", "audit");
  let jwk: JWK | null;
  try {
    jwk = readKeyFile(file);
  } catch (err) {
    throw new UsageError((err as Error).message, "audit");
  }
  if (jwk === null) throw new UsageError(`no signing key file ${file}; give --public-key FILE (GET /v1/keys) or --signing-key FILE`, "audit");
  return publicOf(jwk);
}

function publicOf(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}

/** The checkpoints of a `file:PATH` witness (JSON lines); a line that is not one is a problem, not a usage error. */
function readWitness(spec: string | undefined): { list: Checkpoint[]; unreadable: Problem[] } {
  if (spec === undefined) return { list: [], unreadable: [] };
  const path = spec.startsWith("file:") ? spec.slice("file:".length) : spec;
  if (spec.startsWith("webhook:"))
    throw new UsageError("--witness reads a file of checkpoints (file:PATH); keep what the webhook receives as JSON lines", "audit");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read the witness ${path}: ${(err as Error).message}`, "audit");
  }
  const list: Checkpoint[] = [];
  const unreadable: Problem[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const c = JSON.parse(line) as Checkpoint;
      if (typeof c.passport_id !== "string" || !Number.isSafeInteger(c.seq) || typeof c.hash !== "string" || typeof c.signature !== "string")
        throw new Error("not a checkpoint");
      list.push(c);
    } catch {
      unreadable.push({ passport_id: "", seq: 0, problem: "bad_checkpoint", detail: `${path}:${i + 1} is not a checkpoint` });
    }
  });
  return { list, unreadable };
}

function pretty(r: AuditVerifyReport): string {
  const out = [
    `checked ${r.records} audit records of ${r.passports} passport${r.passports === 1 ? "" : "s"} against ${r.checkpoints} checkpoint${r.checkpoints === 1 ? "" : "s"}`,
  ];
  for (const p of r.problems) out.push(`  ${p.passport_id || "(witness)"} seq ${p.seq}: ${p.problem}${p.detail ? ` — ${p.detail}` : ""}`);
  for (const m of r.mismatches)
    out.push(`  ${m.passport_id} ${m.counter}: the log gives ${JSON.stringify(m.expected)}, the store has ${JSON.stringify(m.found)}`);
  out.push(r.ok ? "ok: the log holds and the counters match it" : `FAILED: ${r.problems.length} log problem(s), ${r.mismatches.length} counter mismatch(es)`);
  return `${out.join("\n")}\n`;
}
