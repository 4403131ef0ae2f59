// The gateway's configuration (schemas/proxy-config.schema.json): validated into problems with paths and hints, like passports.

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { WardenError, describeProblem, type Problem } from "../bindings/errors";
import type { DownstreamServer, ProxyConfig, ToolMapping } from "../bindings/gen/types";
import { proxyConfigSchema } from "../bindings/gen/zod";
import { hintFor, renderPath, zodProblems, type DocumentShape } from "../bindings/validate";

export type { DownstreamServer, ProxyConfig, ToolMapping };

/** A server key: what prefixes its tools (`key__tool`) when there are several, so it stays inside MCP's tool-name characters. */
const SERVER_KEY = /^[A-Za-z0-9_-]{1,32}$/;
const PASSPORT_FILE = /\.(json|ya?ml)$/i;

const FIELDS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(proxyConfigSchema.shape),
  server: ["command", "args", "env", "cwd", "url", "headers"],
  tool: ["action", "cost_cents", "target", "actual_cost_cents"],
};

const SHAPE: DocumentShape = {
  kindAt: () => undefined,
  fieldsAt: (path) =>
    path.length === 0
      ? FIELDS[""]!
      : path.length === 2 && path[0] === "servers"
        ? FIELDS.server!
        : path.length === 2 && path[0] === "tools"
          ? FIELDS.tool!
          : [],
};

/** A config that does not validate: every problem, each with its path. */
export class ProxyConfigError extends WardenError<"invalid_proxy_config"> {
  constructor(
    readonly problems: Problem[],
    readonly file?: string,
  ) {
    super(
      "invalid_proxy_config",
      `${file ?? "the proxy config"} has ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${problems.map(describeProblem).join("; ")}`,
    );
  }
}

/** Whether a parsed document is meant as a proxy config (for `warden check`, which also reads passports). */
export function looksLikeProxyConfig(doc: unknown): boolean {
  return isObject(doc) && "servers" in doc && !("constraints" in doc) && !("permissions" in doc);
}

/** Every problem of a config: the schema's (unknown fields with did-you-mean hints) and what it cannot say. */
export function proxyConfigProblems(doc: unknown): Problem[] {
  const parsed = proxyConfigSchema.safeParse(doc);
  const problems = parsed.success ? [] : zodProblems(parsed.error.issues, doc, SHAPE);
  if (!isObject(doc)) return problems;
  const servers = isObject(doc.servers) ? Object.keys(doc.servers) : [];
  if (isObject(doc.servers) && servers.length === 0) {
    problems.push({
      code: "out_of_range",
      path: "servers",
      message: "names no server",
      expected: "at least one server, like fs: { command: npx, args: [...] }",
    });
  }
  for (const key of servers) {
    if (!SERVER_KEY.test(key) || key.includes("__")) {
      problems.push({
        code: "invalid_format",
        path: renderPath(["servers", key]),
        message: "is not a usable server key",
        expected: "1 to 32 of A-Z a-z 0-9 _ - without __ (it prefixes tool names)",
        found: JSON.stringify(key),
      });
    }
  }
  if (doc.store !== undefined && doc.server !== undefined) {
    problems.push({
      code: "conflicting_field",
      path: "server",
      message: "cannot be given with store",
      hint: "decide with the embedded enforcer (store) or a remote warden serve (server), not both",
    });
  }
  if (typeof doc.server === "string" && !URL.canParse(doc.server)) {
    problems.push({
      code: "invalid_format",
      path: "server",
      message: "is not a URL",
      expected: "http://HOST:PORT of a warden serve",
      found: JSON.stringify(doc.server),
    });
  }
  for (const [key, value] of isObject(doc.servers) ? Object.entries(doc.servers) : []) {
    if (isObject(value) && typeof value.url === "string" && !URL.canParse(value.url)) {
      problems.push({
        code: "invalid_format",
        path: renderPath(["servers", key, "url"]),
        message: "is not a URL",
        expected: "http://HOST:PORT/mcp",
        found: JSON.stringify(value.url),
      });
    }
  }
  for (const pattern of isObject(doc.tools) ? Object.keys(doc.tools) : []) problems.push(...toolKeyProblems(pattern, servers));
  return problems;
}

/** A tool pattern is `server:tool`; its server part must name a server (or be a glob). */
function toolKeyProblems(pattern: string, servers: readonly string[]): Problem[] {
  const path = renderPath(["tools", pattern]);
  const colon = pattern.indexOf(":");
  if (colon <= 0 || colon === pattern.length - 1) {
    return [
      {
        code: "invalid_format",
        path,
        message: "is not a server:tool pattern",
        expected: "server:tool, with * globs (fs:read*, *:delete*)",
        found: JSON.stringify(pattern),
      },
    ];
  }
  const server = pattern.slice(0, colon);
  if (server.includes("*") || servers.includes(server)) return [];
  const problem: Problem = { code: "unknown_server", path, message: `names no server "${server}" of servers`, found: JSON.stringify(server) };
  const hint = hintFor(server, servers);
  if (hint !== undefined) problem.hint = hint;
  return [problem];
}

/** A checked config with its file's directory, so relative paths resolve against it. */
export interface LoadedProxyConfig {
  config: ProxyConfig;
  /** The config file's directory. */
  base: string;
  file: string;
}

/** Checks a parsed document; throws ProxyConfigError listing every problem. */
export function checkProxyConfig(doc: unknown, file: string): LoadedProxyConfig {
  const problems = proxyConfigProblems(doc);
  if (problems.length > 0) throw new ProxyConfigError(problems, file);
  return { config: doc as ProxyConfig, base: dirname(resolve(file)), file };
}

/** Reads a YAML or JSON config file and checks it. */
export function loadProxyConfig(file: string): LoadedProxyConfig {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"), { merge: true, uniqueKeys: true });
  } catch (err) {
    throw new ProxyConfigError([{ code: "invalid_file", path: "", message: (err as Error).message }], file);
  }
  return checkProxyConfig(doc, file);
}

/** The passport as a file to register (absolute path) or an id already in the store. */
export function passportSource(loaded: LoadedProxyConfig): { file: string } | { id: string } {
  const p = loaded.config.passport;
  if (PASSPORT_FILE.test(p) || p.includes("/") || p.includes("\\")) return { file: isAbsolute(p) ? p : resolve(loaded.base, p) };
  return { id: p };
}

/** A path of the config (a store's sqlite file, a server's cwd) resolved against the config's directory. */
export function resolveStoreSpec(spec: string, base: string): string {
  if (!spec.startsWith("sqlite:")) return spec;
  const path = spec.slice("sqlite:".length);
  return isAbsolute(path) || path.startsWith("//") ? spec : `sqlite:${resolve(base, path)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
