// The CLI's own errors: usage mistakes (exit 2) and inputs it cannot use (exit 1), both in plain words.

import { PassportError, RequestError, WardenError } from "../enforcer/index";

/** The command line itself is wrong: unknown flag, missing argument, path that does not exist. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** An input file or value cannot be used; the message says which and why. */
export class InputError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** One or more lines that say what went wrong, for any error the API can throw. */
export function explainError(err: unknown): string {
  if (err instanceof PassportError) return err.message;
  if (err instanceof RequestError) return err.message;
  if (err instanceof WardenError) return `${err.message} (${err.code})`;
  if (err instanceof UsageError || err instanceof InputError) return err.message;
  if (err instanceof Error) return `internal error: ${err.message}`;
  return `internal error: ${String(err)}`;
}
