// What an update changed: the JSON paths (in validation's spelling) of every field of a passport
// that differs between two versions, for the signed audit record of the update (docs/decisions.md).

import { canonicalJson } from "./signing";

/** Fields the enforcer sets itself: never reported as changed by the author. */
const BOOKKEEPING = new Set(["version"]);

const constraintPath = (key: string): string => `constraints[${JSON.stringify(key)}]`;

function differs(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) !== canonicalJson(b ?? null);
}

function objectOf(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * The paths that differ, sorted: each constraint key as `constraints["core:cost:max_per_day"]`,
 * any other field by its top-level name (`permissions`, `expires_at`, `metadata`).
 * @example changedPaths({ constraints: { "core:cost:max_per_day": 500 } }, { constraints: { "core:cost:max_per_day": 800 } })
 * // ["constraints[\"core:cost:max_per_day\"]"]
 */
export function changedPaths(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (BOOKKEEPING.has(field)) continue;
    if (field === "constraints") {
      const [b, a] = [objectOf(before.constraints), objectOf(after.constraints)];
      for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) if (differs(b[key], a[key])) out.push(constraintPath(key));
    } else if (differs(before[field], after[field])) {
      out.push(field);
    }
  }
  return out.sort();
}
