#!/usr/bin/env node
// Long differential runs (issue 5): the WASM engine against the reference model of test/reference/,
// in worker threads, with a progress line per chunk; a divergence prints its shrunk counterexample
// and a replayable seed, and exits 1.
//
//   npm run soak -- --cases 10000000            decisions (and a tenth as many state transitions,
//                                               a thousandth as many enforcer operations)
//   npm run soak -- --cases 1e6 --seed 42 --workers 2
//   npm run soak -- --digest 10000              SHA-256 of 10,000 deterministic decisions, then exit
//
// The TypeScript is bundled with esbuild into a temporary directory; the module is built from
// assembly/ into the same directory (or taken from --wasm), so build/ is never touched.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv) {
  const opts = { cases: 1_000_000, seed: (Math.random() * 2 ** 31) | 0, workers: Math.max(1, availableParallelism()), wasm: null, digest: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--cases":
        opts.cases = Number(value());
        break;
      case "--seed":
        opts.seed = Number(value()) | 0;
        break;
      case "--workers":
        opts.workers = Math.max(1, Number(value()) | 0);
        break;
      case "--wasm":
        opts.wasm = resolve(value());
        break;
      case "--digest":
        opts.digest = Number(value());
        break;
      case "--help":
      case "-h":
        console.log("usage: npm run soak -- [--cases N] [--seed S] [--workers W] [--wasm FILE] [--digest N]");
        process.exit(0);
        break;
      default:
        console.error(`soak: unknown argument ${argv[i]} (try --help)`);
        process.exit(2);
    }
  }
  if (!(opts.cases > 0) || (opts.digest !== null && !(opts.digest > 0))) {
    console.error("soak: --cases and --digest take a positive number");
    process.exit(2);
  }
  return opts;
}

async function bundle(dir) {
  const { build } = await import("esbuild");
  const out = join(dir, "soak-main.mjs");
  await build({
    entryPoints: [join(root, "test/property/soak-main.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: out,
    logLevel: "error",
  });
  return out;
}

function buildWasm(dir) {
  const out = join(dir, "warden.wasm");
  execFileSync(process.execPath, [join(root, "node_modules/assemblyscript/bin/asc.js"), "assembly/index.ts", "--target", "release", "-o", out], {
    cwd: root,
    stdio: "inherit",
  });
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), "warden-soak-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const [entry, wasm] = [await bundle(dir), opts.wasm ?? buildWasm(dir)];
    if (opts.digest !== null) {
      const { digest } = await import(pathToFileURL(entry).href);
      console.log(digest(wasm, opts.digest));
      return 0;
    }
    const n = opts.workers;
    const share = (total) => Math.ceil(total / n);
    console.log(`soak: ${opts.cases.toLocaleString("en")} decisions on ${n} worker${n === 1 ? "" : "s"}, seed ${opts.seed}`);
    const started = Date.now();
    const results = await Promise.all(
      Array.from(
        { length: n },
        (_, i) =>
          new Promise((done) => {
            const w = new Worker(fileURLToPath(import.meta.url), {
              workerData: {
                entry,
                wasm,
                label: n > 1 ? `[${i + 1}/${n}] ` : "",
                seed: (opts.seed + i * 1_000_003) | 0,
                decisions: share(opts.cases),
                transitions: share(opts.cases / 10),
                sequences: share(opts.cases / 1000),
              },
            });
            w.on("message", (m) => {
              if (m.log) console.log(m.log);
              if (m.failure) {
                console.error(m.failure);
                process.exitCode = 1;
              }
            });
            w.on("error", (err) => {
              console.error(err);
              done(false);
            });
            w.on("exit", () => done(process.exitCode !== 1));
          }),
      ),
    );
    const ok = results.every(Boolean) && process.exitCode !== 1;
    console.log(`soak: ${ok ? "no divergence" : "DIVERGENCE"} in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${opts.seed})`);
    return ok ? 0 : 1;
  } finally {
    cleanup();
  }
}

async function worker() {
  const { soak } = await import(pathToFileURL(workerData.entry).href);
  const failure = await soak({ ...workerData, log: (line) => parentPort.postMessage({ log: line }) });
  if (failure) parentPort.postMessage({ failure });
}

if (isMainThread) process.exit(await main());
else await worker();
