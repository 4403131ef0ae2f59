// SPEC §11 (issue 15): any depth gets a decision or a 4xx, and a failed operation leaves no partial
// effect. Canonical JSON and redaction are iterative; a report's true-up and its permit_report
// record are one store commit, so a failure writing the record refunds nothing.
import { describe, expect, it } from "vitest";
import { Enforcer, MemoryStore, canonicalJson, requestDigest, type AuditRecord, type CommitBatch, type Store } from "../enforcer/index";

const T0 = Date.parse("2026-02-24T10:00:00Z");
const DEPTH = 20_000;

function nested(depth: number, objects: boolean): unknown {
  let v: unknown = "leaf sk_live_abcdefghijklmnopqrstuvwx";
  for (let i = 0; i < depth; i++) v = objects ? { k: v } : [v];
  return v;
}

const collect = async (it: AsyncIterable<AuditRecord>) => {
  const out: AuditRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
};

describe("any depth (SPEC §11)", () => {
  it("canonical JSON of 20,000 levels, as JSON.parse reads it back", () => {
    for (const objects of [true, false]) {
      const text = canonicalJson(nested(DEPTH, objects));
      expect(text.length).toBeGreaterThan(DEPTH * 2);
      expect(text.startsWith(objects ? '{"k":{"k":' : "[[[")).toBe(true);
    }
    expect(canonicalJson({ b: [1, undefined, { d: undefined, c: "x" }], a: null, f: () => 1 })).toBe('{"a":null,"b":[1,null,{"c":"x"}]}');
    const cyclic: Record<string, unknown> = { a: {} };
    (cyclic.a as Record<string, unknown>).self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}'); // repeated, not cyclic
  });

  it("the request digest of a 20,000-level context", async () => {
    expect(await requestDigest({ action: "web:fetch", context: { deep: nested(DEPTH, true) } })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("enforce and report with 10,000-level context and result get a decision and a redacted record", async () => {
    const enforcer = await Enforcer.create({ store: new MemoryStore(), timers: false, clock: () => T0 });
    await enforcer.register({ id: "pass_deep", constraints: { "core:cost:max_per_day": 1000 } });
    const d = await enforcer.enforce({ passport_id: "pass_deep", action: "web:fetch", cost_cents: 10, context: { a: nested(10_000, true) } });
    expect(d.decision).toBe("allow");
    const r = await enforcer.report({ permit_token: d.permit_token!, success: true, actual_cost_cents: 5, result: nested(10_000, false) });
    expect(r).toEqual({ accepted: true });
    const log = await collect(enforcer.auditLog("pass_deep"));
    const report = log.find((x) => x.type === "permit_report")!;
    expect(canonicalJson(report).includes("sk_live_")).toBe(false); // redacted all the way down
    expect((await enforcer.state("pass_deep")).spent_today_cents).toBe(5);
  });
});

/** A store whose writes of a permit_report record fail while `failing` is set (commit and append alike). */
function failingReports(store: Store) {
  const flags = { failing: true };
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === "commit" && target.commit !== undefined) {
        return async (pid: string, batch: CommitBatch) => {
          if (flags.failing && batch.audit?.json.includes('"permit_report"')) throw new Error("disk full");
          return target.commit!(pid, batch);
        };
      }
      if (prop === "appendAudit") {
        return async (pid: string, seq: number, json: string, hash: string) => {
          if (flags.failing && json.includes('"permit_report"')) throw new Error("disk full");
          return target.appendAudit(pid, seq, json, hash);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { store: wrapped, flags };
}

describe("a failed report leaves no partial effect", () => {
  it("a failure writing the permit_report record refunds nothing, and the report can be sent again", async () => {
    const { store, flags } = failingReports(new MemoryStore());
    const enforcer = await Enforcer.create({ store, timers: false, clock: () => T0 });
    await enforcer.register({ id: "pass_r", constraints: { "core:cost:max_per_day": 1000 } });
    const d = await enforcer.enforce({ passport_id: "pass_r", action: "web:fetch", cost_cents: 900 });
    expect((await enforcer.state("pass_r")).spent_today_cents).toBe(900);
    await expect(enforcer.report({ permit_token: d.permit_token!, success: true, actual_cost_cents: 100 })).rejects.toThrow(/disk full/);
    expect((await enforcer.state("pass_r")).spent_today_cents).toBe(900); // no refund without its record
    expect((await collect(enforcer.auditLog("pass_r"))).map((r) => r.type)).not.toContain("permit_report");
    // Over the cap still: the refund did not happen.
    expect((await enforcer.enforce({ passport_id: "pass_r", action: "web:fetch", cost_cents: 200 })).decision).toBe("block");
    flags.failing = false;
    expect(await enforcer.report({ permit_token: d.permit_token!, success: true, actual_cost_cents: 100 })).toEqual({ accepted: true });
    expect((await enforcer.state("pass_r")).spent_today_cents).toBe(100);
    const log = await collect(enforcer.auditLog("pass_r"));
    expect(log.filter((r) => r.type === "permit_report")).toHaveLength(1);
  });
});
