// Drives the same program (driver.mjs) in every runtime against the packed package, the way a user
// would install it: Node (ESM and CommonJS), Deno, Bun, workerd (served on 127.0.0.1) and headless
// Chromium (page served on 127.0.0.1, driven by playwright-core). Used by test/runtimes/runtimes.spec.ts
// (conformance) and scripts/runtimes/cold-start.mjs (benchmark).
import { execFile, execFileSync, spawn } from "node:child_process";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect, createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { ROOT } from "./bins.mjs";

const HERE = path.join(ROOT, "scripts/runtimes");
const PACKAGE = "agent-warden";
const RUN_TIMEOUT_MS = 120_000;

/** The README example: the research agent's passport and its first search. */
export const COLD_CASE = {
  passport: JSON.parse(readFileSync(path.join(ROOT, "examples/passports/research-agent.json"), "utf8")),
  request: { action: "web:search", cost_cents: 20, target: "https://serpapi.com/search?q=agent+guardrails", context: { query: "agent guardrails" } },
  now: "2026-02-24T10:00:00Z",
};

/** Chromium flags: no network beyond loopback, no first-run work, a throwaway profile (playwright's). */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const log = (...args) => console.error("[runtimes]", ...args);

// ---- the test project: the packed package installed as a user would --------------------------

/**
 * Builds the package, packs it (so `files` and `exports` are what a user gets), installs the tarball
 * into a temporary project and writes the driver, the runner and the corpus beside it.
 */
export async function prepareProject({ build: doBuild = true } = {}) {
  if (doBuild) {
    log("building the package (scripts/build.mjs)");
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  }
  const dir = mkdtempSync(path.join(tmpdir(), "warden-runtimes-"));
  const pack = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--loglevel=error", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" }),
  );
  const tarball = path.join(dir, pack[0].filename);
  const project = path.join(dir, "project");
  const installed = path.join(project, "node_modules", PACKAGE);
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);

  // The package's own dependencies, from the repository's install (the entries for Node keep them external).
  const pkg = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8"));
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const from = path.join(ROOT, "node_modules", dep);
    const to = path.join(project, "node_modules", dep);
    if (!existsSync(from) || existsSync(to)) continue;
    mkdirSync(path.dirname(to), { recursive: true });
    symlinkSync(from, to, "dir");
  }

  writeFileSync(
    path.join(project, "package.json"),
    `${JSON.stringify({ name: "warden-runtime-check", private: true, type: "module", dependencies: { [PACKAGE]: `file:${tarball}` } }, null, 2)}\n`,
  );
  for (const f of ["driver.mjs", "cli.mjs", "cli.cjs", "page.mjs", "worker.mjs"]) copyFileSync(path.join(HERE, f), path.join(project, f));
  for (const f of ["corpus.json", "known-divergences.json"]) copyFileSync(path.join(ROOT, "test/conformance", f), path.join(project, f));
  writeFileSync(path.join(project, "cold.json"), JSON.stringify(COLD_CASE));
  await build({
    entryPoints: [path.join(ROOT, "test/conformance/run-corpus.ts")],
    outfile: path.join(project, "runner.mjs"),
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    logLevel: "error",
  });
  return { dir, project, tarball, wasm: path.join(installed, "build/warden.wasm"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---- command-line runtimes --------------------------------------------------------------------

function runJson(cmd, args, { cwd, env = {} }) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, timeout: RUN_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${path.basename(cmd)} ${args.join(" ")} failed: ${err.message}\n${stderr.slice(-4000)}`));
      const last = stdout.trim().split("\n").pop();
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`${path.basename(cmd)} printed no result:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}

const coldFlag = (coldOnly) => (coldOnly ? ["--cold-only"] : []);

export const runNode = (p, { coldOnly = false } = {}) => runJson(process.execPath, ["cli.mjs", ...coldFlag(coldOnly)], { cwd: p.project });

export const runNodeCjs = (p, { coldOnly = false } = {}) => runJson(process.execPath, ["cli.cjs", ...coldFlag(coldOnly)], { cwd: p.project });

/** Deno reads warden.wasm from the package, so it gets read access to the project and nothing else. */
export const runDeno = (p, bin, { coldOnly = false } = {}) =>
  runJson(bin, ["run", "--no-lock", "--no-prompt", "--node-modules-dir=manual", `--allow-read=${p.project}`, "cli.mjs", ...coldFlag(coldOnly)], {
    cwd: p.project,
    env: { DENO_DIR: path.join(p.dir, "deno-cache"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });

export const runBun = (p, bin, { coldOnly = false } = {}) =>
  runJson(bin, ["--no-install", "cli.mjs", ...coldFlag(coldOnly)], { cwd: p.project, env: { NO_COLOR: "1" } });

// ---- bundling (workerd and the bundled browser page) ------------------------------------------

/** Bundles an entry of the test project; returns which package file "agent-warden" resolved to. */
async function bundle(p, entry, outfile, options) {
  const result = await build({
    absWorkingDir: p.project,
    entryPoints: [path.join(p.project, entry)],
    outfile,
    bundle: true,
    format: "esm",
    target: "es2022",
    metafile: true,
    logLevel: "error",
    ...options,
  });
  const inputs = Object.keys(result.metafile.inputs);
  const nodeImports = Object.values(result.metafile.inputs)
    .flatMap((i) => i.imports.map((x) => x.path))
    .filter((x) => x.startsWith("node:"));
  const entryFile = inputs.find((i) => i.includes(`node_modules/${PACKAGE}/dist/`) && !/chunk-/.test(i));
  return { resolved: entryFile ?? null, nodeImports };
}

function copyWasm(p, family, toDir) {
  copyFileSync(path.join(p.project, "node_modules", PACKAGE, "dist", family, "warden.wasm"), path.join(toDir, "warden.wasm"));
}

// ---- workerd ----------------------------------------------------------------------------------

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createTcpServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port, child, deadline) {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`workerd exited with ${child.exitCode}`));
      const sock = connect(port, "127.0.0.1");
      sock.once("connect", () => {
        sock.destroy();
        resolve();
      });
      sock.once("error", () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`workerd did not listen on 127.0.0.1:${port}`));
        else setTimeout(attempt, 10);
      });
    };
    attempt();
  });
}

const capnp = (port) => `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "warden.wasm", wasm = embed "warden.wasm"),
  ],
  compatibilityDate = "2026-01-01",
);
`;

/** Bundles the worker once per project (as wrangler would) and returns its directory. */
export async function prepareWorker(p) {
  const dir = path.join(p.dir, "workerd");
  mkdirSync(dir, { recursive: true });
  const info = await bundle(p, "worker.mjs", path.join(dir, "worker.js"), {
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["*.wasm"],
  });
  copyWasm(p, "workerd", dir);
  return { dir, ...info };
}

/**
 * Starts real workerd with a generated capnp config on a free loopback port, GETs `path` once and
 * stops it. Times are measured outside: workerd's clocks do not advance while a request computes.
 */
export async function runWorkerd(p, bin, worker, { coldOnly = false } = {}) {
  const port = await freePort();
  const config = path.join(worker.dir, `config-${port}.capnp`);
  writeFileSync(config, capnp(port));
  const started = performance.now();
  const child = spawn(bin, ["serve", config], { cwd: worker.dir, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.on("data", (d) => (stderr += d));
  try {
    await waitForPort(port, child, Date.now() + 30_000);
    const ready = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/${coldOnly ? "cold" : "run"}`);
    const text = await res.text();
    const done = performance.now();
    if (!res.ok) throw new Error(`workerd answered ${res.status}: ${text.slice(0, 4000)}`);
    const out = JSON.parse(text);
    out.resolved = worker.resolved;
    out.nodeImports = worker.nodeImports;
    out.external = { spawn_to_ready_ms: round(ready - started), first_request_ms: round(done - ready) };
    return out;
  } catch (err) {
    err.message += `\n${stderr.slice(-4000)}`;
    throw err;
  } finally {
    child.kill("SIGTERM");
    rmSync(config, { force: true });
  }
}

const round = (ms) => Math.round(ms * 1000) / 1000;

// ---- Chromium ---------------------------------------------------------------------------------

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".cjs": "text/javascript",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".map": "application/json",
};

/**
 * The ways a page gets the package: a plain module script (import map), two bundlers (esbuild, with
 * warden.wasm copied by hand; Vite, which finds `new URL("./warden.wasm", import.meta.url)` itself),
 * and a server that sends the wrong MIME type for .wasm.
 */
export const BROWSER_VARIANTS = {
  "script type=module": "/plain.html",
  "bundled (esbuild)": "/bundled.html",
  "bundled (vite build)": "/vite/index.html",
  "wasm as octet-stream": "/octet/plain.html",
};

/**
 * Serves the test project on 127.0.0.1; under /octet/ the same files, with .wasm sent as
 * application/octet-stream (streaming compilation refuses it, so the loader's fallback runs).
 */
export async function startStaticServer(p) {
  const pageFor = (prefix) => `<!doctype html><meta charset="utf-8"><title>agent-warden conformance</title>
<script type="importmap">{"imports":{"${PACKAGE}":"${prefix}/node_modules/${PACKAGE}/dist/browser/index.js"}}</script>
<script type="module" src="${prefix}/page.mjs"></script>\n`;
  writeFileSync(path.join(p.project, "plain.html"), pageFor(""));
  writeFileSync(path.join(p.project, "octet-plain.html"), pageFor("/octet"));
  const bundleDir = path.join(p.project, "bundle");
  mkdirSync(bundleDir, { recursive: true });
  const info = await bundle(p, "page.mjs", path.join(bundleDir, "page.js"), { platform: "browser" });
  copyWasm(p, "browser", bundleDir); // a bundler user copies the asset next to the bundle
  writeFileSync(path.join(p.project, "bundled.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="/bundle/page.js"></script>\n`);
  const vite = await viteBuild(p);

  const server = createServer((req, res) => {
    let url = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    const octet = url.startsWith("/octet/");
    if (url === "/octet/plain.html") url = "/octet-plain.html";
    else if (octet) url = url.slice("/octet".length);
    const file = path.join(p.project, path.normalize(url));
    if (!file.startsWith(p.project) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    const ext = path.extname(file);
    const type = octet && ext === ".wasm" ? "application/octet-stream" : (MIME[ext] ?? "application/octet-stream");
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { origin, bundled: info, vite, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A production build by Vite (the bundler vitest brings) into <project>/vite, served under /vite/. */
async function viteBuild(p) {
  const { build: vite } = await import("vite");
  writeFileSync(path.join(p.project, "index.html"), `<!doctype html><meta charset="utf-8"><script type="module" src="/page.mjs"></script>\n`);
  const outDir = path.join(p.project, "vite");
  const output = await vite({
    root: p.project,
    base: "/vite/",
    logLevel: "error",
    configFile: false,
    build: { outDir, target: "es2022", chunkSizeWarningLimit: 4096 },
  });
  const files = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output ?? []);
  const modules = files.flatMap((f) => Object.keys(f.modules ?? {}));
  const entry = modules.find((m) => m.includes(`node_modules/${PACKAGE}/dist/`) && !/chunk-/.test(m));
  return { resolved: entry ?? null, nodeImports: modules.filter((m) => m.startsWith("node:")) };
}

export async function launchChromium(bin) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: bin, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** Opens one variant in a fresh context (empty cache) and returns what the page computed. */
export async function runChromiumPage(browser, server, pagePath, { coldOnly = false } = {}) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(String(e)));
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    await page.goto(`${server.origin}${pagePath}${coldOnly ? "?cold-only" : ""}`);
    await page.waitForFunction(() => globalThis.__warden || globalThis.__wardenError, null, { timeout: RUN_TIMEOUT_MS });
    const error = await page.evaluate(() => globalThis.__wardenError);
    if (error) throw new Error(`page failed: ${error}\n${problems.join("\n")}`);
    const out = await page.evaluate(() => globalThis.__warden);
    const bundler = pagePath.startsWith("/vite/") ? server.vite : pagePath.includes("bundled") ? server.bundled : null;
    out.resolved = bundler ? bundler.resolved : `${PACKAGE}/dist/browser/index.js (import map)`;
    out.nodeImports = bundler ? bundler.nodeImports : [];
    out.browser = browser.version();
    return out;
  } finally {
    await context.close();
  }
}
