// `warden proxy --config FILE`: the MCP gateway (SPEC §12) on stdio, or on Streamable HTTP with --http PORT.

import type { Passport } from "../../bindings/gen/types";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Enforcer } from "../../enforcer/enforcer";
import type { Store } from "../../enforcer/store";
import { Gateway } from "../../gateway/gateway";
import { EmbeddedGuard } from "../../gateway/guard";
import { RemoteGuard } from "../../gateway/remote";
import { loadEngine } from "../../enforcer/index";
import { serveHttp } from "../../gateway/http";
import { checkProxyConfig, passportSource, proxyConfigProblems, resolveStoreSpec, type LoadedProxyConfig } from "../../gateway/config";
// The store URL helper and the server's signing key still live in server/ (they are moving to node/).
import { DEFAULT_STORE, openStore } from "../../node/store-url";
import { nodeCrypto } from "../../node/node-crypto";
import { defaultSigningKeyFile, serverSigningJwk } from "../../node/signing-key";
import { ApprovalAlerts } from "../../humans/alerts";
import { ApprovalDesk } from "../../desk/desk";
import { EventHub } from "../../humans/events";
import { HEARTBEAT_EVERY_MS, HeartbeatThrottle } from "../../mcp/server";
import { notifierFromSpecs } from "../../humans/notify";
import { option, parse, type Io } from "../args";
import { InputError, UsageError } from "../errors";
import { readSource } from "../source";
import { problemLines } from "./check";

export const PROXY_HELP = `Usage: warden proxy --config FILE [options]

The MCP gateway: fronts the downstream MCP servers of the config (stdio commands, Streamable
HTTP URLs), exposes their tools, and decides every tools/call with the config's passport before
forwarding it. Blocked calls never reach the server (docs/gateway.md).

Options:
      --config FILE          the gateway's config, YAML or JSON (also WARDEN_PROXY_CONFIG)  (required)
      --http PORT            serve Streamable HTTP at http://HOST:PORT/mcp instead of stdio (0: any port)
      --host ADDR            address for --http (default 127.0.0.1)
      --allow-origin URL     an Origin allowed besides the gateway's own (repeatable; --http only)
      --public-url URL       where approval links point (default WARDEN_PUBLIC_URL or
                             http://127.0.0.1:8787, the warden serve on the same store)
      --notify SPEC          console (stderr, default), none, file:PATH or webhook:URL; repeatable

With server: in the config (a remote warden serve), its API key comes from WARDEN_API_KEY and the
passport must be one that server already has (an id, or a file holding that id).

On stdio nothing but the protocol is written to stdout; messages go to stderr.
`;

const PROXY_OPTIONS = {
  config: { type: "string" },
  http: { type: "string" },
  host: { type: "string" },
  "allow-origin": { type: "string", multiple: true },
  "public-url": { type: "string" },
  notify: { type: "string", multiple: true },
} as const;

export async function proxyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parse("proxy", args, PROXY_OPTIONS, false);
  const file = option(values.config) ?? process.env.WARDEN_PROXY_CONFIG;
  if (file === undefined) throw new UsageError("--config FILE is required (see docs/gateway.md for its fields)", "proxy");
  const port = values.http === undefined ? null : Number(values.http);
  if (port !== null && !(Number.isSafeInteger(port) && port >= 0 && port <= 65535))
    throw new UsageError(`--http must be a port 0..65535 (found ${JSON.stringify(values.http)})`, "proxy");
  const publicUrl = option(values["public-url"]) ?? process.env.WARDEN_PUBLIC_URL ?? "http://127.0.0.1:8787";
  let notifier;
  try {
    notifier = notifierFromSpecs((values.notify as string[] | undefined) ?? ["console"], process.env.WARDEN_WEBHOOK_SECRET);
  } catch (err) {
    throw new UsageError((err as Error).message, "proxy");
  }
  const loaded = await readConfig(file, io);
  if (loaded === null) return 1;
  const log = (line: string) => io.stderr(`${line}\n`);
  if (loaded.config.server !== undefined) return remote(loaded, loaded.config.server, port, values, log, io);
  const storeSpec = resolveStoreSpec(loaded.config.store ?? process.env.WARDEN_STORE ?? DEFAULT_STORE, loaded.base);
  let store: Store;
  try {
    ({ store } = await openStore(storeSpec));
  } catch (err) {
    io.stderr(`warden proxy: cannot open the store ${storeSpec}: ${(err as Error).message}\n`);
    return 1;
  }
  let signingKey;
  try {
    signingKey = await serverSigningJwk(store, { file: defaultSigningKeyFile(storeSpec) }); // as warden serve: the key file beside the database
  } catch (err) {
    io.stderr(`warden proxy: ${(err as Error).message}\n`);
    await store.close();
    return 1;
  }
  const enforcer = await Enforcer.create({ store, signingKey, hostCrypto: nodeCrypto });
  let passportId: string;
  try {
    passportId = await registerPassport(enforcer, loaded);
  } catch (err) {
    io.stderr(`warden proxy: ${(err as Error).message}\n`);
    enforcer.close();
    await store.close();
    return 1;
  }
  const desk = new ApprovalDesk(enforcer);
  const hub = new EventHub();
  const alerts = new ApprovalAlerts({ desk, notifier, publicUrl, log });
  const detach = [hub.attach(enforcer), alerts.watch(hub)];
  const heartbeats = new HeartbeatThrottle(enforcer);
  const guard = new EmbeddedGuard(enforcer, passportId, {
    approvedPermit: (pid, id) => desk.permitFor(pid, id),
    heartbeat: () => heartbeats.beat(passportId),
  });
  const gateway = new Gateway({ config: loaded.config, base: loaded.base, guard, engine: enforcer.engine, log });
  const code = await run(gateway, passportId, () => heartbeats.beat(passportId), port, values, log, io);
  for (const d of detach) d();
  await alerts.settled();
  enforcer.close();
  await store.close();
  return code;
}

type Values = { host?: string | boolean | (string | boolean)[]; "allow-origin"?: string | boolean | (string | boolean)[] };

/** `server:` — decisions from a remote warden serve, with the API key in WARDEN_API_KEY. */
async function remote(loaded: LoadedProxyConfig, server: string, port: number | null, values: Values, log: (line: string) => void, io: Io): Promise<number> {
  const apiKey = process.env.WARDEN_API_KEY;
  if (!apiKey) throw new UsageError("server: needs the API key of that warden serve in WARDEN_API_KEY", "proxy");
  const src = passportSource(loaded);
  let passportId: string;
  if ("id" in src) passportId = src.id;
  else {
    // A remote server assigns passport ids; the file only names which passport (its id) this gateway acts for.
    const source = await readSource(src.file, src.file);
    const id = (source.value as { id?: unknown } | null)?.id;
    if (source.errors.length > 0 || typeof id !== "string")
      throw new InputError(`with server:, the passport must be an id on that server, or a file whose id it has (${src.file})`);
    passportId = id;
  }
  const engine = await loadEngine();
  const guard = new RemoteGuard(server, apiKey, passportId, engine, { heartbeatEveryMs: HEARTBEAT_EVERY_MS });
  try {
    await guard.policy();
  } catch (err) {
    log(`warden proxy: ${server} does not answer for passport ${passportId} (${(err as Error).message}); calls are refused until it does`);
  }
  const gateway = new Gateway({ config: loaded.config, base: loaded.base, guard, engine, log });
  return run(gateway, passportId, () => guard.heartbeat(), port, values, log, io);
}

/** Starts the downstream servers and serves the agent (stdio or HTTP) until it leaves or a signal comes. */
async function run(
  gateway: Gateway,
  passportId: string,
  beat: () => Promise<void>,
  port: number | null,
  values: Values,
  log: (line: string) => void,
  io: Io,
): Promise<number> {
  await gateway.start();
  // The gateway is the agent's only way to its tools: while it runs, the agent is alive.
  const timer = setInterval(() => {
    beat().catch((e) => log(`warden proxy: heartbeat failed: ${(e as Error).message}`));
  }, HEARTBEAT_EVERY_MS * 2);
  const ready = [...gateway.downstreams.values()].filter((d) => d.status === "ready").length;

  let finished: Promise<void>;
  let closeServing: () => Promise<void>;
  if (port === null) {
    const transport = new StdioServerTransport();
    await gateway.createServer().connect(transport);
    log(`warden proxy: passport ${passportId}, ${ready} of ${gateway.downstreams.size} downstream servers ready, serving MCP on stdio`);
    finished = new Promise<void>((done) => {
      transport.onclose = () => done();
      process.stdin.once("end", () => done());
      process.stdin.once("close", () => done());
      for (const s of ["SIGTERM", "SIGINT"] as const) process.once(s, () => done());
    });
    closeServing = async () => {
      await transport.close().catch(() => undefined);
    };
  } else {
    let http;
    try {
      http = await serveHttp(gateway, port, option(values.host) ?? "127.0.0.1", (values["allow-origin"] as string[] | undefined) ?? []);
    } catch (err) {
      io.stderr(`warden proxy: cannot listen on port ${port}: ${(err as Error).message}\n`);
      clearInterval(timer);
      await gateway.close();
      return 1;
    }
    io.stdout(`warden proxy: passport ${passportId}, ${ready} of ${gateway.downstreams.size} downstream servers ready, serving MCP at ${http.url}\n`);
    finished = new Promise<void>((done) => {
      for (const s of ["SIGTERM", "SIGINT"] as const) process.once(s, () => done());
    });
    closeServing = () => http.close();
  }
  await finished;
  clearInterval(timer);
  await closeServing();
  await gateway.close();
  return 0;
}

/** Reads and checks the config, printing every problem with its line as `warden check` does. */
async function readConfig(file: string, io: Io): Promise<LoadedProxyConfig | null> {
  const source = await readSource(file, file);
  if (source.errors.length > 0) throw new InputError(source.errors.map((e) => `${file}${e.line ? `:${e.line}` : ""}: ${e.message}`).join("\n"));
  const problems = proxyConfigProblems(source.value);
  if (problems.length > 0) {
    io.stderr(`warden proxy: ${file} has ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problemLines(source, problems).join("\n")}\n`);
    return null;
  }
  return checkProxyConfig(source.value, file);
}

/** Registers the config's passport file, or checks that its id is in the store; returns the id. */
async function registerPassport(enforcer: Enforcer, loaded: LoadedProxyConfig): Promise<string> {
  const src = passportSource(loaded);
  if ("id" in src) {
    await enforcer.policy(src.id);
    return src.id;
  }
  const source = await readSource(src.file, src.file);
  if (source.errors.length > 0) throw new InputError(`cannot read the passport ${src.file}: ${source.errors[0]!.message}`);
  const policy = await enforcer.register(source.value as Passport);
  return policy.id!;
}
