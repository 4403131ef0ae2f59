// Action families (SPEC §4, §10): the verb of an action and whether it writes.

import { equalsAscii, lower } from "./bytelist";

const WRITE_VERBS: string[] = [
  "write", "create", "update", "delete", "remove", "insert", "upsert", "put", "post", "patch",
  "send", "deploy", "execute", "exec", "run", "transfer", "pay", "purchase", "buy", "book",
  "drop", "truncate", "modify", "edit", "move", "rename", "upload", "publish", "grant", "revoke",
  "set",
  // SPEC §10 "Write verbs also include"
  "destroy", "migrate", "charge", "push", "commit", "import", "kill", "terminate", "cancel",
  "refund", "archive", "restore", "invite", "share", "merge",
];

// The verbs packed for lookup: up to 8 lower-case bytes in a u64 (little-endian), plus the length.
// A longer verb ("terminate") compares its first 8 bytes here and the rest by equalsAscii.
const PACKED = new StaticArray<u64>(WRITE_VERBS.length);
const LENGTHS = new StaticArray<i32>(WRITE_VERBS.length);

function packAscii(s: string): u64 {
  let v: u64 = 0;
  for (let i = 0, n = min(s.length, 8); i < n; i++) v |= <u64>s.charCodeAt(i) << (<u64>i << 3);
  return v;
}

function initVerbs(): void {
  for (let i = 0; i < WRITE_VERBS.length; i++) {
    unchecked(PACKED[i] = packAscii(unchecked(WRITE_VERBS[i])));
    unchecked(LENGTHS[i] = unchecked(WRITE_VERBS[i]).length);
  }
}
initVerbs();

/** The first (up to) 8 bytes at `ptr`, ASCII lower-cased, packed like PACKED. */
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
  const ptr = s + <usize>start, len = end - start;
  const key = packBytes(ptr, len);
  for (let i = 0, k = WRITE_VERBS.length; i < k; i++) {
    if (unchecked(PACKED[i]) != key || unchecked(LENGTHS[i]) != len) continue;
    if (len <= 8 || equalsAscii(ptr, len, unchecked(WRITE_VERBS[i]))) return true;
  }
  return false;
}

