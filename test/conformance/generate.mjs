// Generates the frozen conformance corpus (corpus.json): seeded random single-shot cases that reach
// every rule, plus the single-shot cases of examples/fixtures. `--check` verifies the committed file.
//
//   node test/conformance/generate.mjs          write corpus.json
//   node test/conformance/generate.mjs --check  exit 1 if corpus.json differs from what this generates
//
// Changing the generator or the fixtures changes the corpus and so the golden digest: regenerate
// both on purpose (`npm run conformance:update`), never to make a failing runtime pass.
import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const OUT = path.join(HERE, "corpus.json");
const SEED = 0x5eed0006;
const RANDOM_CASES = 680;
const PASSPORTS = 160;

// ---- a small seeded PRNG (mulberry32): the same numbers on every machine --------------------

function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  const chance = (p) => next() < p;
  const some = (xs, lo, hi) => {
    const pool = [...xs];
    const n = Math.min(pool.length, int(lo, hi));
    const out = [];
    for (let i = 0; i < n; i++) out.push(pool.splice(int(0, pool.length - 1), 1)[0]);
    return out;
  };
  return { next, int, pick, chance, some };
}

// ---- vocabulary -------------------------------------------------------------------------------

const ACTIONS = [
  "web:search",
  "web:fetch",
  "documents:read",
  "documents:write",
  "documents:summarize",
  "db:read",
  "db:write_rows",
  "db:delete",
  "db:drop_table",
  "db:migrate",
  "payments:send",
  "billing:charge_card",
  "email:send",
  "mail:send_bulk",
  "code:deploy",
  "code:run",
  "shell:exec",
  "files:write",
  "files:delete",
  "calendar:create_event",
  "travel:book",
  "secrets:read",
  "vault:read_key",
  "customers:read",
  "pii:export",
  "users:read",
  "crm:updateContact",
  "crm:deleteAll",
  "Web:Search",
  "DB:DELETE",
  "send",
  "tickets:close",
  "repo:push",
  "repo:merge-pr",
  "storage:upload.file",
  "analytics:query",
  "x:y:z:publish",
  "notes:archive",
];
const PATTERNS = [
  "web:*",
  "documents:*",
  "*:read",
  "*:delete*",
  "db:*",
  "payments:*",
  "email:send*",
  "*",
  "code:*",
  "files:write*",
  "crm:*",
  "DB:*",
  "*search*",
  "travel:book",
  "tickets:close",
];
const SENTINELS = [
  "high_risk",
  "side_effects_lower_stakes",
  "high_risk_and_side_effects_lower_stakes",
  "sensitive_data",
  "destructive",
  "destructive_and_sensitive",
];
const DOMAIN_ENTRIES = [
  "serpapi.com",
  "api.openai.com",
  "arxiv.org",
  "*.wikipedia.org",
  "example.com",
  "*.example.org",
  "pastebin.com",
  "10.0.0.1",
  "::1",
  "[2001:db8::1]",
  "bücher.de",
  "xn--mnchen-3ya.de",
  "ExAmple.NET.",
  "faß.de",
  "пример.рф",
  "localhost",
  "192.168.1.20",
  "evil.com",
  "*.corp.internal",
];
const TARGETS = [
  "serpapi.com",
  "https://api.openai.com/v1/chat",
  "https://openai.com@evil.com/x",
  "http://0x0a.0.0.1/",
  "http://10.0.0.1:8080/admin",
  "host:8443/path",
  "HTTPS://API.OPENAI.COM./v1",
  "https://[::1]:8080/",
  "https://[2001:DB8::1]/",
  "https://xn--bcher-kva.de/buch",
  "https://bücher.de/",
  "http://[bad",
  "https://en.wikipedia.org/wiki/X",
  "wikipedia.org",
  "https://a.b.example.com/",
  "https://badexample.com",
  "ftp://example.com/file",
  "https://faß.de/",
  "https://ＥＸＡＭＰＬＥ.com/",
  "https://example.com:99999/",
  "https://münchen.de",
  "https://xn--mnchen-3ya.de/",
  "https://пример.рф/",
  "https://pastebin.com/raw/1",
  "localhost:3000",
  "https://192.168.1.20/",
  "http://3232235796/",
  "https://sub.corp.internal/x",
  "https://example.org",
  "https://deep.sub.example.org/",
  "mailto:someone@example.com",
  "",
  " ",
  "https://user:pass@arxiv.org/abs/1",
  "http://0300.0250.01.024/",
  "evil.com/?next=serpapi.com",
];
const TIMEZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Asia/Kolkata",
  "Australia/Sydney",
  "Asia/Tokyo",
  "America/Los_Angeles",
  "Europe/London",
  "Asia/Kathmandu",
  "Pacific/Auckland",
];
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const SECRETS = [
  "sk-abcdefghijklmnopqrstuvwx1234",
  "sk_live_ABCDEFGHIJKLMNOP1234",
  "AKIAABCDEFGHIJKLMNOP",
  "ghp_abcdefghijklmnopqrstuvwxyz0123456789AB",
  "github_pat_ABCDEFGHIJKLMNOPQRSTUVWXYZ_12",
  "Bearer abcdefghijklmnop.qrstuv",
  "xoxb-1234567890-abcdef",
  "AIzaSyA1234567890abcdefghijklmnopqrstu",
  "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----",
  "token=sk-short",
  "xsk-abcdefghijklmnopqrstuvwx1234",
  "AKIAABCDEFGHIJKLMNOPQ",
  // SPEC §11: percent-encoded, once and twice (detected on the decoded form).
  "https://api.example/v1?key=sk%5Flive%5FABCDEFGHIJKLMNOP1234",
  "sk%255Flive%255FABCDEFGHIJKLMNOP1234",
];
const PII = [
  "alice@example.com",
  "https://crm.example/lookup?email=jane%40example.com", // SPEC §11: percent-encoded
  "mailto:jane%2540example.com",
  "mail me: bob.smith+tag@sub.example.co.uk",
  "+4915123456789",
  "(555) 123-4567",
  "555-123-4567",
  "555.123.4567",
  "4111 1111 1111 1111",
  "4111-1111-1111-1111",
  "4111111111111112",
  "123-45-6789",
  "000-12-3456",
  "GB82 WEST 1234 5698 7654 32",
  "DE89370400440532013000",
  "a@b.c",
  "call 12555-123-45678",
  "1234567890123",
  "no pii here",
];
const BENIGN = ["hello", "summarise the report", "quarterly numbers", "id 42", "", "ünïcødé ✓", "🙂 emoji"];

// ---- pieces -----------------------------------------------------------------------------------

const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");
const seconds = (ms) => ms - (ms % 1000);
const T0 = Date.UTC(2026, 0, 1);
const T1 = Date.UTC(2026, 11, 31);
/** Instants the time rules care about: DST changes, month and ISO-week edges, midnight. */
const HOTSPOTS = [
  Date.UTC(2026, 2, 8, 7, 0),
  Date.UTC(2026, 2, 29, 1, 0),
  Date.UTC(2026, 9, 25, 1, 0),
  Date.UTC(2026, 10, 1, 6, 0),
  Date.UTC(2026, 3, 5, 16, 0),
  Date.UTC(2026, 1, 24, 15, 0),
  Date.UTC(2026, 1, 28, 23, 59, 59),
  Date.UTC(2026, 2, 2, 0, 0),
  Date.UTC(2026, 11, 31, 23, 59, 59),
];

function randomNow(r) {
  if (r.chance(0.35)) return r.pick(HOTSPOTS) + r.int(-3, 3) * r.pick([1000, 60_000, 1_800_000]);
  const ms = T0 + Math.floor(r.next() * (T1 - T0));
  return r.chance(0.8) ? seconds(ms) : ms;
}

function hhmm(r) {
  if (r.chance(0.1)) return "24:00";
  return `${String(r.int(0, 23)).padStart(2, "0")}:${r.pick(["00", "15", "30", "45", "59"])}`;
}

function scheduleRange(r) {
  const range = { start: hhmm(r), end: hhmm(r) };
  if (range.start === "24:00") range.start = "00:00";
  if (range.start === range.end && r.chance(0.8)) range.end = range.end === "12:00" ? "13:00" : "12:00";
  if (r.chance(0.8)) range.timezone = r.pick(TIMEZONES);
  if (r.chance(0.6)) range.days = r.some(DAYS, 1, 6);
  return range;
}

function blackoutWindows(r) {
  return Array.from({ length: r.int(1, 3) }, () => {
    const start = (r.chance(0.5) ? r.pick(HOTSPOTS) : T0 + Math.floor(r.next() * (T1 - T0))) - r.int(0, 72) * 3_600_000;
    const w = { start: iso(start - (start % 60_000)), end: iso(start - (start % 60_000) + r.int(1, 96) * 3_600_000) };
    if (r.chance(0.4)) w.reason = r.pick(["maintenance", "quarter close", "holiday"]);
    return w;
  });
}

const cents = (r) => r.pick([0, 1, 50, 100, 300, 500, 1000, 2500, 10000, 150000, r.int(0, 100000)]);
const count = (r) => r.pick([1, 2, 5, 10, 30, 60, 100, 600, r.int(1, 1000)]);

/** One generator per constraint key: the catalogue of SPEC §2, each given a plausible value. */
const CONSTRAINTS = {
  "core:cost:max_per_action": cents,
  "core:cost:max_per_day": cents,
  "core:cost:max_per_week": cents,
  "core:cost:max_per_month": cents,
  "core:cost:max_total": cents,
  "core:cost:max_cumulative": cents,
  "core:cost:cumulative_window": (r) => r.pick(["daily", "weekly", "monthly", "total"]),
  "core:cost:approval_threshold": cents,
  "core:rate:max_per_minute": count,
  "core:rate:max_per_hour": count,
  "core:rate:max_per_day": count,
  "core:scope:domain_allowlist": (r) => r.some(DOMAIN_ENTRIES, 1, 6),
  "core:scope:domain_blocklist": (r) => r.some(DOMAIN_ENTRIES, 1, 4),
  "core:scope:action_allowlist": (r) => r.some(PATTERNS, 1, 5),
  "core:scope:action_blocklist": (r) => r.some(PATTERNS, 1, 3),
  "core:time:operating_hours": (r) => (r.chance(0.6) ? scheduleRange(r) : Array.from({ length: r.int(1, 3) }, () => scheduleRange(r))),
  "core:time:blackout_windows": blackoutWindows,
  "core:time:idle_timeout_minutes": (r) => r.pick([0, 1, 5, 30, 60, 1440]),
  "core:approval:required": (r) => r.chance(0.5),
  "core:approval:for_actions": (r) => [...r.some(SENTINELS, 0, 2), ...r.some(PATTERNS, 0, 2)],
  "core:safety:anomaly_suspend": (r) => r.chance(0.8),
  "core:safety:fail_closed": (r) => r.chance(0.5),
  "core:data:read_only": (r) => r.chance(0.7),
  "core:data:no_pii_export": (r) => r.chance(0.8),
  "core:data:no_secrets_export": (r) => r.chance(0.8),
  "core:data:redact_pii_in_logs": (r) => r.chance(0.5),
};

/** Mistakes a passport author makes: each must be an error (or a warning) that names the key. */
const MISTAKES = [
  (c) => {
    c["core:cost:max_per_dya"] = 100;
  },
  (c) => {
    c["cost:max_per_day"] = 100;
  },
  (c) => {
    c["Core:rate:max_per_hour"] = 10;
  },
  (c) => {
    c["core:cost:max_per_action"] = -5;
  },
  (c) => {
    c["core:cost:max_per_day"] = 10.5;
  },
  (c) => {
    c["core:rate:max_per_minute"] = "30";
  },
  (c) => {
    c["core:time:operating_hours"] = { start: "09:00", end: "09:00" };
  },
  (c) => {
    c["core:time:operating_hours"] = { timezone: "Mars/Olympus", start: "09:00", end: "17:00" };
  },
  (c) => {
    c["core:scope:domain_allowlist"] = ["https://example.com/path"];
  },
  (c) => {
    c["core:time:blackout_windows"] = [{ start: "2026-03-01T00:00:00Z", end: "2026-02-01T00:00:00Z" }];
  },
  (c) => {
    c["acme:budget_code"] = "R&D";
  },
  (c) => {
    c["acme:owner"] = { team: "research" };
  },
];

function passport(r, i) {
  const constraints = {};
  const keys = Object.keys(CONSTRAINTS);
  for (const key of r.some(keys, 1, 8)) constraints[key] = CONSTRAINTS[key](r);
  // Detection and host matching are where runtimes could differ most: weigh them up.
  if (r.chance(0.35)) constraints["core:data:no_pii_export"] = constraints["core:data:no_secrets_export"] = true;
  if (r.chance(0.3)) constraints[r.pick(["core:scope:domain_allowlist", "core:scope:domain_blocklist"])] = r.some(DOMAIN_ENTRIES, 1, 6);
  if (r.chance(0.12)) r.pick(MISTAKES)(constraints);
  const p = { id: `pass_conf_${String(i).padStart(3, "0")}`, agent_id: `agent-${i}`, status: "active", constraints };
  if (r.chance(0.15)) p.permissions = r.some([...PATTERNS, "web:search", "documents:read", "db:read", "*", "*"], 1, 4);
  if (r.chance(0.03)) p.status = "revoked";
  if (r.chance(0.08)) p.not_before = iso(seconds(randomNow(r)));
  if (r.chance(0.1)) p.expires_at = iso(seconds(randomNow(r)));
  if (r.chance(0.2)) p.trust_tier = r.pick(["L0", "L1", "L2", "L3"]);
  return p;
}

function contextValue(r, depth) {
  const roll = r.next();
  if (depth < 2 && roll < 0.15)
    return Object.fromEntries(
      Array.from({ length: r.int(1, 3) }, () => [r.pick(["to", "body", "meta", "customer", "email", "note"]), contextValue(r, depth + 1)]),
    );
  if (depth < 2 && roll < 0.25) return Array.from({ length: r.int(1, 3) }, () => contextValue(r, depth + 1));
  if (roll < 0.35) return r.pick([4111111111111111, 5555555555554444, 42, 0, -1, 1.5, 123456789]);
  if (roll < 0.4) return r.pick([true, false, null]);
  if (roll < 0.6) return r.pick(SECRETS);
  if (roll < 0.85) return r.pick(PII);
  return r.pick(BENIGN);
}

function request(r) {
  const req = { action: r.pick(ACTIONS) };
  if (r.chance(0.8)) req.cost_cents = cents(r);
  if (r.chance(0.7)) req.target = r.pick(TARGETS);
  if (r.chance(0.5)) {
    req.context = {};
    for (let i = r.int(1, 4); i > 0; i--) req.context[r.pick(["query", "body", "to", "payload", "notes", "api_key", "user"])] = contextValue(r, 0);
  }
  if (r.chance(0.1)) req.action_id = `act_${r.int(1, 99999)}`;
  if (r.chance(0.02)) req.unexpected = true; // unknown fields are an error
  if (r.chance(0.01)) req.cost_cents = -1;
  if (r.chance(0.01)) delete req.action;
  return req;
}

function counters(r, now) {
  if (r.chance(0.15)) return undefined;
  const c = {};
  const money = ["spent_today_cents", "spent_week_cents", "spent_month_cents", "spent_total_cents", "held_cents"];
  for (const k of r.some(money, 0, 5)) c[k] = cents(r);
  const counts = ["actions_last_minute", "actions_last_5_minutes", "actions_last_30_minutes", "actions_last_hour", "actions_today"];
  for (const k of r.some(counts, 0, 5)) c[k] = count(r) - 1;
  if (r.chance(0.4)) c.last_action_at = iso(seconds(now) - r.pick([0, 30_000, 60_000, 300_000, 3_600_000, 86_400_000]) - r.int(0, 1) * 1000);
  if (r.chance(0.7)) c.last_heartbeat_at = r.chance(0.1) ? now - 119_000 : iso(seconds(now) - r.pick([0, 0, 60_000, 120_000, 121_000, 600_000]));
  if (r.chance(0.1)) c.pending_approval_id = `appr_${r.int(1, 999)}`;
  if (r.chance(0.03)) c.emergency_stopped = true;
  if (r.chance(0.04)) c.enforcement_paused = true;
  if (r.chance(0.01)) c.spent_today_cents = "lots"; // a bad snapshot is an error
  return c;
}

/** Hosts that stress the WHATWG parser (IDNA mapping, IPv4 spellings, percent-encoding), all of which
 * the five runtimes parse alike. Ones they do not are in known-divergences.json instead. */
const TRICKY_HOSTS = [
  "http://faß.de/",
  "http://xn--zca.de/",
  "http://ab--cd.com/",
  "http://a..b.com/",
  "http://1.2.3/",
  "http://[::ffff:10.0.0.1]/",
  "http://%41pi.example/", // SPEC §11: the host as decoded
  "https://evil.example/%2e%2e/x",
  "http://example.com\\@evil.com/",
  "http://ⓔⓧⓐⓜⓟⓛⓔ.com/",
  "http://example.com。/",
  "http://Ⅷ.com/",
  "http://xn--nxasmq6b.com/",
  "http://ｅｘａｍｐｌｅ.com/",
  "http://例え.テスト/",
  "http://a\u00ADb.com/",
  "http://\u200Dx.com/",
  "http://xn--ls8h.la/",
  "http://💩.la/",
  "http://0x7f.1/",
  "http://0177.0.0.1/",
  "http://4294967295/",
  "http://4294967296/",
  "http://09.0.0.1/",
  "http://[0:0::1]/",
  "http://[1:0:0:2::3:0]/",
  "http://xn--bcher-kva..de/",
  "http://a.b-.com/",
  "http://-a.com/",
  "http://a_b.com/",
  "http://ä.xn--bcher-kva.de/",
  "http://ＡＢＣ。ＣＯＭ/",
  "http://ς.gr/",
  "http://xn--4xa.gr/",
  "http://Ｉ.com/",
  "http://i̇.com/",
  "http://abc.com%2e/",
  "http://%41.com/",
  "http://%zz.com/",
  "http://a%00b.com/",
  "http://xn--55qx5d.cn./",
  "http://пример.рф.",
  "http://\u0130.com/",
  "http://\u212A.com/",
  "http://.com/",
  "http://a.-b.com/",
  "EXAMPLE.COM.:443/x",
  "user@example.com",
  "//example.com/x",
  "https://example.com:0/",
  "http://ｅxample.com:8080@evil.com/",
];
const HOST_LISTS = [
  ["example.com", "bücher.de", "faß.de", "пример.рф", "*.xn--4xa.gr", "127.0.0.1", "::1", "1.2.0.3", "abc.com"],
  ["*.example.com", "xn--bcher-kva.de", "evil.com", "10.0.0.1", "ss.de", "k.com", "xn--ls8h.la"],
];

/** Every tricky host against an allowlist and a blocklist, with the trace. */
function hostCases(passports, r) {
  const cases = [];
  HOST_LISTS.forEach((list, li) => {
    for (const key of ["core:scope:domain_allowlist", "core:scope:domain_blocklist"]) {
      const index = passports.push({ id: `pass_conf_hosts_${li}_${key.slice(11, 16)}`, status: "active", constraints: { [key]: list } }) - 1;
      TRICKY_HOSTS.forEach((target, ti) => {
        if ((ti + li) % 2 === 1 && key.endsWith("blocklist")) return; // half the targets against the blocklists
        cases.push({
          name: `host-${li}-${key.slice(22)}-${ti}`,
          passport: index,
          request: { action: "web:fetch", target },
          now: iso(randomNow(r)),
          explain: true,
        });
      });
    }
  });
  return cases;
}

/** Operating hours in each zone around daylight-saving changes and other edges. */
function timezoneCases(passports) {
  const cases = [];
  for (const timezone of TIMEZONES) {
    const index =
      passports.push({
        id: `pass_conf_tz_${timezone.replace(/\W/g, "_")}`,
        status: "active",
        constraints: {
          "core:time:operating_hours": [
            { timezone, days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "17:00" },
            { timezone, days: ["sat"], start: "22:00", end: "02:30" },
          ],
        },
      }) - 1;
    for (const [h, at] of HOTSPOTS.entries()) {
      for (const delta of [-60_000, 0])
        cases.push({
          name: `tz-${timezone}-${h}${delta ? "-1m" : ""}`,
          passport: index,
          request: { action: "web:search" },
          now: iso(at + delta),
          explain: true,
        });
    }
  }
  return cases;
}

function generated() {
  const r = rng(SEED);
  const passports = Array.from({ length: PASSPORTS }, (_, i) => passport(r, i));
  const cases = [];
  for (let i = 0; i < RANDOM_CASES; i++) {
    const now = randomNow(r);
    const c = { name: `gen-${String(i).padStart(4, "0")}`, passport: r.int(0, PASSPORTS - 1), request: request(r) };
    const snap = counters(r, now);
    if (snap !== undefined) c.counters = snap;
    c.now = iso(now);
    if (r.chance(0.5)) c.explain = true;
    cases.push(c);
  }
  cases.push(...hostCases(passports, r), ...timezoneCases(passports));
  return { passports, cases };
}

// ---- examples/fixtures (SPEC §9): the single-shot cases, passports inlined ---------------------

function fixtureFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) return fixtureFiles(p);
      return /\.(ya?ml|json)$/.test(name) ? [p] : [];
    });
}

function loadPassport(ref, file) {
  if (typeof ref !== "string") return ref;
  const p = path.resolve(path.dirname(file), ref);
  const text = readFileSync(p, "utf8");
  return p.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
}

/** Targets the runtimes' URL parsers disagree on: their fixture cases live in known-divergences.json. */
function divergentTargets() {
  const known = JSON.parse(readFileSync(path.join(HERE, "known-divergences.json"), "utf8"));
  return new Set(known.cases.map((c) => c.request?.target).filter((t) => typeof t === "string"));
}

function fixtureCases(passports) {
  const dir = path.join(ROOT, "examples/fixtures");
  const divergent = divergentTargets();
  const index = new Map(passports.map((p, i) => [JSON.stringify(p), i]));
  const cases = [];
  for (const file of fixtureFiles(dir)) {
    const text = readFileSync(file, "utf8");
    const doc = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    const list = Array.isArray(doc?.cases) ? doc.cases : [doc];
    list.forEach((c, i) => {
      if (!c || c.steps || !c.request || !c.now || divergent.has(c.request.target)) return;
      const pass = loadPassport(c.passport ?? doc.passport, file);
      const key = JSON.stringify(pass);
      if (!index.has(key)) index.set(key, passports.push(pass) - 1);
      const name = `fixture:${path.relative(ROOT, file)}#${c.name ?? i}`;
      const out = { name, passport: index.get(key), request: c.request };
      if (c.counters !== undefined) out.counters = c.counters;
      out.now = c.now;
      cases.push(out);
    });
  }
  return cases;
}

/** The part --check compares: what this file generates, not the fixtures it copies (they move on their own). */
function generatedPart(corpus) {
  const cases = corpus.cases.filter((c) => !c.name.startsWith("fixture:"));
  const used = Math.max(...cases.map((c) => c.passport)) + 1;
  return JSON.stringify({ seed: corpus.seed, passports: corpus.passports.slice(0, used), cases });
}

export function generateCorpus() {
  const { passports, cases } = generated();
  const fixtures = fixtureCases(passports);
  return {
    version: 1,
    generator: "test/conformance/generate.mjs",
    seed: SEED,
    passports,
    cases: [...cases, ...fixtures],
  };
}

const text = (corpus) => `${JSON.stringify(corpus, null, 1)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const corpus = generateCorpus();
  if (process.argv.includes("--check")) {
    const frozen = existsSync(OUT) ? JSON.parse(readFileSync(OUT, "utf8")) : null;
    const same = frozen !== null && generatedPart(frozen) === generatedPart(corpus);
    console.log(same ? "corpus.json: the generated cases are up to date" : "corpus.json differs from the generator: run `npm run conformance:update`");
    if (same && readFileSync(OUT, "utf8") !== text(corpus)) {
      console.log("note: examples/fixtures changed since the corpus was frozen; `npm run conformance:update` takes them in");
    }
    process.exit(same ? 0 : 1);
  }
  writeFileSync(OUT, text(corpus));
  console.log(`wrote ${path.relative(ROOT, OUT)}: ${corpus.cases.length} cases, ${corpus.passports.length} passports`);
}
