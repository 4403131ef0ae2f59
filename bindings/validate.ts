// Validation at the boundary: passports, requests, counters and times become Problems; no policy decision here.

import type { z } from "zod";
import { PassportError, RequestError, EngineError, renderValue, type Problem } from "./errors";
import { canonicalEntry } from "./host";
import { toProblemCode, type ProblemCode } from "./problem-codes";
import type { Counters, EvalRequest, Passport } from "./gen/types";
import {
  centsSchema,
  coreConstraintKeys,
  countSchema,
  minutesSchema,
  countersSchema,
  evalRequestSchema,
  isWellFormedString,
  passportSchema,
  propertyTypes,
  utf8ByteLength,
  type SchemaTypeName,
} from "./gen/zod";

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;
type Json = Record<string, unknown>;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_EPOCH_MS = 8_640_000_000_000_000;
const MAX_ACTION_BYTES = 1024;
const MAX_HINT_DISTANCE = 2;

// ---- paths, values, hints --------------------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A JSON path for people: `constraints["core:cost:max_per_day"]`, `operating_hours[1].start`. */
export function renderPath(segments: readonly Segment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (typeof s === "string" && IDENTIFIER.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(String(s))}]`;
  }
  return out;
}

function valueAt(root: unknown, segments: readonly Segment[]): unknown {
  let v = root;
  for (const s of segments) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[s];
  }
  return v;
}

function hasAt(root: unknown, segments: readonly Segment[]): boolean {
  const parent = valueAt(root, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  return parent !== null && typeof parent === "object" && last !== undefined && last in parent;
}

/** Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      best = Math.min(best, row[j]!);
    }
    if (best > limit) return limit + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** The known name closest to any of the spellings, within the hint distance. */
function nearest(spellings: readonly string[], known: readonly string[]): string | undefined {
  let found: string | undefined;
  let best = MAX_HINT_DISTANCE + 1;
  for (const spelling of spellings) {
    for (const name of known) {
      const d = distance(spelling, name, MAX_HINT_DISTANCE);
      if (d < best) [found, best] = [name, d];
    }
  }
  return found;
}

const didYouMean = (name: string | undefined): string | undefined => (name === undefined ? undefined : `did you mean "${name}"?`);

/** `did you mean "x"?` for the known name nearest to `name` (as written or lower-cased), or undefined. */
export const hintFor = (name: string, known: readonly string[]): string | undefined => didYouMean(nearest([name, name.toLowerCase()], known));

// ---- zod issues -> problems ------------------------------------------------------------------

/** What a value of each shared type should look like, for `expected`. */
const EXPECTED: Partial<Record<SchemaTypeName, string>> = {
  Cents: `integer cents ${centsSchema.minValue}..${centsSchema.maxValue}`,
  Count: `an integer count ${countSchema.minValue}..${countSchema.maxValue}`,
  Minutes: `an integer number of minutes ${minutesSchema.minValue}..${minutesSchema.maxValue}`,
  Flag: "true or false",
  CostWindow: "one of daily, weekly, monthly, total",
  DomainList: "a list of hosts (example.com, *.example.com, 10.0.0.1)",
  PatternList: "a list of action patterns (web:*, documents:read)",
  Schedule: 'a schedule {timezone?, days?, start: "HH:MM", end: "HH:MM"} or a non-empty list of them',
  BlackoutWindows: "a list of {start, end, reason?} with RFC 3339 times",
  Timestamp: "an RFC 3339 date-time like 2026-02-24T15:00:00Z",
  OptionalTimestamp: "an RFC 3339 date-time like 2026-02-24T15:00:00Z, or null",
  Instant: "an RFC 3339 date-time, epoch milliseconds, or null",
  Constraints: "an object of constraints",
};

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "a list",
  null: "null",
};

/** What a document looks like where zod's issues cannot say: shared types and field names by path. */
export interface DocumentShape {
  /** The shared type at a path, so `expected` can name it ("integer cents ..."). */
  kindAt(path: readonly Segment[]): SchemaTypeName | undefined;
  /** The field names of the object at a path, for did-you-mean hints. */
  fieldsAt(path: readonly Segment[]): readonly string[];
}

const NO_SHAPE: DocumentShape = { kindAt: () => undefined, fieldsAt: () => [] };

/**
 * Problems for zod issues, with paths, `expected` and `found` taken from the input.
 * Exported for other boundaries (fixtures) that validate with the generated schemas.
 */
export function zodProblems(issues: readonly Issue[], input: unknown, shape: DocumentShape = NO_SHAPE): Problem[] {
  return issues.flatMap((issue) => issueProblems(issue, [], input, shape));
}

function issueProblems(issue: Issue, base: readonly Segment[], input: unknown, shape: DocumentShape): Problem[] {
  const path = [...base, ...issue.path];
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => unknownField([...path, key], shape.fieldsAt(path)));
  }
  if (issue.code === "invalid_union") return unionProblems(issue, path, input, shape);
  const kind = shape.kindAt(path);
  const problem = describeIssue(issue, path, input);
  if (kind !== undefined && EXPECTED[kind] !== undefined && problem.code !== "missing_field") {
    problem.expected = EXPECTED[kind];
  }
  return [problem];
}

/** A union failed: report the branch that got furthest, or "A or B" when none got anywhere. */
function unionProblems(issue: Extract<Issue, { code: "invalid_union" }>, path: readonly Segment[], input: unknown, shape: DocumentShape): Problem[] {
  const branches = issue.errors.filter((b) => b.length > 0);
  const shallow = branches.every((b) => b.length === 1 && b[0]!.code === "invalid_type" && b[0]!.path.length === 0);
  if (branches.length === 0 || shallow) {
    const names = branches.map((b) => typeName((b[0] as { expected?: string }).expected));
    const problem = typeProblem(path, input, [...new Set(names)].join(" or "));
    const kind = shape.kindAt(path);
    if (kind !== undefined && EXPECTED[kind] !== undefined) problem.expected = EXPECTED[kind];
    return [problem];
  }
  const depth = (b: readonly Issue[]) => Math.max(...b.map((i) => i.path.length));
  const best = branches.reduce((a, b) => (depth(b) > depth(a) || (depth(b) === depth(a) && b.length < a.length) ? b : a));
  return best.flatMap((i) => issueProblems(i, path, input, shape));
}

function typeName(expected: string | undefined): string {
  return TYPE_NAMES[expected ?? ""] ?? (expected === undefined ? "another type" : `a ${expected}`);
}

function typeProblem(path: readonly Segment[], input: unknown, expected: string): Problem {
  const found = valueAt(input, path);
  if (found === undefined && !hasAt(input, path) && path.length > 0) {
    return { code: "missing_field", path: renderPath(path), message: "is required", expected };
  }
  return { code: "invalid_type", path: renderPath(path), message: "has the wrong type", expected, found: renderValue(found) };
}

/** The message of each problem code a schema check can produce. */
const MESSAGES: Partial<Record<ProblemCode, string>> = {
  out_of_range: "is out of range",
  invalid_format: "has the wrong format",
  invalid_value: "is not an allowed value",
  invalid_string: "is not well-formed Unicode",
  unknown_field: "is not a known field",
};

function describeIssue(issue: Issue, path: readonly Segment[], input: unknown): Problem {
  if (issue.code === "invalid_type") return typeProblem(path, input, typeName(issue.expected));
  const [code, expected] = codeAndExpected(issue);
  const found = renderValue(valueAt(input, path));
  return { code, path: renderPath(path), message: MESSAGES[code] ?? issue.message, expected, found };
}

/**
 * The problem code and `expected` of a zod issue: each zod code zod may give maps to a named problem
 * code (any other becomes invalid_value), and a schema's own check carries its code in `params.code`,
 * checked against the table at run time (an unknown one becomes FALLBACK_PROBLEM_CODE).
 */
function codeAndExpected(issue: Issue): [ProblemCode, string] {
  switch (issue.code) {
    case "too_small":
    case "too_big":
      return ["out_of_range", boundText(issue)];
    case "not_multiple_of":
      return ["out_of_range", `a multiple of ${issue.divisor}`];
    case "invalid_format":
      return ["invalid_format", formatText(issue)];
    case "invalid_value":
      return ["invalid_value", oneOf(issue.values)];
    case "custom": // the schema's own checks carry their code; the message says what is expected
      return [toProblemCode(issue.params?.code), issue.message];
    default:
      return ["invalid_value", issue.message];
  }
}

function boundText(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const bound = String(small ? issue.minimum : issue.maximum);
  const op = small ? (issue.inclusive ? "≥" : ">") : issue.inclusive ? "≤" : "<";
  switch (issue.origin) {
    case "string":
      return small ? `at least ${bound} character${bound === "1" ? "" : "s"}` : `at most ${bound} characters`;
    case "array":
    case "set":
      return small ? `at least ${bound} item${bound === "1" ? "" : "s"}` : `at most ${bound} items`;
    case "int":
      return `an integer ${op} ${bound}`;
    default:
      return `a number ${op} ${bound}`;
  }
}

function formatText(issue: Extract<Issue, { code: "invalid_format" }>): string {
  if (issue.format === "datetime") return EXPECTED.Timestamp!;
  if (issue.format === "regex") return issue.message; // the schema's errorMessage.pattern
  return `a ${issue.format}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(", ")}`;
}

function unknownField(path: readonly Segment[], known: readonly string[]): Problem {
  const name = String(path[path.length - 1]);
  const hint = didYouMean(nearest([name, name.toLowerCase()], known));
  const problem: Problem = { code: "unknown_field", path: renderPath(path), message: `unknown field "${name}"` };
  if (hint !== undefined) problem.hint = hint;
  return problem;
}

/** The first problem at each path wins: specific checks run first and replace zod's generic one. */
function firstPerPath(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path) && (seen.add(p.path), true));
}

/** Known field names of an object schema, for "did you mean" hints. */
const fieldsOf = (schema: { shape: object }): string[] => Object.keys(schema.shape);

/** The shape of a flat document (a request, a counter snapshot): one object of typed fields. */
function flatShape(fields: readonly string[], kinds: Readonly<Record<string, SchemaTypeName>>): DocumentShape {
  return {
    kindAt: (path) => (path.length === 1 ? kinds[String(path[0])] : undefined),
    fieldsAt: (path) => (path.length === 0 ? fields : []),
  };
}

// ---- times -----------------------------------------------------------------------------------

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** The number written by the `n` ASCII digits at `at`, or -1. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

// Counter snapshots repeat the same few timestamps call after call: remember the recent ones.
const recentTimes = new Map<string, number>();
const RECENT_TIMES_MAX = 64;

/**
 * Epoch ms of a strict RFC 3339 date-time, or NaN: `YYYY-MM-DDTHH:MM:SS`, optional fraction
 * (milliseconds kept), then `Z` or `±HH:MM`. Hand-parsed: it runs on the hot path for counters.
 */
export function rfc3339ToMs(s: string): number {
  let ms = recentTimes.get(s);
  if (ms === undefined) {
    ms = parseRfc3339(s);
    if (recentTimes.size >= RECENT_TIMES_MAX) recentTimes.clear();
    recentTimes.set(s, ms);
  }
  return ms;
}

function parseRfc3339(s: string): number {
  if (s.length < 20 || s[4] !== "-" || s[7] !== "-" || s[10] !== "T" || s[13] !== ":" || s[16] !== ":") return Number.NaN;
  const y = digits(s, 0, 4),
    mo = digits(s, 5, 2),
    d = digits(s, 8, 2);
  const h = digits(s, 11, 2),
    mi = digits(s, 14, 2),
    sec = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return Number.NaN;
  if (d > (mo === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[mo - 1]!)) return Number.NaN;
  let i = 19;
  let ms = 0;
  if (s[i] === ".") {
    const start = ++i;
    while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) {
      if (i - start < 3) ms += (s.charCodeAt(i) - 48) * 10 ** (2 - (i - start));
      i++;
    }
    if (i === start) return Number.NaN;
  }
  const offset = offsetMs(s, i);
  if (Number.isNaN(offset)) return Number.NaN;
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000 + ms - offset;
}

/** The offset at the end of a date-time: `Z` or `±HH:MM` exactly, as ms east of UTC, or NaN. */
function offsetMs(s: string, i: number): number {
  if (s[i] === "Z") return i + 1 === s.length ? 0 : Number.NaN;
  const sign = s[i] === "+" ? 1 : s[i] === "-" ? -1 : 0;
  if (sign === 0 || i + 6 !== s.length || s[i + 3] !== ":") return Number.NaN;
  const oh = digits(s, i + 1, 2),
    om = digits(s, i + 4, 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
  return sign * (oh * 60 + om) * 60_000;
}

const TIME_EXPECTED = "an RFC 3339 date-time (2026-02-24T15:00:00Z), epoch milliseconds or a Date";

/**
 * Epoch ms of a time given as a Date, integer epoch ms, or strict RFC 3339 string
 * (`2026-02-24T15:00:00Z`, `2026-02-24T16:00:00.250+01:00`). Anything else is a RequestError at `path`.
 */
export function parseTime(value: Date | number | string, path: string): number {
  let ms = Number.NaN;
  if (typeof value === "string") ms = rfc3339ToMs(value);
  else if (typeof value === "number") ms = Number.isInteger(value) ? value : Number.NaN;
  else if (value instanceof Date) ms = value.getTime();
  if (Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS) return ms;
  throw new RequestError({ code: "invalid_time", path, message: "is not a time", expected: TIME_EXPECTED, found: renderValue(value) }, "time");
}

// ---- passports -------------------------------------------------------------------------------

const CORE_KEYS: ReadonlySet<string> = new Set(coreConstraintKeys);
const CORE_FAMILIES: ReadonlySet<string> = new Set(coreConstraintKeys.map((k) => k.split(":")[1]!));
const CONSTRAINT_KINDS: Readonly<Record<string, SchemaTypeName>> = propertyTypes.Constraints;
const PASSPORT_KINDS: Readonly<Record<string, SchemaTypeName>> = propertyTypes.Passport;
const PASSPORT_FIELDS = fieldsOf(passportSchema);

const PASSPORT_SHAPE: DocumentShape = {
  kindAt: (path) => {
    if (path.length === 1) return PASSPORT_KINDS[String(path[0])];
    if (path.length === 2 && path[0] === "constraints") return CONSTRAINT_KINDS[String(path[1])];
    return undefined;
  },
  fieldsAt: (path) => (path.length === 0 ? PASSPORT_FIELDS : []),
};

/**
 * Checks a passport (an object or a JSON string) and reports every problem at once.
 * Keys in other namespaces than `core:` come back as warnings `ignored_key:<key>`.
 * With `sentinels` (the module's sentinel names, SPEC §4), a near miss of one in
 * `core:approval:for_actions` is a problem too (code `misspelled_sentinel`), never a literal pattern.
 * @throws PassportError with `problems`, each with a path like `constraints["core:cost:max_per_day"]`.
 * @example validatePassport('{"constraints":{"core:cost:max_per_action":500}}').passport
 */
export function validatePassport(input: unknown, sentinels: readonly string[] = []): { passport: Passport; warnings: string[] } {
  const doc = typeof input === "string" ? parseJson(input) : withoutUndefined(input);
  const warnings: string[] = [];
  const problems: Problem[] = [];
  if (isObject(doc)) {
    if (isObject(doc.constraints)) {
      checkConstraints(doc.constraints, problems, warnings);
      checkSentinels(doc.constraints[APPROVAL_PATTERNS], sentinels, problems);
    }
    checkValidity(doc, problems);
  }
  const result = passportSchema.safeParse(doc);
  if (!result.success) {
    problems.push(...zodProblems(result.error.issues, doc, PASSPORT_SHAPE));
    rootMessage(problems, "a passport object");
  }
  if (problems.length > 0 || !result.success) throw new PassportError(firstPerPath(problems));
  return { passport: result.data as Passport, warnings };
}

/**
 * Like JSON: a passport field or constraint whose value is `undefined` is absent, so a passport
 * built in code compiles exactly as its JSON text does (never as a cap of 0).
 */
function withoutUndefined(input: unknown): unknown {
  if (!isObject(input)) return input;
  const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const doc = strip(input);
  if (isObject(doc.constraints)) doc.constraints = strip(doc.constraints);
  return doc;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PassportError([{ code: "invalid_json", path: "", message: `not valid JSON: ${message}` }]);
  }
}

function rootMessage(problems: Problem[], expected: string): void {
  for (const p of problems) if (p.path === "" && p.code === "invalid_type") p.expected = expected;
}

/** not_before must come before expires_at, or the passport is never valid. */
function checkValidity(doc: Json, problems: Problem[]): void {
  const from = typeof doc.not_before === "string" ? rfc3339ToMs(doc.not_before) : Number.NaN;
  const until = typeof doc.expires_at === "string" ? rfc3339ToMs(doc.expires_at) : Number.NaN;
  if (from >= until) {
    problems.push({
      code: "invalid_window",
      path: "expires_at",
      message: "is not after not_before: the passport would never be valid",
      expected: `a time after ${String(doc.not_before)}`,
      found: renderValue(doc.expires_at),
    });
  }
}

/** Key spelling (SPEC §1, §10) and the checks a schema cannot express (hosts, zones, ranges). */
function checkConstraints(constraints: Json, problems: Problem[], warnings: string[]): void {
  for (const key in constraints) {
    const verdict = keyVerdict(key);
    if (verdict === "foreign") warnings.push(`ignored_key:${key}`);
    else if (verdict !== "core") problems.push(verdict);
    else checkValue(CONSTRAINT_KINDS[key]!, constraints[key], ["constraints", key], problems);
  }
}

/** Whether a constraint key is a core key, another namespace's, or a problem (and which). */
function keyVerdict(key: string): "core" | "foreign" | Problem {
  if (CORE_KEYS.has(key)) return "core";
  const lower = key.toLowerCase();
  const colon = key.indexOf(":");
  const namespace = colon < 0 ? "" : lower.slice(0, colon);
  const near = nearest([key, lower, `core:${lower}`], coreConstraintKeys);
  const path = renderPath(["constraints", key]);
  const problem = (code: ProblemCode, message: string, fallback: string): Problem => ({
    code,
    path,
    message,
    hint: didYouMean(near) ?? fallback,
  });
  if (key.startsWith("core:")) return problem("unknown_constraint", `unknown constraint "${key}"`, familyHint(lower));
  if (namespace === "core") {
    return problem("misspelled_constraint", `"${key}" is not a constraint key: keys are case-sensitive`, "write the namespace as core:");
  }
  if (colon < 0) {
    return problem(
      "unknown_constraint",
      `unknown constraint "${key}": keys need a namespace`,
      "core keys look like core:cost:max_per_day; put your own keys in a namespace, like acme:region",
    );
  }
  if (CORE_FAMILIES.has(namespace) || CORE_KEYS.has(`core:${lower}`)) {
    return problem(
      "misspelled_constraint",
      `"${key}" looks like a core constraint without its core: prefix`,
      `write core:${key}, or use your own namespace, like acme:${key.slice(colon + 1)}`,
    );
  }
  return "foreign";
}

function familyHint(lowerKey: string): string {
  const family = lowerKey.split(":").slice(0, 2).join(":") + ":";
  const keys = coreConstraintKeys.filter((k) => k.startsWith(family));
  return keys.length > 0 ? `known ${family} keys: ${keys.join(", ")}` : "see the constraint catalogue (SPEC §2)";
}

const APPROVAL_PATTERNS = "core:approval:for_actions";
/** How far (edits) a pattern may be from a sentinel name to count as a misspelling of it. */
const SENTINEL_NEAR_MISS = 3;
const SENTINEL_WORD = /[^a-z0-9]+/;

/**
 * SPEC §11 "near-miss sentinel names are compile errors": a pattern with no glob (`*`) and no
 * namespace (`:`) that is not a sentinel but is within SENTINEL_NEAR_MISS edits of one (case- and
 * separator-insensitively: `High-Risk`, `highrisk`), or spells exactly a sentinel's words in
 * another order or with other separators, would silently match no action: it is refused with a
 * did-you-mean hint. Anything with `*` or `:` is a pattern as written.
 */
function checkSentinels(value: unknown, sentinels: readonly string[], problems: Problem[]): void {
  if (!Array.isArray(value) || sentinels.length === 0) return;
  const known = new Set(sentinels);
  value.forEach((entry, i) => {
    if (typeof entry !== "string" || entry.includes("*") || entry.includes(":")) return;
    const lower = entry.toLowerCase();
    if (known.has(lower)) return;
    const near = nearSentinel(lower, sentinels);
    if (near === undefined) return;
    problems.push({
      code: "misspelled_sentinel",
      path: renderPath(["constraints", APPROVAL_PATTERNS, i]),
      message: `"${entry}" is not an approval sentinel and would match no action`,
      expected: `a sentinel (${sentinels.join(", ")}) or an action pattern like payments:*`,
      found: renderValue(entry),
      hint: didYouMean(near)!,
    });
  });
}

function nearSentinel(lower: string, sentinels: readonly string[]): string | undefined {
  const words = (s: string): string =>
    s
      .split(SENTINEL_WORD)
      .filter((w) => w !== "")
      .sort()
      .join(" ");
  const squash = (s: string): string => s.replace(/[^a-z0-9]+/g, "");
  let found: string | undefined;
  let best = SENTINEL_NEAR_MISS + 1;
  for (const name of sentinels) {
    if (words(lower) === words(name)) return name;
    const d = Math.min(distance(lower, name, SENTINEL_NEAR_MISS), distance(squash(lower), squash(name), SENTINEL_NEAR_MISS));
    if (d < best) [found, best] = [name, d];
  }
  return found;
}

/** Value checks beyond the schema; values of the wrong shape are left to the schema's report. */
function checkValue(kind: SchemaTypeName, value: unknown, path: Segment[], problems: Problem[]): void {
  if (kind === "DomainList" && Array.isArray(value)) value.forEach((e, i) => checkDomain(e, [...path, i], problems));
  if (kind === "Schedule") {
    if (Array.isArray(value)) value.forEach((r, i) => checkRange(r, [...path, i], problems));
    else checkRange(value, path, problems);
  }
  if (kind === "BlackoutWindows" && Array.isArray(value)) value.forEach((w, i) => checkBlackout(w, [...path, i], problems));
}

function checkDomain(entry: unknown, path: Segment[], problems: Problem[]): void {
  if (typeof entry !== "string" || entry === "" || canonicalEntry(entry) !== null) return;
  problems.push({
    code: "invalid_host",
    path: renderPath(path),
    message: "is not a host",
    expected: "a host like example.com, *.example.com, 10.0.0.1 or ::1 (no scheme, port or path)",
    found: renderValue(entry),
    ...hostHint(entry),
  });
}

/** For an entry written as a URL or host:port, the host it holds, when that one is valid. */
function hostHint(entry: string): { hint?: string } {
  let host =
    entry
      .trim()
      .replace(/^[a-z][a-z0-9+.-]*:\/\//i, "")
      .replace(/^[^/@]*@/, "")
      .split(/[/?#]/)[0] ?? "";
  if (!host.startsWith("[")) host = host.replace(/:\d*$/, "");
  return host !== "" && host !== entry && canonicalEntry(host) !== null ? { hint: `write the host only: ${JSON.stringify(host)}` } : {};
}

const zoneCache = new Map<string, boolean>();

/** Whether the runtime knows an IANA time zone name. */
export function isTimeZone(name: string): boolean {
  let known = zoneCache.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    zoneCache.set(name, known);
  }
  return known;
}

let zoneNames: string[] | undefined;
/** did-you-mean among the runtime's IANA zone names (case-insensitive, as Intl accepts them). */
function zoneHint(name: string): { hint?: string } {
  zoneNames ??= typeof Intl.supportedValuesOf === "function" ? [...Intl.supportedValuesOf("timeZone"), "UTC"] : ["UTC"];
  const near = nearest([name], zoneNames);
  return near === undefined ? {} : { hint: didYouMean(near) };
}

function checkRange(range: unknown, path: Segment[], problems: Problem[]): void {
  if (!isObject(range)) return;
  const { timezone, start, end } = range;
  if (typeof timezone === "string" && timezone !== "" && !isTimeZone(timezone)) {
    problems.push({
      code: "invalid_timezone",
      path: renderPath([...path, "timezone"]),
      message: "is not a time zone",
      expected: "an IANA time zone name like Europe/Paris or UTC",
      found: renderValue(timezone),
      ...zoneHint(timezone),
    });
  }
  if (start === "24:00") {
    problems.push({
      code: "invalid_format",
      path: renderPath([...path, "start"]),
      message: "a range cannot start at 24:00",
      expected: 'a time "HH:MM" from 00:00 to 23:59',
      found: '"24:00"',
      hint: "start at 00:00 instead",
    });
  } else if (typeof start === "string" && start === end) {
    problems.push({
      code: "invalid_schedule",
      path: renderPath(path),
      message: `start and end are both ${start}: the range would be empty`,
      expected: "start and end to differ (end before start runs overnight)",
      found: `start ${start}, end ${String(end)}`,
      hint: 'for the whole day use start "00:00", end "24:00"',
    });
  }
}

function checkBlackout(window: unknown, path: Segment[], problems: Problem[]): void {
  if (!isObject(window) || typeof window.start !== "string" || typeof window.end !== "string") return;
  const start = rfc3339ToMs(window.start);
  const end = rfc3339ToMs(window.end);
  if (start >= end) {
    problems.push({
      code: "invalid_window",
      path: renderPath(path),
      message: "start is not before end: the window would be empty",
      expected: "start before end",
      found: `start ${window.start}, end ${window.end}`,
    });
  }
}

// ---- requests --------------------------------------------------------------------------------

/** A request as the encoder reads it: cost_cents defaults to 0, absent fields (and a null target) are undefined. */
export interface ValidRequest extends Omit<EvalRequest, "target"> {
  cost_cents: number;
  target?: string;
}

/**
 * Checks a request (SPEC §10 "Request") on the hot path: a hand-written check that accepts exactly
 * what the schema accepts; only a failure runs the generated zod schema, to say precisely what is wrong.
 * `context` is only checked to be a plain object here; the encoder walks it.
 * @throws RequestError (unknown_field, invalid_type, out_of_range, invalid_string, ...)
 */
export function validateRequest(input: unknown): ValidRequest {
  return fastRequest(input) ?? failRequest(evalRequestSchema, input, "request", REQUEST_SHAPE);
}

const REQUEST_SHAPE = flatShape(fieldsOf(evalRequestSchema), propertyTypes.EvalRequest);

function fastRequest(input: unknown): ValidRequest | null {
  if (!isObject(input)) return null;
  for (const key in input) {
    if (key !== "action" && key !== "cost_cents" && key !== "target" && key !== "context" && key !== "action_id") return null;
  }
  const { action, cost_cents, target, context, action_id } = input;
  if (typeof action !== "string" || !isActionText(action)) return null;
  if (cost_cents !== undefined && !isAmount(cost_cents)) return null;
  if (target !== undefined && target !== null && !(typeof target === "string" && isWellFormedString(target))) return null;
  if (context !== undefined && !isPlainObject(context)) return null;
  if (action_id !== undefined && !(typeof action_id === "string" && action_id !== "" && isWellFormedString(action_id))) return null;
  // `target: null` is no target, as if absent (docs/decisions.md).
  return { action, cost_cents: cost_cents ?? 0, target: target ?? undefined, context, action_id };
}

/** 1 to 1024 bytes of UTF-8, without lone surrogates. Up to 341 UTF-16 units always fit. */
function isActionText(s: string): boolean {
  if (s.length === 0 || s.length > MAX_ACTION_BYTES || !isWellFormedString(s)) return false;
  return s.length * 3 <= MAX_ACTION_BYTES || utf8ByteLength(s) <= MAX_ACTION_BYTES;
}

// ---- counter snapshots -----------------------------------------------------------------------

/** A counter snapshot with every field present: defaults filled in, times in epoch ms. */
export interface NormalizedCounters extends Required<Omit<Counters, "last_action_at" | "last_heartbeat_at" | "pending_approval_id" | "paused_by">> {
  paused_by: "operator" | "fail_closed" | null;
  last_action_at: number | null;
  last_heartbeat_at: number | null;
  pending_approval_id: string | null;
}

const COUNTER_FIELDS = fieldsOf(countersSchema);
/** The fields a counter snapshot may have (SPEC §6). */
export const COUNTER_FIELD_SET: ReadonlySet<string> = new Set(COUNTER_FIELDS);
const COUNTERS_SHAPE = flatShape(COUNTER_FIELDS, propertyTypes.Counters);

/**
 * Checks a counter snapshot (SPEC §6): every field optional, amounts integers 0..2^53−1, times as
 * RFC 3339, epoch ms or null. Returns every field, with defaults (0, null, false) and times in epoch ms.
 * @throws RequestError (unknown_field, invalid_type, out_of_range, invalid_format)
 */
export function validateCounters(input: unknown): NormalizedCounters {
  return fastCounters(input) ?? failRequest(countersSchema, input, "counter snapshot", COUNTERS_SHAPE);
}

function fastCounters(input: unknown): NormalizedCounters | null {
  if (!isObject(input)) return null;
  for (const key in input) if (!COUNTER_FIELD_SET.has(key)) return null;
  const c = input as Counters;
  const out: NormalizedCounters = {
    spent_today_cents: amount(c.spent_today_cents),
    spent_week_cents: amount(c.spent_week_cents),
    spent_month_cents: amount(c.spent_month_cents),
    spent_total_cents: amount(c.spent_total_cents),
    held_cents: amount(c.held_cents),
    actions_last_minute: amount(c.actions_last_minute),
    actions_last_5_minutes: amount(c.actions_last_5_minutes),
    actions_last_30_minutes: amount(c.actions_last_30_minutes),
    actions_last_hour: amount(c.actions_last_hour),
    actions_today: amount(c.actions_today),
    last_action_at: fastInstant(c.last_action_at),
    last_heartbeat_at: fastInstant(c.last_heartbeat_at),
    pending_approval_id: c.pending_approval_id ?? null,
    emergency_stopped: c.emergency_stopped === undefined ? false : c.emergency_stopped, // null stays, and fails below
    enforcement_paused: c.enforcement_paused === undefined ? false : c.enforcement_paused,
    paused_by: c.paused_by ?? null,
  };
  // A bad amount or instant is NaN, and NaN survives any sum (null adds 0).
  const sum =
    out.spent_today_cents +
    out.spent_week_cents +
    out.spent_month_cents +
    out.spent_total_cents +
    out.held_cents +
    out.actions_last_minute +
    out.actions_last_5_minutes +
    out.actions_last_30_minutes +
    out.actions_last_hour +
    out.actions_today +
    (out.last_action_at ?? 0) +
    (out.last_heartbeat_at ?? 0);
  if (Number.isNaN(sum) || typeof out.emergency_stopped !== "boolean" || typeof out.enforcement_paused !== "boolean") return null;
  if (out.paused_by !== null && out.paused_by !== "operator" && out.paused_by !== "fail_closed") return null;
  return typeof out.pending_approval_id === "string" || out.pending_approval_id === null ? out : null;
}

/** An optional amount or count: the value, 0 when absent, NaN when it is not one. */
function amount(v: unknown): number {
  if (v === undefined) return 0;
  return isAmount(v) ? v : Number.NaN;
}

/** The last RFC 3339 text parsed and its epoch ms (or NaN): snapshots repeat their instants call after call. */
let lastInstantText = "",
  lastInstantMs = Number.NaN;

/** An instant as epoch ms, null for none, or NaN when it is not an instant. */
export function fastInstant(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "number") return Number.isInteger(v) && v >= 0 && v <= MAX_EPOCH_MS ? v : Number.NaN;
  if (typeof v !== "string") return Number.NaN;
  // rfc3339ToMs is a pure function of the text, so the same text gives the same instant.
  if (v !== lastInstantText || v === "") {
    lastInstantMs = rfc3339ToMs(v);
    lastInstantText = v;
  }
  return lastInstantMs;
}

// ---- shared ----------------------------------------------------------------------------------

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The same test zod's record uses: an object whose constructor, if any, is a plain Object's. */
function isPlainObject(v: unknown): v is Json {
  if (!isObject(v)) return false;
  const ctor = v.constructor;
  if (ctor === undefined || typeof ctor !== "function") return true;
  const proto: unknown = ctor.prototype;
  return isObject(proto) && Object.prototype.hasOwnProperty.call(proto, "isPrototypeOf");
}

/** An integer 0..2^53−1: an amount of cents or a count. */
export const isAmount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_SAFE;

/** The slow path: the generated schema says what is wrong; the first problem becomes the error. */
function failRequest(schema: z.ZodType, input: unknown, subject: string, shape: DocumentShape): never {
  const result = schema.safeParse(input);
  if (result.success) {
    throw new EngineError("validator_mismatch", `the ${subject} fast check and its schema disagree; please report this`);
  }
  const problems = zodProblems(result.error.issues, input, shape);
  rootMessage(problems, `a ${subject} object`);
  throw new RequestError(problems[0]!, subject);
}
