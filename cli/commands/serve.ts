// `warden serve` and `warden keys`: the command-line side of the server (cli/main.ts dispatches here).

import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { ISSUER_FORMAT, createApiKey, listApiKeys, revokeApiKey } from "../../server/auth";
import { createWardenServer } from "../../server/server";
import { serverSigningJwk } from "../../server/signing-key";
import { hitlOptionsFromEnv } from "../../hitl/mount";
import { DEFAULT_STORE, StoreSpecError, openStore } from "../../server/store-url";

/** Where a command writes (structurally the CLI's Io). */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const SERVE_HELP = `Usage: warden serve [options]

Runs the enforcement HTTP API (docs/server.md; OpenAPI at /v1/openapi.json).

Options:
      --port N                 port to listen on (default 8787; 0 picks a free one)
      --host ADDR              address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
      --store SPEC             sqlite:PATH (default ${DEFAULT_STORE}), redis://HOST:PORT[/DB]
                               (several servers may share one Redis),
                               redis-cluster://HOST:PORT,HOST:PORT,... or memory
      --redis-prefix TEXT      prefix of every Redis key (default warden:)
      --signing-key FILE       private Ed25519 JWK for decisions and audit records
                               (default: made on first start and kept in the store;
                               also read from the WARDEN_SIGNING_KEY variable)
      --max-body-bytes N       largest request body (default 1048576; 413 beyond)
      --rate-limit N           requests per second per API key or address, per worker
                               (default 2000; 0 = off)
      --workers N              processes sharing the port (default 1); each opens the store,
                               so use sqlite or redis (not memory) with more than one

SIGTERM or SIGINT: finishes requests in flight, closes the store, exits 0.
`;

export const KEYS_HELP = `Usage: warden keys create --issuer ISSUER [--name TEXT] [--store SPEC] [--json]
       warden keys list [--issuer ISSUER] [--store SPEC] [--json]
       warden keys revoke KEY_ID [--store SPEC]

API keys for warden serve. \`create\` prints the key once: the store keeps only its SHA-256.
A key sees only its issuer's passports, approvals and records. Use the same --store as the
server (default ${DEFAULT_STORE}).
`;

class CliUsage extends Error {}

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: Record<string, { type: "string" | "boolean" }>, positionals = false): { values: Values; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: positionals, strict: true });
    return { values: parsed.values as Values, positionals: parsed.positionals };
  } catch (err) {
    throw new CliUsage((err as Error).message);
  }
}

/** A string option's value (parseArgs keeps the last of repeated ones). */
const str = (v: string | boolean | undefined): string | undefined => (typeof v === "string" ? v : undefined);

function usage(io: CommandIo, command: string, err: Error, help: string): number {
  io.stderr(`warden ${command}: ${err.message}\n\n${help}`);
  return 2;
}

function int(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new CliUsage(`${name} must be a whole number ≥ ${min} (found ${JSON.stringify(value)})`);
  return n;
}

/** `warden serve`: resolves with the exit code once the server has shut down. */
export async function serveCommand(args: string[], io: CommandIo): Promise<number> {
  let opts;
  try {
    const { values } = parse(args, {
      port: { type: "string" }, host: { type: "string" }, store: { type: "string" }, "redis-prefix": { type: "string" },
      "signing-key": { type: "string" }, "max-body-bytes": { type: "string" }, "rate-limit": { type: "string" },
      workers: { type: "string" },
    });
    if (values.help) { io.stdout(SERVE_HELP); return 0; }
    opts = {
      port: int(str(values.port), "--port", 8787),
      host: str(values.host) ?? "127.0.0.1",
      store: str(values.store) ?? process.env.WARDEN_STORE ?? DEFAULT_STORE,
      redisPrefix: str(values["redis-prefix"]),
      signingJwk: signingKey(str(values["signing-key"])),
      maxBodyBytes: int(str(values["max-body-bytes"]), "--max-body-bytes", 1024 * 1024, 1),
      rateLimit: int(str(values["rate-limit"]), "--rate-limit", 2000),
      workers: int(str(values.workers), "--workers", 1, 1),
    };
    if (opts.workers > 1 && opts.store === "memory") throw new CliUsage("--workers above 1 needs a shared store (sqlite:PATH or redis://...), not memory");
  } catch (err) {
    if (err instanceof CliUsage) return usage(io, "serve", err, SERVE_HELP);
    throw err;
  }
  if (opts.workers > 1 && cluster.isPrimary) return supervise(opts.workers, opts.store, opts.redisPrefix, opts.signingJwk, io);
  // A worker's IPC channel to its primary would keep it alive after it is done.
  const leave = (code: number) => { cluster.worker?.disconnect(); return code; };
  let opened;
  try {
    opened = await openStore(opts.store, { redisPrefix: opts.redisPrefix });
  } catch (err) {
    if (err instanceof StoreSpecError) return leave(usage(io, "serve", err, SERVE_HELP));
    io.stderr(`warden serve: ${(err as Error).message}\n`);
    return leave(1);
  }
  const server = await createWardenServer({
    store: opened.store, storeKind: opened.kind, signingJwk: opts.signingJwk, maxBodyBytes: opts.maxBodyBytes, rateLimit: opts.rateLimit,
    log: (line) => io.stderr(`${line}\n`),
    hitl: hitlOptionsFromEnv(process.env, `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${opts.port}`),
  });
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
      if (stopping) { io.stderr(`warden serve: ${signal} again, exiting now\n`); process.exit(1); }
      stopping = true;
      io.stdout(`warden serve: ${signal}: finishing requests in flight\n`);
      server.close().then(() => { io.stdout("warden serve: stopped\n"); done(leave(0)); }, (err) => { io.stderr(`warden serve: ${(err as Error).message}\n`); done(leave(1)); });
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
async function supervise(workers: number, store: string, redisPrefix: string | undefined, signingJwk: JWK | undefined, io: CommandIo): Promise<number> {
  try {
    const opened = await openStore(store, { redisPrefix });
    await serverSigningJwk(opened.store, signingJwk);
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
    if (left === 0) { finished(code); return; }
    for (const w of alive) {
      w.once("exit", (c) => {
        if (c !== 0) code = 1;
        if (--left === 0) { io.stdout("warden serve: stopped\n"); finished(code); }
      });
      w.process.kill(signal);
    }
  };
  const fork = () => {
    const worker = cluster.fork();
    let listening = false;
    worker.once("listening", () => { listening = true; });
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

function signingKey(file: string | undefined): JWK | undefined {
  const text = file !== undefined ? readFile(file) : process.env.WARDEN_SIGNING_KEY;
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text) as JWK;
  } catch {
    throw new CliUsage(`the signing key${file ? ` in ${file}` : " in WARDEN_SIGNING_KEY"} is not a JSON Web Key`);
  }
}

function readFile(file: string): string {
  try { return readFileSync(file, "utf8"); } catch (err) { throw new CliUsage(`cannot read ${file}: ${(err as Error).message}`); }
}

/** `warden keys create|list|revoke`. */
export async function keysCommand(args: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = args;
  let values: Values, positionals: string[];
  try {
    if (sub === undefined || sub === "--help" || sub === "-h") { io.stdout(KEYS_HELP); return sub === undefined ? 2 : 0; }
    if (!["create", "list", "revoke"].includes(sub)) throw new CliUsage(`unknown subcommand ${JSON.stringify(sub)}: use create, list or revoke`);
    ({ values, positionals } = parse(rest, { issuer: { type: "string" }, name: { type: "string" }, store: { type: "string" }, json: { type: "boolean" } }, sub === "revoke"));
    if (values.help) { io.stdout(KEYS_HELP); return 0; }
    if (sub === "create" && str(values.issuer) === undefined) throw new CliUsage("create needs --issuer ISSUER (like iss_acme)");
    const issuer = str(values.issuer);
    if (issuer !== undefined && !ISSUER_FORMAT.test(issuer)) throw new CliUsage("--issuer must be 1–128 of letters, digits and _.:-");
    if (sub === "revoke" && positionals.length !== 1) throw new CliUsage("revoke needs exactly one KEY_ID (see `warden keys list`)");
  } catch (err) {
    if (err instanceof CliUsage) return usage(io, "keys", err, KEYS_HELP);
    throw err;
  }
  let opened;
  try {
    opened = await openStore(str(values.store) ?? process.env.WARDEN_STORE ?? DEFAULT_STORE);
  } catch (err) {
    if (err instanceof StoreSpecError) return usage(io, "keys", err, KEYS_HELP);
    io.stderr(`warden keys: ${(err as Error).message}\n`);
    return 1;
  }
  const store = opened.store;
  try {
    if (sub === "create") {
      const { key, record } = await createApiKey(store, str(values.issuer)!, str(values.name) ?? null);
      if (values.json) io.stdout(`${JSON.stringify({ key, id: record.id, issuer_id: record.issuer_id, name: record.name, created_at: record.created_at })}\n`);
      else {
        io.stdout(`${key}\n`);
        io.stderr(`API key ${record.id} for issuer ${record.issuer_id}: shown once, store it now (the server keeps only its hash).\n`);
      }
      return 0;
    }
    if (sub === "list") {
      const keys = (await listApiKeys(store, str(values.issuer))).map(({ sha256: _h, ...r }) => r);
      if (values.json) io.stdout(`${JSON.stringify(keys)}\n`);
      else for (const k of keys) io.stdout(`${k.id}  ${k.issuer_id}  ${k.created_at}${k.name ? `  ${k.name}` : ""}\n`);
      return 0;
    }
    const revoked = await revokeApiKey(store, positionals[0]!);
    io.stdout(revoked ? `revoked ${positionals[0]} (servers stop accepting it within 5 s)\n` : "");
    if (!revoked) io.stderr(`warden keys: no key ${positionals[0]}\n`);
    return revoked ? 0 : 1;
  } finally {
    await store.close();
  }
}
