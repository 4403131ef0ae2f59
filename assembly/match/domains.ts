// Domain lists (SPEC §3): a hash set of canonical hosts, probed once per label of the target, so
// the cost of a lookup depends on the target's length and never on the list's.

import { ByteList } from "./bytelist";

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 0x01000193;

const ENTRY_WILDCARD: u8 = 1; // "*.example.com": subdomains only
const ENTRY_IP: u8 = 2;       // an IP address: matches itself only

/** Hash of a byte range read right to left, so every suffix's hash falls out of one pass. */
function hashReverse(p: usize, n: i32): u32 {
  let h = FNV_OFFSET;
  for (let i = n - 1; i >= 0; i--) h = (h ^ <u32>load<u8>(p + <usize>i)) * FNV_PRIME;
  return h | 1; // 0 marks an empty slot
}

function bytesEqual(a: usize, b: usize, n: i32): bool {
  return memory.compare(a, b, <usize>n) == 0;
}

/** A host is an IP address when it has a ':' (IPv6) or its last label is all digits (IPv4). */
export function isIpHost(p: usize, n: i32): bool {
  if (n == 0) return false;
  let digitsOnly = true;
  for (let i = n - 1; i >= 0; i--) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x3a) return true;
    if (c == 0x2e) return digitsOnly;
    if (c < 0x30 || c > 0x39) digitsOnly = false;
  }
  return digitsOnly;
}

export class DomainSet {
  hosts: ByteList;
  flags: Array<u8> = [];
  slots: StaticArray<u32>;      // hash of the entry, 0 when empty
  slotEntry: StaticArray<i32>;  // entry index
  mask: u32;

  constructor(expected: i32) {
    let cap: i32 = 16;
    while (cap < expected * 2) cap <<= 1;
    this.hosts = new ByteList(expected * 16);
    this.slots = new StaticArray<u32>(cap);
    this.slotEntry = new StaticArray<i32>(cap);
    this.mask = <u32>(cap - 1);
  }

  get size(): i32 { return this.hosts.length; }

  add(p: usize, n: i32, wildcard: bool): void {
    const h = hashReverse(p, n);
    const flag: u8 = wildcard ? ENTRY_WILDCARD : (isIpHost(p, n) ? ENTRY_IP : 0);
    const existing = this.find(h, p, n);
    if (existing >= 0) {
      // The same host listed plain and as "*.": the plain entry already covers subdomains.
      if (unchecked(this.flags[existing]) == ENTRY_WILDCARD && !wildcard) this.flags[existing] = flag;
      return;
    }
    const idx = this.hosts.push(p, n);
    this.flags.push(flag);
    let s = h & this.mask;
    while (unchecked(this.slots[s]) != 0) s = (s + 1) & this.mask;
    unchecked(this.slots[s] = h);
    unchecked(this.slotEntry[s] = idx);
  }

  private find(h: u32, p: usize, n: i32): i32 {
    let s = h & this.mask;
    while (true) {
      const sh = unchecked(this.slots[s]);
      if (sh == 0) return -1;
      if (sh == h) {
        const e = unchecked(this.slotEntry[s]);
        if (this.hosts.len(e) == n && bytesEqual(this.hosts.ptr(e), p, n)) return e;
      }
      s = (s + 1) & this.mask;
    }
  }

  /** True when the host (canonical, lower-case) matches an entry: itself, or a parent domain. */
  matches(p: usize, n: i32): bool {
    if (n == 0) return false;
    if (isIpHost(p, n)) {
      const e = this.find(hashReverse(p, n), p, n);
      return e >= 0 && unchecked(this.flags[e]) != ENTRY_WILDCARD;
    }
    let h = FNV_OFFSET;
    for (let i = n - 1; i >= 0; i--) {
      const c = <u32>load<u8>(p + <usize>i);
      if (c == 0x2e && i < n - 1) {
        // bytes (i, n) form a proper suffix at a label boundary: a parent domain of the host
        const e = this.find(h | 1, p + <usize>(i + 1), n - i - 1);
        if (e >= 0 && unchecked(this.flags[e]) != ENTRY_IP) return true;
      }
      h = (h ^ c) * FNV_PRIME;
    }
    const e = this.find(h | 1, p, n);
    return e >= 0 && unchecked(this.flags[e]) == 0;
  }
}
