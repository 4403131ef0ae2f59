// The audit witness: signed checkpoints of each passport's chain head, sent outside the store every
// N records or T seconds and at shutdown (`--audit-witness file:PATH|webhook:URL`). A file gets one
// JSON line per checkpoint, synced; a webhook gets a POST of `{checkpoints: [...]}`, retried.
// A witness that fails is logged and retried with the next checkpoint; decisions never wait for it
// (fail-open: the witness detects tampering after the fact, it does not gate enforcement).

import { open } from "node:fs/promises";
import type { AuditRecord } from "../enforcer/audit";
import { type Checkpoint, signCheckpoint } from "../enforcer/checkpoint";
import { type HostCrypto, type SigningKey, payloadSigner } from "../enforcer/signing";

export type WitnessTarget = { kind: "file"; path: string } | { kind: "webhook"; url: string };

export interface WitnessOptions {
  /** `file:PATH` or `webhook:URL` (http or https). */
  target: string;
  /** Records (appended by this process) between checkpoints. Default 100. */
  every?: number;
  /** Longest time between a record and its checkpoint, ms. Default 10 s. */
  intervalMs?: number;
  /** Tries per webhook POST. Default 3 (waits 0.5 s, 1 s between). */
  attempts?: number;
}

export const DEFAULT_CHECKPOINT_EVERY = 100;
export const DEFAULT_CHECKPOINT_INTERVAL_MS = 10_000;

/** Parses `file:PATH` / `webhook:URL`; throws a plain-words Error otherwise. */
export function parseWitness(spec: string): WitnessTarget {
  if (spec.startsWith("file:") && spec.length > "file:".length) return { kind: "file", path: spec.slice("file:".length) };
  if (spec.startsWith("webhook:")) {
    const url = spec.slice("webhook:".length);
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (parsed && (parsed.protocol === "http:" || parsed.protocol === "https:")) return { kind: "webhook", url };
  }
  throw new Error(`--audit-witness ${JSON.stringify(spec)} is not file:PATH or webhook:http(s)://URL`);
}

export class AuditWitness {
  private readonly target: WitnessTarget;
  private readonly sign;
  /** The newest head per passport appended by this process since the last checkpoint. */
  private dirty = new Map<string, { seq: number; hash: string }>();
  private sinceLast = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: WitnessOptions,
    private readonly key: SigningKey,
    private readonly log: (line: string) => void,
    private readonly clock: () => number = Date.now,
    hostCrypto?: HostCrypto,
  ) {
    this.target = parseWitness(opts.target);
    this.sign = payloadSigner(key, hostCrypto);
    this.timer = setInterval(() => void this.flush(), opts.intervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS);
    this.timer.unref?.();
  }

  /** Notes a record this process appended; every N records a checkpoint is sent (in the background). */
  observe(record: AuditRecord): void {
    const known = this.dirty.get(record.passport_id);
    if (!known || known.seq < record.seq) this.dirty.set(record.passport_id, { seq: record.seq, hash: record.hash });
    if (++this.sinceLast >= (this.opts.every ?? DEFAULT_CHECKPOINT_EVERY)) void this.flush();
  }

  /** Sends a checkpoint of every head seen since the last one; resolves when sent (or given up). Never rejects. */
  flush(): Promise<void> {
    this.chain = this.chain.then(() => this.flushNow());
    return this.chain;
  }

  /** Stops the timer and sends the last checkpoints (at shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async flushNow(): Promise<void> {
    if (this.dirty.size === 0) return;
    const heads = this.dirty;
    this.dirty = new Map();
    this.sinceLast = 0;
    const at = new Date(this.clock()).toISOString();
    const checkpoints: Checkpoint[] = [];
    for (const [passport_id, h] of heads) checkpoints.push(await signCheckpoint({ passport_id, seq: h.seq, hash: h.hash, at, kid: this.key.kid }, this.sign));
    try {
      if (this.target.kind === "file") await appendSynced(this.target.path, checkpoints.map((c) => `${JSON.stringify(c)}\n`).join(""));
      else await this.post(this.target.url, checkpoints);
    } catch (err) {
      // Put the heads back (unless newer ones arrived): the next checkpoint carries them.
      for (const [pid, h] of heads) {
        const now = this.dirty.get(pid);
        if (!now || now.seq < h.seq) this.dirty.set(pid, h);
      }
      this.log(`warden: audit witness ${this.describe()}: ${(err as Error).message}; retrying with the next checkpoint`);
    }
  }

  private async post(url: string, checkpoints: Checkpoint[]): Promise<void> {
    const attempts = this.opts.attempts ?? 3;
    let last = "";
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((ok) => setTimeout(ok, 500 * 2 ** (i - 1)));
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ checkpoints }),
          signal: AbortSignal.timeout(5_000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = (err as Error).message;
      }
    }
    throw new Error(`${attempts} POSTs failed (last: ${last})`);
  }

  private describe(): string {
    return this.target.kind === "file" ? `file:${this.target.path}` : `webhook:${this.target.url}`;
  }
}

/** Appends `text` to the file (created mode 0600 when absent) and syncs it to disk. */
async function appendSynced(path: string, text: string): Promise<void> {
  const fh = await open(path, "a", 0o600);
  try {
    await fh.write(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
