// Command-line parsing on node:util parseArgs, with its errors turned into plain-word usage errors.

import { readFileSync } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { JWK } from "jose";
import { UsageError } from "./errors";

/** Where a command reads and writes; tests pass their own. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Colour the pretty output (a terminal without NO_COLOR). */
  color: boolean;
  /** Stack traces for internal errors. */
  debug: boolean;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options every command accepts; main handles them before the command runs. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  debug: { type: "boolean" },
} as const;

type ParseConfig<T extends Options> = { args: string[]; options: T & typeof COMMON_OPTIONS; allowPositionals: boolean; strict: true };
/** What `parse` returns, named so declarations can be emitted for the commands a package entry re-exports. */
export type Parsed<T extends Options> = ReturnType<typeof parseArgs<ParseConfig<T>>>;

export function parse<T extends Options>(command: string, args: string[], options: T, positionals: boolean): Parsed<T> {
  try {
    return parseArgs({ args, options: { ...options, ...COMMON_OPTIONS }, allowPositionals: positionals, strict: true });
  } catch (err) {
    throw new UsageError(plainParseError(err, command), command);
  }
}

/** node:util's messages are written for programmers; say the same thing for people. */
function plainParseError(err: unknown, command: string): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `unknown option ${option ?? message}`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return message.includes("does not take an argument") ? `${option ?? "an option"} takes no value` : `${option ?? "an option"} needs a value`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `warden ${command} takes no arguments besides its options (found ${/'([^']*)'/.exec(message)?.[1] ?? "one"})`;
    default:
      return message;
  }
}

/** A string option, or undefined when absent. parseArgs gives the last value when one is repeated. */
export function option(value: string | boolean | (string | boolean)[] | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The private JWK of `--signing-key FILE`, else of the WARDEN_SIGNING_KEY variable, else undefined
 * (the server's own key, kept in the store). serve and mcp read it alike.
 */
export function jwkOption(file: string | undefined, command: string): JWK | undefined {
  const text = file !== undefined ? readOptionFile(file, command) : process.env.WARDEN_SIGNING_KEY;
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text) as JWK;
  } catch {
    throw new UsageError(`the signing key${file ? ` in ${file}` : " in WARDEN_SIGNING_KEY"} is not a JSON Web Key`, command);
  }
}

/** The private JWK in the WARDEN_SIGNING_KEY variable, or undefined (then a key file is used). */
export function envJwk(command: string): JWK | undefined {
  return jwkOption(undefined, command);
}

function readOptionFile(file: string, command: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`, command);
  }
}
