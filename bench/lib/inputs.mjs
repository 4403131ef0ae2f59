// The inputs every case shares: passports (from examples/ when present), requests, counter
// snapshots and `now`, plus a generator of large domain allowlists.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const rel = (p) => (p.startsWith(ROOT) ? p.slice(ROOT.length) : p);
export const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

/** A Tuesday afternoon: inside the README passport's operating hours (07:00–22:00 Berlin). */
export const NOW = Date.parse("2026-02-24T15:00:00Z");
const iso = (ms) => new Date(ms).toISOString();

/** The README example: small passport, allowed request. */
export function smallCase() {
  const path = "examples/passports/research-agent.json";
  return {
    path,
    passport: readJson(ROOT + path),
    request: { action: "web:search", cost_cents: 2, target: "serpapi.com", context: {} },
    counters: { spent_today_cents: 4250, actions_last_minute: 3, last_heartbeat_at: iso(NOW - 30_000) },
    now: NOW,
  };
}

/** Counters that leave every rule of a full passport passing: fresh heartbeat, recent action, modest spend. */
export const BUSY_COUNTERS = {
  spent_today_cents: 4250,
  spent_week_cents: 9000,
  spent_month_cents: 30000,
  spent_total_cents: 120000,
  held_cents: 0,
  actions_last_minute: 3,
  actions_last_5_minutes: 8,
  actions_last_30_minutes: 40,
  actions_last_hour: 60,
  actions_today: 300,
  last_action_at: iso(NOW - 60_000),
  last_heartbeat_at: iso(NOW - 30_000),
};

export const SMALL_CONTEXT = { query: "latest results on sparse attention", locale: "en-US" };

/**
 * The full-catalogue passport (every core: key), with a request that runs the whole pipeline: the
 * first candidate it allows (or holds). The report names the decision and how many rules ran.
 */
export function fullCase(policyOf) {
  const path = "examples/passports/full-catalogue.json";
  const passport = readJson(ROOT + path);
  const policy = policyOf(passport);
  for (const request of candidateRequests(passport)) {
    for (const now of [NOW, Date.parse("2026-02-25T10:00:00Z"), Date.parse("2026-03-03T13:30:00Z")]) {
      const counters = { ...BUSY_COUNTERS, last_action_at: iso(now - 60_000), last_heartbeat_at: iso(now - 30_000) };
      const d = policy.evaluate(request, counters, { now });
      if (d.decision !== "block") return { path, passport, request, counters, now, policy };
    }
  }
  const request = candidateRequests(passport).next().value;
  return { path, passport, request, counters: BUSY_COUNTERS, now: NOW, policy };
}

function* candidateRequests(passport) {
  const c = passport.constraints ?? {};
  const actions = ["web:search", ...(c["core:scope:action_allowlist"] ?? []), ...(passport.permissions ?? [])].map((a) => a.replaceAll("*", "read"));
  const hosts = ["serpapi.com", ...(c["core:scope:domain_allowlist"] ?? [])].map((h) => h.replace(/^\*\./, "www."));
  for (const action of new Set(actions)) {
    for (const host of new Set(hosts)) {
      yield { action, cost_cents: 2, target: `https://${host}/search?q=sparse+attention`, context: SMALL_CONTEXT };
    }
  }
}

/** A deterministic PRNG (mulberry32), so every run builds the same lists and texts. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TLDS = ["com", "org", "net", "io", "dev", "ai", "co.uk", "de", "fr", "app"];
const SYLLABLES = ["an", "bo", "ca", "di", "el", "fu", "ga", "hi", "jo", "ka", "lu", "me", "no", "pa", "ri", "so", "tu", "vi", "xe", "zo"];

/**
 * `n` distinct realistic domains (one in ten a `*.` entry), always including the hosts the
 * allowlist cases request, so the same request is allowed by a 10-entry and a 100,000-entry list.
 */
export function domainList(n, must = ["serpapi.com", "*.wikipedia.org"]) {
  const rnd = prng(0xa11ce + n);
  const out = new Set(must);
  while (out.size < n) {
    let label = "";
    const k = 2 + Math.floor(rnd() * 4);
    for (let i = 0; i < k; i++) label += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
    const sub = rnd() < 0.3 ? `api${Math.floor(rnd() * 10)}.` : "";
    const wildcard = rnd() < 0.1 ? "*." : "";
    out.add(`${wildcard}${sub}${label}${Math.floor(rnd() * 1000)}.${TLDS[Math.floor(rnd() * TLDS.length)]}`);
  }
  return [...out];
}

/** The README passport with its domain allowlist replaced by `n` entries. */
export function allowlistPassport(n) {
  const base = readJson(ROOT + "examples/passports/research-agent.json");
  return { ...base, id: `pass_bench_allowlist_${n}`, constraints: { ...base.constraints, "core:scope:domain_allowlist": domainList(n) } };
}
