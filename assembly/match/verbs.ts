// Action families (SPEC §4, §10): the verb of an action and whether it writes.

import { equalsAscii, lower } from "./bytelist";
import { foldUtf8, hasNonAscii } from "./casefold";

const WRITE_VERBS: string[] = [
  "write", "create", "update", "delete", "remove", "insert", "upsert", "put", "post", "patch",
  "send", "deploy", "execute", "exec", "run", "transfer", "pay", "purchase", "buy", "book",
  "drop", "truncate", "modify", "edit", "move", "rename", "upload", "publish", "grant", "revoke",
  "set",
  // SPEC §10 "Write verbs also include"
  "destroy", "migrate", "charge", "push", "commit", "import", "kill", "terminate", "cancel",
  "refund", "archive", "restore", "invite", "share", "merge",
  // SPEC §11 "Bypasses closed"
  "purge", "wipe", "rm", "erase", "unlink", "overwrite", "reset", "clear", "flush", "shred",
];

// The verbs in a small open-addressing table: key = up to 8 lower-case bytes packed into a u64
// (little-endian); the slot holds the verb's index + 1. A longer verb ("terminate") matches its
// first 8 bytes here and the rest by equalsAscii. One or two probes instead of a scan of the list.
const SLOTS: i32 = 128; // a power of two, over twice the number of verbs
const SLOT_KEY = new StaticArray<u64>(SLOTS);
const SLOT_VERB = new StaticArray<i32>(SLOTS);

function packAscii(s: string): u64 {
  let v: u64 = 0;
  for (let i = 0, n = min(s.length, 8); i < n; i++) v |= <u64>s.charCodeAt(i) << (<u64>i << 3);
  return v;
}

// @ts-ignore: decorator
@inline function slotOf(key: u64): i32 { return <i32>((key * 0x9e3779b97f4a7c15) >> 57); }

function initVerbs(): void {
  assert(WRITE_VERBS.length * 2 <= SLOTS);
  for (let i = 0; i < WRITE_VERBS.length; i++) {
    const key = packAscii(unchecked(WRITE_VERBS[i]));
    let s = slotOf(key);
    while (unchecked(SLOT_VERB[s]) != 0) s = (s + 1) & (SLOTS - 1);
    unchecked(SLOT_KEY[s] = key);
    unchecked(SLOT_VERB[s] = i + 1);
  }
}
initVerbs();

const FOLD_MAX: i32 = 40;
const FOLD_BUF: usize = memory.data(64); // >= foldedCapacity(FOLD_MAX)

/** The first (up to) 8 bytes at `ptr`, ASCII lower-cased, packed like packAscii. */
function packBytes(ptr: usize, len: i32): u64 {
  let v: u64 = 0;
  for (let i = 0, n = min(len, 8); i < n; i++) v |= <u64>lower(<u32>load<u8>(ptr + <usize>i)) << (<u64>i << 3);
  return v;
}

function isWordEnd(prev: u32, c: u32): bool {
  if (c == 0x5f || c == 0x2d || c == 0x2e) return true;            // _ - .
  return prev - 0x61 < 26 && c - 0x41 < 26;                         // lower → upper
}

/** True when the first word of the action's verb is a write verb. */
export function isWriteAction(s: usize, n: i32): bool {
  let start = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (load<u8>(s + <usize>i) == 0x3a) { start = i + 1; break; }
  }
  let end = start;
  let prev: u32 = 0;
  while (end < n) {
    const c = <u32>load<u8>(s + <usize>end);
    if (end > start && isWordEnd(prev, c)) break;
    if (end == start && (c == 0x5f || c == 0x2d || c == 0x2e)) break;
    prev = c;
    end++;
  }
  let ptr = s + <usize>start, len = end - start;
  if (len == 0) return false;
  // The word's non-ASCII letters lower-cased (the words are cut on the action as written: its
  // camelCase is ASCII). Only U+212A KELVIN SIGN folds into ASCII ("\u212Aill" is "kill"); a code
  // point folds to at least a quarter of its bytes, so a longer word cannot be a verb (<= 9 bytes).
  if (hasNonAscii(ptr, len)) {
    if (len > FOLD_MAX) return false;
    len = foldUtf8(ptr, len, FOLD_BUF);
    ptr = FOLD_BUF;
  }
  const key = packBytes(ptr, len);
  for (let slot = slotOf(key); ; slot = (slot + 1) & (SLOTS - 1)) {
    const v = unchecked(SLOT_VERB[slot]);
    if (v == 0) return false;
    if (unchecked(SLOT_KEY[slot]) != key) continue;
    const verb = unchecked(WRITE_VERBS[v - 1]);
    if (verb.length == len && (len <= 8 || equalsAscii(ptr, len, verb))) return true;
  }
  return false;
}

