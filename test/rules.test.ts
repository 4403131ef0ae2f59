// Every constraint of SPEC §2: a case where it passes, one where it fires, and the exact boundary.
import { describe, expect, it } from "vitest";
import { WRITE_VERBS } from "./reference/match";
import { NOW, policy } from "./helpers";

const req = (over: Record<string, unknown> = {}) => ({ action: "web:search", cost_cents: 0, ...over });

describe("core:cost", () => {
  it("max_per_action blocks above the cap, allows at it", async () => {
    const p = await policy({ "core:cost:max_per_action": 500 });
    expect(p.evaluate(req({ cost_cents: 500 }), {}, { now: NOW }).decision).toBe("allow");
    const d = p.evaluate(req({ cost_cents: 501 }), {}, { now: NOW });
    expect(d).toMatchObject({
      decision: "block",
      reason: "cost_per_action_exceeded",
      rule: "core:cost:max_per_action",
      limit: 500,
      observed: 501,
      retryable: false,
    });
  });

  it("max_per_day counts spent + held + cost, with the detail of SPEC §8", async () => {
    const p = await policy({ "core:cost:max_per_day": 10000 });
    expect(p.evaluate(req({ cost_cents: 10 }), { spent_today_cents: 9990 }, { now: NOW }).decision).toBe("allow");
    const d = p.evaluate(req({ cost_cents: 30 }), { spent_today_cents: 9990 }, { now: NOW });
    expect(d).toMatchObject({
      decision: "block",
      reason: "cost_limit_exceeded",
      rule: "core:cost:max_per_day",
      limit: 10000,
      observed: 10020,
      retryable: true,
      detail: "projected daily spend 10020 > limit 10000 (spent 9990, held 0, this action 30)",
      suggestions: ["keep this action at or under 10 cents today"],
    });
    const held = p.evaluate(req({ cost_cents: 1 }), { spent_today_cents: 9000, held_cents: 1000 }, { now: NOW });
    expect(held).toMatchObject({ decision: "block", observed: 10001 });
  });

  it.each([
    ["core:cost:max_per_week", "spent_week_cents", true],
    ["core:cost:max_per_month", "spent_month_cents", true],
    ["core:cost:max_total", "spent_total_cents", false],
  ])("%s uses %s (retryable %s)", async (key, field, retryable) => {
    const p = await policy({ [key]: 1000 });
    expect(p.evaluate(req({ cost_cents: 100 }), { [field]: 900 }, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req({ cost_cents: 101 }), { [field]: 900 }, { now: NOW })).toMatchObject({
      decision: "block",
      rule: key,
      reason: "cost_limit_exceeded",
      limit: 1000,
      observed: 1001,
      retryable,
    });
  });

  it("max_cumulative follows cumulative_window (default daily) and applies beside max_per_*", async () => {
    const daily = await policy({ "core:cost:max_cumulative": 100 });
    expect(daily.evaluate(req({ cost_cents: 1 }), { spent_today_cents: 100, spent_week_cents: 0 }, { now: NOW }).rule).toBe("core:cost:max_cumulative");
    const weekly = await policy({ "core:cost:max_cumulative": 100, "core:cost:cumulative_window": "weekly" });
    expect(weekly.evaluate(req({ cost_cents: 1 }), { spent_today_cents: 100 }, { now: NOW }).decision).toBe("allow");
    expect(weekly.evaluate(req({ cost_cents: 1 }), { spent_week_cents: 100 }, { now: NOW }).decision).toBe("block");
    const total = await policy({ "core:cost:max_cumulative": 100, "core:cost:cumulative_window": "total" });
    expect(total.evaluate(req({ cost_cents: 1 }), { spent_total_cents: 100 }, { now: NOW })).toMatchObject({ decision: "block", retryable: false });
    const both = await policy({ "core:cost:max_per_day": 1000, "core:cost:max_cumulative": 50 });
    expect(both.evaluate(req({ cost_cents: 51 }), {}, { now: NOW }).rule).toBe("core:cost:max_cumulative");
  });

  it("approval_threshold holds above the threshold only", async () => {
    const p = await policy({ "core:cost:approval_threshold": 2000 });
    expect(p.evaluate(req({ cost_cents: 2000 }), {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req({ cost_cents: 2001 }), {}, { now: NOW })).toMatchObject({
      decision: "request_hold",
      reason: "cost_requires_approval",
      rule: "core:cost:approval_threshold",
      holds: [{ rule: "core:cost:approval_threshold", reason: "cost_requires_approval" }],
    });
  });

  it("arithmetic stays exact at 2^53 − 1 and observed is clamped", async () => {
    const max = Number.MAX_SAFE_INTEGER;
    const p = await policy({ "core:cost:max_per_day": max });
    expect(p.evaluate(req({ cost_cents: 1 }), { spent_today_cents: max - 1 }, { now: NOW }).decision).toBe("allow");
    const d = p.evaluate(req({ cost_cents: max }), { spent_today_cents: max, held_cents: max }, { now: NOW });
    expect(d).toMatchObject({ decision: "block", observed: max, limit: max });
  });
});

describe("core:rate", () => {
  it.each([
    ["core:rate:max_per_minute", "actions_last_minute"],
    ["core:rate:max_per_hour", "actions_last_hour"],
    ["core:rate:max_per_day", "actions_today"],
  ])("%s blocks when %s + 1 > cap", async (key, field) => {
    const p = await policy({ [key]: 60 });
    expect(p.evaluate(req(), { [field]: 59 }, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req(), { [field]: 60 }, { now: NOW })).toMatchObject({
      decision: "block",
      reason: "rate_limit_exceeded",
      rule: key,
      limit: 60,
      observed: 61,
      retryable: true,
    });
  });
});

describe("core:scope", () => {
  it("action_allowlist and action_blocklist match patterns case-insensitively", async () => {
    const p = await policy({ "core:scope:action_allowlist": ["web:*", "documents:read"], "core:scope:action_blocklist": ["*:delete*"] });
    expect(p.evaluate(req({ action: "WEB:Search" }), {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req({ action: "documents:read" }), {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req({ action: "documents:write" }), {}, { now: NOW })).toMatchObject({
      reason: "action_not_allowed",
      rule: "core:scope:action_allowlist",
    });
    expect(p.evaluate(req({ action: "web:delete_cache" }), {}, { now: NOW })).toMatchObject({ reason: "action_blocked", rule: "core:scope:action_blocklist" });
  });

  // SPEC §3 "compared case-insensitively": letters beyond ASCII too, by the simple Unicode
  // lower-case mapping of assembly/match/casefold-table.ts (one code point at a time).
  describe("action case beyond ASCII", () => {
    const ev = (p: Awaited<ReturnType<typeof policy>>, action: string) => p.evaluate(req({ action }), {}, { now: NOW });

    it("the blocklist stops upper-case forms of non-ASCII patterns, in every script", async () => {
      const p = await policy({ "core:scope:action_blocklist": ["café:*", "*:löschen*", "ελλάδα:*", "удалить:*", "𐐨𐐯:*"] });
      for (const action of ["CAFÉ:ORDER", "Café:x", "DATEI:LÖSCHEN", "datei:Löschen_alle", "ΕΛΛΆΔΑ:x", "УДАЛИТЬ:всё", "𐐀𐐇:x"]) {
        expect(ev(p, action), action).toMatchObject({ decision: "block", reason: "action_blocked", rule: "core:scope:action_blocklist" });
      }
      for (const action of ["CAFÈ:ORDER", "cafe:order", "datei:loschen", "ελλαδα:x"]) expect(ev(p, action).decision, action).toBe("allow");
    });

    it("upper-case patterns match lower-case actions (the pattern is folded when compiled)", async () => {
      const p = await policy({ "core:scope:action_allowlist": ["CAFÉ:*", "STRAẞE:*", "Σ:*", "𐐀:*"] });
      for (const action of ["café:order", "straße:move", "STRAẞE:MOVE", "σ:x", "𐐨:y"]) expect(ev(p, action).decision, action).toBe("allow");
      // final sigma and dotted capital I have no single-code-point lower case that equals these
      for (const action of ["ς:x", "strasse:move"]) expect(ev(p, action), action).toMatchObject({ reason: "action_not_allowed" });
    });

    it("İ lower-cases to two code points: it stays İ (simple mapping)", async () => {
      const p = await policy({ "core:scope:action_blocklist": ["İ:*"] });
      expect(ev(p, "İ:x").decision).toBe("block");
      expect(ev(p, "i̇:x").decision).toBe("allow");
      expect(ev(p, "i:x").decision).toBe("allow");
    });

    it("a star next to a letter whose fold has another byte length", async () => {
      // ẞ (U+1E9E) is 3 bytes, ß 2; Ⱥ (U+023A) is 2 bytes, ⱥ 3; the Kelvin sign (3 bytes) folds to k.
      const p = await policy({ "core:scope:action_blocklist": ["*ẞ", "ⱥ*z", "a*\u212A*b"] });
      for (const action of ["gruß", "GRUẞ", "x:ß", "ȺZ", "ⱥ_mid_Z", "ȺxZ", "AkB", "a-\u212A-b"]) {
        expect(ev(p, action).decision, action).toBe("block");
      }
      for (const action of ["gruss", "ßx", "Ⱥ", "zȺ", "ab"]) expect(ev(p, action).decision, action).toBe("allow");
    });

    it("approval for_actions and passport permissions fold the same way", async () => {
      const p = await policy({ "core:approval:for_actions": ["zahlung:*"] });
      expect(ev(p, "ZAHLUNG:ÜBERWEISEN")).toMatchObject({ decision: "request_hold", reason: "action_requires_approval" });
      const q = await policy({ "core:approval:for_actions": ["ÜBERWEISUNG:*"] });
      expect(ev(q, "überweisung:x")).toMatchObject({ decision: "request_hold", reason: "action_requires_approval" });
      const perm = await policy({}, { permissions: ["ÉCRIRE:*"] });
      expect(ev(perm, "écrire:doc").decision).toBe("allow");
      expect(ev(perm, "ecrire:doc")).toMatchObject({ decision: "block", reason: "permission_denied" });
    });

    it("detail texts quote the action and the pattern as written, not their fold", async () => {
      const p = await policy({ "core:scope:action_blocklist": ["CAFÉ:*"] });
      expect(ev(p, "Café:Order").detail).toBe("action 'Café:Order' matches blocked pattern 'CAFÉ:*'");
      const a = await policy({ "core:scope:action_allowlist": ["web:*"] });
      expect(ev(a, "DATEI:LÖSCHEN").detail).toBe("action 'DATEI:LÖSCHEN' matches no pattern of the action allowlist");
      const h = await policy({ "core:approval:for_actions": ["ÜBER:*"] });
      expect(ev(h, "über:X").detail).toBe("action 'über:X' matches approval pattern 'ÜBER:*'");
      const r = await policy({ "core:data:read_only": true });
      expect(ev(r, "DATEI:\u212AILL")).toMatchObject({ reason: "read_only", detail: "the passport is read-only and action 'DATEI:\u212AILL' writes" });
    });

    it("read-only folds the verb's first word (cut on the action as written)", async () => {
      const r = await policy({ "core:data:read_only": true });
      // the Kelvin sign lower-cases to an ASCII k: "\u212AILL" is "kill", a write verb
      for (const action of ["db:\u212AILL", "db:\u212AillAll", "jobs:\u212Aill_now"]) expect(ev(r, action).reason, action).toBe("read_only");
      for (const action of ["DATEI:LÖSCHEN", "db:ŠEND", "db:x\u212AILL"]) expect(ev(r, action).decision, action).toBe("allow");
    });

    it("a sentinel name is folded like any action", async () => {
      const p = await policy({ "core:approval:for_actions": ["HIGH_RIS\u212A"] });
      expect(ev(p, "db:deleteAll").decision).toBe("request_hold");
    });
  });

  it("domain_allowlist covers the domain and its subdomains, never look-alikes", async () => {
    const p = await policy({ "core:scope:domain_allowlist": ["example.com", "*.wild.io", "10.0.0.1", "::1"] });
    const host = (target: string) => p.evaluate(req({ target }), {}, { now: NOW });
    for (const ok of ["example.com", "https://a.b.example.com/x?y", "EXAMPLE.COM.", "example.com:8443/path", "x.wild.io", "http://0x0a.0.0.1/", "[::1]:80"]) {
      expect(host(ok).decision, ok).toBe("allow");
    }
    for (const bad of ["badexample.com", "example.com.evil.net", "wild.io", "https://example.com@evil.com/", "10.0.0.2"]) {
      expect(host(bad), bad).toMatchObject({ decision: "block", reason: "domain_not_allowed" });
    }
    expect(host("1.10.0.0.1")).toMatchObject({ decision: "block", reason: "invalid_target" }); // not a valid IPv4 host
    expect(p.evaluate(req(), {}, { now: NOW }).decision).toBe("allow"); // no target: the list does not apply
  });

  it("domain lists compare IDNs in punycode and block unparsable targets", async () => {
    const p = await policy({ "core:scope:domain_blocklist": ["bücher.de"] });
    expect(p.evaluate(req({ target: "https://xn--bcher-kva.de/" }), {}, { now: NOW }).reason).toBe("domain_blocked");
    expect(p.evaluate(req({ target: "shop.BÜCHER.de" }), {}, { now: NOW }).reason).toBe("domain_blocked");
    expect(p.evaluate(req({ target: "http://[::zz]/" }), {}, { now: NOW })).toMatchObject({
      decision: "block",
      reason: "invalid_target",
      rule: "core:scope:domain_blocklist",
    });
    expect(p.evaluate(req({ target: "example.org" }), {}, { now: NOW }).decision).toBe("allow");
  });

  it("looks up a 100,000-entry allowlist", async () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => `host${i}.example${i % 97}.com`);
    const p = await policy({ "core:scope:domain_allowlist": entries });
    expect(p.evaluate(req({ target: `https://api.host99999.example${99999 % 97}.com/v1` }), {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req({ target: `host0.example0.com` }), {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req({ target: `host99999.example${(99999 % 97) + 1}.com` }), {}, { now: NOW }).decision).toBe("block");
    expect(p.evaluate(req({ target: "host100000.example91.com" }), {}, { now: NOW }).decision).toBe("block");
  });
});

describe("passport checks", () => {
  it("revoked, not yet valid, expired, permissions", async () => {
    const revoked = await policy({}, { status: "revoked" });
    expect(revoked.evaluate(req(), {}, { now: NOW })).toMatchObject({ reason: "passport_revoked", rule: "passport:status" });
    const window = await policy({}, { not_before: "2026-02-24T15:00:00Z", expires_at: "2026-02-25T00:00:00Z" });
    expect(window.evaluate(req(), {}, { now: "2026-02-24T14:59:59.999Z" })).toMatchObject({ reason: "passport_not_yet_valid", rule: "passport:not_before" });
    expect(window.evaluate(req(), {}, { now: "2026-02-24T15:00:00Z" }).decision).toBe("allow");
    expect(window.evaluate(req(), {}, { now: "2026-02-24T23:59:59.999Z" }).decision).toBe("allow");
    expect(window.evaluate(req(), {}, { now: "2026-02-25T00:00:00Z" })).toMatchObject({ reason: "passport_expired", rule: "passport:expires_at" });
    const perms = await policy({}, { permissions: ["web:*"] });
    expect(perms.evaluate(req(), {}, { now: NOW }).decision).toBe("allow");
    expect(perms.evaluate(req({ action: "mail:send" }), {}, { now: NOW })).toMatchObject({ reason: "permission_denied", rule: "passport:permissions" });
    const empty = await policy({}, { permissions: [] });
    expect(empty.evaluate(req({ action: "mail:send" }), {}, { now: NOW }).decision).toBe("allow");
  });
});

describe("core:data", () => {
  it("read_only blocks write verbs, including camelCase and §10 additions", async () => {
    const p = await policy({ "core:data:read_only": true });
    for (const a of ["documents:read", "web:search", "db:select", "files:list", "settings"]) {
      expect(p.evaluate(req({ action: a }), {}, { now: NOW }).decision, a).toBe("allow");
    }
    for (const a of ["documents:write", "db:deleteAll", "files:upload_batch", "repo:push", "git:merge-pr", "send", "crm:Update.contact", "jobs:kill"]) {
      expect(p.evaluate(req({ action: a }), {}, { now: NOW }), a).toMatchObject({ decision: "block", reason: "read_only" });
    }
    const off = await policy({ "core:data:read_only": false });
    expect(off.evaluate(req({ action: "documents:write" }), {}, { now: NOW }).decision).toBe("allow");
  });

  it("read_only knows every write verb of SPEC §4 and §10, in any case, and nothing near them", async () => {
    const p = await policy({ "core:data:read_only": true });
    const decide = (a: string) => p.evaluate(req({ action: a }), {}, { now: NOW }).decision;
    for (const verb of WRITE_VERBS) {
      for (const a of [`x:${verb}`, `x:${verb.toUpperCase()}`, `x:${verb}_all`, verb]) expect(decide(a), a).toBe("block");
      // One letter more, one fewer, one changed: not the verb (the lookup keys on the first 8 bytes).
      for (const a of [`x:${verb}s`, `x:${verb.slice(0, -1)}`, `x:${verb.slice(0, -1)}q`]) {
        if (!WRITE_VERBS.has(a.slice(2))) expect(decide(a), a).toBe("allow");
      }
    }
  });

  it("no_secrets_export finds a secret anywhere in context and names its path, never the text", async () => {
    const p = await policy({ "core:data:no_secrets_export": true });
    const key = "sk-" + "a".repeat(24);
    const d = p.evaluate(req({ context: { headers: [{ auth: `token ${key}` }] } }), {}, { now: NOW });
    expect(d).toMatchObject({ decision: "block", reason: "secret_detected", rule: "core:data:no_secrets_export" });
    expect(d.detail).toContain("context.headers[0].auth");
    expect(d.detail).not.toContain(key);
    expect(p.evaluate(req({ target: `https://x.io/?k=${key}` }), {}, { now: NOW }).detail).toContain("target");
    expect(p.evaluate(req({ context: { note: "sk-short" } }), {}, { now: NOW }).decision).toBe("allow");
  });

  it("no_pii_export scans keys, values and numbers", async () => {
    const p = await policy({ "core:data:no_pii_export": true });
    expect(p.evaluate(req({ context: { customer: { email: "jane@example.com" } } }), {}, { now: NOW })).toMatchObject({
      decision: "block",
      reason: "pii_detected",
      detail: "personal data (email) found at context.customer.email",
    });
    expect(p.evaluate(req({ context: { card: 4111111111111111 } }), {}, { now: NOW }).reason).toBe("pii_detected");
    expect(p.evaluate(req({ context: { "jane@example.com": 1 } }), {}, { now: NOW }).detail).toBe("personal data (email) found at context.<key>");
    expect(p.evaluate(req({ context: { n: 4111111111111112, s: "order 123" } }), {}, { now: NOW }).decision).toBe("allow");
  });
});

describe("core:time", () => {
  it("blackout windows include start and exclude end", async () => {
    const p = await policy({ "core:time:blackout_windows": [{ start: "2026-02-24T15:00:00Z", end: "2026-02-24T16:00:00Z", reason: "deploy freeze" }] });
    expect(p.evaluate(req(), {}, { now: "2026-02-24T14:59:59.999Z" }).decision).toBe("allow");
    expect(p.evaluate(req(), {}, { now: "2026-02-24T15:00:00Z" })).toMatchObject({
      reason: "blackout_window",
      retryable: true,
      detail: "inside a blackout window: deploy freeze (it lifts at 2026-02-24T16:00:00Z)",
      suggestions: ["retry at or after 2026-02-24T16:00:00Z"],
    });
    expect(p.evaluate(req(), {}, { now: "2026-02-24T16:00:00Z" }).decision).toBe("allow");
  });

  it("a blackout says when it lifts, carried through windows that overlap or follow on", async () => {
    const p = await policy({
      "core:time:blackout_windows": [
        { start: "2026-02-24T15:00:00Z", end: "2026-02-24T16:00:00Z" },
        { start: "2026-02-24T16:00:00Z", end: "2026-02-24T18:30:00.250Z" },
        { start: "2026-02-24T17:00:00Z", end: "2026-02-24T18:00:00Z" },
        { start: "2026-02-25T00:00:00Z", end: "2026-02-26T00:00:00Z" },
      ],
    });
    const d = p.evaluate(req(), {}, { now: "2026-02-24T15:30:00Z" });
    expect(d.detail).toBe("inside a blackout window (it lifts at 2026-02-24T18:30:00.250Z)");
    expect(d.suggestions).toEqual(["retry at or after 2026-02-24T18:30:00.250Z"]);
    expect(p.evaluate(req(), {}, { now: "2026-02-24T18:30:00.250Z" }).decision).toBe("allow");
  });

  it("outside operating hours says when they open next, on the schedule's clock and in UTC", async () => {
    // Tuesday 2026-02-24 at 21:00 in Paris (UTC+01:00 in February): next opening Wednesday 09:00.
    const paris = await policy({
      "core:time:operating_hours": { timezone: "Europe/Paris", days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
    });
    const d = paris.evaluate(req(), {}, { now: "2026-02-24T20:00:00Z" });
    expect(d.detail).toBe(
      "outside operating hours (local time 21:00 in the schedule's first time zone); they open next at 09:00 UTC+01:00, 2026-02-25T08:00:00Z",
    );
    expect(d.suggestions).toEqual(["retry at or after 2026-02-25T08:00:00Z"]);
    expect(paris.evaluate(req(), {}, { now: "2026-02-25T08:00:00Z" }).decision).toBe("allow");
    // Friday evening in New York (UTC-05:00): Monday 09:00.
    const ny = await policy({
      "core:time:operating_hours": { timezone: "America/New_York", days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
    });
    expect(ny.evaluate(req(), {}, { now: "2026-02-27T23:00:00Z" }).detail).toMatch(/; they open next at 09:00 UTC-05:00, 2026-03-02T14:00:00Z$/);
    // Several ranges: the earliest opening wins; earlier the same day counts.
    const two = await policy({
      "core:time:operating_hours": [
        { days: ["sat"], start: "10:00", end: "12:00" },
        { days: ["wed"], start: "13:00", end: "14:00" },
      ],
    });
    expect(two.evaluate(req(), {}, { now: "2026-02-25T09:00:00Z" }).suggestions).toEqual(["retry at or after 2026-02-25T13:00:00Z"]);
    expect(two.evaluate(req(), {}, { now: "2026-02-25T14:00:00Z" }).suggestions).toEqual(["retry at or after 2026-02-28T10:00:00Z"]);
    // A range on one day only, just closed: a week later.
    const mon = await policy({ "core:time:operating_hours": { days: ["mon"], start: "22:00", end: "06:00" } });
    expect(mon.evaluate(req(), {}, { now: "2026-02-24T06:00:00Z" }).suggestions).toEqual(["retry at or after 2026-03-02T22:00:00Z"]);
  });

  it("operating hours: start inside, end outside, days, lists", async () => {
    const p = await policy({
      "core:time:operating_hours": [
        { days: ["mon", "tue"], start: "09:00", end: "17:00" },
        { days: ["sat"], start: "10:00", end: "24:00" },
      ],
    });
    expect(p.evaluate(req(), {}, { now: "2026-02-24T09:00:00Z" }).decision).toBe("allow");
    expect(p.evaluate(req(), {}, { now: "2026-02-24T08:59:59Z" })).toMatchObject({ reason: "outside_operating_hours", retryable: true });
    expect(p.evaluate(req(), {}, { now: "2026-02-24T17:00:00Z" }).decision).toBe("block");
    expect(p.evaluate(req(), {}, { now: "2026-02-25T10:00:00Z" }).decision).toBe("block"); // Wednesday
    expect(p.evaluate(req(), {}, { now: "2026-02-28T23:59:59Z" }).decision).toBe("allow"); // Saturday until 24:00
    expect(p.evaluate(req(), {}, { now: "2026-03-01T00:00:00Z" }).decision).toBe("block");
  });

  it("an overnight range belongs to the day it starts", async () => {
    const p = await policy({ "core:time:operating_hours": { days: ["mon"], start: "22:00", end: "06:00" } });
    expect(p.evaluate(req(), {}, { now: "2026-02-23T22:00:00Z" }).decision).toBe("allow"); // Monday night
    expect(p.evaluate(req(), {}, { now: "2026-02-24T05:59:00Z" }).decision).toBe("allow"); // early Tuesday
    expect(p.evaluate(req(), {}, { now: "2026-02-24T06:00:00Z" }).decision).toBe("block");
    expect(p.evaluate(req(), {}, { now: "2026-02-23T05:00:00Z" }).decision).toBe("block"); // early Monday
  });

  it("time zones follow DST on both sides of a switch", async () => {
    // New York: 2026-03-08 02:00 EST → 03:00 EDT. 09:00 local is 14:00Z before, 13:00Z after.
    const p = await policy({ "core:time:operating_hours": { timezone: "America/New_York", start: "09:00", end: "17:00" } });
    expect(p.evaluate(req(), {}, { now: "2026-03-07T14:00:00Z" }).decision).toBe("allow");
    expect(p.evaluate(req(), {}, { now: "2026-03-07T13:59:00Z" }).decision).toBe("block");
    expect(p.evaluate(req(), {}, { now: "2026-03-09T13:00:00Z" }).decision).toBe("allow");
    expect(p.evaluate(req(), {}, { now: "2026-03-09T12:59:00Z" }).decision).toBe("block");
    // Berlin autumn: 2026-10-25 03:00 CEST → 02:00 CET. 17:00 local end is 15:00Z before, 16:00Z after.
    const b = await policy({ "core:time:operating_hours": { timezone: "Europe/Berlin", start: "09:00", end: "17:00" } });
    expect(b.evaluate(req(), {}, { now: "2026-10-24T15:00:00Z" }).decision).toBe("block");
    expect(b.evaluate(req(), {}, { now: "2026-10-26T15:30:00Z" }).decision).toBe("allow");
    expect(b.evaluate(req(), {}, { now: "2026-10-26T16:00:00Z" }).decision).toBe("block");
  });

  it("idle_timeout holds when last_action_at is more than v minutes old", async () => {
    const p = await policy({ "core:time:idle_timeout_minutes": 30 });
    expect(p.evaluate(req(), {}, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req(), { last_action_at: "2026-02-24T14:30:00Z" }, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req(), { last_action_at: "2026-02-24T14:29:59.999Z" }, { now: NOW })).toMatchObject({ decision: "request_hold", reason: "idle_timeout" });
  });
});

describe("core:approval and core:safety", () => {
  it("approval:required holds everything; for_actions expands sentinels", async () => {
    expect((await policy({ "core:approval:required": true })).evaluate(req(), {}, { now: NOW }).reason).toBe("approval_required");
    const p = await policy({ "core:approval:for_actions": ["high_risk", "crm:export"] });
    for (const a of ["db:drop_table", "payments:refund", "EMAIL:send", "crm:export"]) {
      expect(p.evaluate(req({ action: a }), {}, { now: NOW }), a).toMatchObject({ decision: "request_hold", reason: "action_requires_approval" });
    }
    for (const a of ["db:read", "files:write", "crm:export_all"]) expect(p.evaluate(req({ action: a }), {}, { now: NOW }).decision, a).toBe("allow");
    const legacy = await policy({ "core:approval:for_actions": ["destructive_and_sensitive"] });
    expect(legacy.evaluate(req({ action: "s3:destroy_bucket" }), {}, { now: NOW }).decision).toBe("request_hold");
    expect(legacy.evaluate(req({ action: "customers:read" }), {}, { now: NOW }).decision).toBe("request_hold");
  });

  it("anomaly_suspend: 2 × r5 > a30 and r5 ≥ 10", async () => {
    const p = await policy({ "core:safety:anomaly_suspend": true });
    expect(p.evaluate(req(), { actions_last_5_minutes: 8, actions_last_30_minutes: 0 }, { now: NOW }).decision).toBe("allow"); // r5 = 9
    expect(p.evaluate(req(), { actions_last_5_minutes: 9, actions_last_30_minutes: 19 }, { now: NOW }).reason).toBe("anomaly_detected"); // 20 > 19
    expect(p.evaluate(req(), { actions_last_5_minutes: 9, actions_last_30_minutes: 20 }, { now: NOW }).decision).toBe("allow"); // 20 > 20 false
  });

  it("fail_closed: missing, fresh (exactly 120 s) and stale heartbeats", async () => {
    const p = await policy({ "core:safety:fail_closed": true });
    expect(p.evaluate(req(), {}, { now: NOW })).toMatchObject({
      decision: "block",
      reason: "enforcement_paused",
      rule: "core:safety:fail_closed",
      retryable: true,
    });
    expect(p.evaluate(req(), { last_heartbeat_at: "2026-02-24T14:58:00Z" }, { now: NOW }).decision).toBe("allow");
    expect(p.evaluate(req(), { last_heartbeat_at: "2026-02-24T14:57:59.999Z" }, { now: NOW }).decision).toBe("block");
    const open = await policy({});
    expect(open.evaluate(req(), { last_heartbeat_at: "2026-02-24T14:57:59Z" }, { now: NOW })).toMatchObject({
      decision: "allow",
      warnings: ["heartbeat_stale"],
    });
    expect(open.evaluate(req(), { last_heartbeat_at: "2026-02-24T14:58:00Z" }, { now: NOW }).warnings).toEqual([]);
  });

  it("state checks block whatever the passport says", async () => {
    const p = await policy({});
    expect(p.evaluate(req(), { emergency_stopped: true }, { now: NOW })).toMatchObject({
      reason: "emergency_stopped",
      rule: "core:safety:emergency_stop",
      retryable: false,
    });
    expect(p.evaluate(req(), { enforcement_paused: true }, { now: NOW })).toMatchObject({
      reason: "enforcement_paused",
      rule: "core:safety:fail_closed",
      retryable: true,
    });
  });
});
