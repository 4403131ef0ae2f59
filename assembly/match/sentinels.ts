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
  if (equalsAscii(p, n, "high_risk")) { addAll(list, HIGH_RISK); return true; }
  if (equalsAscii(p, n, "side_effects_lower_stakes")) { addAll(list, SIDE_EFFECTS_LOWER_STAKES); return true; }
  if (equalsAscii(p, n, "high_risk_and_side_effects_lower_stakes")) {
    addAll(list, HIGH_RISK); addAll(list, SIDE_EFFECTS_LOWER_STAKES); return true;
  }
  if (equalsAscii(p, n, "sensitive_data")) { addAll(list, SENSITIVE_DATA); return true; }
  if (equalsAscii(p, n, "destructive")) { addAll(list, DESTRUCTIVE); return true; }
  if (equalsAscii(p, n, "destructive_and_sensitive")) {
    addAll(list, DESTRUCTIVE); addAll(list, SENSITIVE_DATA); return true;
  }
  return false;
}

const SENTINEL_NAMES: string[] = [
  "high_risk", "side_effects_lower_stakes", "high_risk_and_side_effects_lower_stakes", "sensitive_data",
  "destructive", "destructive_and_sensitive",
];

/**
 * Catalogue table 5: a sentinel's name and its expansion, separated by spaces ("" past the end).
 * Hosts that reason about patterns (warden diff builds probe actions from them) read the lists
 * here rather than keeping a second copy. Built by expandSentinel itself, so it cannot drift.
 */
export function sentinelEntry(id: i32): string {
  if (id < 0 || id >= SENTINEL_NAMES.length) return "";
  const name = unchecked(SENTINEL_NAMES[id]);
  const list = new ByteList();
  const bytes = String.UTF8.encode(name);
  expandNamed(list, changetype<usize>(bytes), bytes.byteLength);
  let out = name;
  for (let i = 0; i < list.length; i++) out += " " + String.UTF8.decodeUnsafe(list.ptr(i), <usize>list.len(i));
  return out;
}
