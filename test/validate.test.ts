// Validation at the boundary: passports (every problem, with paths and hints), requests,
// counter snapshots and times; the hand-written fast checks agree with the generated schemas.

import { describe, expect, it } from "vitest";
import { EngineError, PassportError, RequestError, type Problem } from "../bindings/errors";
import { countersSchema, evalRequestSchema } from "../bindings/gen/zod";
import { parseTime, renderPath, validateCounters, validatePassport, validateRequest } from "../bindings/validate";

const MAX = 2 ** 53 - 1;

/** The problems validatePassport reports for a passport, or [] when it passes. */
function problemsOf(passport: unknown): Problem[] {
  try {
    validatePassport(passport);
    return [];
  } catch (err) {
    if (!(err instanceof PassportError)) throw err;
    return err.problems;
  }
}

function problemAt(passport: unknown, path: string): Problem {
  const found = problemsOf(passport).find((p) => p.path === path);
  if (found === undefined) throw new Error(`no problem at ${path}: ${JSON.stringify(problemsOf(passport))}`);
  return found;
}

const withConstraints = (constraints: Record<string, unknown>) => ({ id: "pass_1", constraints });
const key = (k: string) => renderPath(["constraints", k]);

function requestError(input: unknown): RequestError {
  try {
    validateRequest(input);
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

function countersError(input: unknown): RequestError {
  try {
    validateCounters(input);
  } catch (err) {
    if (err instanceof RequestError) return err;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe("renderPath", () => {
  it("writes identifiers with dots and other keys in brackets", () => {
    expect(renderPath(["constraints", "core:cost:max_per_day"])).toBe('constraints["core:cost:max_per_day"]');
    expect(renderPath(["constraints", "core:time:operating_hours", 1, "start"])).toBe('constraints["core:time:operating_hours"][1].start');
    expect(renderPath([])).toBe("");
  });
});

describe("validatePassport", () => {
  it("accepts a full passport, as an object or as JSON, and returns it", () => {
    const passport = {
      id: "pass_01",
      agent_id: "a",
      agent_name: "Agent",
      issuer_id: "iss_1",
      permissions: ["web:*"],
      trust_tier: "L1",
      issued_at: "2026-02-01T00:00:00Z",
      not_before: null,
      expires_at: "2026-03-03T00:00:00.5+01:00",
      status: "active",
      currency: "USD",
      metadata: { anything: [1, { deep: true }] },
      constraints: {
        "core:cost:max_per_action": 500,
        "core:cost:max_per_day": MAX,
        "core:cost:cumulative_window": "weekly",
        "core:scope:domain_allowlist": ["serpapi.com", "*.openai.com", "10.0.0.1", "::1", "bücher.de"],
        "core:time:operating_hours": [
          { timezone: "Europe/Paris", days: ["mon", "tue"], start: "09:00", end: "17:30" },
          { start: "22:00", end: "06:00" },
          { start: "00:00", end: "24:00" },
        ],
        "core:time:blackout_windows": [{ start: "2026-02-24T00:00:00Z", end: "2026-02-25T00:00:00Z", reason: "freeze" }],
        "core:approval:for_actions": ["high_risk", "payments:*"],
        "core:safety:fail_closed": true,
      },
    };
    const { passport: valid, warnings } = validatePassport(passport);
    expect(valid).toEqual(passport);
    expect(warnings).toEqual([]);
    expect(validatePassport(JSON.stringify(passport)).passport).toEqual(passport);
  });

  it("accepts a single schedule object", () => {
    expect(problemsOf(withConstraints({ "core:time:operating_hours": { start: "09:00", end: "17:00" } }))).toEqual([]);
  });

  it("reports a JSON syntax error as invalid_json", () => {
    const err = (() => {
      try {
        validatePassport('{"constraints": ');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PassportError);
    expect((err as PassportError).code).toBe("invalid_json");
    expect((err as PassportError).problems[0]).toMatchObject({ code: "invalid_json", path: "" });
  });

  it("reports a passport that is not an object", () => {
    expect(problemsOf(42)).toEqual([expect.objectContaining({ code: "invalid_type", path: "", found: "42" })]);
    expect(problemsOf("[1]")).toEqual([expect.objectContaining({ code: "invalid_type", path: "" })]);
  });

  it("collects every problem, not just the first", () => {
    const problems = problemsOf({
      status: "paused",
      trust_tier: "L9",
      expires_at: "tomorrow",
      constraints: {
        "core:cost:max_per_action": -1,
        "core:cost:max_per_dya": 5,
        "core:rate:max_per_hour": 1.5,
        "core:time:operating_hours": { start: "09:00", end: "09:00" },
        "acme:region": "eu",
      },
    });
    expect(problems.map((p) => [p.path, p.code])).toEqual(
      expect.arrayContaining([
        ["status", "invalid_value"],
        ["trust_tier", "invalid_value"],
        ["expires_at", "invalid_format"],
        [key("core:cost:max_per_action"), "out_of_range"],
        [key("core:cost:max_per_dya"), "unknown_constraint"],
        [key("core:rate:max_per_hour"), "invalid_type"],
        [key("core:time:operating_hours"), "invalid_schedule"],
      ]),
    );
    expect(problems).toHaveLength(7);
  });

  it("lists every problem in the error message", () => {
    try {
      validatePassport({ status: "x", constraints: { "core:cost:max_per_day": "100" } });
      expect.unreachable();
    } catch (err) {
      const message = (err as PassportError).message;
      expect(message).toContain("2 problems");
      expect(message).toContain("status");
      expect(message).toContain('constraints["core:cost:max_per_day"]');
    }
  });

  describe("money", () => {
    const cap = (v: unknown) => withConstraints({ "core:cost:max_per_day": v });
    it("accepts 0 and 2^53-1", () => {
      expect(problemsOf(cap(0))).toEqual([]);
      expect(problemsOf(cap(MAX))).toEqual([]);
    });
    it.each([
      [2 ** 53, "out_of_range", "9007199254740992"],
      [-1, "out_of_range", "-1"],
      [1.5, "invalid_type", "1.5"],
      ["100", "invalid_type", '"100"'],
      [null, "invalid_type", "null"],
    ])("rejects %j naming what was expected and found", (value, code, found) => {
      expect(problemAt(cap(value), key("core:cost:max_per_day"))).toMatchObject({
        code,
        expected: "integer cents 0..9007199254740991",
        found,
      });
    });
    it("names the type of counts and minutes", () => {
      expect(problemAt(withConstraints({ "core:rate:max_per_minute": -2 }), key("core:rate:max_per_minute")).expected).toMatch(/count/);
      expect(problemAt(withConstraints({ "core:time:idle_timeout_minutes": 2 ** 40 }), key("core:time:idle_timeout_minutes")).expected).toMatch(/minutes/);
    });
  });

  describe("constraint keys", () => {
    it("names an unknown core key, with a did-you-mean hint", () => {
      const p = problemAt(withConstraints({ "core:cost:max_per_dya": 5 }), key("core:cost:max_per_dya"));
      expect(p.code).toBe("unknown_constraint");
      expect(p.message).toContain("core:cost:max_per_dya");
      expect(p.hint).toBe('did you mean "core:cost:max_per_day"?');
    });

    it("lists the family's keys when nothing is close", () => {
      const p = problemAt(withConstraints({ "core:cost:budget": 5 }), key("core:cost:budget"));
      expect(p.code).toBe("unknown_constraint");
      expect(p.hint).toContain("core:cost:max_per_day");
    });

    it.each([
      ["Core:cost:max_per_day", "core:cost:max_per_day"],
      ["CORE:COST:MAX_PER_DAY", "core:cost:max_per_day"],
      ["core:Cost:Max_Per_Day", "core:cost:max_per_day"],
      ["cost:max_per_day", "core:cost:max_per_day"],
      ["Rate:Max_Per_Hour", "core:rate:max_per_hour"],
      ["data:read_only", "core:data:read_only"],
    ])("treats %s as a misspelling, never a silent no-op", (k, meant) => {
      const p = problemAt(withConstraints({ [k]: 5 }), key(k));
      expect(["misspelled_constraint", "unknown_constraint"]).toContain(p.code);
      expect(p.hint).toBe(`did you mean "${meant}"?`);
    });

    it("rejects a key without a namespace", () => {
      const p = problemAt(withConstraints({ max_per_day: 5 }), key("max_per_day"));
      expect(p.code).toBe("unknown_constraint");
    });

    it("warns about keys in other namespaces and keeps them", () => {
      const { passport, warnings } = validatePassport(withConstraints({ "acme:region": "eu", "core:cost:max_per_day": 1, "x-corp:tier": { a: 1 } }));
      expect(warnings).toEqual(["ignored_key:acme:region", "ignored_key:x-corp:tier"]);
      expect(passport.constraints?.["acme:region"]).toBe("eu");
    });

    it("reports unknown top-level fields, with a hint, but allows metadata", () => {
      const p = problemAt({ constraint: {}, metadata: { x: 1 } }, "constraint");
      expect(p).toMatchObject({ code: "unknown_field", hint: 'did you mean "constraints"?' });
      expect(problemsOf({ metadata: { free: ["form"] } })).toEqual([]);
      expect(problemAt({ metadata: [1] }, "metadata").code).toBe("invalid_type");
    });
  });

  describe("values of each type", () => {
    it("checks cumulative_window, status, trust_tier and booleans", () => {
      expect(problemAt(withConstraints({ "core:cost:cumulative_window": "yearly" }), key("core:cost:cumulative_window"))).toMatchObject({
        code: "invalid_value",
        expected: "one of daily, weekly, monthly, total",
        found: '"yearly"',
      });
      expect(problemAt({ status: "suspended" }, "status").expected).toBe("one of active, revoked");
      expect(problemAt({ trust_tier: "L4" }, "trust_tier").expected).toBe("one of L0, L1, L2, L3");
      expect(problemAt(withConstraints({ "core:approval:required": "yes" }), key("core:approval:required")).expected).toBe("true or false");
    });

    it("checks times: RFC 3339 or null", () => {
      expect(problemsOf({ not_before: null, expires_at: null, issued_at: "2026-02-01T00:00:00-05:30" })).toEqual([]);
      for (const bad of ["2026-02-01", "2026-02-01T00:00Z", "2026-02-30T00:00:00Z", "2026-02-01 00:00:00Z", 1700000000000]) {
        expect(["invalid_format", "invalid_type"]).toContain(problemAt({ expires_at: bad }, "expires_at").code);
      }
    });

    it("rejects a validity period that never starts", () => {
      const p = problemAt({ not_before: "2026-03-01T00:00:00Z", expires_at: "2026-02-01T00:00:00Z" }, "expires_at");
      expect(p.code).toBe("invalid_window");
    });

    it("checks every domain entry at its own path", () => {
      const problems = problemsOf(withConstraints({ "core:scope:domain_blocklist": ["ok.com", "https://a.com/x", "", "a b", 7, "*.10.0.0.1"] }));
      const at = (i: number) => `${key("core:scope:domain_blocklist")}[${i}]`;
      expect(problems.map((p) => [p.path, p.code])).toEqual(
        expect.arrayContaining([
          [at(1), "invalid_host"],
          [at(2), "out_of_range"],
          [at(3), "invalid_host"],
          [at(4), "invalid_type"],
          [at(5), "invalid_host"],
        ]),
      );
      expect(problems).toHaveLength(5);
    });

    it("checks action patterns are non-empty strings", () => {
      expect(problemAt(withConstraints({ "core:scope:action_allowlist": "web:*" }), key("core:scope:action_allowlist")).code).toBe("invalid_type");
      expect(problemAt({ permissions: ["web:*", ""] }, "permissions[1]").code).toBe("out_of_range");
    });
  });

  describe("schedules", () => {
    const hours = (v: unknown) => withConstraints({ "core:time:operating_hours": v });
    const at = (suffix: string) => `${key("core:time:operating_hours")}${suffix}`;

    it("reports a bad range inside a list at its path", () => {
      const p = problemAt(
        hours([
          { start: "09:00", end: "17:00" },
          { start: "9am", end: "17:00" },
        ]),
        at("[1].start"),
      );
      expect(p).toMatchObject({ code: "invalid_format", expected: 'a time "HH:MM" from 00:00 to 23:59', found: '"9am"' });
    });

    it("rejects start == end, and start 24:00", () => {
      expect(problemAt(hours({ start: "08:00", end: "08:00" }), at("")).code).toBe("invalid_schedule");
      expect(problemAt(hours([{ start: "24:00", end: "06:00" }]), at("[0].start"))).toMatchObject({
        code: "invalid_format",
        hint: "start at 00:00 instead",
      });
    });

    it("accepts end 24:00 but not 24:01 or 25:00", () => {
      expect(problemsOf(hours({ start: "20:00", end: "24:00" }))).toEqual([]);
      expect(problemAt(hours({ start: "20:00", end: "24:01" }), at(".end")).code).toBe("invalid_format");
      expect(problemAt(hours({ start: "25:00", end: "01:00" }), at(".start")).code).toBe("invalid_format");
    });

    it("checks time zones, days and unknown fields", () => {
      expect(problemAt(hours({ timezone: "Mars/Olympus", start: "09:00", end: "17:00" }), at(".timezone")).code).toBe("invalid_timezone");
      expect(problemAt(hours({ days: ["mon", "funday"], start: "09:00", end: "17:00" }), at(".days[1]")).code).toBe("invalid_value");
      expect(problemAt(hours({ days: ["mon", "mon"], start: "09:00", end: "17:00" }), at(".days")).expected).toBe("each day at most once");
      expect(problemAt(hours({ days: [], start: "09:00", end: "17:00" }), at(".days")).code).toBe("out_of_range");
      expect(problemAt(hours({ start: "09:00", end: "17:00", tz: "UTC" }), at(".tz")).code).toBe("unknown_field");
      expect(problemAt(hours({ start: "09:00" }), at(".end")).code).toBe("missing_field");
    });

    it("rejects an empty list and a value of another type", () => {
      expect(problemAt(hours([]), at("")).code).toBe("out_of_range");
      expect(problemAt(hours("9-5"), at(""))).toMatchObject({ code: "invalid_type", found: '"9-5"' });
    });
  });

  describe("blackout windows", () => {
    const windows = (v: unknown) => withConstraints({ "core:time:blackout_windows": v });
    const at = (suffix: string) => `${key("core:time:blackout_windows")}${suffix}`;

    it("requires start before end", () => {
      const p = problemAt(windows([{ start: "2026-02-24T10:00:00Z", end: "2026-02-24T11:00:00+02:00" }]), at("[0]"));
      expect(p.code).toBe("invalid_window");
      expect(problemAt(windows([{ start: "2026-02-24T10:00:00Z", end: "2026-02-24T10:00:00Z" }]), at("[0]")).code).toBe("invalid_window");
    });

    it("requires RFC 3339 times", () => {
      expect(problemAt(windows([{ start: "yesterday", end: "2026-02-24T11:00:00Z" }]), at("[0].start")).code).toBe("invalid_format");
      expect(problemAt(windows([{ start: "2026-02-24T10:00:00Z" }]), at("[0].end")).code).toBe("missing_field");
    });
  });
});

describe("validateRequest", () => {
  it("accepts a request and fills cost_cents", () => {
    expect(validateRequest({ action: "web:search" })).toEqual({ action: "web:search", cost_cents: 0 });
    const full = { action: "web:search", cost_cents: 20, target: "serpapi.com", context: { q: 1 }, action_id: "a1" };
    expect(validateRequest(full)).toEqual(full);
  });

  it("counts the action in UTF-8 bytes: 1024 ok, 1025 not", () => {
    expect(validateRequest({ action: "a".repeat(1024) }).action).toHaveLength(1024);
    expect(validateRequest({ action: "é".repeat(512) }).action).toHaveLength(512);
    expect(validateRequest({ action: "€".repeat(341) + "a" }).action).toHaveLength(342);
    expect(validateRequest({ action: "😀".repeat(256) }).action).toHaveLength(512);
    for (const action of ["a".repeat(1025), "é".repeat(512) + "a", "€".repeat(341) + "ab", "😀".repeat(256) + "a"]) {
      const err = requestError({ action });
      expect(err).toMatchObject({ code: "out_of_range", path: "action", expected: "1 to 1024 bytes of UTF-8" });
      expect(err.found).toContain("1025 bytes");
    }
  });

  it("rejects an empty or missing action", () => {
    expect(requestError({ action: "" })).toMatchObject({ code: "out_of_range", path: "action" });
    expect(requestError({ cost_cents: 1 })).toMatchObject({ code: "missing_field", path: "action" });
    expect(requestError({ action: 5 })).toMatchObject({ code: "invalid_type", path: "action", found: "5" });
  });

  it.each([
    [2 ** 53, "out_of_range"],
    [-1, "out_of_range"],
    [1.5, "invalid_type"],
    ["20", "invalid_type"],
    [Number.NaN, "invalid_type"],
    [Number.POSITIVE_INFINITY, "invalid_type"],
  ])("rejects cost_cents %s", (cost, code) => {
    expect(requestError({ action: "a", cost_cents: cost })).toMatchObject({
      code,
      path: "cost_cents",
      expected: "integer cents 0..9007199254740991",
    });
    expect(validateRequest({ action: "a", cost_cents: MAX }).cost_cents).toBe(MAX);
  });

  it("rejects unknown fields with their path and a hint", () => {
    const err = requestError({ action: "a", cost_cent: 5 });
    expect(err).toMatchObject({ code: "unknown_field", path: "cost_cent", hint: 'did you mean "cost_cents"?' });
    expect(requestError({ action: "a", "odd key": 1 }).path).toBe('["odd key"]');
    expect(err.message).toContain("invalid request");
  });

  it("rejects lone surrogates in action, target and action_id", () => {
    for (const field of ["action", "target", "action_id"]) {
      const input = { action: "a", [field]: "x\ud800y" };
      expect(requestError(input)).toMatchObject({ code: "invalid_string", path: field });
    }
    expect(validateRequest({ action: "😀", target: "😀.com", action_id: "😀" }).action).toBe("😀");
  });

  it("only checks that context is a plain object", () => {
    expect(validateRequest({ action: "a", context: Object.create(null) }).context).toBeDefined();
    for (const context of [[], null, "x", new Date(0), new Map()]) {
      expect(requestError({ action: "a", context })).toMatchObject({ code: "invalid_type", path: "context" });
    }
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) deep = deep.next = {} as Record<string, unknown>;
    expect(validateRequest({ action: "a", context: root }).context).toBe(root);
  });

  it("rejects a request that is not an object", () => {
    for (const input of [null, "web:search", [], 5]) {
      expect(requestError(input)).toMatchObject({ code: "invalid_type", path: "" });
    }
  });

  it("renders a long found value short, with its size", () => {
    const err = requestError({ action: "x".repeat(1 << 20) });
    expect(err.found).toContain("string of 1048576 bytes");
    expect(err.found!.length).toBeLessThan(100);
  });
});

describe("validateCounters", () => {
  it("fills every field with its default", () => {
    expect(validateCounters({})).toEqual({
      spent_today_cents: 0,
      spent_week_cents: 0,
      spent_month_cents: 0,
      spent_total_cents: 0,
      held_cents: 0,
      actions_last_minute: 0,
      actions_last_5_minutes: 0,
      actions_last_30_minutes: 0,
      actions_last_hour: 0,
      actions_today: 0,
      last_action_at: null,
      last_heartbeat_at: null,
      pending_approval_id: null,
      emergency_stopped: false,
      enforcement_paused: false,
      paused_by: null,
    });
  });

  it("normalises times to epoch ms", () => {
    const c = validateCounters({ last_action_at: "2026-02-24T15:00:00Z", last_heartbeat_at: 1_700_000_000_000 });
    expect(c.last_action_at).toBe(Date.UTC(2026, 1, 24, 15));
    expect(c.last_heartbeat_at).toBe(1_700_000_000_000);
    expect(validateCounters({ last_action_at: null }).last_action_at).toBeNull();
  });

  it("keeps amounts, ids and flags", () => {
    const c = validateCounters({ spent_today_cents: MAX, actions_today: 3, pending_approval_id: "apr_1", emergency_stopped: true });
    expect(c).toMatchObject({ spent_today_cents: MAX, actions_today: 3, pending_approval_id: "apr_1", emergency_stopped: true });
  });

  it.each([
    [{ spent_today_cents: 2 ** 53 }, "spent_today_cents", "out_of_range"],
    [{ held_cents: -1 }, "held_cents", "out_of_range"],
    [{ actions_last_hour: 0.5 }, "actions_last_hour", "invalid_type"],
    [{ last_action_at: "yesterday" }, "last_action_at", "invalid_format"],
    [{ last_heartbeat_at: 1.5 }, "last_heartbeat_at", "invalid_type"],
    [{ last_heartbeat_at: -5 }, "last_heartbeat_at", "out_of_range"],
    [{ pending_approval_id: 5 }, "pending_approval_id", "invalid_type"],
    [{ emergency_stopped: "yes" }, "emergency_stopped", "invalid_type"],
    [{ spent_today: 5 }, "spent_today", "unknown_field"],
  ])("rejects %j at %s", (input, path, code) => {
    expect(countersError(input)).toMatchObject({ path, code });
  });

  it("names what an instant may be", () => {
    expect(countersError({ last_action_at: true }).expected).toBe("an RFC 3339 date-time, epoch milliseconds, or null");
    expect(countersError({ spent_todya_cents: 5 }).hint).toBe('did you mean "spent_today_cents"?');
    expect(countersError({ spent_today: 5 }).hint).toBeUndefined();
    expect(countersError([]).message).toContain("counter snapshot");
  });
});

describe("parseTime", () => {
  it.each([
    ["2026-02-24T15:00:00Z", Date.UTC(2026, 1, 24, 15)],
    ["2026-02-24T16:00:00+01:00", Date.UTC(2026, 1, 24, 15)],
    ["2026-02-24T09:30:00-05:30", Date.UTC(2026, 1, 24, 15)],
    ["2026-02-24T15:00:00.25Z", Date.UTC(2026, 1, 24, 15) + 250],
    ["2026-02-24T15:00:00.123456Z", Date.UTC(2026, 1, 24, 15) + 123],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    ["1969-12-31T23:59:59.999Z", -1],
    ["0001-01-01T00:00:00Z", -62135596800000],
  ])("reads %s", (text, ms) => {
    expect(parseTime(text, "now")).toBe(ms);
  });

  it("takes Dates and epoch ms", () => {
    expect(parseTime(new Date(5), "now")).toBe(5);
    expect(parseTime(1_700_000_000_000, "now")).toBe(1_700_000_000_000);
  });

  it.each([
    "2026-02-24",
    "2026-02-24T15:00Z",
    "2026-02-24T15:00:00",
    "2026-02-24 15:00:00Z",
    "2026-02-24t15:00:00z",
    "2026-02-30T00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-02-24T24:00:00Z",
    "2026-02-24T15:60:00Z",
    "2026-02-24T15:00:60Z",
    "2026-02-24T15:00:00+0100",
    "2026-02-24T15:00:00+24:00",
    "Tue, 24 Feb 2026 15:00:00 GMT",
    "",
    "now",
  ])("rejects %j naming the path", (text) => {
    expect(() => parseTime(text, "options.now")).toThrow(RequestError);
    try {
      parseTime(text, "options.now");
    } catch (err) {
      expect(err).toMatchObject({ code: "invalid_time", path: "options.now" });
    }
  });

  it("rejects fractional, huge and invalid values", () => {
    for (const v of [1.5, Number.NaN, 9e15, new Date(Number.NaN)] as const) {
      expect(() => parseTime(v, "at")).toThrow(RequestError);
    }
  });
});

/** A small deterministic generator, so the agreement tests are reproducible. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const ABSENT = Symbol("absent");
type Pool = readonly unknown[];

/** Builds `count` objects from pools of field values (ABSENT leaves the field out). */
function combinations(pools: Record<string, Pool>, count: number, seed: number): unknown[] {
  const next = random(seed);
  const pick = (pool: Pool) => pool[Math.floor(next() * pool.length)];
  const out: unknown[] = [null, [], "str", 7, undefined];
  while (out.length < count) {
    const o: Record<string, unknown> = {};
    for (const [field, pool] of Object.entries(pools)) {
      const v = next() < 0.7 ? pick(pool.slice(0, 3)) : pick(pool); // mostly valid, often not
      if (v !== ABSENT) o[field] = v;
    }
    out.push(o);
  }
  return out;
}

/** Whether the fast check accepted; an EngineError means it rejected what the schema accepts. */
function accepted(check: (input: unknown) => unknown, input: unknown): boolean {
  try {
    check(input);
    return true;
  } catch (err) {
    if (err instanceof EngineError) return true; // fast rejected, zod accepted: reported as a mismatch below
    if (!(err instanceof RequestError)) throw err;
    return false;
  }
}

describe("fast checks agree with the generated schemas", () => {
  const strings = ["x", "", "\ud800", "a\udc00b", "😀", 5, null, "é".repeat(512), "é".repeat(513), "a".repeat(1025)];
  const amounts = [0, 20, MAX, 2 ** 53, -1, 1.5, "1", Number.NaN, Number.POSITIVE_INFINITY, null, -0, undefined, ABSENT];

  it("on requests", () => {
    const pools = {
      action: ["web:search", "a".repeat(1024), "😀".repeat(256), ABSENT, ...strings],
      cost_cents: [ABSENT, 0, 35000, ...amounts],
      target: [ABSENT, "serpapi.com", "https://a.b/c", undefined, ...strings],
      context: [ABSENT, {}, { a: { b: [1] } }, [], null, new Date(0), Object.create(null), "x", new Map(), undefined],
      action_id: [ABSENT, "id-1", "😀", ...strings],
      extra: [ABSENT, ABSENT, ABSENT, 1, undefined],
    };
    const inputs = combinations(pools, 600, 42);
    let valid = 0;
    for (const input of inputs) {
      const zod = evalRequestSchema.safeParse(input).success;
      expect(() => validateRequest(input), JSON.stringify(input)).not.toThrow(EngineError);
      expect(accepted(validateRequest, input), JSON.stringify(input)).toBe(zod);
      if (zod) valid++;
    }
    expect(valid).toBeGreaterThan(50);
    expect(inputs.length - valid).toBeGreaterThan(50);
  });

  it("on counter snapshots", () => {
    const instants = [
      ABSENT,
      "2026-02-24T15:00:00Z",
      1_700_000_000_000,
      null,
      "2026-02-30T00:00:00Z",
      "2026-02-24T15:00Z",
      -1,
      1.5,
      8.64e15,
      8.64e15 + 1,
      true,
      "1969-12-31T23:59:59.999Z",
    ];
    const pools: Record<string, Pool> = {
      spent_today_cents: [ABSENT, 0, 9990, ...amounts],
      held_cents: [ABSENT, 0, 10, ...amounts],
      actions_last_minute: [ABSENT, 3, 0, ...amounts],
      last_action_at: instants,
      last_heartbeat_at: instants,
      pending_approval_id: [ABSENT, null, "apr_1", 5, undefined, ""],
      emergency_stopped: [ABSENT, false, true, "true", 0, null],
      enforcement_paused: [ABSENT, false, true, undefined, 1],
      spent_today: [ABSENT, ABSENT, ABSENT, 5],
    };
    const inputs = combinations(pools, 600, 7);
    let valid = 0;
    for (const input of inputs) {
      const zod = countersSchema.safeParse(input).success;
      expect(() => validateCounters(input), JSON.stringify(input)).not.toThrow(EngineError);
      expect(accepted(validateCounters, input), JSON.stringify(input)).toBe(zod);
      if (zod) valid++;
    }
    expect(valid).toBeGreaterThan(50);
    expect(inputs.length - valid).toBeGreaterThan(50);
  });
});
