// Small wording helpers: did-you-mean hints and short renderings of values in messages.

const MAX_HINT_DISTANCE = 2;

/** Levenshtein distance, cut off at `limit + 1`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** `did you mean "x"?` for the closest known name within two edits, or undefined. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_HINT_DISTANCE + 1;
  for (const k of known) {
    const d = distance(name.toLowerCase(), k.toLowerCase(), MAX_HINT_DISTANCE);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? undefined : `did you mean "${best}"?`;
}

const PLAIN = /^[A-Za-z0-9_:.@/+-]+$/;

/** A value as a message shows it: plain words bare, other strings quoted, lists in brackets, nothing as "nothing". */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return PLAIN.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  return JSON.stringify(value);
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
