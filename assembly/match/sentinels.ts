// Sentinels of core:approval:for_actions (SPEC §4), expanded into plain patterns at compile time.

import { ByteList, equalsAscii } from "./bytelist";
import { foldedCapacity, foldUtf8, hasNonAscii } from "./casefold";

const HIGH_RISK: string[] = [
  "db:write*", "db:delete*", "db:drop*", "db:update*", "db:insert*", "db:truncate*", "db:migrate*",
  "code:deploy*", "deploy:*", "payments:*", "payment:*", "money:*", "transfer:*", "billing:charge*",
  "secrets:read*", "secret:read*", "vault:read*", "email:send*", "mail:send*",
];
const SIDE_EFFECTS_LOWER_STAKES: string[] = [
  "files:write*", "files:delete*", "file:write*", "file:delete*", "calendar:write*",
  "calendar:create*", "calendar:update*", "calendar:delete*", "code:execute*", "code:run*",
  "shell:exec*",
];
const SENSITIVE_DATA: string[] = [
  "pii:*", "secrets:read*", "secret:read*", "vault:read*", "customers:read*", "users:read*",
  "credentials:*",
];
// Legacy sentinels: frozen, never extended.
const DESTRUCTIVE: string[] = ["*:delete*", "*:drop*", "*:truncate*", "*:destroy*", "db:write*"];

function addAll(list: ByteList, patterns: string[]): void {
  for (let i = 0; i < patterns.length; i++) list.pushAscii(unchecked(patterns[i]));
}

const SENTINEL_NAMES: string[] = [
  "high_risk", "side_effects_lower_stakes", "high_risk_and_side_effects_lower_stakes", "sensitive_data",
  "destructive", "destructive_and_sensitive",
];

/** The k-th pattern list sentinel `id` expands to (a union has two), or null past its last. */
function part(id: i32, k: i32): string[] | null {
  switch (id) {
    case 0: return k == 0 ? HIGH_RISK : null;
    case 1: return k == 0 ? SIDE_EFFECTS_LOWER_STAKES : null;
    case 2: return k == 0 ? HIGH_RISK : k == 1 ? SIDE_EFFECTS_LOWER_STAKES : null;
    case 3: return k == 0 ? SENSITIVE_DATA : null;
    case 4: return k == 0 ? DESTRUCTIVE : null;
    case 5: return k == 0 ? DESTRUCTIVE : k == 1 ? SENSITIVE_DATA : null;
    default: return null;
  }
}

/**
 * Adds the expansion of the sentinel named by the bytes and returns true, or returns false. The
 * name compares case-insensitively like any action ("HIGH_RIS\u212A", with a Kelvin sign, too).
 */
export function expandSentinel(list: ByteList, p: usize, n: i32): bool {
  if (!hasNonAscii(p, n)) return expandNamed(list, p, n);
  const folded = new StaticArray<u8>(foldedCapacity(n));
  return expandNamed(list, changetype<usize>(folded), foldUtf8(p, n, changetype<usize>(folded)));
}

function expandNamed(list: ByteList, p: usize, n: i32): bool {
  for (let id = 0; id < SENTINEL_NAMES.length; id++) {
    if (!equalsAscii(p, n, unchecked(SENTINEL_NAMES[id]))) continue;
    for (let k = 0; ; k++) {
      const patterns = part(id, k);
      if (patterns == null) return true;
      addAll(list, patterns);
    }
  }
  return false;
}

function putAscii(s: string, at: usize): usize {
  for (let i = 0; i < s.length; i++) store<u8>(at + <usize>i, <u8>s.charCodeAt(i));
  return at + <usize>s.length;
}

/**
 * Catalogue table 5: writes a sentinel's name and the patterns it expands to, separated by spaces,
 * at `out` and returns the byte length (0 past the end). Hosts that reason about patterns (warden
 * diff builds probe actions from them) read the lists here rather than keeping a second copy; the
 * same `part` table drives the expansion. Allocates nothing (it runs while the bindings load).
 */
export function writeSentinelEntry(id: i32, out: usize): i32 {
  if (id < 0 || id >= SENTINEL_NAMES.length) return 0;
  let p = putAscii(unchecked(SENTINEL_NAMES[id]), out);
  for (let k = 0; ; k++) {
    const patterns = part(id, k);
    if (patterns == null) break;
    for (let i = 0; i < patterns.length; i++) { store<u8>(p, 0x20); p = putAscii(unchecked(patterns[i]), p + 1); }
  }
  return <i32>(p - out);
}
