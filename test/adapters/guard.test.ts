// The shared Guard from the agent's side (SPEC §11): it calls only agent acts, each as the agent
// channel; a model cannot run a call twice on one decision, nor run a blocked or unanswered hold;
// a failing tool is reported as a failure; actual costs are reported with the permit.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Enforcer } from "../../enforcer/enforcer";
import { AGENT_CHANNEL, type CallOptions, Guard, WardenToolError, type WardenLike } from "../../adapters/core";
import { BOOK_COST, PASSPORT, TOOL_POLICIES, embeddedBackend, type Backend } from "./harness";

let backend: Backend;
beforeEach(async () => {
  backend = await embeddedBackend();
});
afterEach(async () => {
  await backend.close();
});

/** Records every method called on the backend and the options it was given. */
function recording(inner: WardenLike) {
  const calls: Array<{ method: string; options?: CallOptions }> = [];
  const proxy = new Proxy(inner as object, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(prop), options: args[1] as CallOptions | undefined });
        return value.apply(target, args);
      };
    },
  }) as WardenLike;
  return { warden: proxy, calls };
}

describe("Guard", () => {
  it("calls only enforce, report and getApproval, and enforce and report as the agent channel", async () => {
    const { warden, calls } = recording(backend.warden);
    const guard = new Guard({
      warden,
      passportId: PASSPORT.id,
      tools: TOOL_POLICIES,
      holds: "wait",
      pollMs: 10,
      onHold: (h) => {
        setTimeout(() => {
          void backend.approve(h.approval_request_id);
        }, 30);
      },
    });
    await guard.run("search", { query: "x" }, "a1", () => "ok");
    await guard.run("book_flight", { price_cents: BOOK_COST }, "a2", () => ({ charged_cents: BOOK_COST }));
    await expect(guard.run("delete_files", { path: "/" }, "a3", () => "never")).rejects.toBeInstanceOf(WardenToolError);
    expect(new Set(calls.map((c) => c.method))).toEqual(new Set(["enforce", "report", "getApproval"]));
    for (const c of calls.filter((c) => c.method !== "getApproval")) expect(c.options).toEqual(AGENT_CHANNEL);
    expect(AGENT_CHANNEL).toEqual({ channel: "agent" });
  });

  it("one decision runs once: the same call id and input again is decided anew, not run on the spent decision", async () => {
    const guard = new Guard({ warden: backend.warden, passportId: PASSPORT.id, tools: TOOL_POLICIES });
    let runs = 0;
    await guard.run("search", { query: "x" }, "same", () => ++runs);
    await guard.run("search", { query: "x" }, "same", () => ++runs);
    expect(runs).toBe(2);
    expect(await backend.spentToday()).toBe(2 * (TOOL_POLICIES.search!.cost!({ query: "x" }) ?? 0));
  });

  it("a decision is bound to its input: a blocked call's id reused with another input does not inherit an allow", async () => {
    const guard = new Guard({ warden: backend.warden, passportId: PASSPORT.id, tools: TOOL_POLICIES });
    const allowed = await guard.decide("search", { query: "x" }, "id1");
    expect(allowed.decision).toBe("allow");
    // The model now claims the same call id for a forbidden tool: a new decision, which blocks.
    let ran = false;
    await expect(
      guard.run("delete_files", { path: "/" }, "id1", () => {
        ran = true;
      }),
    ).rejects.toThrow(/permission_denied/);
    expect(ran).toBe(false);
  });

  it("a hold nobody answers is not run: the wait ends with the approval's expiry", async () => {
    let now = Date.parse("2026-02-24T10:00:00Z");
    const enforcer = await Enforcer.create({ clock: () => now, timers: false });
    await enforcer.register(PASSPORT);
    const guard = new Guard({ warden: enforcer, passportId: PASSPORT.id, tools: TOOL_POLICIES, pollMs: 5 });
    let ran = false;
    const pending = guard.run("book_flight", { price_cents: BOOK_COST }, "h1", () => {
      ran = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    now += 300_000; // the approval's lifetime (SPEC §7): expired at created + 300 s
    await expect(pending).rejects.toThrow(/approval was expired/);
    expect(ran).toBe(false);
    enforcer.close();
  });

  it("a tool that throws is reported as a failure; an actual cost is reported as a true-up", async () => {
    const guard = new Guard({
      warden: backend.warden,
      passportId: PASSPORT.id,
      tools: { ...TOOL_POLICIES, search: { ...TOOL_POLICIES.search, actualCost: () => 400 } },
    });
    await expect(
      guard.run("search", { query: "x" }, "f1", () => {
        throw new Error("tool broke");
      }),
    ).rejects.toThrow("tool broke");
    await guard.run("search", { query: "y" }, "f2", () => "ok");
    const records: Array<{ type: string; success?: boolean; actual_cost_cents?: number | null }> = [];
    for await (const r of (backend.warden as Enforcer).auditLog(PASSPORT.id)) records.push(r as never);
    const reports = records.filter((r) => r.type === "permit_report");
    expect(reports.map((r) => [r.success, r.actual_cost_cents])).toEqual([
      [false, null],
      [true, 400],
    ]);
  });

  it("a streamed result is reported when the stream ends, with the actual cost of its last value", async () => {
    const guard = new Guard({
      warden: backend.warden,
      passportId: PASSPORT.id,
      tools: { ...TOOL_POLICIES, search: { ...TOOL_POLICIES.search, actualCost: (r: { cents: number }) => r.cents } },
    });
    async function* stream() {
      yield { cents: 1 };
      yield { cents: 170 };
    }
    const out = await guard.run("search", { query: "s" }, "s1", () => stream());
    const reportsSoFar = async () => {
      const types: string[] = [];
      for await (const r of (backend.warden as Enforcer).auditLog(PASSPORT.id)) types.push(r.type);
      return types.filter((t) => t === "permit_report").length;
    };
    expect(await reportsSoFar()).toBe(0); // not before the stream was read
    const seen: unknown[] = [];
    for await (const chunk of out as AsyncIterable<unknown>) seen.push(chunk);
    expect(seen).toEqual([{ cents: 1 }, { cents: 170 }]);
    expect(await reportsSoFar()).toBe(1);
    expect(await backend.spentToday()).toBe(170);
  });

  it("refuses to be built without a backend or a passport", () => {
    expect(() => new Guard({ warden: undefined as never, passportId: "p" })).toThrow(/warden/);
    expect(() => new Guard({ warden: backend.warden, passportId: "" })).toThrow(/passportId/);
  });
});
