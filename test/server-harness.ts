// Test harness for the server and the Redis store: a private redis-server on loopback, a bundled
// `warden` binary, server processes on free ports, and small HTTP helpers. Every loop is bounded.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");

/** Whether `redis-server` is installed; Redis tests skip with this reason otherwise. */
export function redisServerPath(): string | null {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export const REDIS_MISSING = "redis-server is not installed: `apt-get install -y redis-server` (`npm test` installs it) — Redis tests skipped";

/**
 * Whether every suite must run: `npm test` sets WARDEN_REQUIRE_SUITES=1 after its set-up step
 * (scripts/test-setup.mjs) installed what the suites need, and CI sets CI=true; then a missing
 * binary fails its suite instead of skipping it. A single file run by hand may still skip.
 */
export const REQUIRE_SUITES = process.env.CI === "true" || process.env.WARDEN_REQUIRE_SUITES === "1";

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 with a free port, no persistence, in a temporary directory. */
export async function startRedis(): Promise<RedisProcess> {
  const bin = redisServerPath();
  if (!bin) throw new Error(REDIS_MISSING);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "warden-redis-"));
  const child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(async () => {
    const { Redis } = await import("ioredis");
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on("error", () => undefined); // refused until it is up: that is what we are waiting for
    try {
      await r.connect();
      return (await r.ping()) === "PONG";
    } finally {
      r.disconnect();
    }
  }, `redis-server on port ${port}`);
  return {
    url,
    port,
    async stop() {
      await stopChild(child, "SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A 3-master Redis Cluster on loopback (redis-server --cluster-enabled, joined by redis-cli --cluster create). */
export async function startRedisCluster(): Promise<{ nodes: string[]; stop(): Promise<void> }> {
  const bin = redisServerPath();
  if (!bin) throw new Error(REDIS_MISSING);
  const dir = mkdtempSync(join(tmpdir(), "warden-redis-cluster-"));
  const children: ChildProcess[] = [];
  const nodes: string[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const cwd = join(dir, String(port));
    mkdirSync(cwd);
    children.push(
      spawn(
        bin,
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--cluster-enabled",
          "yes",
          "--cluster-config-file",
          "nodes.conf",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          cwd,
        ],
        { stdio: "ignore", cwd },
      ),
    );
    nodes.push(`127.0.0.1:${port}`);
  }
  const stop = async () => {
    for (const c of children) await stopChild(c, "SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () =>
        nodes.every((n) => {
          try {
            return execFileSync("redis-cli", ["-p", n.split(":")[1]!, "ping"], { encoding: "utf8" }).trim() === "PONG";
          } catch {
            return false;
          }
        }),
      "cluster nodes",
    );
    execFileSync("redis-cli", ["--cluster", "create", ...nodes, "--cluster-yes"], { stdio: "ignore", timeout: 30_000 });
    await waitFor(
      async () => nodes.every((n) => execFileSync("redis-cli", ["-p", n.split(":")[1]!, "cluster", "info"], { encoding: "utf8" }).includes("cluster_state:ok")),
      "cluster_state:ok",
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}

/** Whether redis-cli (Debian's redis-tools, installed with redis-server) is there to form a cluster. */
export function redisCliPath(): string | null {
  try {
    return execFileSync("sh", ["-c", "command -v redis-cli"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 10_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  return new Promise((ok) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      ok(code);
    });
    child.kill(signal);
  });
}

let bundled: string | null = null;

/**
 * The `warden` binary, bundled from cli/warden.ts with esbuild into a temporary directory that
 * links build/ (the WebAssembly module) and node_modules/ (native and external packages). It sits
 * at dist/cli/warden.js there, as in the package, so the loader's first candidate
 * (../../build/warden.wasm) is the linked build/ and never a stray build/ in the temp folder itself.
 */
export async function wardenBin(): Promise<string> {
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), "warden-bin-"));
  mkdirSync(join(dir, "dist", "cli"), { recursive: true });
  symlinkSync(join(ROOT, "build"), join(dir, "build"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const { build } = await import("esbuild");
  await build({
    entryPoints: [join(ROOT, "cli/warden.ts")],
    outfile: join(dir, "dist", "cli", "warden.js"),
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  bundled = join(dir, "dist", "cli", "warden.js");
  return bundled;
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `warden serve --port P --store S ...extra` and waits for /healthz. */
export async function startServer(store: string, extra: string[] = [], env: Record<string, string> = {}): Promise<ServerProcess> {
  const bin = await wardenBin();
  const port = await freePort();
  const child = spawn(process.execPath, [bin, "serve", "--host", "127.0.0.1", "--port", String(port), "--store", store, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let out = "";
  child.stdout!.on("data", (b) => {
    out += b;
  });
  child.stderr!.on("data", (b) => {
    out += b;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`warden serve exited ${child.exitCode}: ${out}`);
      return (await fetch(`${url}/healthz`)).ok;
    }, `warden serve on ${port}`);
  } catch (err) {
    child.kill("SIGKILL");
    throw new Error(`${(err as Error).message}\n${out}`);
  }
  return { url, port, child, output: () => out, stop: (signal = "SIGTERM") => stopChild(child, signal) };
}

/** Runs `warden ARGS` to completion and returns stdout (throws with stderr on a non-zero exit). */
export async function runWarden(args: string[]): Promise<string> {
  const bin = await wardenBin();
  return execFileSync(process.execPath, [bin, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A JSON request with an API key; the body is sent as given when it is a string. */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if (/^application\/json(;|$)/.test(res.headers.get("content-type") ?? "")) parsed = text === "" ? null : JSON.parse(text);
  return { status: res.status, body: parsed as T, headers: res.headers };
}

export interface LoadResult {
  i: number;
  status: number | null;
  body: any;
  error?: string;
  server: number;
}

/**
 * Sends `count` POSTs (body `makeBody(i)`) with `concurrency` in flight, round-robin over `bases`,
 * and stops at `count` or `timeoutMs`, or when `stop()` says so. Errors (a killed server) are results too.
 */
export async function runLoad(opts: {
  bases: string[];
  path: string;
  key: string;
  count: number;
  concurrency: number;
  timeoutMs: number;
  makeBody: (i: number) => unknown;
  stop?: () => boolean;
}): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  const deadline = Date.now() + opts.timeoutMs;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < opts.count && Date.now() < deadline && !(opts.stop?.() ?? false)) {
      const i = next++;
      const server = i % opts.bases.length;
      try {
        const r = await api(opts.bases[server]!, "POST", opts.path, { key: opts.key, body: opts.makeBody(i) });
        results.push({ i, status: r.status, body: r.body, server });
      } catch (err) {
        results.push({ i, status: null, body: null, error: String(err), server });
      }
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return results;
}
