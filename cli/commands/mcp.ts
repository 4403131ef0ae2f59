// `warden mcp --passport pass_...`: the MCP server on stdin/stdout for local clients (Claude Desktop, Cursor).
// It opens the same store as `warden serve`, so approvals answered there (SMS, links, dashboard) reach it.

import { readFileSync } from "node:fs";
import type { JWK } from "jose";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Enforcer } from "../../enforcer/enforcer";
import { DEFAULT_STORE, StoreMissingError, StoreSpecError, describeStore, openStore } from "../../node/store-url";
import { nodeCrypto } from "../../node/node-crypto";
import { defaultSigningKeyFile, serverSigningJwk } from "../../node/signing-key";
import { ApprovalAlerts } from "../../humans/alerts";
import { ApprovalDesk } from "../../desk/desk";
import { EventHub } from "../../humans/events";
import { HEARTBEAT_EVERY_MS, HeartbeatThrottle, createMcpServer } from "../../mcp/server";
import { notifierFromSpecs } from "../../humans/notify";
import { envJwk, option, parse, type Io } from "../args";
import { UsageError } from "../errors";
import type { Store } from "../../enforcer/store";
import { canonicalJson } from "../../enforcer/signing";
import { WardenError } from "../../bindings/errors";
import { isErrorCode, type ErrorCode } from "../../enforcer/error-codes";
import { Passports } from "../../server/passports";
import { PopVerifier, signPop } from "../../server/pop";

export const MCP_HELP = `Usage: warden mcp --passport PASSPORT_ID [options]

Runs an MCP server on stdin/stdout for one passport: six tools (enforce_action,
get_passport_status, get_cumulative_state, get_approval_status, list_pending_approvals,
report_action_result). Point Claude Desktop or Cursor at it (docs/human-in-the-loop.md).
While it runs it sends the passport's heartbeat, so the dashboard shows the agent as Active.

Options:
      --passport ID          the passport to act for (also WARDEN_PASSPORT_ID)       (required)
      --store SPEC           the store warden serve uses: sqlite:PATH (default ${DEFAULT_STORE};
                             give an absolute path), redis://HOST:PORT or memory (also WARDEN_STORE);
                             a SQLite file that does not exist is refused (exit 2) unless
                             --passport-file brings the passport
      --passport-file FILE   register this passport (JSON, with an id) before serving
      --public-url URL       where approval links point (default WARDEN_PUBLIC_URL or
                             http://127.0.0.1:8787, the warden serve that shows /a/...)
      --notify SPEC          console (stderr, default), none, file:PATH or webhook:URL
                             (signed with WARDEN_WEBHOOK_SECRET); repeat to use several
      --signing-key FILE     private Ed25519 JWK (default: PATH.key beside a sqlite:PATH store, as warden serve)
      --passport-key FILE    the passport's private key (JWK, from POST /v1/passports; also
                             WARDEN_PASSPORT_KEY): required for a trust_tier L3 passport, whose
                             every tool call proves possession of it (SPEC §11)

Nothing but the protocol is written to stdout; messages go to stderr, the first one naming
the store opened (warden mcp: store sqlite:/abs/warden.db (opened, 3 passports)).
`;

const MCP_OPTIONS = {
  passport: { type: "string" },
  store: { type: "string" },
  "passport-file": { type: "string" },
  "public-url": { type: "string" },
  notify: { type: "string", multiple: true },
  "signing-key": { type: "string" },
  "passport-key": { type: "string" },
} as const;

const processIo: Pick<Io, "stdout" | "stderr"> = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs until the client closes stdin; resolves with the exit code. Usage errors throw UsageError (cli/main prints them). */
export async function mcpCommand(
  args: string[],
  io: Pick<Io, "stdout" | "stderr"> = processIo,
  streams = { stdin: process.stdin, stdout: process.stdout },
): Promise<number> {
  const opts = options(args);
  let opened;
  try {
    // A named passport lives in an existing store: never make an empty one (started in the wrong folder),
    // unless --passport-file brings the passport along.
    opened = await openStore(opts.store, { mustExist: opts.passportFile === undefined });
  } catch (err) {
    io.stderr(`warden mcp: ${(err as Error).message}\n`);
    return err instanceof StoreSpecError || err instanceof StoreMissingError ? 2 : 1;
  }
  const { store } = opened;
  let signingKey;
  try {
    // As warden serve: the key given, else the key file beside a SQLite database (never the store's).
    signingKey = await serverSigningJwk(store, {
      explicit: opts.signingJwk,
      file: opts.signingJwk ? undefined : (opts.signingKeyFile ?? defaultSigningKeyFile(opts.store)),
    });
  } catch (err) {
    io.stderr(`warden mcp: ${(err as Error).message}\n`);
    await store.close();
    return 1;
  }
  const enforcer = await Enforcer.create({ store, signingKey, hostCrypto: nodeCrypto });
  const closeAll = async () => {
    enforcer.close();
    await store.close();
  };
  let prove: ((tool: string, args: Record<string, unknown>) => Promise<void>) | undefined;
  try {
    io.stderr(`warden mcp: ${describeStore(opened, (await enforcer.listPassports()).length)}\n`);
    if (opts.passportFile) await enforcer.register(JSON.parse(readFileSync(opts.passportFile, "utf8")));
    const policy = await enforcer.policy(opts.passport).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== "passport_not_found") throw err;
      throw new Error(
        `no passport ${opts.passport} in store ${opened.location}; give the store that holds it with --store (the one warden serve uses), or register it with --passport-file`,
      );
    });
    if (policy.passport.trust_tier === "L3") {
      prove = l3Proof(enforcer, store, opts.passport, opts.passportKey);
      await prove("startup", {}); // a missing or wrong key fails here, before any client connects
    }
  } catch (err) {
    io.stderr(`warden mcp: ${(err as Error).message}\n`);
    await closeAll();
    return 1;
  }
  const log = (line: string) => io.stderr(`${line}\n`);
  const desk = new ApprovalDesk(enforcer);
  const hub = new EventHub();
  const alerts = new ApprovalAlerts({ desk, notifier: opts.notifier, publicUrl: opts.publicUrl, log });
  const detach = [hub.attach(enforcer), alerts.watch(hub)];
  const heartbeats = new HeartbeatThrottle(enforcer);
  const server = createMcpServer({ enforcer, passportId: opts.passport, desk, heartbeats, prove });
  const transport = new StdioServerTransport(streams.stdin, streams.stdout);

  // The process lives as long as the client keeps it: that is the agent being connected.
  await heartbeats.beat(opts.passport, true);
  const beat = setInterval(() => {
    heartbeats.beat(opts.passport).catch((e) => log(`warden mcp: heartbeat failed: ${(e as Error).message}`));
  }, HEARTBEAT_EVERY_MS * 2);
  await server.connect(transport);
  log(`warden mcp: serving passport ${opts.passport} on stdio`);
  await new Promise<void>((done) => {
    transport.onclose = () => done();
    streams.stdin.once("end", () => done());
    streams.stdin.once("close", () => done());
  });
  clearInterval(beat);
  for (const d of detach) d();
  await alerts.settled();
  await server.close().catch(() => undefined);
  await closeAll();
  return 0;
}

function options(args: string[]) {
  const { values } = parse("mcp", args, MCP_OPTIONS, false);
  const passport = option(values.passport) ?? process.env.WARDEN_PASSPORT_ID;
  if (!passport) throw new UsageError("--passport PASSPORT_ID is required", "mcp");
  let notifier;
  try {
    notifier = notifierFromSpecs(values.notify ?? ["console"], process.env.WARDEN_WEBHOOK_SECRET);
  } catch (err) {
    throw new UsageError((err as Error).message, "mcp");
  }
  const publicUrl = option(values["public-url"]) ?? process.env.WARDEN_PUBLIC_URL ?? "http://127.0.0.1:8787";
  if (!URL.canParse(publicUrl)) throw new UsageError(`--public-url must be a URL (found ${JSON.stringify(publicUrl)})`, "mcp");
  return {
    passport,
    store: option(values.store) ?? process.env.WARDEN_STORE ?? DEFAULT_STORE,
    passportFile: option(values["passport-file"]),
    publicUrl,
    notifier,
    signingJwk: envJwk("mcp"),
    signingKeyFile: option(values["signing-key"]),
    passportKey: passportKey(option(values["passport-key"])),
  };
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, "mcp");
  }
}

function passportKey(file: string | undefined): JWK | undefined {
  const text = file !== undefined ? readKeyFile(file) : process.env.WARDEN_PASSPORT_KEY;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as JWK;
  } catch {
    throw new UsageError(`the passport key${file ? ` in ${file}` : " in WARDEN_PASSPORT_KEY"} is not a JSON Web Key`, "mcp");
  }
}

/**
 * Proof of possession for an L3 passport over stdio: each tool call is signed with the passport's
 * private key and checked against the public key the server keeps, with the same verifier (and
 * nonce store) as HTTP. Without the key every call is refused with pop_required.
 */
function l3Proof(enforcer: Enforcer, store: Store, passportId: string, key: JWK | undefined) {
  const verifier = new PopVerifier(store, (id) => new Passports(enforcer, store).publicJwk(id));
  return async (tool: string, args: Record<string, unknown>): Promise<void> => {
    if (!key)
      throw new WardenError<ErrorCode>(
        "pop_required",
        `pop_required: passport ${passportId} is trust_tier L3: give its private key with --passport-key FILE (or WARDEN_PASSPORT_KEY)`,
      );
    const body = canonicalJson(args);
    const path = `mcp:${tool}`;
    try {
      await verifier.verify(passportId, {
        method: "POST",
        path,
        body: new TextEncoder().encode(body),
        header: await signPop(key, { method: "POST", path, body }),
      });
    } catch (err) {
      const given = (err as { code?: unknown }).code;
      const code = isErrorCode(given) ? given : "pop_invalid";
      throw new WardenError<ErrorCode>(code, `${code}: ${(err as Error).message}`);
    }
  };
}
