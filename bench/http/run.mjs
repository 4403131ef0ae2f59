// Load benchmark of `warden serve` (issue 8): POST /v1/enforce on loopback, SQLite and Redis stores.
// An open loop sends at a fixed rate (latency counted from each request's scheduled instant, so a
// stalled server cannot hide its queue), then a closed loop finds the throughput. Every loop is
// bounded in count and time; only 127.0.0.1 is contacted. The client (client.mjs) is a lean
// keep-alive HTTP/1.1 client, since it shares the cores with the server; each scenario reports the
// CPU both sides spent per request. Writes bench/results/http.{json,md}.
//   npm run bench:http                      (builds, then SQLite and Redis if redis-server is installed)
//   node bench/http/run.mjs --quick         (short runs: a smoke test)
//   node bench/http/run.mjs --rate=2000     (another open-loop rate)
//   node bench/http/run.mjs --only=sqlite   (some of floor, fastify, sqlite, sqlite-workers, redis; prints only, writes nothing)
import { execFileSync, spawn } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ratio } from "../lib/format.mjs";
import { boundaryTargets, fromFile, serverTargets } from "../lib/issue21.mjs";
import { machine, machineLine } from "../lib/machine.mjs";
import { Client, prepare } from "./client.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const BIN = join(ROOT, "dist/cli/warden.js");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const RATE = Number(args.find((a) => a.startsWith("--rate="))?.slice(7) ?? 1000);
const ONLY =
  args
    .find((a) => a.startsWith("--only="))
    ?.slice(7)
    .split(",") ?? null;
const runs = (name) => ONLY === null || ONLY.includes(name);
const OPEN_SECONDS = quick ? 3 : 15;
const CLOSED_SECONDS = quick ? 2 : 5;
const WARMUP_SECONDS = quick ? 1 : 3;
const PASSPORTS = 100;
/** Extra Node flags for the server processes, e.g. WARDEN_BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const SERVER_NODE_FLAGS = (process.env.WARDEN_BENCH_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
const CONCURRENCY = 32;
const TARGET_P99_MS = 5;
/** The report's names for the floor-server.mjs and floor-fastify.mjs rows. */
const FLOOR = "floor: node:http, no work";
const FLOOR_FASTIFY = "floor: Fastify, no work";
/** Issue 14: Fastify may cost at most this share of a decision's server CPU. */
const FASTIFY_SHARE_LIMIT = 0.1;
/** Requests the closed loop cycles through (prepared before it starts). */
const CLOSED_POOL = 10_000;

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check, what, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (err) {
      if (err?.fatal) throw err; // not "not yet": waiting longer will not help
    }
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A POST to the server under test, prepared (head and body in one buffer) for `client.send`. */
function postRequest(server, path, key, body) {
  return prepare("127.0.0.1", server.port, "POST", path, { authorization: `Bearer ${key}`, "content-type": "application/json" }, body);
}

/** CPU time (user + system, ms) of a process so far, from /proc; null where there is no /proc. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks: USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function startRedis() {
  let bin;
  try {
    bin = execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
  if (!bin) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "warden-bench-redis-"));
  const child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  await waitFor(
    () =>
      new Promise((ok) => {
        const c = createConnection(port, "127.0.0.1");
        c.on("connect", () => {
          c.destroy();
          ok(true);
        });
        c.on("error", () => ok(false));
      }),
    "redis-server",
  );
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => {
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startServer(store, workers, signingKey) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      ...SERVER_NODE_FLAGS,
      BIN,
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--store",
      store,
      "--signing-key",
      signingKey,
      "--rate-limit",
      "0",
      "--workers",
      String(workers),
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let exited = null;
  child.stdout.on("data", (b) => {
    out += b;
  });
  child.stderr.on("data", (b) => {
    out += b;
  });
  child.once("exit", (code) => {
    exited = code;
  });
  await waitFor(async () => {
    // A server that refused to start says why at once, rather than after the wait's timeout.
    if (exited !== null) throw Object.assign(new Error(`warden serve exited (${exited}): ${out}`), { fatal: true });
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  }, "warden serve");
  const client = new Client("127.0.0.1", port);
  return {
    port,
    pid: child.pid,
    client,
    metrics: true,
    stop: () =>
      new Promise((ok) => {
        client.close();
        child.once("exit", ok);
        child.kill("SIGTERM");
      }),
  };
}

/** A floor: floor-server.mjs (node:http) or floor-fastify.mjs, which only parse the body and answer (no /metrics). */
async function startFloorServer(script) {
  const port = await freePort();
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(ROOT, "bench/http", script), String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((ok, fail) => {
    child.stdout.once("data", ok);
    child.once("exit", (code) => fail(new Error(`floor server exited (${code})`)));
  });
  const client = new Client("127.0.0.1", port);
  return {
    port,
    pid: child.pid,
    client,
    metrics: false,
    stop: () =>
      new Promise((ok) => {
        client.close();
        child.once("exit", ok);
        child.kill("SIGTERM");
      }),
  };
}

/** A passport a team might run: caps, rate limits, a domain allowlist, approvals for payments. */
function passport(i) {
  return {
    agent_name: `bench agent ${i}`,
    trust_tier: "L1",
    permissions: ["web:*", "documents:*", "payments:*"],
    constraints: {
      "core:cost:max_per_action": 500,
      "core:cost:max_per_day": 1_000_000_000,
      "core:cost:approval_threshold": 2000,
      "core:rate:max_per_minute": 1_000_000,
      "core:scope:domain_allowlist": ["serpapi.com", "api.openai.com", "example.com"],
      "core:data:no_secrets_export": true,
      "core:data:no_pii_export": true,
    },
  };
}

function enforceBody(pids, i) {
  return JSON.stringify({
    passport_id: pids[i % pids.length],
    action: "web:search",
    cost_cents: 1 + (i % 7),
    target: "https://serpapi.com/search",
    context: { query: `weather in city ${i}`, page: i % 3 },
  });
}

/** The server's own histogram of POST /v1/enforce durations (one process's view), by bucket bound. */
async function serverBuckets(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const out = {};
  for (const m of text.matchAll(/^warden_http_request_duration_seconds_bucket\{route="\/v1\/enforce",le="([^"]+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/**
 * Runs `scenario` and adds what each side spent: the client's CPU per request, and (single process
 * only) the server's CPU per request and the share of requests it finished within 5 ms by its own clock.
 */
async function withServerView(server, workers, scenario) {
  const single = workers === 1;
  const histogram = single && server.metrics;
  const before = histogram ? await serverBuckets(server.port) : null;
  const serverCpu0 = single ? processCpuMs(server.pid) : null;
  const clientCpu0 = process.cpuUsage();
  const result = await scenario();
  const clientCpu = process.cpuUsage(clientCpu0);
  const serverCpu1 = single ? processCpuMs(server.pid) : null;
  const perRequest = (ms) => (result.requests > 0 ? Math.round((ms * 1000) / result.requests) : null);
  const out = {
    ...result,
    client_cpu_us_per_request: perRequest((clientCpu.user + clientCpu.system) / 1000),
    server_cpu_us_per_request: serverCpu0 === null || serverCpu1 === null ? null : perRequest(serverCpu1 - serverCpu0),
    server_within_5ms: null,
  };
  if (!histogram) return out;
  const after = await serverBuckets(server.port);
  const total = (after["+Inf"] ?? 0) - (before["+Inf"] ?? 0);
  const within = (after["0.005"] ?? 0) - (before["0.005"] ?? 0);
  return { ...out, server_within_5ms: total > 0 ? Number((within / total).toFixed(4)) : null };
}

/**
 * How fast this machine is, in one figure that is easy to compare between runs and machines: the
 * median time of one node:crypto Ed25519 signature (the server makes two per decision).
 */
function calibrate() {
  const { privateKey } = generateKeyPairSync("ed25519");
  const data = Buffer.alloc(300, 7);
  for (let i = 0; i < 500; i++) sign(null, data, privateKey);
  const rounds = [];
  for (let r = 0; r < 9; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) sign(null, data, privateKey);
    rounds.push(((performance.now() - t0) * 1000) / 200);
  }
  return { ed25519_sign_us: round(rounds.sort((a, b) => a - b)[4]) };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Counts what came back other than 200: network errors, and each other status with one sample body. */
function tally() {
  const t = { errors: 0, non200: 0, byStatus: {} };
  t.add = (r) => {
    if (r.status === null) t.errors++;
    else if (r.status !== 200) {
      t.non200++;
      t.byStatus[r.status] ??= { count: 0, sample: r.text.slice(0, 200) };
      t.byStatus[r.status].count++;
    }
  };
  return t;
}

function summarize(latencies, seconds, { errors, non200, byStatus }) {
  const s = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    seconds: Number(seconds.toFixed(2)),
    throughput_rps: Math.round(latencies.length / seconds),
    p50_ms: round(percentile(s, 50)),
    p90_ms: round(percentile(s, 90)),
    p99_ms: round(percentile(s, 99)),
    max_ms: round(s[s.length - 1] ?? NaN),
    errors,
    non_200: non200,
    non_200_by_status: byStatus,
  };
}
const round = (x) => Number(x.toFixed(3));

/** Sends `rate` requests per second for `seconds`; latency from each request's scheduled instant. */
async function openLoop(server, key, pids, rate, seconds) {
  const total = Math.round(rate * seconds);
  // Every request is prepared before the clock starts: the loop only sends and times.
  const requests = Array.from({ length: total }, (_, i) => postRequest(server, "/v1/enforce", key, enforceBody(pids, i)));
  const latencies = [];
  const outcomes = tally();
  let sent = 0;
  const pending = new Set();
  const t0 = performance.now();
  const hardStop = t0 + seconds * 1000 + 30_000;
  while (sent < total && performance.now() < hardStop) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate) + 1);
    for (; sent < due; sent++) {
      const scheduled = t0 + (sent / rate) * 1000;
      const p = server.client.send(requests[sent]).then((r) => {
        latencies.push(performance.now() - scheduled);
        outcomes.add(r);
        pending.delete(p);
      });
      pending.add(p);
    }
    await sleep(1);
  }
  await Promise.race([Promise.all(pending), sleep(30_000)]);
  return summarize(latencies, (performance.now() - t0) / 1000, outcomes);
}

/** `concurrency` clients send back to back for `seconds`: the throughput ceiling. */
async function closedLoop(server, key, pids, concurrency, seconds) {
  const requests = Array.from({ length: CLOSED_POOL }, (_, i) => postRequest(server, "/v1/enforce", key, enforceBody(pids, i)));
  const latencies = [];
  const outcomes = tally();
  let i = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const start = performance.now();
        const r = await server.client.send(requests[i++ % CLOSED_POOL]);
        latencies.push(performance.now() - start);
        outcomes.add(r);
      }
    }),
  );
  return summarize(latencies, (performance.now() - t0) / 1000, outcomes);
}

async function benchStore(name, store, workers = 1) {
  const key = execFileSync(process.execPath, [BIN, "keys", "create", "--issuer", "iss_bench", "--store", store], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
  // Redis needs a signing key file outside the store; SQLite would make one beside its database.
  const server = await startServer(store, workers, join(dir, `${name.replace(/\W/g, "_")}.key`));
  try {
    const pids = [];
    for (let i = 0; i < PASSPORTS; i++) {
      const r = await server.client.send(postRequest(server, "/v1/passports", key, JSON.stringify(passport(i))));
      if (r.status !== 201) throw new Error(`creating a passport failed: ${r.status} ${r.text}`);
      pids.push(JSON.parse(r.text).passport.id);
    }
    await openLoop(server, key, pids, Math.min(RATE, 500), WARMUP_SECONDS);
    const view = (scenario) => withServerView(server, workers, scenario);
    const results = {
      [`open loop ${RATE}/s, ${PASSPORTS} passports`]: await view(() => openLoop(server, key, pids, RATE, OPEN_SECONDS)),
      [`open loop ${RATE}/s, 1 passport`]: await view(() => openLoop(server, key, pids.slice(0, 1), RATE, OPEN_SECONDS)),
      [`closed loop ${CONCURRENCY} clients, ${PASSPORTS} passports`]: await view(() => closedLoop(server, key, pids, CONCURRENCY, CLOSED_SECONDS)),
    };
    printResults(name, results);
    return results;
  } finally {
    await server.stop();
  }
}

function printResults(name, results) {
  for (const [scenario, r] of Object.entries(results)) {
    const cpu = `cpu µs/req client ${r.client_cpu_us_per_request}${r.server_cpu_us_per_request === null ? "" : ` server ${r.server_cpu_us_per_request}`}`;
    console.log(
      `${name.padEnd(8)} ${scenario.padEnd(38)} ${String(r.throughput_rps).padStart(6)} req/s  p50 ${r.p50_ms.toFixed(2)} ms  p99 ${r.p99_ms.toFixed(2)} ms  max ${r.max_ms.toFixed(1)} ms  errors ${r.errors + r.non_200}${
        Object.keys(r.non_200_by_status).length
          ? ` (${Object.entries(r.non_200_by_status)
              .map(([s, v]) => `${s}×${v.count}`)
              .join(", ")})`
          : ""
      }  ${cpu}${r.server_within_5ms === null ? "" : `  (server: ${(r.server_within_5ms * 100).toFixed(1)}% within 5 ms)`}`,
    );
  }
}

/**
 * The same client, requests and rate against floor-server.mjs: the latency and CPU this machine
 * gives an HTTP API that does no work. A target below the floor's p99 cannot be met by any server.
 */
async function benchFloor(label, script) {
  const server = await startFloorServer(script);
  try {
    const pids = Array.from({ length: PASSPORTS }, (_, i) => `pass_floor_${i}`);
    await openLoop(server, "floor", pids, Math.min(RATE, 500), WARMUP_SECONDS);
    const view = (scenario) => withServerView(server, 1, scenario);
    const results = {
      [`open loop ${RATE}/s, ${PASSPORTS} passports`]: await view(() => openLoop(server, "floor", pids, RATE, OPEN_SECONDS)),
      [`closed loop ${CONCURRENCY} clients, ${PASSPORTS} passports`]: await view(() => closedLoop(server, "floor", pids, CONCURRENCY, CLOSED_SECONDS)),
    };
    printResults(label, results);
    return results;
  } finally {
    await server.stop();
  }
}

/** " Measured: …" for the report's target line: SQLite's p99 beside the floor's, from this run. */
function targetLine(report) {
  const t = report.target;
  if (!t) return "";
  const floor = t.floor_p99_ms === null ? "" : `; the floor (a node:http server doing no work, same client and rate) ${t.floor_p99_ms} ms`;
  return ` Measured at ${t.rate}/s: SQLite ${t.sqlite_p99_ms} ms (**${t.met ? "met" : "not met"}**)${floor}.`;
}

/**
 * What Fastify costs a decision, from this run: the Fastify floor's server CPU per request minus the
 * node:http floor's, over warden serve's (SQLite) per decision, in the open loop (requests arrive
 * one by one) and the closed loop (they queue). Issue 14 keeps Fastify only while the worse of the
 * two is at most 10%.
 */
function fastifyShare(report) {
  const scenarios = [`open loop ${RATE}/s, ${PASSPORTS} passports`, `closed loop ${CONCURRENCY} clients, ${PASSPORTS} passports`];
  const cpu = (store, scenario) => report.stores[store]?.[scenario]?.server_cpu_us_per_request ?? null;
  const each = [];
  for (const scenario of scenarios) {
    const [bare, fastify, decision] = [cpu(FLOOR, scenario), cpu(FLOOR_FASTIFY, scenario), cpu("sqlite", scenario)];
    if (bare === null || fastify === null || decision === null) {
      return { share: null, met: null, reading: "not measured (needs the floor, fastify and sqlite runs)" };
    }
    each.push({ scenario, share: (fastify - bare) / decision, text: `${scenario}: (${fastify} − ${bare}) µs ÷ ${decision} µs` });
  }
  const share = Math.max(...each.map((e) => e.share));
  const met = share <= FASTIFY_SHARE_LIMIT;
  const parts = each.map((e) => `${e.text} = ${(e.share * 100).toFixed(1)}%`).join("; ");
  return {
    share: Number(share.toFixed(4)),
    met,
    reading: `${(share * 100).toFixed(1)}% (${met ? "met" : "NOT met"}), the worse of: server CPU per request with Fastify minus with node:http, over a SQLite decision's — ${parts}`,
  };
}

function markdownReport(report) {
  const lines = [
    "# warden serve: POST /v1/enforce on loopback",
    "",
    `Machine: ${machineLine(report.machine)}; load average (1 min) ${report.machine.load_average_1min} at the start, ${report.load_average_1min_end} at the end (other work on the machine shows up in the tails); one Ed25519 signature with node:crypto takes ${report.calibration.ed25519_sign_us} µs here (a speed gauge to compare machines). Client and server share the machine. Command: \`npm run bench:http\`${quick ? " -- --quick" : ""}.`,
    "",
    `Target: p99 ≤ ${TARGET_P99_MS} ms at 1,000 requests/s with SQLite.${targetLine(report)}`,
    "",
    "## Targets (issue 21)",
    "",
    "Ratios taken inside one run; rows read from `bench/results/latest.json` say so.",
    "",
    "| target | wanted | measured | | reading |",
    "|---|---|---:|---|---|",
    ...(report.targets ?? []).map(
      (t) =>
        `| ${t.name} | ${t.target} | ${t.measured === null ? "not measured" : ratio(t.measured)} | ${t.met === null ? "—" : t.met ? "**met**" : "**not met**"} | ${t.reading.replaceAll("|", "\\|")} |`,
    ),
    "",
    "## The HTTP layer (issue 14)",
    "",
    `Fastify's share of a decision, wanted ≤ ${FASTIFY_SHARE_LIMIT * 100}%: ${report.http_layer?.reading ?? "not measured"}. "${FLOOR_FASTIFY}" is bench/http/floor-fastify.mjs: Fastify set up as warden serve sets it up, doing nothing else.`,
    "",
    "| store | scenario | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | server ≤ 5 ms | CPU µs/req client | CPU µs/req server |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [store, scenarios] of Object.entries(report.stores)) {
    for (const [scenario, r] of Object.entries(scenarios)) {
      const server = r.server_within_5ms === null ? "—" : `${(r.server_within_5ms * 100).toFixed(1)}%`;
      lines.push(
        `| ${store} | ${scenario} | ${r.throughput_rps} | ${r.p50_ms} | ${r.p90_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.errors + r.non_200} | ${server} | ${r.client_cpu_us_per_request ?? "—"} | ${r.server_cpu_us_per_request ?? "—"} |`,
      );
    }
  }
  lines.push(
    "",
    `"${FLOOR}" is bench/http/floor-server.mjs: node:http reading and parsing the same request bodies and answering with a body as long as a real allow, driven by the same client at the same rate. It is what this machine gives before any policy work.`,
    "Open-loop latency is measured from each request's scheduled send time, so queueing in the server shows up in it.",
    '"server ≤ 5 ms" is the share of those requests the server itself handled within 5 ms (its /metrics histogram, from the start of handling to the response sent; one process only).',
    "CPU µs/req is the CPU time (user + system, all threads) each process spent during the scenario divided by the requests answered: the client's from process.cpuUsage, the server's from /proc (one process only).",
    "",
  );
  return lines.join("\n");
}

if (!existsSync(BIN)) {
  console.error("dist/cli/warden.js not found: run `npm run build` (npm run bench:http does)");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "warden-bench-http-"));
const report = { generated_at: new Date().toISOString(), machine: machine(), calibration: calibrate(), rate: RATE, passports: PASSPORTS, quick, stores: {} };
console.log(`${machineLine(report.machine)}; one Ed25519 signature (node:crypto) ${report.calibration.ed25519_sign_us} µs`);
try {
  if (runs("floor")) report.stores[FLOOR] = await benchFloor("floor", "floor-server.mjs");
  if (runs("fastify")) report.stores[FLOOR_FASTIFY] = await benchFloor("fastify", "floor-fastify.mjs");
  if (runs("sqlite")) report.stores.sqlite = await benchStore("sqlite", `sqlite:${join(dir, "bench.db")}`);
  if (runs("sqlite-workers")) report.stores["sqlite, --workers 2"] = await benchStore("sqlite×2", `sqlite:${join(dir, "bench2.db")}`, 2);
  const redis = runs("redis") ? await startRedis() : null;
  if (redis) {
    try {
      report.stores.redis = await benchStore("redis", redis.url);
    } finally {
      redis.stop();
    }
  } else if (runs("redis")) {
    console.log("redis    skipped: redis-server is not installed (apt-get install -y redis-server)");
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
report.load_average_1min_end = Number(loadavg()[0].toFixed(2));
const sqliteOpen = report.stores.sqlite?.[`open loop ${RATE}/s, ${PASSPORTS} passports`];
if (sqliteOpen) {
  const floorP99 = report.stores[FLOOR]?.[`open loop ${RATE}/s, ${PASSPORTS} passports`]?.p99_ms ?? null;
  report.target = {
    rate: RATE,
    p99_ms: TARGET_P99_MS,
    sqlite_p99_ms: sqliteOpen.p99_ms,
    floor_p99_ms: floorP99,
    met: RATE >= 1000 && sqliteOpen.p99_ms <= TARGET_P99_MS,
  };
  console.log(
    `target (p99 ≤ ${TARGET_P99_MS} ms at ${RATE}/s, SQLite, ${PASSPORTS} passports): ${report.target.met ? "met" : "NOT met"} (p99 ${sqliteOpen.p99_ms} ms${floorP99 === null ? "" : `; the floor's p99 ${floorP99} ms`})`,
  );
}
report.http_layer = fastifyShare(report);
console.log(`\nFastify's share of a decision (issue 14, ≤ ${FASTIFY_SHARE_LIMIT * 100}%): ${report.http_layer.reading}`);
// Every target of issue 21, as ratios: the server's from this run, the in-process ones from the last `npm run bench`.
report.targets = [
  ...serverTargets(report),
  ...fromFile(
    join(ROOT, "bench/results/latest.json"),
    (r) => [...(r.targets ?? []).filter((t) => t.name.startsWith("vs cedar-wasm")), ...boundaryTargets(r.paired_ratios ?? {})],
    "bench/results/latest.json",
  ),
];
console.log("\nTargets (issue 21):");
for (const t of report.targets) {
  console.log(
    `  ${t.met === null ? "?      " : t.met ? "met    " : "NOT MET"}  ${t.name}: ${t.target}, measured ${t.measured === null ? "not measured" : ratio(t.measured)} (${t.reading})`,
  );
}
if (!quick && ONLY === null) {
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(join(ROOT, "bench/results/http.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(ROOT, "bench/results/http.md"), markdownReport(report));
}
