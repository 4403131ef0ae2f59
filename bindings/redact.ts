// Redaction for audit records: the module's detectors find the spans (SPEC §5), this file only
// splices `[REDACTED:kind]` into the strings. Secrets are always redacted; PII when asked.

import type { Engine } from "./engine";

const FAMILY_SECRET = 0,
  FAMILY_PII = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Span {
  start: number;
  end: number;
  kind: string;
}

export class Redactor {
  private readonly names = new Map<number, string>();

  constructor(private readonly engine: Engine) {}

  /** Returns `text` with every secret (and, with `pii`, every PII token) replaced. */
  redactText(text: string, pii: boolean): string {
    if (text.length < 6) return text; // no recognizer matches fewer bytes
    const bytes = encoder.encode(text);
    const spans = this.engine.call(() => this.findSpans(bytes, pii));
    if (spans.length === 0) return text;
    let out = "",
      at = 0;
    for (const s of spans) {
      if (s.start < at) continue; // overlaps a span already replaced
      out += decoder.decode(bytes.subarray(at, s.start)) + `[REDACTED:${s.kind}]`;
      at = s.end;
    }
    return out + decoder.decode(bytes.subarray(at));
  }

  /**
   * Deep copy of a JSON-like value with every string (keys too) redacted. Iterative (an explicit
   * work list), so a value nested 10,000+ levels deep is copied without overflowing the stack.
   */
  redactValue<T>(value: T, pii: boolean): T {
    const copy = (v: unknown): unknown => {
      if (typeof v === "string") return this.redactText(v, pii);
      if (Array.isArray(v)) return new Array<unknown>(v.length);
      if (v !== null && typeof v === "object") return {};
      return v;
    };
    const root = copy(value);
    // Each entry: a source container and its fresh copy, whose members are still to be filled.
    const work: [unknown, unknown][] = [];
    if (root !== null && typeof root === "object") work.push([value, root]);
    while (work.length > 0) {
      const [from, to] = work.pop()!;
      if (Array.isArray(from)) {
        const out = to as unknown[];
        for (let i = 0; i < from.length; i++) {
          out[i] = copy(from[i]);
          if (out[i] !== null && typeof out[i] === "object") work.push([from[i], out[i]]);
        }
        continue;
      }
      const out = to as Record<string, unknown>;
      for (const [k, v] of Object.entries(from as Record<string, unknown>)) {
        const c = copy(v);
        out[this.redactText(k, pii)] = c;
        if (c !== null && typeof c === "object") work.push([v, c]);
      }
    }
    return root as T;
  }

  private findSpans(bytes: Uint8Array, pii: boolean): Span[] {
    const core = this.engine.core;
    const ex = core.exports;
    // The detectors read the module's input area: go through core.io so its cached address stays right.
    const ptr = core.io(bytes.length);
    core.bytes.set(bytes, ptr);
    const spans: Span[] = [];
    const families = pii ? [FAMILY_SECRET, FAMILY_PII] : [FAMILY_SECRET];
    for (const family of families) {
      for (let from = 0; from < bytes.length;) {
        const kind = family === FAMILY_SECRET ? ex.detect_secret(bytes.length, from) : ex.detect_pii(bytes.length, from);
        if (kind === 0) break;
        const start = ex.detect_start(),
          end = ex.detect_end();
        spans.push({ start, end, kind: String(family * 256 + kind) });
        from = end > from ? end : from + 1;
      }
    }
    // Names are read last: detect_kind_name writes into the same scratch area as the text.
    for (const s of spans) {
      const key = Number(s.kind);
      s.kind = this.kindName(key >> 8, key & 255);
    }
    return spans.sort((a, b) => a.start - b.start || b.end - a.end);
  }

  private kindName(family: number, id: number): string {
    const key = family * 256 + id;
    let name = this.names.get(key);
    if (name === undefined) {
      const core = this.engine.core;
      const n = core.exports.detect_kind_name(family, id);
      name = core.readUtf8(core.io(n), n);
      this.names.set(key, name);
    }
    return name;
  }
}
