// Writes docs/constraints.md — the constraint reference — from schemas/constraints.schema.json
// (each key's description, value type and bounds) and schemas/decision.schema.json (the reason
// codes); --check compares instead (`npm run gen:check`, in `npm test`). The descriptions are the
// reference: change them in the schema, then `npm run gen`.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "docs/constraints.md");
const load = (f) => JSON.parse(readFileSync(join(ROOT, "schemas", f), "utf8"));
const constraints = load("constraints.schema.json");
const decision = load("decision.schema.json");
const defs = constraints.$defs;

const FAMILIES = {
  cost: "Spending (amounts in cents)",
  rate: "Rate",
  scope: "Scope",
  time: "Time",
  approval: "Approval",
  safety: "Safety",
  data: "Data",
};

/** A value that validates, for the example column, by the value's type. */
const EXAMPLES = {
  Cents: 10000,
  Count: 60,
  Minutes: 30,
  Flag: true,
  CostWindow: "weekly",
  DomainList: ["api.example.com", "*.wikipedia.org"],
  PatternList: ["web:*", "files:read"],
  Schedule: { timezone: "Europe/Paris", days: ["mon", "tue", "wed", "thu", "fri"], start: "09:00", end: "18:00" },
  BlackoutWindows: [{ start: "2026-12-24T00:00:00Z", end: "2026-12-27T00:00:00Z", reason: "holidays" }],
};

/** Examples a reader would write for these keys (the type's example otherwise). */
const KEY_EXAMPLES = {
  "core:cost:max_per_action": 2500,
  "core:cost:max_per_week": 50000,
  "core:cost:max_per_month": 150000,
  "core:cost:max_total": 1000000,
  "core:cost:max_cumulative": 20000,
  "core:cost:approval_threshold": 300,
  "core:rate:max_per_minute": 10,
  "core:rate:max_per_hour": 100,
  "core:rate:max_per_day": 1000,
  "core:scope:domain_blocklist": ["169.254.169.254", "*.internal.example.com"],
  "core:scope:action_blocklist": ["*:delete*", "payments:refund"],
  "core:approval:for_actions": ["payments:*", "high_risk"],
  "core:data:redact_pii_in_logs": true,
};

/** Reasons that no constraint key names: where they come from (SPEC §2, §7, §10). */
const OTHER_REASONS = {
  allowed: "every allow",
  emergency_stopped: "the passport's emergency stop (state, step 1)",
  passport_revoked: "`status: revoked`",
  passport_not_yet_valid: "`now < not_before`",
  passport_expired: "`now ≥ expires_at`",
  permission_denied: "a non-empty `permissions` list that matches no pattern of the action",
  invalid_target: "a target given with a domain list whose host cannot be read",
  approval_already_pending: "a hold while another approval of the passport is pending (rule `core:approval:pending`; its `holds` still lists the holds)",
};

const refName = (ref) => ref.split("/").pop();
const cell = (s) => String(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (v) => `\`${JSON.stringify(v)}\``;

function valueOf(prop) {
  const name = prop.$ref ? refName(prop.$ref) : undefined;
  const def = name ? defs[name] : prop;
  const parts = [name ? `${name}` : def.type];
  if (def.type === "integer") parts.push(`integer ${def.minimum ?? 0}..${def.maximum === 9007199254740991 ? "2^53−1" : def.maximum}`);
  if (def.enum) parts.push(def.enum.map((e) => `\`${e}\``).join(" | "));
  return { text: parts.join(": "), about: def.description ?? "", name };
}

function reasonsIn(text) {
  const known = new Set(decision.$defs.ReasonCode.enum);
  return [...text.matchAll(/\(([a-z_]+)(?:, [a-z ]+)?\)/g)].map((m) => m[1]).filter((r) => known.has(r));
}

function render() {
  const out = [];
  out.push("# Constraint reference", "");
  out.push(
    "<!-- generated — do not edit. From schemas/constraints.schema.json and schemas/decision.schema.json by scripts/gen-reference.mjs; run `npm run gen`. -->",
    "",
  );
  out.push(
    "A passport's `constraints` object maps keys to values. Every key below is `core:<family>:<name>`;",
    "keys in other namespaces are kept and ignored (a warning), and a key that looks like a misspelled",
    "`core:` key is an error with a did-you-mean hint. The behaviour contract is [`spec.md`](spec.md).",
    "",
    "**How they compare.** Every cap blocks when the amount is strictly *above* it: `max_per_day: 10000`",
    "allows a day that ends at exactly 10000 cents and blocks the request that would make it 10001.",
    "Spending caps count `spent + held + cost` (held = pending reservations of requests waiting for",
    "approval); rate caps count the actions in the window plus this one.",
    "",
    "**Windows.** All in UTC: a day is the calendar day, a week the ISO week from Monday 00:00, a month",
    "the calendar month; `max_total` never resets. The minute and hour rate windows slide (the last 60",
    "seconds, the last 60 minutes). Operating hours are the one exception: each range is read on the",
    "wall clock of its own `timezone`.",
    "",
    "**Order.** The pipeline is fixed (SPEC §2): emergency stop and fail-closed; passport status and",
    "validity; permissions; action and domain lists; read-only; blackout windows and operating hours;",
    "secrets and PII; cost caps; rate limits; then the holds. The first block ends evaluation; with no",
    "block, any hold gives `request_hold`.",
    "",
  );
  const keys = Object.entries(constraints.properties);
  for (const [family, title] of Object.entries(FAMILIES)) {
    const rows = keys.filter(([k]) => k.startsWith(`core:${family}:`));
    if (rows.length === 0) continue;
    out.push(`## ${title}`, "", "| key | value | what it does | reason | example |", "|---|---|---|---|---|");
    for (const [key, prop] of rows) {
      const v = valueOf(prop);
      const example = KEY_EXAMPLES[key] ?? EXAMPLES[v.name];
      if (example === undefined) throw new Error(`no example for ${key}: add one to KEY_EXAMPLES`);
      const reasons = reasonsIn(prop.description ?? "");
      out.push(`| \`${key}\` | ${cell(v.text)} | ${cell(prop.description)} | ${reasons.map((r) => `\`${r}\``).join(", ") || "—"} | ${cell(code(example))} |`);
    }
    out.push("");
  }
  out.push("## Value types", "", "| type | meaning |", "|---|---|");
  const used = [...new Set(keys.map(([, p]) => (p.$ref ? refName(p.$ref) : null)).filter(Boolean))].sort();
  for (const name of used) out.push(`| ${name} | ${cell(defs[name].description ?? "")} |`);
  out.push("");
  out.push("## Reason codes", "", "Every decision names one reason:", "");
  const byKey = new Map();
  for (const [key, prop] of keys) for (const r of reasonsIn(prop.description ?? "")) byKey.set(r, [...(byKey.get(r) ?? []), key]);
  out.push("| reason | from |", "|---|---|");
  for (const reason of decision.$defs.ReasonCode.enum) {
    const from =
      byKey
        .get(reason)
        ?.map((k) => `\`${k}\``)
        .join(", ") ?? OTHER_REASONS[reason];
    if (from === undefined) throw new Error(`reason ${reason} is named by no constraint description and not in OTHER_REASONS`);
    out.push(`| \`${reason}\` | ${from} |`);
  }
  out.push("");
  return out.join("\n");
}

const text = render();
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(OUT, "utf8");
  } catch {
    /* missing counts as stale */
  }
  if (current !== text) {
    console.error("docs/constraints.md is stale: run `npm run gen`");
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
  console.log("wrote docs/constraints.md");
}
