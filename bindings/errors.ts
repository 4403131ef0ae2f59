// Typed errors of the bindings: every failure says what went wrong, where, and what to do.

import { utf8Length } from "./bytes";
import { toProblemCode, type EngineCode, type ProblemCode, type WardenCode } from "./problem-codes";

/** One thing wrong with an input, at a JSON path into the user's document. */
export interface Problem {
  /** A stable code of the one table (bindings/problem-codes.ts): invalid_json, out_of_range, unknown_constraint, ... */
  code: ProblemCode;
  /** Where, like `constraints["core:cost:max_per_day"]` or `cost_cents`; "" is the whole document. */
  path: string;
  message: string;
  expected?: string;
  /** A short rendering of the value found (see `renderValue`). */
  found?: string;
  /** What to do, like `did you mean "core:cost:max_per_day"?`. */
  hint?: string;
}

/**
 * The base of every error the bindings throw; `code` is stable and machine-readable, one of a closed
 * union: the bindings' problem and engine codes unless a subclass names its own (`WardenError<C>`).
 * The code is never inferred from the argument, so `new WardenError("typo", ...)` does not compile.
 */
export class WardenError<C extends string = WardenCode> extends Error {
  readonly code: C;
  constructor(code: NoInfer<C>, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A passport that cannot be used: `problems` lists every problem found, not just the first. */
export class PassportError extends WardenError<ProblemCode> {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    const first = problems[0];
    super(first?.code ?? "invalid_passport", passportMessage(problems));
    this.problems = problems;
  }
}

/** A bad request, counter snapshot or option: one problem, the first found. */
export class RequestError extends WardenError<ProblemCode> {
  readonly path: string;
  readonly expected?: string;
  readonly found?: string;
  readonly hint?: string;
  /**
   * `subject` names the document in the message: "request", "counter snapshot", "option". The code
   * is checked against the table at run time too (a caller in JavaScript may pass any string): an
   * unknown one becomes FALLBACK_PROBLEM_CODE, so `code` and `problem.code` are always the table's.
   */
  constructor(problem: Problem, subject = "input") {
    super(toProblemCode(problem.code), `invalid ${subject}: ${describeProblem(problem)}`);
    this.path = problem.path;
    this.expected = problem.expected;
    this.found = problem.found;
    this.hint = problem.hint;
  }

  /** The error as a Problem, for reports that list problems. */
  get problem(): Problem {
    const { code, path, expected, found, hint } = this;
    return { code, path, message: this.message, expected, found, hint };
  }
}

/** A WebAssembly trap or an internal failure: a bug or a broken module, never the user's input. */
export class EngineError extends WardenError<EngineCode> {
  constructor(code: EngineCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** One line for a problem: `path: message (expected X, found Y; hint)`. */
export function describeProblem(p: Problem): string {
  const where = p.path === "" ? "" : `${p.path}: `;
  const parts: string[] = [];
  if (p.expected !== undefined) parts.push(`expected ${p.expected}`);
  if (p.found !== undefined) parts.push(`found ${p.found}`);
  const detail = parts.length > 0 ? ` (${parts.join(", ")})` : "";
  const hint = p.hint !== undefined ? `; ${p.hint}` : "";
  return `${where}${p.message}${detail}${hint}`;
}

function passportMessage(problems: Problem[]): string {
  const n = problems.length;
  const head = `invalid passport: ${n} problem${n === 1 ? "" : "s"}`;
  return [head, ...problems.map((p) => `  - ${describeProblem(p)}`)].join("\n");
}

const MAX_SHOWN = 60;

/** A short rendering of any value for `found`: long strings are cut and their size given in bytes. */
export function renderValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return renderString(value);
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "nothing";
    case "boolean":
      return String(value);
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (value instanceof Date) return `a Date (${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  return renderObject(value as object);
}

function renderString(s: string): string {
  if (s.length <= MAX_SHOWN) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, MAX_SHOWN - 3))}… (string of ${utf8Length(s)} bytes)`;
}

function renderObject(o: object): string {
  const proto = Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null;
  const kind = proto && proto !== Object.prototype ? (proto.constructor?.name ?? "object") : "object";
  const keys = Object.keys(o);
  if (keys.length === 0) return kind === "object" ? "an empty object" : `a ${kind}`;
  const shown = keys
    .slice(0, 5)
    .map((k) => JSON.stringify(k))
    .join(", ");
  return `${kind === "object" ? "an object" : `a ${kind}`} with keys ${shown}${keys.length > 5 ? ", …" : ""}`;
}
