// The module and the boundary: imports, exports, trap recovery, bad input never crashes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EngineError, PassportError, RequestError, loadEngineSync } from "../bindings/index";
import { getEngine, NOW, policy } from "./helpers";
import type { Counters as CounterSnapshot, EvalRequest } from "../bindings/gen/types";

describe("module", () => {
  const mod = new WebAssembly.Module(readFileSync("build/warden.wasm"));

  it("imports nothing", () => {
    expect(WebAssembly.Module.imports(mod)).toEqual([]);
  });

  it("exports exactly the documented ABI (docs/abi.md)", () => {
    const names = WebAssembly.Module.exports(mod)
      .map((e) => e.name)
      .sort();
    const documented = [...readFileSync("docs/abi.md", "utf8").matchAll(/^### `(\w+)`/gm)].map((m) => m[1]).sort();
    expect(names).toEqual(documented);
  });
});

describe("loading", () => {
  it("loadEngineSync gives an engine that decides like the async one", async () => {
    const sync = loadEngineSync().compile({ constraints: { "core:cost:max_per_action": 5 } });
    const asyncP = await policy({ "core:cost:max_per_action": 5 });
    const req = { action: "a", cost_cents: 6 };
    expect(sync.evaluate(req, {}, { now: NOW })).toEqual(asyncP.evaluate(req, {}, { now: NOW }));
  });
});

describe("trap recovery", () => {
  it("a trap surfaces as EngineError and the engine keeps its policies", async () => {
    const engine = await getEngine();
    const p = await policy({ "core:cost:max_per_action": 5 });
    const before = p.evaluate({ action: "a", cost_cents: 6 }, {}, { now: NOW });
    expect(() => engine.trapForTest()).toThrow(EngineError);
    expect(p.evaluate({ action: "a", cost_cents: 6 }, {}, { now: NOW })).toEqual(before);
    expect(p.evaluate({ action: "a", cost_cents: 5 }, {}, { now: NOW }).decision).toBe("allow");
  });
});

describe("bad input", () => {
  const good = { action: "web:search", cost_cents: 1 };
  const expectStillWorks = async () => {
    const p = await policy({ "core:cost:max_per_action": 1 });
    expect(p.evaluate(good, {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate({ ...good, cost_cents: 2 }, {}, { now: NOW }).decision).toBe("block");
  };

  it.each([
    ["wrong type", { action: 42 }, "action"],
    ["negative cents", { action: "a", cost_cents: -1 }, "cost_cents"],
    ["fractional cents", { action: "a", cost_cents: 1.5 }, "cost_cents"],
    ["cents above 2^53 − 1", { action: "a", cost_cents: 2 ** 53 }, "cost_cents"],
    ["1 MB action", { action: "a".repeat(1 << 20) }, "action"],
    ["lone surrogate", { action: "web:\ud800" }, "action"],
    ["unknown field", { action: "a", price: 3 }, "price"],
  ])("%s is a RequestError naming the field", async (_, request, field) => {
    const p = await policy({});
    let err: unknown;
    try {
      p.evaluate(request as EvalRequest, {}, { now: NOW });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).path).toContain(field);
    await expectStillWorks();
  });

  it("a 10,000-level context is scanned, and a function in context is an error with its path", async () => {
    const p = await policy({ "core:data:no_pii_export": true });
    let deep: Record<string, unknown> = { email: "deep@example.com" };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const d = p.evaluate({ action: "a", context: deep }, {}, { now: NOW });
    expect(d).toMatchObject({ decision: "block", reason: "pii_detected" });
    expect(d.detail.length).toBeLessThan(400);
    expect(() => p.evaluate({ action: "a", context: { x: [1, () => 1] } }, {}, { now: NOW })).toThrow(/context\.x\[1\]/);
    await expectStillWorks();
  });

  it("a 1 MB context string is scanned", async () => {
    const p = await policy({ "core:data:no_secrets_export": true });
    const big = "x ".repeat(500_000) + "AKIA" + "A".repeat(16);
    expect(p.evaluate({ action: "a", context: { blob: big } }, {}, { now: NOW }).reason).toBe("secret_detected");
    expect(p.evaluate({ action: "a", context: { blob: "y".repeat(1 << 20) } }, {}, { now: NOW }).decision).toBe("allow");
  });

  it("lone surrogates in context are scanned as U+FFFD, not rejected", async () => {
    const p = await policy({ "core:data:no_pii_export": true });
    expect(p.evaluate({ action: "a", context: { s: "\udc00jane@example.com" } }, {}, { now: NOW }).reason).toBe("pii_detected");
  });

  it("bad counters and bad now are RequestErrors", async () => {
    const p = await policy({});
    expect(() => p.evaluate(good, { spent_today_cents: "5" } as unknown as CounterSnapshot, { now: NOW })).toThrow(RequestError);
    expect(() => p.evaluate(good, { bogus: 1 } as CounterSnapshot, { now: NOW })).toThrow(RequestError);
    expect(() => p.evaluate(good, {}, { now: "yesterday" })).toThrow(RequestError);
    await expectStillWorks();
  });

  it("a bad passport lists every problem with its path", async () => {
    const engine = await getEngine();
    let err: unknown;
    try {
      engine.compile({
        constraints: { "core:cost:max_per_dya": 5, "core:cost:max_per_action": -1, "core:time:operating_hours": { start: "09:00", end: "09:00" } },
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PassportError);
    const paths = (err as PassportError).problems.map((p) => p.path).join(" ");
    expect(paths).toContain("core:cost:max_per_dya");
    expect(paths).toContain("core:cost:max_per_action");
    expect(paths).toContain("core:time:operating_hours");
  });
});
