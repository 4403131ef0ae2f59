// `warden mcp --passport pass_...`: the MCP server on stdin/stdout for local clients (Claude Desktop, Cursor).
// It opens the same store as `warden serve`, so approvals answered there (SMS, links, dashboard) reach it.

import { readFileSync } from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Enforcer } from "../../enforcer/enforcer";
import { DEFAULT_STORE, StoreSpecError, openStore } from "../../node/store-url";
import { nodeCrypto } from "../../node/node-crypto";
import { serverSigningJwk } from "../../node/signing-key";
import { ApprovalAlerts } from "../../humans/alerts";
import { ApprovalDesk } from "../../desk/desk";
import { EventHub } from "../../humans/events";
import { HEARTBEAT_EVERY_MS, HeartbeatThrottle, createMcpServer } from "../../mcp/server";
import { notifierFromSpecs } from "../../humans/notify";
import { jwkOption, option, parse, type Io } from "../args";
import { UsageError } from "../errors";

export const MCP_HELP = `Usage: warden mcp --passport PASSPORT_ID [options]

Runs an MCP server on stdin/stdout for one passport: six tools (enforce_action,
get_passport_status, get_cumulative_state, get_approval_status, list_pending_approvals,
report_action_result). Point Claude Desktop or Cursor at it (docs/human-in-the-loop.md).
While it runs it sends the passport's heartbeat, so the dashboard shows the agent as Active.

Options:
      --passport ID          the passport to act for (also WARDEN_PASSPORT_ID)       (required)
      --store SPEC           the store warden serve uses: sqlite:PATH (default ${DEFAULT_STORE};
                             give an absolute path), redis://HOST:PORT or memory (also WARDEN_STORE)
      --passport-file FILE   register this passport (JSON, with an id) before serving
      --public-url URL       where approval links point (default WARDEN_PUBLIC_URL or
                             http://127.0.0.1:8787, the warden serve that shows /a/...)
      --notify SPEC          console (stderr, default), none, file:PATH or webhook:URL
                             (signed with WARDEN_WEBHOOK_SECRET); repeat to use several
      --signing-key FILE     private Ed25519 JWK (default: the one kept in the store, as warden serve)

Nothing but the protocol is written to stdout; messages go to stderr.
`;

const MCP_OPTIONS = {
  passport: { type: "string" }, store: { type: "string" }, "passport-file": { type: "string" }, "public-url": { type: "string" },
  notify: { type: "string", multiple: true }, "signing-key": { type: "string" },
} as const;

const processIo: Pick<Io, "stdout" | "stderr"> = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs until the client closes stdin; resolves with the exit code. Usage errors throw UsageError (cli/main prints them). */
export async function mcpCommand(args: string[], io: Pick<Io, "stdout" | "stderr"> = processIo, streams = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  const opts = options(args);
  let store;
  try {
    ({ store } = await openStore(opts.store));
  } catch (err) {
    io.stderr(`warden mcp: ${(err as Error).message}\n`);
    return err instanceof StoreSpecError ? 2 : 1;
  }
  const enforcer = await Enforcer.create({ store, signingKey: await serverSigningJwk(store, opts.signingJwk), hostCrypto: nodeCrypto });
  const closeAll = async () => { enforcer.close(); await store.close(); };
  try {
    if (opts.passportFile) await enforcer.register(JSON.parse(readFileSync(opts.passportFile, "utf8")));
    await enforcer.policy(opts.passport);
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
  const server = createMcpServer({ enforcer, passportId: opts.passport, desk, heartbeats });
  const transport = new StdioServerTransport(streams.stdin, streams.stdout);

  // The process lives as long as the client keeps it: that is the agent being connected.
  await heartbeats.beat(opts.passport, true);
  const beat = setInterval(() => { heartbeats.beat(opts.passport).catch((e) => log(`warden mcp: heartbeat failed: ${(e as Error).message}`)); }, HEARTBEAT_EVERY_MS * 2);
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
    signingJwk: jwkOption(option(values["signing-key"]), "mcp"),
  };
}
