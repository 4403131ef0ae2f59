// `warden keys create|list|revoke`: the API keys of `warden serve`, kept (as hashes) in its store.

import { API_KEY_ROLES, ISSUER_FORMAT, type ApiKeyRole, createApiKey, listApiKeys, revokeApiKey } from "../../server/auth";
import { DEFAULT_STORE, StoreSpecError, openStore } from "../../node/store-url";
import { option, parse, type Io } from "../args";
import { UsageError } from "../errors";

export const KEYS_HELP = `Usage: warden keys create --issuer ISSUER [--role agent|operator] [--name TEXT] [--store SPEC] [--json]
       warden keys list [--issuer ISSUER] [--store SPEC] [--json]
       warden keys revoke KEY_ID [--store SPEC]

API keys for warden serve. \`create\` prints the key once: the store keeps only its SHA-256.
A key sees only its issuer's passports, approvals and records. Give agents a key with
--role agent: it may only enforce, heartbeat, report and read state and approval status; every
other route answers 403 operator_only. The default role, operator, may do everything for its
issuer (dashboard, approvals, stops, resets). Revoking a key ends its dashboard sessions and
event streams within 5 s. Use the same --store as the server (default ${DEFAULT_STORE}).
`;

const KEYS_OPTIONS = {
  issuer: { type: "string" },
  name: { type: "string" },
  role: { type: "string" },
  store: { type: "string" },
  json: { type: "boolean" },
} as const;

/** `warden keys create|list|revoke`. */
export async function keysCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout(KEYS_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!["create", "list", "revoke"].includes(sub)) throw new UsageError(`unknown subcommand ${JSON.stringify(sub)}: use create, list or revoke`, "keys");
  const { values, positionals } = parse("keys", rest, KEYS_OPTIONS, sub === "revoke");
  const issuer = option(values.issuer);
  if (sub === "create" && issuer === undefined) throw new UsageError("create needs --issuer ISSUER (like iss_acme)", "keys");
  if (issuer !== undefined && !ISSUER_FORMAT.test(issuer)) throw new UsageError("--issuer must be 1–128 of letters, digits and _.:-", "keys");
  const role = option(values.role);
  if (role !== undefined && (sub !== "create" || !(API_KEY_ROLES as readonly string[]).includes(role))) {
    throw new UsageError(sub !== "create" ? "--role goes with create" : `--role must be agent or operator (found ${JSON.stringify(role)})`, "keys");
  }
  if (sub === "revoke" && positionals.length !== 1) throw new UsageError("revoke needs exactly one KEY_ID (see `warden keys list`)", "keys");
  let opened;
  try {
    opened = await openStore(option(values.store) ?? process.env.WARDEN_STORE ?? DEFAULT_STORE);
  } catch (err) {
    if (err instanceof StoreSpecError) throw new UsageError(err.message, "keys");
    io.stderr(`warden keys: ${(err as Error).message}\n`);
    return 1;
  }
  const store = opened.store;
  try {
    if (sub === "create") {
      const keyRole = (role ?? "operator") as ApiKeyRole;
      const { key, record } = await createApiKey(store, issuer!, option(values.name) ?? null, keyRole);
      if (values.json)
        io.stdout(`${JSON.stringify({ key, id: record.id, issuer_id: record.issuer_id, role: keyRole, name: record.name, created_at: record.created_at })}\n`);
      else {
        io.stdout(`${key}\n`);
        io.stderr(`API key ${record.id} (${keyRole}) for issuer ${record.issuer_id}: shown once, store it now (the server keeps only its hash).\n`);
      }
      return 0;
    }
    if (sub === "list") {
      const keys = (await listApiKeys(store, issuer)).map(({ sha256: _h, ...r }) => r);
      if (values.json) io.stdout(`${JSON.stringify(keys)}\n`);
      else for (const k of keys) io.stdout(`${k.id}  ${k.issuer_id}  ${k.role ?? "operator"}  ${k.created_at}${k.name ? `  ${k.name}` : ""}\n`);
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
