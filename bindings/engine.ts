// The engine: compiles passports into the module's memory and evaluates requests against them.
// Everything here validates, encodes and decodes; every decision is made in WebAssembly.

import { COUNTER_BLOCK_START, DeadlineKind as AbiDeadline, D_SIZE, REQ_HEADER } from "./gen/abi-layout";
import { readI64, writeI64 } from "./bytes";
import { Core } from "./core";
import { type Decision, readDecision } from "./decision";
import { encodePassport } from "./encode-passport";
import {
  type CounterInput,
  type EvalMode,
  type RequestInput,
  tzOffsetsAt,
  writeCounterBlock,
  writeCounterSnapshot,
  writeRequest,
  writeRequestAt,
} from "./encode-request";
import { EngineError, RequestError, WardenError } from "./errors";
import type { Counters as CounterSnapshot, EvalRequest, Passport } from "./gen/types";
import {
  type DeadlineKind,
  type Lifetimes,
  type SpendCaps,
  type SpendEvent,
  type SpendRunway,
  readDeadline,
  readFold,
  readLifetimes,
  readRunway,
  readSpendCaps,
} from "./limits";
import { parseTime, validateCounters, validatePassport, validateRequest } from "./validate";

export interface EvaluateOptions {
  /** The instant to decide at: a Date, epoch ms or an RFC 3339 string. Default: the current time. */
  now?: Date | number | string;
  /** Adds `evaluated`, the trace of every rule in pipeline order. */
  explain?: boolean;
}

const EMPTY_COUNTERS: CounterInput = Object.freeze({});
/** Requests per call of `evaluate_many`: their decisions take D_SIZE bytes each in the input area. */
const BATCH_MAX = 64;
/** Room for a batch's requests at first; it doubles when one request alone does not fit. */
const BATCH_REQUEST_ROOM = 16_384;
/** Guards the i64 arithmetic of `expiryAfterDays` (callers validate a tighter bound: schemas/modei.schema.json). */
const MAX_LIFETIME_DAYS = 100_000_000;

export class Engine {
  /** Policies alive in this instance, so a trap can be followed by recompiling them. */
  private readonly live = new Set<WeakRef<Policy>>();
  private readonly finalizer = new FinalizationRegistry<{ handle: number; generation: number; ref: WeakRef<Policy> }>((held) => {
    this.live.delete(held.ref);
    if (held.generation === this.core.generation) this.release(held.handle);
  });

  constructor(readonly core: Core) {}

  /** Validates and compiles a passport (object or JSON string); throws PassportError listing every problem. */
  compile(passport: Passport | string): Policy {
    const { passport: valid, warnings } = validatePassport(passport, [...this.core.catalogue.sentinels.keys()]);
    const encoded = encodePassport(valid, this.core.catalogue);
    const policy = new Policy(this, valid, encoded.bytes, encoded.timezones, warnings);
    policy.handle = this.load(encoded.bytes);
    const ref = new WeakRef(policy);
    this.live.add(ref);
    this.finalizer.register(policy, { handle: policy.handle, generation: this.core.generation, ref }, policy);
    return policy;
  }

  /** Runs a call into the module; a trap becomes an EngineError and leaves a fresh, working instance. */
  call<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.failure(err);
    }
  }

  /** Our own typed errors pass through; anything else is a trap: restart the instance, report EngineError. */
  failure(err: unknown): Error {
    if (err instanceof WardenError) return err;
    this.recover();
    return new EngineError("wasm_trap", `the evaluator trapped and was restarted: ${(err as Error)?.message ?? err}`);
  }

  /**
   * When an approval request or a permit issued at `issuedAt` (epoch ms) expires, or a heartbeat sent
   * then turns stale (SPEC §7, §10), or a code sent then to confirm an approver's address expires;
   * at that instant it is already expired.
   */
  deadline(kind: DeadlineKind, issuedAt: number): number {
    return this.call(() => readDeadline(this.core, kind, issuedAt));
  }

  private lifetimesRead?: Lifetimes;

  /** The approval and permit lifetimes and the heartbeat freshness, as the module applies them. */
  get lifetimes(): Lifetimes {
    this.lifetimesRead ??= Object.freeze(this.call(() => readLifetimes(this.core)));
    return this.lifetimesRead;
  }

  /** The action folded as the module compares actions (simple Unicode lower case, SPEC §3). */
  foldAction(action: string): string {
    return this.call(() => readFold(this.core, action));
  }

  /** Whether two actions are the same action to the module (equal once folded); ill-formed strings equal nothing. */
  sameAction(a: string, b: string): boolean {
    if (a === b) return true;
    if (!isWellFormed(a) || !isWellFormed(b)) return false;
    return this.foldAction(a) === this.foldAction(b);
  }

  /** When a passport issued at `issuedAt` (epoch ms) for `days` whole days expires (Modei's `expires_in_days`). */
  expiryAfterDays(issuedAt: number, days: number): number {
    if (!Number.isSafeInteger(issuedAt) || !Number.isSafeInteger(days) || days < 0 || days > MAX_LIFETIME_DAYS) {
      throw new RangeError(`expiryAfterDays: an epoch ms and 0..${MAX_LIFETIME_DAYS} days (found ${issuedAt}, ${days})`);
    }
    return this.call(() => {
      const core = this.core;
      const ptr = core.io(16);
      writeI64(core.view, ptr, issuedAt);
      writeI64(core.view, ptr + 8, days);
      core.exports.deadline(AbiDeadline.ExpiryDays);
      core.refresh();
      return readI64(core.view, core.outPtr);
    });
  }

  /** Forces a trap inside the module (tests use it to prove recovery). */
  trapForTest(): void {
    this.call(() => this.core.exports.selftest_trap());
  }

  dispose(policy: Policy): void {
    if (policy.handle < 0) return;
    this.release(policy.handle);
    policy.handle = -1;
    this.finalizer.unregister(policy);
    for (const ref of this.live) if (ref.deref() === policy) this.live.delete(ref);
  }

  private release(handle: number): void {
    this.core.checkFree();
    this.call(() => {
      this.core.exports.release(handle);
      this.core.exports.collect();
    });
  }

  private load(bytes: Uint8Array): number {
    return this.call(() => {
      const ptr = this.core.io(bytes.length);
      this.core.bytes.set(bytes, ptr);
      const handle = this.core.exports.compile(bytes.length);
      this.core.exports.collect(); // the decoder's temporaries
      if (handle < 0) throw new EngineError("compile_failed", `the module rejected the compiled passport (code ${handle})`);
      return handle;
    });
  }

  private recover(): void {
    this.core.reinstantiate();
    for (const ref of this.live) {
      const policy = ref.deref();
      if (!policy || policy.handle < 0) {
        this.live.delete(ref);
        continue;
      }
      policy.handle = this.load(policy.compiled);
      this.finalizer.unregister(policy);
      this.finalizer.register(policy, { handle: policy.handle, generation: this.core.generation, ref }, policy);
    }
  }
}

/**
 * An error while reading the caller's request, context, counters or options. Our typed errors pass
 * through and a trap (growing the input area) restarts the instance as usual; anything else was
 * thrown by the caller's own code — a getter, a proxy — and becomes a RequestError, without
 * restarting anything: the module did not fail.
 */
function readingFailure(engine: Engine, err: unknown): Error {
  if (err instanceof WardenError || err instanceof WebAssembly.RuntimeError) return engine.failure(err);
  const message = err instanceof Error ? err.message : String(err);
  return new RequestError(
    {
      code: "unreadable_input",
      path: "",
      message: `reading it threw: ${message}`,
      expected: "plain data (no getter or proxy that throws)",
      found: err instanceof Error ? err.name : typeof err,
    },
    "request",
  );
}

/** Validates the request at index `i` of a batch. */
function validateAt(request: unknown, i: number): RequestInput {
  try {
    return validateRequest(request) as RequestInput;
  } catch (err) {
    throw withIndex(err, i);
  }
}

/** A RequestError about request `i` of a batch: its path starts with the index (`[3].cost_cents`). */
function withIndex(err: unknown, i: number): unknown {
  if (!(err instanceof RequestError)) return err;
  const head = "invalid request: " + (err.path === "" ? "" : `${err.path}: `);
  const path = err.path === "" ? `[${i}]` : err.path.startsWith("[") ? `[${i}]${err.path}` : `[${i}].${err.path}`;
  const message = err.message.startsWith(head) ? err.message.slice(head.length) : err.message;
  const indexed = new RequestError({ code: err.code, path, message }, "request");
  Object.assign(indexed, { expected: err.expected, found: err.found, hint: err.hint });
  return indexed;
}

function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

function toEpochMs(now: EvaluateOptions["now"]): number {
  if (now === undefined) return Date.now();
  return parseTime(now, "options.now");
}

export class Policy {
  handle = -1;

  constructor(
    private readonly engine: Engine,
    /** The validated passport. */
    readonly passport: Readonly<Passport>,
    /** The compiled bytes, kept so the policy can be recompiled after a trap. */
    readonly compiled: Uint8Array,
    readonly timezones: readonly string[],
    /** Compile-time warnings (ignored foreign keys); every decision repeats them. */
    readonly warnings: readonly string[],
  ) {}

  get id(): string | undefined {
    return this.passport.id;
  }

  /** Decides one request against this passport, a counter snapshot and `now` (SPEC §8). */
  evaluate(request: EvalRequest, counters?: CounterSnapshot, options?: EvaluateOptions): Decision {
    const core = this.freeCore();
    let req: RequestInput, now: number, explain: boolean, len: number;
    try {
      req = validateRequest(request) as RequestInput;
      now = toEpochMs(options?.now);
      explain = options?.explain === true;
      len = writeRequest(core, this.timezones, req, now, explain);
      // The snapshot is checked as it is written; only a bad one pays for validateCounters, which names the problem.
      if (counters === undefined) writeCounterBlock(core, core.inputPtr, EMPTY_COUNTERS);
      else if (!writeCounterSnapshot(core, core.inputPtr, counters)) {
        writeCounterBlock(core, core.inputPtr, validateCounters(counters) as CounterInput);
      }
    } catch (err) {
      throw readingFailure(this.engine, err);
    } finally {
      core.writing = false;
    }
    return this.run(len, explain);
  }

  /**
   * Decides many requests against this passport, one counter snapshot and one `now`: the decisions
   * `evaluate` gives one by one, in order, with one call into the module per batch of up to 64.
   * A bad request throws its RequestError with the path prefixed by its index (`[3].cost_cents`),
   * before anything is evaluated.
   */
  evaluateMany(requests: readonly EvalRequest[], counters?: CounterSnapshot, options?: EvaluateOptions): Decision[] {
    const core = this.freeCore();
    let valid: RequestInput[], now: number, explain: boolean;
    try {
      if (!Array.isArray(requests)) {
        throw new RequestError({ code: "invalid_type", path: "", message: "expected an array of requests", found: typeof requests }, "requests");
      }
      valid = new Array<RequestInput>(requests.length);
      for (let i = 0; i < requests.length; i++) valid[i] = validateAt(requests[i], i);
      now = toEpochMs(options?.now);
      explain = options?.explain === true;
      if (valid.length === 0 && counters !== undefined) validateCounters(counters);
    } catch (err) {
      throw readingFailure(this.engine, err);
    }
    const out: Decision[] = [];
    const tz = tzOffsetsAt(this.timezones, now);
    let block: Uint32Array | null = null,
      room = BATCH_REQUEST_ROOM;
    for (let i = 0; i < valid.length;) {
      const k = Math.min(valid.length - i, BATCH_MAX);
      const table = k * D_SIZE,
        first = table + k * 8;
      let count = 0;
      try {
        const base = core.io(first + room);
        core.writing = true;
        const end = base + core.ioCapacity;
        const { view, words } = core;
        if (block === null) {
          // The snapshot is checked as it is written (as in evaluate), then copied into every request.
          const at = base + first;
          if (counters === undefined) writeCounterBlock(core, at, EMPTY_COUNTERS);
          else if (!writeCounterSnapshot(core, at, counters)) writeCounterBlock(core, at, validateCounters(counters) as CounterInput);
          block = core.words.slice((at + COUNTER_BLOCK_START) >> 2, (at + REQ_HEADER) >> 2);
        }
        for (let p = base + first; count < k; count++) {
          let len: number;
          try {
            len = writeRequestAt(core, p, end, tz, valid[i + count]!, now, explain);
          } catch (err) {
            throw withIndex(err, i + count);
          }
          if (len < 0) break;
          // Requests start 8-aligned in a 16-aligned area (docs/abi.md), so the block is copied a word at a time.
          for (let w = 0, at = (p + COUNTER_BLOCK_START) >> 2; w < block.length; w++) words[at + w] = block[w]!;
          view.setUint32(base + table + count * 8, p - base, true);
          view.setUint32(base + table + count * 8 + 4, len, true);
          p += (len + 7) & ~7;
        }
      } catch (err) {
        throw readingFailure(this.engine, err);
      } finally {
        core.writing = false;
      }
      if (count === 0) {
        room *= 2; // one request alone did not fit: a bigger area, same request
        continue;
      }
      this.runMany(count, table, explain, out);
      i += count;
    }
    return out;
  }

  /** Evaluates the `count` requests of a batch written in the input area and reads their decisions into `out`. */
  private runMany(count: number, table: number, explain: boolean, out: Decision[]): void {
    try {
      const core = this.engine.core;
      const n = core.exports.evaluate_many(this.handle, count, table);
      if (n < 0) throw new EngineError("evaluate_failed", `the module rejected the request (code ${n})`);
      const base = core.inputPtr;
      for (let j = 0; j < count; j++) out.push(readDecision(core, explain, this.warnings, base + j * D_SIZE));
    } catch (err) {
      throw this.engine.failure(err);
    }
  }

  /**
   * For the enforcer: a request already validated, counters from the counter-state module.
   * `mode: "approval_recheck"` runs only the checks an approval repeats (SPEC §10 "Approve").
   */
  evaluateValidated(req: RequestInput, counters: CounterInput, now: number, explain: boolean, mode: EvalMode = "full"): Decision {
    const core = this.freeCore();
    let len: number;
    try {
      len = writeRequest(core, this.timezones, req, now, explain, mode);
      writeCounterBlock(core, core.inputPtr, counters);
    } catch (err) {
      throw readingFailure(this.engine, err);
    } finally {
      core.writing = false;
    }
    return this.run(len, explain);
  }

  /** The engine's instance, once this policy is live and no request is being written (Core.writing). */
  private freeCore(): Core {
    if (this.handle < 0) throw new EngineError("policy_disposed", "this policy was disposed");
    const core = this.engine.core;
    core.checkFree();
    return core;
  }

  /**
   * Evaluates the request written in the input area; a trap restarts the instance (EngineError).
   * Not through engine.call: a closure per evaluation shows in profiles.
   */
  private run(len: number, explain: boolean): Decision {
    try {
      const n = this.engine.core.exports.evaluate(this.handle, len);
      if (n < 0) throw new EngineError("evaluate_failed", `the module rejected the request (code ${n})`);
      return readDecision(this.engine.core, explain, this.warnings);
    } catch (err) {
      throw this.engine.failure(err);
    }
  }

  /**
   * The effective spending caps and headroom of this passport at a valid counter snapshot (the
   * counter-state module's, or validateCounters' result), computed by the module.
   */
  spendCaps(counters: CounterInput): SpendCaps {
    const core = this.freeCore();
    return this.engine.call(() => readSpendCaps(core, this.handle, counters));
  }

  /**
   * Budget runway (computed by the module): per spending window, when its cap runs out at the pace
   * of the spends in the 7 days before `now` (epoch ms), or why it does not.
   */
  spendRunway(counters: CounterInput, now: number, events: readonly SpendEvent[]): SpendRunway {
    const core = this.freeCore();
    return this.engine.call(() => readRunway(core, this.handle, counters, now, events));
  }

  /**
   * The daily caps people are shown (computed by the module): the tightest daily spending cap
   * (core:cost:max_per_day, and core:cost:max_cumulative when its window is daily) and
   * core:rate:max_per_day; null where none is set.
   */
  dailyLimits(): { cost_cents: number | null; requests: number | null } {
    const core = this.freeCore();
    return this.engine.call(() => {
      const status = core.exports.daily_limits(this.handle);
      if (status < 0) throw new EngineError("evaluate_failed", `the module rejected the policy handle (code ${status})`);
      core.refresh();
      const cost = readI64(core.view, core.outPtr),
        requests = readI64(core.view, core.outPtr + 8);
      return { cost_cents: cost < 0 ? null : cost, requests: requests < 0 ? null : requests };
    });
  }

  /** Frees the compiled passport inside the module. */
  dispose(): void {
    this.engine.dispose(this);
  }
}
