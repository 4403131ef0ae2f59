// A growable little-endian byte buffer, used to encode compiled passports and request contexts.

const encoder = new TextEncoder();
const TWO_32 = 4294967296;

export class ByteSink {
  buf: Uint8Array;
  view: DataView;
  len = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.len = 0;
  }

  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.len++] = v;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }
  i32(v: number): void {
    this.reserve(4);
    this.view.setInt32(this.len, v, true);
    this.len += 4;
  }
  /** Integers up to ±2^53, written as two 32-bit halves (no BigInt). */
  i64(v: number): void {
    this.reserve(8);
    writeI64(this.view, this.len, v);
    this.len += 8;
  }

  /** A u32 byte length followed by the UTF-8 bytes of `s`. */
  str(s: string): void {
    this.reserve(4 + s.length * 3);
    const written = writeUtf8(this.buf, this.len + 4, s);
    this.view.setUint32(this.len, written, true);
    this.len += 4 + written;
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/**
 * Writes the UTF-8 of `s` at `at` and returns the byte count; the caller makes room for
 * `s.length * 3` bytes. Short ASCII is copied by hand: encodeInto's call overhead dominates it.
 */
export function writeUtf8(buf: Uint8Array, at: number, s: string): number {
  const n = s.length;
  if (n <= 64) {
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[at + i] = c;
    }
    if (i === n) return n;
  }
  return encoder.encodeInto(s, buf.subarray(at)).written;
}

export function writeI64(view: DataView, at: number, v: number): void {
  if (v >= 0 && v < TWO_32) {
    view.setUint32(at, v, true);
    view.setUint32(at + 4, 0, true);
    return;
  }
  const hi = Math.floor(v / TWO_32);
  view.setUint32(at, v - hi * TWO_32, true);
  view.setInt32(at + 4, hi, true);
}

export function readI64(view: DataView, at: number): number {
  return view.getInt32(at + 4, true) * TWO_32 + view.getUint32(at, true);
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
