// Validation of the HTTP bodies described by schemas/ (reports, window resets, approvers, forms, webhooks):
// the generated zod schema accepts or refuses, and its first problem names the JSON path, what was
// expected and, for an unknown field, the nearest known one.

import type { z } from "zod";
import { RequestError } from "./errors";
import { zodProblems, type DocumentShape } from "./validate";
import type { SchemaTypeName } from "./gen/zod";

type Segment = PropertyKey;
interface Def {
  type?: string;
  innerType?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType | undefined): Def | undefined => (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;

/** The schema below optional, nullable and default wrappers, and the target of a pipe (a decoded JSON string). */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  for (let def = defOf(s); def !== undefined && (def.innerType !== undefined || def.type === "pipe"); def = defOf(s)) {
    s = def.type === "pipe" ? def.out : def.innerType;
  }
  return s;
}

/** The schemas the value at `path` may match (object properties, list items, every branch of a union). */
function schemasAt(root: z.ZodType | undefined, path: readonly Segment[]): z.ZodType[] {
  const s = unwrap(root);
  const def = defOf(s);
  if (def === undefined) return [];
  if (def.type === "union") return (def.options ?? []).flatMap((o) => schemasAt(o, path));
  if (path.length === 0) return [s!];
  const [segment, ...rest] = path;
  if (def.type === "object" && typeof segment === "string") return schemasAt(def.shape?.[segment], rest);
  if (def.type === "array" && typeof segment === "number") return schemasAt(def.element, rest);
  return [];
}

/** Field names at any depth (for did-you-mean), and the shared value types of top-level fields (for `expected`). */
function shapeOf(schema: z.ZodType, kinds: Readonly<Record<string, SchemaTypeName>>): DocumentShape {
  return {
    kindAt: (path) => (path.length === 1 ? kinds[String(path[0])] : undefined),
    fieldsAt: (path) => [...new Set(schemasAt(schema, path).flatMap((s) => Object.keys(defOf(s)?.shape ?? {})))],
  };
}

/**
 * The body as the schema's type, or a RequestError with the first problem: its code (unknown_field,
 * missing_field, invalid_type, out_of_range, ...), the JSON path, what was expected and what was found.
 * `subject` names the body in the message ("report", "window reset"); `kinds` is the schema's row of
 * `propertyTypes`, so a field of a shared type says what it holds ("integer cents 0..2^53-1"); `decoded`
 * is the input with fields of JSON text (contentMediaType application/json) decoded, for `found`.
 * @example validateBody(actionReportSchema, body, "report", propertyTypes.ActionReport)
 */
export function validateBody<T>(
  schema: z.ZodType<T>,
  input: unknown,
  subject: string,
  kinds: Readonly<Record<string, SchemaTypeName>> = {},
  decoded: unknown = input,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // `decoded`: the input with its JSON-text fields decoded (a form's payload), so `found` shows the value at the path.
  const problems = zodProblems(result.error.issues, decoded, shapeOf(schema, kinds));
  // A required const or enum that is absent is missing (zod says "invalid value" for it).
  for (const p of problems) {
    if (p.code === "invalid_value" && p.found === "nothing" && p.path !== "")
      Object.assign(p, { code: "missing_field", message: "is required", found: undefined });
  }
  // A misspelled field explains the missing one it stands for: it is reported first, with its did-you-mean.
  const first = problems.find((p) => p.code === "unknown_field") ?? problems[0] ?? { code: "invalid_value", path: "", message: "is not valid" };
  if (first.path === "" && first.code === "invalid_type") first.expected = `${/^[aeiou]/i.test(subject) ? "an" : "a"} ${subject} object`;
  throw new RequestError(first, subject);
}
