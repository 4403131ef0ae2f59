// The `warden` command line: dispatches to test, eval and check, and turns every error into plain words.

import type { Io } from "./args";
import { checkCommand } from "./commands/check";
import { evalCommand } from "./commands/eval";
import { proxyCommand } from "./commands/proxy";
import { testCommand } from "./commands/test";
import { replayCommand } from "./commands/replay";
import { diffCommand } from "./commands/diff";
import { keysCommand } from "./commands/keys";
import { serveCommand } from "./commands/serve";
import { mcpCommand } from "./commands/mcp";
import { auditCommand } from "./commands/audit";
import { explainError, InputError, UsageError } from "./errors";
import { COMMAND_HELP, MAIN_HELP } from "./help";
import { VERSION } from "./version";
import { didYouMean } from "./words";

const COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  test: testCommand,
  eval: evalCommand,
  check: checkCommand,
  serve: serveCommand,
  keys: keysCommand,
  mcp: mcpCommand,
  proxy: proxyCommand,
  replay: replayCommand,
  diff: diffCommand,
  audit: auditCommand,
};

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const args = [...argv];
  const debug = io.debug || args.includes("--debug");
  const ctx: Io = { ...io, debug };
  const [first, ...rest] = args.filter((a) => a !== "--debug");
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    const topic = first === "help" ? rest[0] : undefined;
    io.stdout(topic !== undefined && COMMAND_HELP[topic] ? COMMAND_HELP[topic] : MAIN_HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    const hint = didYouMean(first, Object.keys(COMMANDS));
    return usage(io, new UsageError(first.startsWith("-") ? `unknown option ${first}` : `unknown command "${first}"${hint ? `; ${hint}` : ""}`));
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(COMMAND_HELP[first]!);
    return 0;
  }
  try {
    return await command(args.slice(args.indexOf(first) + 1), ctx);
  } catch (err) {
    if (err instanceof UsageError) return usage(io, err);
    io.stderr(`warden ${first}: ${explainError(err)}\n`);
    if (!(err instanceof InputError) && err instanceof Error && debug && err.stack) io.stderr(`${err.stack}\n`);
    else if (isInternal(err)) io.stderr("(run again with --debug for the stack trace)\n");
    return 1;
  }
}

/** The server-side commands answer a usage error with their whole help (as they always have); the others point to it. */
const FULL_HELP_ON_USAGE = new Set(["serve", "keys", "mcp", "audit"]);

function usage(io: Io, err: UsageError): number {
  const where = err.command ? `warden ${err.command}` : "warden";
  const help = err.command !== undefined && FULL_HELP_ON_USAGE.has(err.command) ? COMMAND_HELP[err.command] : undefined;
  io.stderr(help ? `${where}: ${err.message}\n\n${help}` : `${where}: ${err.message}\nRun \`${where} --help\` for usage.\n`);
  return err.exitCode;
}

/** Errors that are not about the user's input: a bug, a broken install. */
function isInternal(err: unknown): boolean {
  return !(err instanceof InputError) && !(typeof err === "object" && err !== null && "code" in err && typeof (err as { code: unknown }).code === "string");
}
