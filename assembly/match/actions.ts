// Action patterns (SPEC §3): case-insensitive comparison where `*` matches any run of characters.

import { ByteList, lower } from "./bytelist";

/** Glob match of pattern bytes against action bytes; iterative, with one backtrack point per star. */
export function globMatch(p: usize, pn: i32, s: usize, sn: i32): bool {
  // Most patterns start with a literal: reject on the first byte before the general loop.
  if (pn > 0 && sn > 0) {
    const p0 = <u32>load<u8>(p);
    if (p0 != 0x2a && lower(p0) != lower(<u32>load<u8>(s))) return false;
  }
  let pi = 0, si = 0, starP = -1, starS = 0;
  while (si < sn) {
    if (pi < pn) {
      const pc = <u32>load<u8>(p + <usize>pi);
      if (pc == 0x2a) { starP = pi++; starS = si; continue; }
      if (lower(pc) == lower(<u32>load<u8>(s + <usize>si))) { pi++; si++; continue; }
    }
    if (starP < 0) return false;
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < pn && load<u8>(p + <usize>pi) == 0x2a) pi++;
  return pi == pn;
}

/** Index of the first pattern in `list` that matches the action, or -1. */
export function firstMatch(list: ByteList, s: usize, sn: i32): i32 {
  // Only a pattern starting with `*`, with the action's first byte, or empty can match.
  const s0: u32 = sn > 0 ? lower(<u32>load<u8>(s)) : 0;
  if (!list.hasFirst(0x2a) && !list.hasFirst(s0) && !list.hasFirst(0)) return -1;
  for (let i = 0, n = list.length; i < n; i++) {
    const p0 = list.first(i);
    if (p0 != 0x2a && p0 != s0 && p0 != 0) continue;
    if (globMatch(list.ptr(i), list.len(i), s, sn)) return i;
  }
  return -1;
}
