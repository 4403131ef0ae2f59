// An owned, append-only list of byte strings (patterns, hosts, reasons) copied out of the input area.

import { foldedCapacity, foldUtf8, hasNonAscii } from "./casefold";

export class ByteList {
  pool: StaticArray<u8>;
  used: i32 = 0;
  starts: Array<i32> = [];
  lens: Array<i32> = [];
  /** Each entry's first byte, ASCII lower-cased (0 for an empty entry): lets a search skip most entries without a call. */
  firsts: Array<u8> = [];
  /** The set of those first bytes, 256 bits: a search for a byte not in it (and no entry starting with `*`) is over at once. */
  firstSet: StaticArray<u32> = new StaticArray<u32>(8);
  /**
   * Entries pushed by pushFolded whose fold differs from what the passport said: entry index
   * (ascending), and where the original bytes are kept in the pool (for detail texts only).
   */
  origIndex: Array<i32> = [];
  origStart: Array<i32> = [];
  origLen: Array<i32> = [];

  constructor(capacity: i32 = 64) { this.pool = new StaticArray<u8>(capacity > 0 ? capacity : 1); }

  get length(): i32 { return this.starts.length; }

  push(ptr: usize, len: i32): i32 {
    this.reserve(len);
    memory.copy(changetype<usize>(this.pool) + <usize>this.used, ptr, <usize>len);
    this.noteFirst(len > 0 ? <u8>lower(<u32>load<u8>(ptr)) : 0);
    this.starts.push(this.used);
    this.lens.push(len);
    this.used += len;
    return this.starts.length - 1;
  }

  /**
   * Appends an action pattern with its non-ASCII letters lower-cased (casefold.ts); ASCII letters
   * stay as written (matching folds them). When the fold differs, the original is kept too.
   */
  pushFolded(ptr: usize, len: i32): i32 {
    if (!hasNonAscii(ptr, len)) return this.push(ptr, len);
    this.reserve(foldedCapacity(len) + len);
    const base = changetype<usize>(this.pool) + <usize>this.used;
    const n = foldUtf8(ptr, len, base);
    const idx = this.starts.length;
    const differs = n != len || memory.compare(base, ptr, <usize>len) != 0;
    if (differs) {
      memory.copy(base + <usize>n, ptr, <usize>len);
      this.origIndex.push(idx);
      this.origStart.push(this.used + n);
      this.origLen.push(len);
    }
    this.noteFirst(n > 0 ? <u8>lower(<u32>load<u8>(base)) : 0);
    this.starts.push(this.used);
    this.lens.push(n);
    this.used += differs ? n + len : n;
    return idx;
  }

  /** Entry i as the passport wrote it (before pushFolded folded it). */
  origPtr(i: i32): usize {
    const k = this.origSlot(i);
    return k < 0 ? this.ptr(i) : changetype<usize>(this.pool) + <usize>unchecked(this.origStart[k]);
  }
  origLength(i: i32): i32 {
    const k = this.origSlot(i);
    return k < 0 ? this.len(i) : unchecked(this.origLen[k]);
  }
  private origSlot(i: i32): i32 {
    for (let k = 0, n = this.origIndex.length; k < n; k++) if (unchecked(this.origIndex[k]) == i) return k;
    return -1;
  }

  /** Appends an ASCII string literal, lower-cased (sentinel expansions). */
  pushAscii(s: string): i32 {
    const n = s.length;
    this.reserve(n);
    const base = changetype<usize>(this.pool) + <usize>this.used;
    for (let i = 0; i < n; i++) store<u8>(base + <usize>i, <u8>s.charCodeAt(i));
    this.noteFirst(n > 0 ? <u8>lower(<u32>s.charCodeAt(0)) : 0);
    this.starts.push(this.used);
    this.lens.push(n);
    this.used += n;
    return this.starts.length - 1;
  }

  ptr(i: i32): usize { return changetype<usize>(this.pool) + <usize>unchecked(this.starts[i]); }
  len(i: i32): i32 { return unchecked(this.lens[i]); }
  first(i: i32): u32 { return <u32>unchecked(this.firsts[i]); }

  /** True when some entry starts with byte `b` (lower-cased). */
  hasFirst(b: u32): bool { return (unchecked(this.firstSet[b >> 5]) & (1 << (b & 31))) != 0; }

  private noteFirst(b: u8): void {
    this.firsts.push(b);
    const i = <i32>(b >> 5);
    unchecked(this.firstSet[i] = unchecked(this.firstSet[i]) | (1 << (<u32>b & 31)));
  }

  private reserve(n: i32): void {
    const cap = this.pool.length;
    if (this.used + n <= cap) return;
    let next = cap << 1;
    while (next < this.used + n) next <<= 1;
    const grown = new StaticArray<u8>(next);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.pool), <usize>this.used);
    this.pool = grown;
  }
}

/** ASCII lower-case of one byte; other bytes unchanged. */
// @ts-ignore: decorator
@inline export function lower(b: u32): u32 { return b - 0x41 < 26 ? b | 0x20 : b; }

/** Case-insensitive (ASCII) equality of a byte range and a lower-case ASCII literal. */
export function equalsAscii(ptr: usize, len: i32, s: string): bool {
  if (len != s.length) return false;
  for (let i = 0; i < len; i++) {
    if (lower(<u32>load<u8>(ptr + <usize>i)) != <u32>s.charCodeAt(i)) return false;
  }
  return true;
}
