// The boundary buffers: one growable input area the host writes into, a bounded output area
// the host reads the decision from, a bounds-checked reader and a clamping text writer.

import { MAX_SAFE } from "./constants";

let ioPtr: usize = 0;
let ioCap: i32 = 0;

/** Returns an input area of at least `minLen` bytes. It may move: the host asks again when it needs more. */
export function ensureIo(minLen: i32): usize {
  if (minLen > ioCap) {
    let cap = ioCap > 0 ? ioCap : 4096;
    while (cap < minLen) cap <<= 1;
    if (ioPtr != 0) heap.free(ioPtr);
    ioPtr = heap.alloc(<usize>cap);
    ioCap = cap;
  }
  return ioPtr;
}

export function ioBase(): usize { return ioPtr; }
export function ioCapacity(): i32 { return ioCap; }

export const OUT_SIZE: i32 = 16384;
export const OUT: usize = memory.data(OUT_SIZE, 16);

/** Sequential reader over bytes [ptr, ptr+len); never reads past the end, sets `bad` instead. */
export class Reader {
  pos: usize;
  end: usize;
  bad: bool = false;
  constructor(ptr: usize, len: i32) { this.pos = ptr; this.end = ptr + <usize>len; }

  has(n: i32): bool {
    if (n < 0 || this.pos + <usize>n > this.end) { this.bad = true; return false; }
    return true;
  }
  u8(): u32 {
    if (!this.has(1)) return 0;
    const v = <u32>load<u8>(this.pos); this.pos += 1; return v;
  }
  u32(): u32 {
    if (!this.has(4)) return 0;
    const v = load<u32>(this.pos); this.pos += 4; return v;
  }
  i32(): i32 { return <i32>this.u32(); }
  i64(): i64 {
    if (!this.has(8)) return 0;
    const v = load<i64>(this.pos); this.pos += 8; return v;
  }
  /** Skips a length-prefixed byte string and returns its start; its length is in `lastLen`. */
  lastLen: i32 = 0;
  bytes(): usize {
    const n = <i32>this.u32();
    if (!this.has(n)) { this.lastLen = 0; return 0; }
    const p = this.pos; this.pos += <usize>n; this.lastLen = n; return p;
  }
}

/** Appends ASCII/UTF-8 text into a fixed area, silently clamping at its capacity. */
export class TextWriter {
  base: usize;
  cap: i32;
  len: i32 = 0;
  constructor(base: usize, cap: i32) { this.base = base; this.cap = cap; }

  reset(): void { this.len = 0; }
  byte(b: u32): void {
    if (this.len < this.cap) { store<u8>(this.base + <usize>this.len, <u8>b); this.len++; }
  }
  /** Appends an ASCII literal: every message the module writes is ASCII, so each UTF-16 unit is one byte. */
  str(s: string): void {
    const room = this.cap - this.len;
    const n = s.length < room ? s.length : room;
    const src = changetype<usize>(s), dst = this.base + <usize>this.len;
    for (let i = 0; i < n; i++) store<u8>(dst + <usize>i, <u8>load<u16>(src + (<usize>i << 1)));
    this.len += n;
  }
  raw(ptr: usize, n: i32): void {
    const room = this.cap - this.len;
    const k = n < room ? n : room;
    if (k > 0) { memory.copy(this.base + <usize>this.len, ptr, <usize>k); this.len += k; }
  }
  int(v: i64): void {
    if (v > MAX_SAFE) v = MAX_SAFE;
    if (v < 0) { this.byte(0x2d); v = -v; }
    if (v == 0) { this.byte(0x30); return; }
    let div: i64 = 1;
    while (div <= v / 10) div *= 10;
    while (div > 0) { this.byte(<u32>(0x30 + (v / div) % 10)); div /= 10; }
  }
  /** Two-digit zero-padded number, for clock times. */
  pad2(v: i32): void { this.byte(<u32>(0x30 + v / 10)); this.byte(<u32>(0x30 + v % 10)); }
}
