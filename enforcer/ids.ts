// Unguessable identifiers (128 random bits) for decisions, approvals and permits.

// Random bytes come from the CSPRNG in blocks (one getRandomValues call per 256 ids, not per id:
// each call costs more than the bytes); each id takes 16 bytes no other id gets.
const POOL = new Uint8Array(4096);
let next = POOL.length;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function randomId(prefix: string): string {
  if (next + 16 > POOL.length) {
    crypto.getRandomValues(POOL);
    next = 0;
  }
  let hex = "";
  for (let i = next; i < next + 16; i++) hex += HEX[POOL[i]!];
  POOL.fill(0, next, next + 16); // a used id's bytes do not stay in memory
  next += 16;
  return `${prefix}_${hex}`;
}

// A decision formats the same instant several times (its own, its audit record's): keep the last.
let lastMs = Number.NaN;
let lastIso = "";

export function iso(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
