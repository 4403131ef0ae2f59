// The stateful enforcer (SPEC §7): counters, reservations, approvals, permits, emergency stop and a
// signed audit log around the single-shot engine. Every number and every decision comes from the
// WebAssembly module (evaluation and counter-state transitions); this class orchestrates,
// persists, signs and audits.

import type { JWK } from "jose";
import {
  type HostCrypto,
  type PayloadSigner,
  type SigningKey,
  type SigningKeyInput,
  canonicalJson,
  generateSigningKey,
  importSigningKey,
  payloadSigner,
  requestDigest,
} from "./signing";
import { AuditLog, type AuditInput, type AuditRecord } from "./audit";
import { MemoryStore } from "./memory-store";
import { changedPaths } from "./passport-diff";
import { NAMESPACES } from "./records";
import type { EnforcerErrorCode } from "./error-codes";
import type { AuditHead, CommitDoc, DocEntry, StateEntry, Store } from "./store";
import { randomId, iso } from "./ids";
import type {
  Actor,
  Approval,
  ApprovalAnswer,
  CallOptions,
  Channel,
  EnforceRequest,
  EnforcedDecision,
  PassportLimits,
  PassportState,
  PassportUpdate,
  Permit,
  ReportAnswer,
  ReportInput,
  WindowType,
} from "./types";
import type { Decision } from "../bindings/decision";
import type { Passport } from "../bindings/gen/types";
import type { Engine, Policy } from "../bindings/engine";
import type { SpendEvent, SpendRunway } from "../bindings/limits";
import type { RequestInput } from "../bindings/encode-request";
import { RequestError, WardenError } from "../bindings/errors";
import { loadEngine } from "../bindings/index";
import { Redactor } from "../bindings/redact";
import { CounterStates, type StateResult } from "../bindings/state";
import { parseTime, validateRequest } from "../bindings/validate";

export interface EnforcerOptions {
  store?: Store;
  /** Epoch ms; injected in tests. Default Date.now. */
  clock?: () => number;
  /** Ed25519 private JWK, CryptoKey or key pair; one is generated when absent. */
  signingKey?: SigningKeyInput;
  engine?: Engine;
  /** Expire pending approvals by timer as well as lazily at the next touch. Default true. */
  timers?: boolean;
  /** Sign decisions (default true). Turning it off is for measuring the cost of signing only. */
  signDecisions?: boolean;
  /**
   * Synchronous Ed25519 signing and SHA-256 from the host (the server passes node:crypto's); the
   * signatures are the same bytes. Default: WebCrypto, which every runtime has.
   */
  hostCrypto?: HostCrypto;
}

const NS_PASSPORTS = NAMESPACES.passports,
  NS_APPROVALS = NAMESPACES.approvals,
  NS_PERMITS = NAMESPACES.permits,
  NS_IDEM = NAMESPACES.idempotency;
/** action_ids are remembered at least this long (SPEC §10 "Idempotency"). */
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const MAX_CAS_ATTEMPTS = 1000;
/**
 * How long an answer that finds the reservation gone waits for the process that took it to close the
 * approval record (a state commit and a document write apart: milliseconds), and how often it looks.
 */
const APPROVAL_CLOSE_WAIT_MS = 2_000;
const APPROVAL_CLOSE_POLL_MS = 20;
/** Permits are stored this long (they expire after 30 s; a later report answers permit_expired). */
const PERMIT_TTL_MS = 3600_000;

/**
 * An error of the enforcer's own: unknown passport, conflicting action_id, lost CAS races, and
 * `forbidden_channel` — an operator act (approve, deny, pause, stop, resume, reset, register)
 * called on the agent channel (SPEC §11).
 */
export class EnforcerError extends WardenError<EnforcerErrorCode> {}

/** The channel of a call (SPEC §11); anything but "agent" or "operator" is a RequestError. */
function channelOf(opts: CallOptions | undefined): Channel {
  const channel = opts?.channel;
  if (channel === undefined || channel === "operator") return "operator";
  if (channel === "agent") return "agent";
  throw new RequestError({ code: "invalid_value", path: "channel", message: "unknown channel", expected: '"agent" | "operator"', found: String(channel) });
}

/** Operator acts refuse the agent channel: a prompt-injected agent must not lift its own limits. */
function operatorOnly(what: string, opts: CallOptions | undefined): void {
  if (channelOf(opts) === "agent") {
    throw new EnforcerError("forbidden_channel", `${what} is an operator act: the agent channel may not call it (SPEC §11)`);
  }
}

interface IdempotencyRecord {
  fingerprint: string;
  decision: EnforcedDecision;
}

/** What `onEvent` listeners receive: each audit record as appended (redacted, chained, signed). */
export type EnforcerEvent = AuditRecord;

export class Enforcer {
  // Compiled passports by id, with the version of the stored document each was compiled from.
  private readonly policies = new Map<string, { policy: Policy; version: number }>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly states: CounterStates;
  private readonly redactor: Redactor;
  private readonly audit: AuditLog;
  private readonly listeners = new Set<(event: EnforcerEvent) => void>();
  private readonly sign: PayloadSigner;

  private constructor(
    readonly engine: Engine,
    readonly store: Store,
    private readonly clock: () => number,
    private readonly key: SigningKey,
    private readonly useTimers: boolean,
    private readonly signDecisions: boolean,
    hostCrypto: HostCrypto | undefined,
  ) {
    this.states = new CounterStates(engine);
    this.redactor = new Redactor(engine);
    this.sign = payloadSigner(key, hostCrypto);
    this.audit = new AuditLog({ store, signingKey: key, hostCrypto });
  }

  static async create(opts: EnforcerOptions = {}): Promise<Enforcer> {
    const engine = opts.engine ?? (await loadEngine());
    const key = opts.signingKey ? await importSigningKey(opts.signingKey) : await generateSigningKey();
    return new Enforcer(engine, opts.store ?? new MemoryStore(), opts.clock ?? Date.now, key, opts.timers ?? true, opts.signDecisions ?? true, opts.hostCrypto);
  }

  /** The public key that verifies decision signatures and audit records. */
  get publicJwk(): JWK {
    return this.key.publicJwk;
  }

  // ---- passports -------------------------------------------------------------------------------

  /** Validates, compiles and stores a passport (it must have an `id`). */
  async register(passport: Passport | string, opts?: CallOptions): Promise<Policy> {
    operatorOnly("register", opts);
    const policy = this.engine.compile(passport);
    const id = policy.id;
    if (!id) throw new EnforcerError("missing_passport_id", "a passport needs an `id` to be enforced");
    await this.store.putDoc(NS_PASSPORTS, id, JSON.stringify(policy.passport));
    return policy;
  }

  /**
   * Updates a registered passport in place (docs/decisions.md "Passport updates"): the same
   * validation as `register`, a new `version`, the same id and issuer, the counters kept, and a
   * signed `update` audit record naming both versions and the changed paths. Operator channel only.
   * A `version` in `passport` is the version the caller edited: another one is `version_conflict`.
   * A failed update writes nothing.
   * @example const { version, changed } = await enforcer.updatePassport("pass_1", { ...passport, constraints: { "core:cost:max_per_day": 800 } });
   */
  async updatePassport(passportId: string, passport: Passport | string, opts?: CallOptions): Promise<PassportUpdate> {
    operatorOnly("update", opts);
    return this.replacePassport(passportId, "update", opts, (current) => {
      const next = (typeof passport === "string" ? JSON.parse(passport) : passport) as Record<string, unknown>;
      if (next === null || typeof next !== "object" || Array.isArray(next)) {
        throw new RequestError({ code: "invalid_type", path: "", message: "a passport is a JSON object", expected: "object", found: typeof next });
      }
      for (const field of ["id", "issuer_id", "trust_tier"] as const) {
        if (next[field] !== undefined && next[field] !== current[field]) {
          throw new EnforcerError(
            "immutable_field",
            `${field} cannot change in an update (it is ${JSON.stringify(current[field] ?? null)}); issue a new passport instead`,
          );
        }
      }
      if (next.version !== undefined && next.version !== (current.version ?? 1)) {
        throw new EnforcerError(
          "version_conflict",
          `you edited version ${String(next.version)} but the passport is at version ${String(current.version ?? 1)}: reload it and edit again`,
        );
      }
      const { version: _v, ...rest } = next;
      return {
        ...rest,
        id: current.id,
        ...(current.issuer_id !== undefined && { issuer_id: current.issuer_id }),
        ...(current.trust_tier !== undefined && { trust_tier: current.trust_tier }),
      };
    });
  }

  /**
   * Records a re-issue (the passport's proof-of-possession key was replaced by the caller, who keeps
   * the keys): the same constraints under a new `version`, and a signed `reissue` audit record with
   * the new and old key thumbprints. Counters are kept. Operator channel only.
   */
  async reissuePassport(
    passportId: string,
    keys: { key_thumbprint: string; previous_key_thumbprint: string | null },
    opts?: CallOptions,
  ): Promise<PassportUpdate> {
    operatorOnly("reissue", opts);
    return this.replacePassport(passportId, "reissue", opts, (current) => current, keys);
  }

  /** Reads, transforms, validates and writes the passport at its stored version (retried on a race), then audits. */
  private async replacePassport(
    pid: string,
    type: "update" | "reissue",
    opts: CallOptions | undefined,
    edit: (current: Record<string, unknown>) => Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<PassportUpdate> {
    return this.serial(pid, async () => {
      for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
        const doc = await this.store.getDoc(NS_PASSPORTS, pid);
        if (!doc) throw new EnforcerError("passport_not_found", `no passport ${pid}`);
        const current = JSON.parse(doc.json) as Record<string, unknown>;
        if (current.status === "revoked") throw new EnforcerError("passport_revoked", `passport ${pid} is revoked: issue a new one`);
        const from = typeof current.version === "number" ? current.version : 1;
        // Validation (and compilation) before any write: a bad passport changes nothing.
        const checked = this.engine.compile({ ...edit(current), version: from + 1 } as Passport);
        const stored = { ...checked.passport };
        const warnings = [...checked.warnings];
        // What the module decides on is what it is given: the compiled bytes before and after.
        const compiledBefore = (await this.policy(pid)).compiled;
        const moduleInputChanged = !sameBytes(compiledBefore, checked.compiled);
        checked.dispose();
        if (!(await this.store.putDoc(NS_PASSPORTS, pid, JSON.stringify(stored), { ifVersion: doc.version }))) continue;
        const changed = changedPaths(current, stored);
        const now = this.clock();
        const policy = await this.policy(pid);
        // (Not snapshotOf: its sweep queues behind this very call.)
        const pending = this.states.snapshot((await this.store.getState(pid))?.bytes ?? new Uint8Array(0), now).snapshot.pending_approval_id;
        // A hold is released when the module's input changed: not for metadata, names or foreign
        // namespaces, which it is never given (docs/decisions.md "Passport updates").
        const release = pending !== null && changed.length > 0 && moduleInputChanged;
        await this.record(pid, policy, {
          type,
          at: iso(now),
          from_version: from,
          to_version: from + 1,
          changed,
          released_approval_id: release ? pending : null,
          ...extra,
          ...actorFields(opts),
        });
        if (release) await this.releaseForUpdate(pid, policy, pending, now, opts?.actor);
        return { passport: stored, version: from + 1, previous_version: from, changed, warnings };
      }
      throw new EnforcerError("state_conflict", `could not update ${pid}: too many concurrent writers`);
    });
  }

  /**
   * A hold made under the old limits is not answered under the new ones: its reservation is
   * released and its approval closed as denied (`passport_updated`); the agent asks again and the
   * module decides under the new version (docs/decisions.md "Passport updates").
   */
  private async releaseForUpdate(pid: string, policy: Policy, approvalId: string, now: number, actor?: Actor): Promise<void> {
    const result = await this.mutate(pid, (bytes) => {
      const snap = this.states.snapshot(bytes, now);
      return snap.snapshot.pending_approval_id === approvalId ? merge(snap, this.states.release(snap.state, now, approvalId)) : snap;
    });
    const doc = await this.store.getDoc(NS_APPROVALS, approvalId);
    const approval = doc ? (JSON.parse(doc.json) as Approval) : null;
    if (approval?.status === "pending") await this.closeApproval(pid, policy, approval, "denied", "passport_updated", now, actor);
    await this.settleEvents(pid, result, now);
  }

  /**
   * The compiled passport as stored now: one changed by another node (a revocation) is recompiled
   * when its document's version moves. A replaced policy is not disposed: a request in flight may hold it.
   */
  async policy(passportId: string): Promise<Policy> {
    const doc = await this.store.getDoc(NS_PASSPORTS, passportId);
    if (!doc) throw new EnforcerError("passport_not_found", `no passport ${passportId}`);
    const cached = this.policies.get(passportId);
    if (cached?.version === doc.version) return cached.policy;
    const policy = this.engine.compile(doc.json);
    this.policies.set(passportId, { policy, version: doc.version });
    return policy;
  }

  /** The stored passport documents, sorted by id; with `issuer_id`, only that issuer's. */
  async listPassports(filter: { issuer_id?: string } = {}): Promise<Record<string, unknown>[]> {
    const all = (await this.store.listDocs(NS_PASSPORTS)).map((d) => JSON.parse(d.json) as Record<string, unknown>);
    return filter.issuer_id === undefined ? all : all.filter((p) => p.issuer_id === filter.issuer_id);
  }

  // ---- enforce ---------------------------------------------------------------------------------

  /** Decides one action, commits or reserves its cost, and returns the signed decision. */
  async enforce(input: EnforceRequest, opts?: CallOptions): Promise<EnforcedDecision> {
    channelOf(opts);
    if (typeof input !== "object" || input === null || typeof input.passport_id !== "string") {
      throw new RequestError({
        code: "invalid_type",
        path: "passport_id",
        message: "passport_id is required",
        expected: "string",
        found: typeof input?.passport_id,
      });
    }
    const { passport_id: pid, ...rest } = input;
    if (rest.target === null) delete rest.target; // null is no target: the same decision and idempotency fingerprint as absent
    const req = validateRequest(rest) as RequestInput;
    // A store with `commit` gets each decision as one atomic write. Without it (or for a passport id
    // that commit cannot prefix: empty or containing "/"), the parts are written one by one.
    const atomic = this.store.commit !== undefined && pid !== "" && !pid.includes("/");
    return this.serial(pid, async () => {
      const now = this.clock();
      // The passport as stored now (so a revocation by another node applies at once) and the
      // counter state are read together: one round trip to Redis instead of two.
      const [policy, entry] = await Promise.all([this.policy(pid), this.store.getState(pid)]);
      // Only a request with an action_id is remembered, so only it needs a fingerprint.
      const fingerprint = req.action_id === undefined ? "" : canonicalJson(rest);
      if (req.action_id !== undefined) {
        const seen = await this.recall(pid, req.action_id, fingerprint, now);
        if (seen) return seen;
      }
      if (atomic) return this.decideAndCommit(pid, policy, req, fingerprint, now, entry);
      // The sequential path: counter state, approval or permit, audit record, idempotency record,
      // each atomic on its own. A crash between two of them can leave a counted cost without its
      // audit record or idempotency record (a retry then counts again), and two processes deciding
      // the same action_id at once both count it: the second idempotency write just fails.
      const { decision, result, approvalId } = await this.decide(pid, policy, req, now, entry);
      const signed = await this.finish(pid, policy, req, decision, result, approvalId, now);
      if (req.action_id !== undefined) {
        const rec: IdempotencyRecord = { fingerprint, decision: signed };
        await this.store.putDoc(NS_IDEM, `${pid}/${req.action_id}`, JSON.stringify(rec), { ifAbsent: true, ttlMs: IDEMPOTENCY_TTL_MS, now });
      }
      return signed;
    });
  }

  /**
   * The atomic path: builds the whole outcome (decision, permit, signed decision, its sealed audit
   * record, the idempotency record) and writes counter state, idempotency record, audit record and
   * permit in ONE `Store.commit` (one transaction per decision on SQLite). A conflict writes
   * nothing: a moved state is re-read and decided again (as `mutate` does), a moved audit head is
   * re-read and the record sealed again, and an idempotency record that now exists means another
   * request with this action_id (another node, a client's retry) won, so its decision is the
   * answer and nothing is counted twice.
   */
  private async decideAndCommit(
    pid: string,
    policy: Policy,
    req: RequestInput,
    fingerprint: string,
    now: number,
    read: StateEntry | null,
  ): Promise<EnforcedDecision> {
    const approvalId = randomId("apr");
    const cost = req.cost_cents ?? 0;
    let entry = read;
    let head = await this.audit.startHead(pid);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const snap = this.states.snapshot(entry?.bytes ?? new Uint8Array(0), now);
      if (snap.status === "bad_state") throw new EnforcerError("bad_state", `the stored counter state of ${pid} is unreadable`);
      if (snap.expired ?? snap.released) {
        // A pending approval expired (or was released) in this state: store that first and close
        // its record, so its audit record precedes this decision's, as on the sequential path. The
        // decision is then made on the state as stored (the snapshot of a normalised state is itself).
        if (await this.store.casState(pid, entry?.version ?? null, snap.state)) {
          await this.settleEvents(pid, snap, now);
          [entry, head] = await Promise.all([this.store.getState(pid), this.audit.startHead(pid)]);
        } else {
          [entry, head] = await Promise.all([this.store.getState(pid), this.audit.readHead(pid)]);
        }
        continue;
      }
      const decision = policy.evaluateValidated(req, snap.snapshot, now, false);
      const result = this.transition(snap, decision, now, cost, approvalId);
      if (result.status === "bad_state") throw new EnforcerError("bad_state", `the stored counter state of ${pid} is unreadable`);

      const { out, permit } = this.outcome(pid, req, decision, approvalId, result.resets, now);
      const signed = await this.signOutcome(out);
      const sealed = await this.audit.seal(pid, this.redacted(policy, this.decisionRecord(req, decision, out, now)), head);
      const docs: CommitDoc[] =
        req.action_id === undefined
          ? []
          : [
              {
                ns: NS_IDEM,
                key: `${pid}/${req.action_id}`,
                json: JSON.stringify({ fingerprint, decision: signed } satisfies IdempotencyRecord),
                opts: { ifAbsent: true, ttlMs: IDEMPOTENCY_TTL_MS, now },
              },
            ];
      const done = await this.store.commit!(pid, {
        state: { expectedVersion: entry?.version ?? null, bytes: result.state },
        docs,
        audit: { seq: sealed.record.seq, json: sealed.json, hash: sealed.record.hash },
        // The permit is keyed by its token (an agent reports with the token alone), not by
        // `passportId/…`, so it is a loose document: written in the same transaction (SQLite,
        // memory), or just before the script (Redis). Either way no decision is committed without
        // its permit, and a permit is never left for an uncounted cost that anyone holds a token for.
        loose: permit ? [{ ns: NS_PERMITS, key: permit.token, json: JSON.stringify(permit), opts: { ttlMs: PERMIT_TTL_MS, now } }] : [],
      });
      if (done.ok) {
        this.audit.committed(sealed.record);
        // The approval is keyed by its own id (`apr_…`, looked up by id alone), not `passportId/…`, so
        // it cannot join the batch (on Redis it lives in another slot). It is written after the commit,
        // as it was after the counter state before: a crash in between leaves a reservation without
        // its approval record, which expires with the reservation after 5 minutes.
        if (decision.decision === "request_hold") await this.openApproval(pid, policy, req, out.decision_id, decision, approvalId, now);
        this.notify(sealed.record);
        if (result.tripped) await this.recordTrip(pid, policy, out.decision_id, now);
        return signed;
      }
      if (done.docs.length > 0) {
        // Another request with this action_id committed first: its decision is the answer.
        const seen = await this.recall(pid, req.action_id!, fingerprint, now);
        if (seen) return seen;
      }
      if (done.state || done.docs.length > 0) [entry, head] = await Promise.all([this.store.getState(pid), this.audit.readHead(pid)]);
      else head = await this.audit.readHead(pid);
    }
    throw new EnforcerError("state_conflict", `could not update ${pid}: too many concurrent writers`);
  }

  /** A repeated action_id returns the first decision; the same id with another request is an error. */
  private async recall(pid: string, actionId: string, fingerprint: string, now: number): Promise<EnforcedDecision | null> {
    const doc = await this.store.getDoc(NS_IDEM, `${pid}/${actionId}`, { now });
    if (!doc) return null;
    const rec = JSON.parse(doc.json) as IdempotencyRecord;
    if (rec.fingerprint !== fingerprint) {
      throw new EnforcerError("action_id_conflict", `action_id ${actionId} was already used for a different request`);
    }
    return rec.decision;
  }

  /** Snapshot → evaluate → commit (allow) or reserve (hold), retried until the store's CAS holds. */
  private async decide(pid: string, policy: Policy, req: RequestInput, now: number, entry: StateEntry | null) {
    const approvalId = randomId("apr");
    let decision!: Decision;
    const result = await this.mutate(
      pid,
      (bytes) => {
        const snap = this.states.snapshot(bytes, now);
        decision = policy.evaluateValidated(req, snap.snapshot, now, false);
        return this.transition(snap, decision, now, req.cost_cents ?? 0, approvalId);
      },
      true,
      entry,
    );
    return { decision, result, approvalId };
  }

  /**
   * The state transition the module's verdict calls for: allow → commit, hold → reserve, a block
   * for paused enforcement → a fail-closed trip (the module sets `paused_by: fail_closed` only when
   * no pause is in force, and reports `tripped` then), any other block → the snapshot as it is.
   */
  private transition(snap: StateResult, decision: Decision, now: number, cost: number, approvalId: string): StateResult {
    if (decision.decision === "allow") return merge(snap, this.states.commit(snap.state, now, cost));
    if (decision.decision === "request_hold") return merge(snap, this.states.reserve(snap.state, now, cost, approvalId));
    if (decision.reason === "enforcement_paused") return merge(snap, this.states.trip(snap.state, now));
    return snap;
  }

  /**
   * Fail-closed without traffic (`warden serve`'s timer, SPEC §11): trips every passport whose agent
   * went silent — the module, asked about a probe request at `now`, blocks it for want of a fresh
   * heartbeat — so the operator hears of it once, even if the agent never sends another request.
   * A passport never heartbeated, or revoked, is left alone (docs/decisions.md "Fail-closed timer").
   * Only the writer whose compare-and-swap sets the pause records it, so several processes sharing a
   * store notify once. Returns the ids tripped by this call.
   */
  async tripSilent(): Promise<string[]> {
    const tripped: string[] = [];
    for (const doc of await this.listPassports()) {
      const pid = doc.id;
      if (typeof pid !== "string" || doc.status === "revoked") continue;
      try {
        if (await this.tripIfSilent(pid)) tripped.push(pid);
      } catch {
        /* one unreadable passport must not stop the sweep of the others */
      }
    }
    return tripped;
  }

  private async tripIfSilent(pid: string): Promise<boolean> {
    const policy = await this.policy(pid);
    const due = (bytes: Uint8Array, now: number): StateResult | null => {
      const snap = this.states.snapshot(bytes, now);
      if (snap.snapshot.last_heartbeat_at === null || snap.snapshot.enforcement_paused) return null;
      const d = policy.evaluateValidated(SILENCE_PROBE, snap.snapshot, now, false);
      return d.decision === "block" && d.reason === "enforcement_paused" ? merge(snap, this.states.trip(snap.state, now)) : null;
    };
    // A read first: most passports are not due, and writing each one on every tick would be wasteful.
    const entry = await this.store.getState(pid);
    if (due(entry?.bytes ?? new Uint8Array(0), this.clock()) === null) return false;
    return this.serial(pid, async () => {
      const now = this.clock();
      let decided = false;
      const result = await this.mutate(pid, (bytes) => {
        const next = due(bytes, now);
        decided = next !== null;
        return next ?? this.states.snapshot(bytes, now);
      });
      await this.settleEvents(pid, result, now);
      if (!decided || !result.tripped) return false;
      await this.record(pid, policy, { type: "pause", at: iso(now), paused_by: "fail_closed", reason: "heartbeat_stale" });
      return true;
    });
  }

  /** A fail-closed trip paused enforcement: one `pause` record, which notifies listeners (the operator) once. */
  private async recordTrip(pid: string, policy: Policy, decisionId: string, now: number): Promise<void> {
    await this.record(pid, policy, { type: "pause", at: iso(now), paused_by: "fail_closed", decision_id: decisionId });
  }

  private async finish(
    pid: string,
    policy: Policy,
    req: RequestInput,
    decision: Decision,
    result: StateResult,
    approvalId: string,
    now: number,
  ): Promise<EnforcedDecision> {
    await this.settleEvents(pid, result, now);
    const { out, permit } = this.outcome(pid, req, decision, approvalId, result.resets, now);
    if (decision.decision === "request_hold") await this.openApproval(pid, policy, req, out.decision_id, decision, approvalId, now);
    if (permit) await this.putPermit(permit, now);
    const signed = await this.signOutcome(out);
    await this.record(pid, policy, this.decisionRecord(req, decision, out, now));
    if (result.tripped) await this.recordTrip(pid, policy, out.decision_id, now);
    return signed;
  }

  /** The decision as the enforcer answers it (ids, time, the approval id or the permit), and the permit of an allow. */
  private outcome(
    pid: string,
    req: RequestInput,
    decision: Decision,
    approvalId: string,
    resets: number,
    now: number,
  ): { out: Omit<EnforcedDecision, "signature">; permit: Permit | null } {
    const out: Omit<EnforcedDecision, "signature"> = {
      ...decision,
      decision_id: randomId("dec"),
      passport_id: pid,
      action_id: req.action_id ?? null,
      at: iso(now),
    };
    let permit: Permit | null = null;
    if (decision.decision === "request_hold") {
      out.approval_request_id = approvalId;
    } else if (decision.decision === "allow") {
      permit = this.newPermit(pid, req.action, req.cost_cents ?? 0, out.decision_id, now, resets, now);
      out.permit_token = permit.token;
      out.permit_expires_at = iso(permit.expires_at);
    }
    return { out, permit };
  }

  private async signOutcome(out: Omit<EnforcedDecision, "signature">): Promise<EnforcedDecision> {
    return { ...out, signature: this.signDecisions ? await this.sign(out) : "" };
  }

  /** The audit input of a decision (before redaction). */
  private decisionRecord(req: RequestInput, decision: Decision, out: Omit<EnforcedDecision, "signature">, now: number): AuditInput {
    return {
      type: "decision",
      at: iso(now),
      decision_id: out.decision_id,
      action_id: out.action_id,
      request: { action: req.action, cost_cents: req.cost_cents ?? 0, target: req.target ?? null, context: req.context ?? null },
      decision: decision.decision,
      reason: decision.reason,
      rule: decision.rule,
      holds: decision.holds.map((h) => h.rule),
      approval_request_id: out.approval_request_id ?? null,
      permit_issued: out.permit_token !== undefined,
      // heartbeat_stale and ignored keys: the dashboard's feed shows them (issue #17).
      ...(decision.warnings.length > 0 && { warnings: decision.warnings }),
    };
  }

  // ---- approvals -------------------------------------------------------------------------------

  private async openApproval(pid: string, policy: Policy, req: RequestInput, decisionId: string, decision: Decision, id: string, now: number): Promise<void> {
    const approval: Approval = {
      id,
      passport_id: pid,
      agent_name: (policy.passport.agent_name as string | undefined) ?? null,
      decision_id: decisionId,
      action: req.action,
      cost_cents: req.cost_cents ?? 0,
      target: req.target ?? null,
      holds: decision.holds.map((h) => h.rule),
      request_digest: await requestDigest(req),
      status: "pending",
      created_at: iso(now),
      expires_at: iso(this.engine.deadline("approval", now)),
      decided_at: null,
      outcome_reason: null,
    };
    await this.store.putDoc(NS_APPROVALS, id, JSON.stringify(approval));
    if (this.useTimers) this.scheduleExpiry(pid, this.engine.deadline("approval", now) - now);
  }

  private scheduleExpiry(pid: string, delayMs: number): void {
    const t = setTimeout(
      () => {
        this.timers.delete(t);
        this.sweep(pid).catch(() => undefined);
      },
      Math.max(0, delayMs) + 10,
    );
    (t as { unref?: () => void }).unref?.();
    this.timers.add(t);
  }

  /** Lazily expires what is due for a passport (the state module releases the reservation). */
  async sweep(pid: string): Promise<void> {
    await this.serial(pid, async () => {
      const now = this.clock();
      const result = await this.mutate(pid, (bytes) => this.states.snapshot(bytes, now), true);
      await this.settleEvents(pid, result, now);
    });
  }

  /** An approval by id, expired first if due. Agents may read it (the status of their own approvals). */
  async getApproval(id: string, opts?: CallOptions): Promise<Approval | null> {
    channelOf(opts);
    const doc = await this.store.getDoc(NS_APPROVALS, id);
    if (!doc) return null;
    const approval = JSON.parse(doc.json) as Approval;
    if (approval.status === "pending") {
      await this.sweep(approval.passport_id);
      const fresh = await this.store.getDoc(NS_APPROVALS, id);
      return fresh ? (JSON.parse(fresh.json) as Approval) : null;
    }
    return approval;
  }

  /** Pending approvals of one passport, or of every registered passport. */
  async listPendingApprovals(passportId?: string, opts?: CallOptions): Promise<Approval[]> {
    // Every passport's approvals is an operator's view; one passport's is its agent's too.
    if (passportId === undefined) operatorOnly("listing every passport's approvals", opts);
    else channelOf(opts);
    const ids = passportId ? [passportId] : (await this.store.listDocs(NS_PASSPORTS)).map((d) => d.key);
    const out: Approval[] = [];
    for (const pid of ids) {
      const snap = await this.snapshotOf(pid);
      if (snap.snapshot.pending_approval_id) {
        const a = await this.getApproval(snap.snapshot.pending_approval_id);
        if (a?.status === "pending") out.push(a);
      }
    }
    return out;
  }

  /** A human says yes: re-checks stop, revocation and expiry, commits the reservation, issues a permit. */
  async approve(id: string, opts?: CallOptions): Promise<ApprovalAnswer> {
    operatorOnly("approve", opts);
    return this.answer(id, true, opts?.actor);
  }

  /** A human says no: the reservation is released. */
  async deny(id: string, opts?: CallOptions): Promise<ApprovalAnswer> {
    operatorOnly("deny", opts);
    return this.answer(id, false, opts?.actor);
  }

  private async answer(id: string, yes: boolean, actor?: Actor): Promise<ApprovalAnswer> {
    const doc = await this.store.getDoc(NS_APPROVALS, id);
    if (!doc) return { status: "not_found", permit: false };
    const pid = (JSON.parse(doc.json) as Approval).passport_id;
    const policy = await this.policy(pid);
    return this.serial(pid, async () => {
      const now = this.clock();
      const approval = JSON.parse((await this.store.getDoc(NS_APPROVALS, id))!.json) as Approval;
      let refusal: string | null = null;
      let lost = false;
      const result = await this.mutate(
        pid,
        (bytes) => {
          const snap = this.states.snapshot(bytes, now);
          refusal = null;
          lost = snap.snapshot.pending_approval_id !== id;
          if (lost) return snap;
          if (yes) {
            const check = policy.evaluateValidated({ action: approval.action, cost_cents: approval.cost_cents }, snap.snapshot, now, false, "approval_recheck");
            if (check.decision === "block") refusal = check.reason;
          }
          return merge(snap, yes && refusal === null ? this.states.approve(snap.state, now, id) : this.states.release(snap.state, now, id));
        },
        true,
      );
      await this.settleEvents(pid, result, now);
      let currentDoc = (await this.store.getDoc(NS_APPROVALS, id))!;
      let current = JSON.parse(currentDoc.json) as Approval;
      if (current.status === "pending" && lost) {
        // The counter state no longer holds this reservation. Another process may be answering it
        // right now (its state transition commits before it closes the record): wait for that close.
        // Only a record still pending after the wait (its writer died, or the reservation expired
        // unrecorded) is closed as expired here, by compare-and-set, so it never overwrites an answer.
        currentDoc = await this.awaitClosed(id, currentDoc);
        current = JSON.parse(currentDoc.json) as Approval;
        if (current.status === "pending") {
          await this.closeApproval(pid, policy, current, "expired", this.noAnswerReason(), now, undefined, currentDoc.version);
          current = JSON.parse((await this.store.getDoc(NS_APPROVALS, id))!.json) as Approval;
        }
      }
      if (current.status !== "pending") return { status: current.status, permit: false, reason: current.outcome_reason ?? undefined };
      if (result.status !== "ok") return { status: current.status, permit: false };
      const approved = yes && refusal === null;
      const answer: ApprovalAnswer = { status: approved ? "approved" : "denied", permit: approved };
      if (refusal !== null) answer.reason = refusal;
      // The record is closed by compare-and-set on the version read as pending: of two answers racing
      // (two processes, SPEC §11), one closes it and the other reports what the record says.
      const closed = await this.closeApproval(
        pid,
        policy,
        current,
        answer.status as Approval["status"],
        refusal ?? (approved ? "approved" : "denied"),
        now,
        actor,
        currentDoc.version,
      );
      if (!closed) {
        const latest = JSON.parse((await this.store.getDoc(NS_APPROVALS, id))!.json) as Approval;
        return { status: latest.status, permit: false, reason: latest.outcome_reason ?? undefined };
      }
      if (approved) {
        const permit = this.newPermit(pid, approval.action, approval.cost_cents, approval.decision_id, now, result.resets, now);
        if (approval.request_digest !== undefined) permit.request_digest = approval.request_digest;
        await this.putPermit(permit, now);
        answer.permit_token = permit.token;
        answer.permit_expires_at = iso(permit.expires_at);
        if (permit.request_digest !== undefined) answer.request_digest = permit.request_digest;
      }
      return answer;
    });
  }

  /** The approval record once it is no longer pending, or as it is after APPROVAL_CLOSE_WAIT_MS. */
  private async awaitClosed(id: string, doc: DocEntry): Promise<DocEntry> {
    for (let waited = 0; waited < APPROVAL_CLOSE_WAIT_MS; waited += APPROVAL_CLOSE_POLL_MS) {
      await new Promise((r) => setTimeout(r, APPROVAL_CLOSE_POLL_MS));
      const fresh = await this.store.getDoc(NS_APPROVALS, id);
      if (!fresh) return doc;
      doc = fresh;
      if ((JSON.parse(fresh.json) as Approval).status !== "pending") return fresh;
    }
    return doc;
  }

  /**
   * Closes a pending approval record and writes its audit record. With `ifVersion` (the version
   * read as pending) the close is a compare-and-set: returns false, writing nothing, when another
   * writer closed it first.
   */
  private async closeApproval(
    pid: string,
    policy: Policy | null,
    a: Approval,
    status: Approval["status"],
    reason: string,
    now: number,
    actor?: Actor,
    ifVersion?: number,
  ): Promise<boolean> {
    const who = actor ? { answered_by: actor.by, channel: actor.channel } : {};
    const closed: Approval = { ...a, status, decided_at: iso(now), outcome_reason: reason, ...who };
    if (!(await this.store.putDoc(NS_APPROVALS, a.id, JSON.stringify(closed), ifVersion === undefined ? {} : { ifVersion }))) return false;
    await this.record(pid, policy, { type: "approval", at: iso(now), approval_id: a.id, status, reason, action: a.action, cost_cents: a.cost_cents, ...who });
    return true;
  }

  /** Approvals that the state module expired or released during a transition get their records closed. */
  private async settleEvents(pid: string, result: StateResult, now: number): Promise<void> {
    const ev = result.expired ?? result.released;
    if (!ev) return;
    const doc = await this.store.getDoc(NS_APPROVALS, ev.id);
    if (!doc) return;
    const a = JSON.parse(doc.json) as Approval;
    if (a.status !== "pending") return;
    const policy = this.policies.get(pid)?.policy ?? null;
    if (result.expired) await this.closeApproval(pid, policy, a, "expired", this.noAnswerReason(), now, undefined, doc.version);
    else await this.closeApproval(pid, policy, a, "denied", "emergency_stopped", now, undefined, doc.version);
  }

  /** The reason an unanswered approval closes with, from the module's approval lifetime. */
  private noAnswerReason(): string {
    return `no answer within ${this.engine.lifetimes.approval_ms / 60_000} minutes`;
  }

  // ---- permits ---------------------------------------------------------------------------------

  /** `committedResets`: the reset generation of the state the cost was committed in (for the true-up). */
  private async issuePermit(
    pid: string,
    action: string,
    cost: number,
    decisionId: string,
    committedAt: number,
    committedResets: number,
    now: number,
  ): Promise<Permit> {
    const permit = this.newPermit(pid, action, cost, decisionId, committedAt, committedResets, now);
    await this.putPermit(permit, now);
    return permit;
  }

  private async putPermit(permit: Permit, now: number): Promise<void> {
    await this.store.putDoc(NS_PERMITS, permit.token, JSON.stringify(permit), { ttlMs: PERMIT_TTL_MS, now });
  }

  private newPermit(pid: string, action: string, cost: number, decisionId: string, committedAt: number, committedResets: number, now: number): Permit {
    return {
      token: randomId("pmt"),
      passport_id: pid,
      action,
      cost_cents: cost,
      decision_id: decisionId,
      committed_at: committedAt,
      committed_resets: committedResets,
      issued_at: now,
      expires_at: this.engine.deadline("permit", now),
    };
  }

  /** A live permit by its token, without using it (null when unknown, used or gone). */
  async getPermit(token: string): Promise<Permit | null> {
    const doc = await this.store.getDoc(NS_PERMITS, token, { now: this.clock() });
    return doc ? (JSON.parse(doc.json) as Permit) : null;
  }

  /**
   * Closes the audit loop for a permit; an actual cost trues up the committed spend. From the agent
   * channel an actual cost may raise the committed cost, never lower it: a lower claim is recorded
   * as `claimed_actual_cost_cents` and the counted spend stays (SPEC §11).
   */
  async report(input: ReportInput, opts?: CallOptions): Promise<ReportAnswer> {
    const channel = channelOf(opts);
    if (typeof input?.permit_token !== "string") {
      throw new RequestError({
        code: "invalid_type",
        path: "permit_token",
        message: "permit_token is required",
        expected: "string",
        found: typeof input?.permit_token,
      });
    }
    const actual = input.actual_cost_cents;
    if (actual !== undefined && !(Number.isSafeInteger(actual) && actual >= 0)) {
      throw new RequestError({
        code: "out_of_range",
        path: "actual_cost_cents",
        message: "actual_cost_cents must be integer cents",
        expected: "integer cents, 0 ≤ n ≤ 2^53−1",
        found: String(actual),
      });
    }
    const now = this.clock();
    const doc = await this.store.takeDoc(NS_PERMITS, input.permit_token, { now });
    if (!doc) return { accepted: false, reason: "unknown_or_used_permit" };
    const permit = JSON.parse(doc.json) as Permit;
    if (now >= permit.expires_at) return { accepted: false, reason: "permit_expired" };
    // A permit is bound to its passport and action: a report that names others is refused.
    if (
      (input.passport_id !== undefined && input.passport_id !== permit.passport_id) ||
      (input.action !== undefined && !this.engine.sameAction(input.action, permit.action))
    ) {
      return { accepted: false, reason: "permit_mismatch" };
    }
    const pid = permit.passport_id;
    try {
      const policy = await this.policy(pid);
      return await this.serial(pid, async () => {
        const reportRecord = (kept: boolean): AuditInput => {
          const rec: AuditInput = {
            type: "permit_report",
            at: iso(now),
            decision_id: permit.decision_id,
            action: permit.action,
            success: input.success === true,
            result: input.result ?? null,
            committed_cost_cents: permit.cost_cents,
            actual_cost_cents: kept ? null : (actual ?? null),
            channel,
          };
          if (kept) rec.claimed_actual_cost_cents = actual;
          return rec;
        };
        let kept = false;
        if (actual !== undefined && actual !== permit.cost_cents) {
          // The true-up and its permit_report record are one store commit (issue 15): a failure
          // writing the record leaves the counted spend as it was, never a refund without a record.
          const result = await this.mutateRecorded(
            pid,
            policy,
            (bytes) => this.states.trueUp(bytes, now, permit.committed_at, permit.committed_resets, permit.cost_cents, actual, channel === "agent"),
            (r) => reportRecord(r.status === "kept"),
          );
          kept = result.status === "kept";
          await this.settleEvents(pid, result, now);
        } else {
          await this.record(pid, policy, reportRecord(false));
        }
        return kept ? { accepted: true, claimed_actual_cost_cents: actual } : { accepted: true };
      });
    } catch (err) {
      // Nothing was applied: the permit is given back, so the same report can be sent again.
      await this.store.putDoc(NS_PERMITS, permit.token, doc.json, { ifAbsent: true, ttlMs: Math.max(1, permit.expires_at - now), now }).catch(() => false);
      throw err;
    }
  }

  /**
   * `mutate` whose new state and audit record (made from the transition's result) are written by
   * one `Store.commit`, retried on conflict; a store without `commit` writes them one after the other.
   */
  private async mutateRecorded(
    pid: string,
    policy: Policy | null,
    fn: (bytes: Uint8Array) => StateResult,
    recordOf: (r: StateResult) => AuditInput,
  ): Promise<StateResult> {
    if (this.store.commit === undefined || pid === "" || pid.includes("/")) {
      const result = await this.mutate(pid, fn);
      await this.record(pid, policy, recordOf(result));
      return result;
    }
    let head = await this.audit.startHead(pid);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const entry = await this.store.getState(pid);
      const result = fn(entry?.bytes ?? new Uint8Array(0));
      if (result.status === "bad_state") throw new EnforcerError("bad_state", `the stored counter state of ${pid} is unreadable`);
      const sealed = await this.audit.seal(pid, this.redacted(policy, recordOf(result)), head);
      const done = await this.store.commit(pid, {
        state: { expectedVersion: entry?.version ?? null, bytes: result.state },
        audit: { seq: sealed.record.seq, json: sealed.json, hash: sealed.record.hash },
      });
      if (done.ok) {
        this.audit.committed(sealed.record);
        this.notify(sealed.record);
        return result;
      }
      head = await this.audit.readHead(pid);
    }
    throw new EnforcerError("state_conflict", `could not update ${pid}: too many concurrent writers`);
  }

  // ---- operator acts ---------------------------------------------------------------------------

  /** Records a heartbeat; it lifts a fail-closed pause, never an operator's (SPEC §11). Agents may send it. */
  async heartbeat(passportId: string, opts?: CallOptions): Promise<{ ok: boolean }> {
    channelOf(opts);
    return this.operate(passportId, (bytes, now) => this.states.heartbeat(bytes, now), null);
  }

  /** An operator's pause: every request is blocked until an operator's `resume` (SPEC §11). */
  async pause(passportId: string, opts?: CallOptions): Promise<{ ok: boolean }> {
    operatorOnly("pause", opts);
    return this.operate(passportId, (bytes, now) => this.states.pause(bytes, now), "pause", { paused_by: "operator" });
  }

  /** Denies the pending approval, releases its reservation, blocks every later request, writes PANIC. */
  async emergencyStop(passportId: string, opts?: CallOptions): Promise<{ ok: boolean }> {
    operatorOnly("emergency stop", opts);
    return this.operate(passportId, (bytes, now) => this.states.emergencyStop(bytes, now), "panic", actorFields(opts));
  }

  /** Lifts an emergency stop and a pause of either kind. */
  async resume(passportId: string, opts?: CallOptions): Promise<{ ok: boolean }> {
    operatorOnly("resume", opts);
    return this.operate(passportId, (bytes, now) => this.states.resume(bytes, now), "resume", actorFields(opts));
  }

  async resetWindow(passportId: string, windowType: WindowType, opts?: CallOptions): Promise<{ ok: boolean }> {
    operatorOnly("reset", opts);
    return this.operate(passportId, (bytes, now) => this.states.reset(bytes, now, windowType), "reset", { window_type: windowType });
  }

  private async operate(
    pid: string,
    op: (bytes: Uint8Array, now: number) => StateResult,
    audit: AuditInput["type"] | null,
    extra: Record<string, unknown> = {},
  ): Promise<{ ok: boolean }> {
    const policy = await this.policy(pid);
    return this.serial(pid, async () => {
      const now = this.clock();
      const result = await this.mutate(pid, (bytes) => op(bytes, now));
      await this.settleEvents(pid, result, now);
      if (audit) await this.record(pid, policy, { type: audit, at: iso(now), ...extra });
      return { ok: result.status === "ok" };
    });
  }

  /** The SPEC §6 snapshot at now, the passport's limits and when each window resets. */
  async state(passportId: string, opts?: CallOptions): Promise<PassportState> {
    channelOf(opts);
    const policy = await this.policy(passportId);
    const now = this.clock();
    const snap = (await this.snapshotOf(passportId)).snapshot;
    const { pending_created_at: _p, last_action_at, last_heartbeat_at, ...rest } = snap;
    const constraints = (policy.passport.constraints ?? {}) as Record<string, unknown>;
    const limits: Record<string, number> = {};
    for (const [k, v] of Object.entries(constraints)) if (typeof v === "number") limits[k] = v;
    const resets = this.states.windowResets(now);
    return {
      passport_id: passportId,
      ...rest,
      last_action_at: last_action_at === null ? null : iso(last_action_at),
      last_heartbeat_at: last_heartbeat_at === null ? null : iso(last_heartbeat_at),
      limits,
      window_resets_at: { daily: iso(resets.daily), weekly: iso(resets.weekly), monthly: iso(resets.monthly) },
    };
  }

  /** The passport's limits at now as the module computes them (PassportLimits): one source for every view. */
  async limits(passportId: string): Promise<PassportLimits> {
    const policy = await this.policy(passportId);
    const now = this.clock();
    const snap = (await this.snapshotOf(passportId)).snapshot;
    const hb = snap.last_heartbeat_at;
    const staleAt = hb === null ? null : this.engine.deadline("heartbeat", hb);
    return {
      passport_id: passportId,
      at: iso(now),
      ...policy.spendCaps(snap),
      heartbeat_fresh: staleAt !== null && now < staleAt,
      heartbeat_stale_at: staleAt === null ? null : iso(staleAt),
      lifetimes: this.engine.lifetimes,
    };
  }

  /**
   * Budget runway (issue #17): per spending window, when its cap runs out at the pace of the last 7
   * days, as the module projects it. The spends are read from the passport's last
   * `RUNWAY_RECORDS` audit records — allowed decisions, approved approvals, and true-ups as the
   * committed cost taken back and the actual one added — and passed as they are.
   */
  async runway(passportId: string): Promise<SpendRunway & { passport_id: string; at: string }> {
    const policy = await this.policy(passportId);
    const snap = (await this.snapshotOf(passportId)).snapshot;
    const now = this.clock();
    const events: SpendEvent[] = [];
    for (const r of await this.auditTail(passportId, RUNWAY_RECORDS)) events.push(...spendsOf(r));
    return { passport_id: passportId, at: iso(now), ...policy.spendRunway(snap, now, events) };
  }

  private async snapshotOf(pid: string): Promise<StateResult> {
    await this.sweep(pid);
    const entry = await this.store.getState(pid);
    return this.states.snapshot(entry?.bytes ?? new Uint8Array(0), this.clock());
  }

  // ---- audit -----------------------------------------------------------------------------------

  auditLog(passportId: string): AsyncIterable<AuditRecord> {
    return this.audit.records(passportId);
  }

  /** The passport's counter state exactly as the store holds it (not swept), for `warden audit verify` to recount against. */
  async storedState(passportId: string): Promise<Uint8Array> {
    return (await this.store.getState(passportId))?.bytes ?? new Uint8Array(0);
  }

  /** The last audit record's seq and hash (the head `verifyAuditLog` expects), or null before the first. */
  attestationHead(passportId: string): Promise<AuditHead | null> {
    return this.audit.head(passportId);
  }

  /** The passport's audit records from `fromSeq`, each exactly as stored (canonical JSON), for export. */
  async *attestationJson(passportId: string, fromSeq = 1): AsyncIterable<string> {
    for await (const e of this.store.readAudit(passportId, fromSeq)) yield e.json;
  }

  /** The passport's newest `count` audit records, oldest first (from the store: other processes' too). */
  async auditTail(passportId: string, count: number): Promise<AuditRecord[]> {
    const head = await this.audit.head(passportId);
    if (!head) return [];
    const out: AuditRecord[] = [];
    for await (const r of this.audit.records(passportId, Math.max(1, head.seq - count + 1))) out.push(r);
    return out;
  }

  /** Calls `listener` after each audit record this process appends (dashboards, notifiers); returns an unsubscribe. */
  onEvent(listener: (event: EnforcerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Secrets are always redacted from what is stored; PII too with core:data:redact_pii_in_logs. */
  private async record(pid: string, policy: Policy | null, input: AuditInput): Promise<void> {
    this.notify(await this.audit.append(pid, this.redacted(policy, input)));
  }

  private redacted(policy: Policy | null, input: AuditInput): AuditInput {
    const constraints = (policy?.passport.constraints ?? {}) as Record<string, unknown>;
    return this.redactor.redactValue(input, constraints["core:data:redact_pii_in_logs"] === true);
  }

  private notify(stored: AuditRecord): void {
    // A listener's failure must never fail the decision it observes.
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch {
        /* ignored */
      }
    }
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** Runs the passport's operations one at a time in this process; other processes are settled by CAS. */
  private serial<T>(pid: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(pid) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.queues.set(pid, tail);
    tail.then(() => {
      if (this.queues.get(pid) === tail) this.queues.delete(pid);
    });
    return run;
  }

  /**
   * Read–transform–compare-and-swap on the passport's counter state, retried on conflict.
   * With `always`, a state that only changed by normalisation (an expiry) is written too. `read`
   * is the state as just read, if the caller has it: the first attempt starts from it.
   */
  private async mutate(pid: string, fn: (bytes: Uint8Array) => StateResult, always = true, read?: StateEntry | null): Promise<StateResult> {
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const entry = attempt === 0 && read !== undefined ? read : await this.store.getState(pid);
      const result = fn(entry?.bytes ?? new Uint8Array(0));
      if (result.status === "bad_state") throw new EnforcerError("bad_state", `the stored counter state of ${pid} is unreadable`);
      if (!always && result.status !== "ok") return result;
      if (await this.store.casState(pid, entry?.version ?? null, result.state)) return result;
    }
    throw new EnforcerError("state_conflict", `could not update ${pid}: too many concurrent writers`);
  }

  /** Stops timers; the store stays open (the caller owns it). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** Changed paths the engine decides on: a pending hold made before such a change is released (`releaseForUpdate`). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** How many of a passport's newest audit records the runway reads its spends from. */
export const RUNWAY_RECORDS = 20_000;

/** The committed spends one audit record stands for (encoded, not summed: the module adds them up). */
function spendsOf(r: AuditRecord): SpendEvent[] {
  const at = Date.parse(r.at);
  const n = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
  const req = (r.request ?? {}) as Record<string, unknown>;
  if (r.type === "decision" && r.decision === "allow") return [{ at, cents: n(req.cost_cents) ?? 0 }];
  if (r.type === "approval" && r.status === "approved") return [{ at, cents: n(r.cost_cents) ?? 0 }];
  const actual = n(r.actual_cost_cents),
    committed = n(r.committed_cost_cents);
  if (r.type === "permit_report" && actual !== null && committed !== null)
    return [
      { at, cents: -committed },
      { at, cents: actual },
    ];
  return [];
}

/** What the fail-closed timer asks the module about: any action would do, fail_closed is checked first (SPEC §2). */
const SILENCE_PROBE: RequestInput = { action: "warden:heartbeat_check" };

/** A transition applied after a snapshot keeps the snapshot's expiry/release events. */
function merge(snap: StateResult, next: StateResult): StateResult {
  return { ...next, expired: next.expired ?? snap.expired, released: next.released ?? snap.released };
}

export function parseAt(value: string | number | Date, path: string): number {
  return parseTime(value, path);
}

/** The audit fields that name who acted and through what, when a caller said. */
function actorFields(opts: CallOptions | undefined): { by?: string; channel?: string } {
  return opts?.actor ? { by: opts.actor.by, channel: opts.actor.channel } : {};
}
