// `warden serve`: the enforcement HTTP API in this process, or in N worker processes sharing the port.

import cluster from "node:cluster";
import { createWardenServer } from "../../server/server";
import { type SigningKeyOptions, defaultSigningKeyFile, serverSigningJwk } from "../../node/signing-key";
import { type WitnessOptions, parseWitness } from "../../server/witness";
import { hitlOptionsFromEnv } from "../../server/hitl-mount";
import { FAIL_CLOSED_INTERVAL_MS } from "../../server/fail-closed";
import { DEFAULT_STORE, StoreSpecError, describeStore, openStore } from "../../node/store-url";
import { envJwk, option, parse, type Io } from "../args";
import { UsageError } from "../errors";

export const SERVE_HELP = `Usage: warden serve [options]

Runs the enforcement HTTP API (docs/server.md; OpenAPI at /v1/openapi.json).

Options:
      --port N                 port to listen on (default 8787; 0 picks a free one)
      --host ADDR              address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
      --store SPEC             sqlite:PATH (default ${DEFAULT_STORE}), redis://HOST:PORT[/DB]
                               (several servers may share one Redis),
                               redis-cluster://HOST:PORT,HOST:PORT,... or memory
      --redis-prefix TEXT      prefix of every Redis key (default warden:)
      --signing-key FILE       private Ed25519 JWK for decisions and audit records, in a
                               file of mode 0600 (made on first start if absent; default
                               PATH.key beside a sqlite:PATH database; required for Redis;
                               a key older versions kept in the store is moved to it);
                               WARDEN_SIGNING_KEY may hold the JWK itself instead
      --audit-witness SPEC     send signed checkpoints of the audit chain heads outside the
                               store: file:PATH (JSON lines, synced) or webhook:URL (POST);
                               \`warden audit verify --witness\` checks the log against them
      --checkpoint-every N     records between checkpoints (default 100)
      --checkpoint-seconds S   longest wait for a checkpoint (default 10; also at shutdown)
      --max-body-bytes N       largest request body (default 1048576; 413 beyond)
      --rate-limit N           requests per second per API key or address, per worker
                               (default 2000; 0 = off)
      --fail-closed-check-ms N how often passports with core:safety:fail_closed whose
                               agent stopped sending heartbeats are paused, and the
                               operator told once (default 15000; 0 = only on requests)
      --workers N              processes sharing the port (default 1); each opens the store,
                               so use sqlite or redis (not memory) with more than one

SIGTERM or SIGINT: finishes requests in flight, closes the store, exits 0.
`;

const SERVE_OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  store: { type: "string" },
  "redis-prefix": { type: "string" },
  "signing-key": { type: "string" },
  "audit-witness": { type: "string" },
  "checkpoint-every": { type: "string" },
  "checkpoint-seconds": { type: "string" },
  "max-body-bytes": { type: "string" },
  "rate-limit": { type: "string" },
  workers: { type: "string" },
  "fail-closed-check-ms": { type: "string" },
} as const;

function int(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${name} must be a whole number ≥ ${min} (found ${JSON.stringify(value)})`, "serve");
  return n;
}

/** `--audit-witness SPEC` with its checkpoint cadence, or undefined. */
function witnessOption(values: Record<string, unknown>, command: string): WitnessOptions | undefined {
  const target = option(values["audit-witness"] as string | undefined);
  const every = int(option(values["checkpoint-every"] as string | undefined), "--checkpoint-every", 100, 1);
  const seconds = int(option(values["checkpoint-seconds"] as string | undefined), "--checkpoint-seconds", 10, 1);
  if (target === undefined) return undefined;
  try {
    parseWitness(target);
  } catch (err) {
    throw new UsageError((err as Error).message, command);
  }
  return { target, every, intervalMs: seconds * 1000 };
}

/** `warden serve`: resolves with the exit code once the server has shut down. */
export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse("serve", args, SERVE_OPTIONS, false);
  const opts = {
    port: int(option(values.port), "--port", 8787),
    host: option(values.host) ?? "127.0.0.1",
    store: option(values.store) ?? process.env.WARDEN_STORE ?? DEFAULT_STORE,
    redisPrefix: option(values["redis-prefix"]),
    signingJwk: envJwk("serve"),
    signingKeyFile: option(values["signing-key"]),
    auditWitness: witnessOption(values, "serve"),
    maxBodyBytes: int(option(values["max-body-bytes"]), "--max-body-bytes", 1024 * 1024, 1),
    rateLimit: int(option(values["rate-limit"]), "--rate-limit", 2000),
    workers: int(option(values.workers), "--workers", 1, 1),
    failClosedMs: int(option(values["fail-closed-check-ms"]), "--fail-closed-check-ms", FAIL_CLOSED_INTERVAL_MS),
  };
  if (opts.workers > 1 && opts.store === "memory")
    throw new UsageError("--workers above 1 needs a shared store (sqlite:PATH or redis://...), not memory", "serve");
  let keyFile: string | undefined;
  try {
    keyFile = opts.signingJwk ? undefined : (opts.signingKeyFile ?? defaultSigningKeyFile(opts.store));
  } catch (err) {
    throw new UsageError((err as Error).message, "serve");
  }
  if (opts.workers > 1 && cluster.isPrimary) return supervise(opts.workers, opts.store, opts.redisPrefix, { explicit: opts.signingJwk, file: keyFile }, io);
  // A worker's IPC channel to its primary would keep it alive after it is done.
  const leave = (code: number) => {
    cluster.worker?.disconnect();
    return code;
  };
  let opened;
  try {
    opened = await openStore(opts.store, { redisPrefix: opts.redisPrefix });
    // The key file is checked (and made, or moved out of the store) before serving; a bad one stops here.
    await serverSigningJwk(opened.store, { explicit: opts.signingJwk, file: keyFile, log: (line) => io.stderr(`${line}\n`) });
  } catch (err) {
    await opened?.store.close().catch(() => undefined);
    if (err instanceof StoreSpecError) {
      leave(2);
      throw new UsageError(err.message, "serve");
    }
    io.stderr(`warden serve: ${(err as Error).message}\n`);
    return leave(1);
  }
  const server = await createWardenServer({
    store: opened.store,
    storeKind: opened.kind,
    signingJwk: opts.signingJwk,
    signingKeyFile: keyFile,
    auditWitness: opts.auditWitness,
    maxBodyBytes: opts.maxBodyBytes,
    rateLimit: opts.rateLimit,
    failClosedIntervalMs: opts.failClosedMs,
    log: (line) => io.stderr(`${line}\n`),
    hitl: hitlOptionsFromEnv(process.env, `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`),
  });
  // Which store this server works on (one line, from the first worker only with --workers).
  if (!cluster.isWorker || cluster.worker?.id === 1) {
    io.stderr(`warden serve: ${describeStore(opened, (await server.enforcer.listPassports()).length)}\n`);
  }
  let addr;
  try {
    addr = await server.listen(opts.port, opts.host);
  } catch (err) {
    io.stderr(`warden serve: cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}\n`);
    await server.close();
    return leave(1);
  }
  const shown = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  io.stdout(`warden serve: listening on http://${shown}:${addr.port} (store ${opened.kind}, pid ${process.pid})\n`);
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      // A worker may get the terminal's signal and its primary's: only a second one at a primary forces.
      if (stopping && cluster.isWorker) return;
      if (stopping) {
        io.stderr(`warden serve: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      io.stdout(`warden serve: ${signal}: finishing requests in flight\n`);
      server.close().then(
        () => {
          io.stdout("warden serve: stopped\n");
          done(leave(0));
        },
        (err) => {
          io.stderr(`warden serve: ${(err as Error).message}\n`);
          done(leave(1));
        },
      );
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
}

/**
 * The primary of `--workers N`: prepares the store once (schema, signing key) so workers do not
 * race to create them, forks the workers (they share the port), replaces one that dies, and on
 * SIGTERM/SIGINT passes the signal on and waits for every worker to finish its requests.
 */
async function supervise(workers: number, store: string, redisPrefix: string | undefined, key: SigningKeyOptions, io: Io): Promise<number> {
  try {
    const opened = await openStore(store, { redisPrefix });
    await serverSigningJwk(opened.store, { ...key, log: (line) => io.stderr(`${line}\n`) });
    await opened.store.close();
  } catch (err) {
    io.stderr(`warden serve: ${(err as Error).message}\n`);
    return 1;
  }
  let stopping = false;
  let code = 0;
  let finished: (code: number) => void = () => undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    io.stdout(`warden serve: ${signal}: stopping ${workers} workers\n`);
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is NonNullable<typeof w> => w !== undefined && !w.isDead());
    let left = alive.length;
    if (left === 0) {
      finished(code);
      return;
    }
    for (const w of alive) {
      w.once("exit", (c) => {
        if (c !== 0) code = 1;
        if (--left === 0) {
          io.stdout("warden serve: stopped\n");
          finished(code);
        }
      });
      w.process.kill(signal);
    }
  };
  const fork = () => {
    const worker = cluster.fork();
    let listening = false;
    worker.once("listening", () => {
      listening = true;
    });
    worker.on("exit", (c, signal) => {
      if (stopping) return;
      if (!listening) {
        // It never served: restarting would only loop (port taken, store unreachable).
        io.stderr(`warden serve: a worker could not start (${signal ?? c}); stopping\n`);
        code = 1;
        stop("SIGTERM");
        return;
      }
      io.stderr(`warden serve: worker exited (${signal ?? c}); starting another\n`);
      setTimeout(fork, 500);
    });
  };
  for (let i = 0; i < workers; i++) fork();
  return new Promise<number>((done) => {
    finished = done;
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
}
