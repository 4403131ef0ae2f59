// The hot path's shortcuts must be invisible: each fast path gives exactly what its careful twin
// gives, or hands over to it. Counter snapshots checked while written vs validateCounters; the
// in-place context encoder vs the sink encoder; the cached decision detail vs a fresh read.
import { describe, expect, it } from "vitest";
import { ByteSink } from "../bindings/bytes";
import { LastText } from "../bindings/decision";
import { encodeContext, encodeContextInto } from "../bindings/encode-context";
import { RequestError } from "../bindings/index";
import { validateCounters } from "../bindings/validate";
import { getEngine, NOW, policy } from "./helpers";
import type { Counters as CounterSnapshot } from "../bindings/gen/types";

const CAPS = {
  "core:cost:max_per_day": 10_000,
  "core:rate:max_per_minute": 5,
  "core:time:idle_timeout_minutes": 10,
  "core:cost:approval_threshold": 100,
};

/** The decision (or the error) for a request, as plain data. */
function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    return { error: (err as Error).constructor.name, code: (err as RequestError).code, message: (err as Error).message };
  }
}

describe("counter snapshot fast path", () => {
  const proto = Object.create({ spent_today_cents: 9_999 });
  const snapshots: unknown[] = [
    {},
    { spent_today_cents: 9_999 },
    { spent_today_cents: 10_000 },
    { spent_today_cents: 2 ** 32 + 7 },
    { spent_today_cents: Number.MAX_SAFE_INTEGER },
    { spent_today_cents: Number.MAX_SAFE_INTEGER + 1 },
    { spent_today_cents: undefined },
    { spent_today_cents: undefined, extra: 1 },
    { extra: 1 },
    { spent_today_cents: null },
    { spent_today_cents: -1 },
    { spent_today_cents: 1.5 },
    { spent_today_cents: "5" },
    { spent_today_cents: Number.NaN },
    { actions_last_minute: 5 },
    { actions_last_minute: 4 },
    { last_action_at: "2026-02-24T14:55:00Z" },
    { last_action_at: Date.parse(NOW) - 11 * 60_000 },
    { last_action_at: "2026-02-24T14:55:00+01:00" },
    { last_action_at: "yesterday" },
    { last_action_at: null },
    { last_action_at: -5 },
    { last_heartbeat_at: "2026-02-24T14:59:00.250Z" },
    { pending_approval_id: "ap_1" },
    { pending_approval_id: null },
    { pending_approval_id: 7 },
    { emergency_stopped: true },
    { emergency_stopped: false },
    { emergency_stopped: null },
    { emergency_stopped: 1 },
    { enforcement_paused: true },
    { enforcement_paused: "yes" },
    [],
    null,
    5,
    "x",
    proto,
    Object.assign(Object.create(null), { spent_today_cents: 10_000 }),
    Object.defineProperty({ extra: 1 }, "spent_today_cents", { value: 5, enumerable: false }),
  ];

  it("decides or rejects every snapshot exactly as the validated snapshot does", async () => {
    const p = await policy(CAPS);
    for (const request of [
      { action: "a", cost_cents: 1 },
      { action: "a", cost_cents: 150 },
    ]) {
      for (const snap of snapshots) {
        const fast = outcome(() => p.evaluate(request, snap as CounterSnapshot, { now: NOW, explain: true }));
        const slow = outcome(() => p.evaluate(request, validateCounters(snap), { now: NOW, explain: true }));
        expect(fast, JSON.stringify(snap)).toEqual(slow);
      }
    }
  });

  it("names the field of a bad snapshot", async () => {
    const p = await policy(CAPS);
    expect(() => p.evaluate({ action: "a" }, { spent_today_cents: -1 }, { now: NOW })).toThrow(/spent_today_cents/);
    expect(() => p.evaluate({ action: "a" }, { spent_today_cent: 1 } as CounterSnapshot, { now: NOW })).toThrow(/spent_today_cent/);
  });

  it("a snapshot written after a bad one starts from a clean block", async () => {
    const p = await policy(CAPS);
    const clean = p.evaluate({ action: "a", cost_cents: 1 }, {}, { now: NOW });
    expect(() => p.evaluate({ action: "a", cost_cents: 1 }, { spent_today_cents: 9_999, held_cents: -1 }, { now: NOW })).toThrow(RequestError);
    expect(p.evaluate({ action: "a", cost_cents: 1 }, {}, { now: NOW })).toEqual(clean);
  });
});

describe("context fast encoder", () => {
  const deep = (n: number): unknown => {
    let v: unknown = "leaf";
    for (let i = 0; i < n; i++) v = { k: v };
    return v;
  };
  const contexts: object[] = [
    {},
    { a: 1 },
    { a: undefined, b: 2 },
    { list: [1, undefined, null, true, false, "x", -0, 1e21, 0.1] },
    { "key with spaces": { ü: "€ and 😀", nested: [[[]], {}] } },
    { long: "x".repeat(65), longUnicode: "é".repeat(100) },
    Object.assign(Object.create(null), { bare: "proto-less" }),
    { deep: deep(31) },
    { deep: deep(40) },
    { big: "a".repeat(5_000) },
  ];

  function viaSink(context: object): Uint8Array {
    const sink = new ByteSink();
    encodeContext(sink, context);
    return sink.bytes().slice();
  }

  it("writes the same bytes as the sink encoder, or gives up", () => {
    let gaveUp = 0;
    for (const context of contexts) {
      const bytes = new Uint8Array(2048);
      const end = encodeContextInto(bytes, new DataView(bytes.buffer), 16, bytes.length, context);
      if (end < 0) {
        gaveUp++;
        continue;
      }
      expect(bytes.slice(16, end), JSON.stringify(context).slice(0, 80)).toEqual(viaSink(context));
    }
    expect(gaveUp).toBe(2); // 40 levels deep, and 5,000 bytes in 2 KiB
  });

  it("gives up on values JSON cannot carry and on cycles, so the sink encoder can name them", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [{ f: () => 1 }, { n: Number.NaN }, { d: new Date(0) }, { m: new Map() }, cyclic, { s: Symbol("x") }]) {
      const bytes = new Uint8Array(4096);
      expect(encodeContextInto(bytes, new DataView(bytes.buffer), 0, bytes.length, bad)).toBe(-1);
      expect(() => viaSink(bad)).toThrow(RequestError);
    }
  });

  it("a large context takes the slow path once and is decided like a small one", async () => {
    const p = await policy({ "core:data:no_secrets_export": true });
    const key = "sk_live_" + "a1B2".repeat(8);
    const small = p.evaluate({ action: "a", context: { note: key } }, {}, { now: NOW });
    const large = p.evaluate({ action: "a", context: { pad: "x".repeat(100_000), note: key } }, {}, { now: NOW });
    expect(small.decision).toBe("block");
    expect(large.reason).toBe(small.reason);
    expect(() => p.evaluate({ action: "a", context: { pad: "x".repeat(10), bad: [1, () => 2] } }, {}, { now: NOW })).toThrow(/context\.bad\[1\]/);
  });
});

describe("decision detail cache", () => {
  function core(text: string, at = 64): { bytes: Uint8Array; words: Uint32Array } {
    const buf = new ArrayBuffer(4096);
    const bytes = new Uint8Array(buf);
    bytes.set(new TextEncoder().encode(text), at);
    return { bytes, words: new Uint32Array(buf) };
  }

  it("tells apart texts of the same length that differ in any byte, the tail included", () => {
    const cache = new LastText();
    const base = "allowed: 17 rules passed!"; // 25 bytes: six words and a 1-byte tail
    expect(cache.read(core(base), 64, 25)).toBe(base);
    expect(cache.read(core(base), 64, 25)).toBe(base);
    for (const i of [0, 3, 4, 12, 23, 24]) {
      const other = base.slice(0, i) + "#" + base.slice(i + 1);
      expect(cache.read(core(other), 64, 25)).toBe(other);
      expect(cache.read(core(base), 64, 25)).toBe(base);
    }
  });

  it("reads texts longer than the cache and unaligned texts correctly", () => {
    const cache = new LastText();
    const long = "é".repeat(700);
    expect(cache.read(core(long), 64, 1400)).toBe(long);
    expect(cache.read(core("ünaligned", 65), 65, 10)).toBe("ünaligned");
  });
});

describe("input area", () => {
  it("follows the area when something else moved it through the module's exports", async () => {
    const p = await policy(CAPS);
    const request = { action: "a", cost_cents: 150, target: "https://example.com/x", context: { q: "text" } };
    const before = p.evaluate(request, { spent_today_cents: 5 }, { now: NOW });
    const core = (await getEngine()).core;
    await policy({ "core:cost:max_per_action": 1 }); // allocated after the area, so growing must move it
    const moved = core.exports.detect_buf(core.ioCapacity + (4 << 20));
    expect(moved).not.toBe(core.inputPtr);
    expect(p.evaluate(request, { spent_today_cents: 5 }, { now: NOW })).toEqual(before);
    expect(core.inputPtr).toBe(moved);
  });
});
