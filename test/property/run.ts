// Runs a property in chunks until a target number of cases, on a random seed (FC_SEED pins it),
// and turns a failure into one message: the seed, the shrunk counterexample, the concrete inputs.

import fc from "fast-check";

export interface Budget {
  cases: number;
}

/** The seed of this process's runs: FC_SEED, or random (printed on failure, so it can be replayed). */
export const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : (Math.random() * 2 ** 31) | 0;

/** The number of cases a suite runs: its default, or PROP_CASES for a longer (or shorter) run. */
export const casesFor = (fallback: number): number => (process.env.PROP_CASES !== undefined ? Number(process.env.PROP_CASES) : fallback);

/**
 * Checks `property(counter)` chunk by chunk until `counter.cases` reaches `target`.
 * Throws with a replayable report on the first failure.
 */
export function runUntil<T>(
  target: number,
  counter: Budget,
  property: () => fc.IProperty<[T]>,
  opts: { seed?: number; chunkRuns?: number; onChunk?: (cases: number) => void } = {},
): void {
  let seed = opts.seed ?? SEED;
  while (counter.cases < target) {
    const result = fc.check(property(), { numRuns: opts.chunkRuns ?? 1000, seed });
    if (result.failed) {
      const cause = (result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance);
      throw new Error(`${fc.defaultReportMessage(result)}\n\nreplay: FC_SEED=${opts.seed ?? SEED} (chunk seed ${seed})\n\n${cause}`);
    }
    opts.onChunk?.(counter.cases);
    seed = (seed + 1) | 0;
  }
}
