// SPEC §11 (issue 15): a near miss of an approval sentinel is a compile error with a hint, never a
// literal pattern that silently turns approvals off. From the operator's side (warden check, HTTP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore } from "../enforcer/memory-store";
import { createApiKey } from "../server/auth";
import { createWardenServer, type WardenServer } from "../server/server";
import { PassportError } from "../bindings/errors";
import { tree, warden } from "./cli-helpers";
import { NOW, policy } from "./helpers";
import { api } from "./server-harness";

const KEY = "core:approval:for_actions";

describe("near-miss sentinel names (SPEC §11)", () => {
  it.each([
    ["high_risk_and_side_effect_lower_stakes", "high_risk_and_side_effects_lower_stakes"],
    ["high-risk", "high_risk"],
    ["HighRisk", "high_risk"],
    ["hihg_risk", "high_risk"],
    ["sensitive-data", "sensitive_data"],
    ["risk_high", "high_risk"],
    ["destructiv", "destructive"],
    ["side_effects_lower_stake", "side_effects_lower_stakes"],
  ])("%s is refused with a hint naming %s", async (spelled, real) => {
    const err = await policy({ [KEY]: ["payments:*", spelled] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PassportError);
    const problem = (err as PassportError).problems[0]!;
    expect(problem).toMatchObject({ code: "misspelled_sentinel", path: `constraints["${KEY}"][1]`, hint: `did you mean "${real}"?` });
  });

  it.each(["high_risk", "HIGH_RISK", "payments:*", "deploy", "crm:export", "high_risk_*", "risk", "sensitive", "destroy", "pii"])(
    "%s still compiles",
    async (pattern) => {
      await expect(policy({ [KEY]: [pattern] })).resolves.toBeDefined();
    },
  );

  it("the real sentinel still holds what the misspelling would have let through", async () => {
    const p = await policy({ [KEY]: ["high_risk_and_side_effects_lower_stakes"] });
    expect(p.evaluate({ action: "files:write" }, {}, { now: NOW }).decision).toBe("request_hold");
  });

  it("warden check fails on the misspelling with its path and hint", async () => {
    const dir = tree({ "p.json": JSON.stringify({ constraints: { [KEY]: ["high_risk_and_side_effect_lower_stakes"] } }, null, 2) });
    const r = await warden(["check", "p.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`constraints["${KEY}"][0]`);
    expect(r.stdout).toContain('did you mean "high_risk_and_side_effects_lower_stakes"?');
  });

  describe("over HTTP", () => {
    let server: WardenServer;
    let base: string;
    let key: string;
    beforeAll(async () => {
      const store = new MemoryStore();
      key = (await createApiKey(store, "iss_a")).key;
      server = await createWardenServer({
        store,
        storeKind: "memory",
        clock: () => Date.parse("2026-02-24T10:00:00Z"),
        rateLimit: 0,
        log: () => undefined,
        hitl: { notifier: null },
      });
      base = `http://127.0.0.1:${(await server.listen(0)).port}`;
    });
    afterAll(async () => {
      await server.close();
    });

    it("registration answers 400 with the path and the hint", async () => {
      const r = await api(base, "POST", "/v1/passports", { key, body: { constraints: { [KEY]: ["high_risk_and_side_effect_lower_stakes"] } } });
      expect(r.status).toBe(400);
      expect(r.body.error.path).toBe(`constraints["${KEY}"][0]`);
      expect(r.body.error.problems[0]).toMatchObject({
        code: "misspelled_sentinel",
        path: `constraints["${KEY}"][0]`,
        hint: 'did you mean "high_risk_and_side_effects_lower_stakes"?',
      });
      const ok = await api(base, "POST", "/v1/passports", { key, body: { constraints: { [KEY]: ["high_risk_and_side_effects_lower_stakes"] } } });
      expect(ok.status).toBe(201);
    });
  });
});
