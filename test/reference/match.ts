// Reference model, matching (SPEC §3, §4): action patterns, sentinels, verbs and domain entries.

import { type Entry, isIp } from "./hosts";

/**
 * Lower case, one code point at a time (simple case mapping: the number of code points never
 * changes; a code point whose lower case is longer, like İ, stays as it is).
 */
export function foldCase(s: string): string {
  let out = "";
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += [...lower].length === 1 ? lower : ch;
  }
  return out;
}

/** Case-insensitive glob where `*` matches any run of characters (also none). */
export function patternMatches(pattern: string, action: string): boolean {
  const p = [...foldCase(pattern)],
    a = [...foldCase(action)];
  // can[i][j]: p[i..] matches a[j..]; filled from the end.
  let next: boolean[] = new Array<boolean>(a.length + 1).fill(false);
  next[a.length] = true;
  for (let i = p.length - 1; i >= 0; i--) {
    const row = new Array<boolean>(a.length + 1).fill(false);
    for (let j = a.length; j >= 0; j--) {
      if (p[i] === "*") row[j] = next[j]! || (j < a.length && row[j + 1]!);
      else row[j] = j < a.length && p[i] === a[j] && next[j + 1]!;
    }
    next = row;
  }
  return next[0]!;
}

export const anyPatternMatches = (patterns: readonly string[], action: string): boolean => patterns.some((p) => patternMatches(p, action));

const HIGH_RISK = [
  "db:write*",
  "db:delete*",
  "db:drop*",
  "db:update*",
  "db:insert*",
  "db:truncate*",
  "db:migrate*",
  "code:deploy*",
  "deploy:*",
  "payments:*",
  "payment:*",
  "money:*",
  "transfer:*",
  "billing:charge*",
  "secrets:read*",
  "secret:read*",
  "vault:read*",
  "email:send*",
  "mail:send*",
];
const SIDE_EFFECTS_LOWER_STAKES = [
  "files:write*",
  "files:delete*",
  "file:write*",
  "file:delete*",
  "calendar:write*",
  "calendar:create*",
  "calendar:update*",
  "calendar:delete*",
  "code:execute*",
  "code:run*",
  "shell:exec*",
];
const SENSITIVE_DATA = ["pii:*", "secrets:read*", "secret:read*", "vault:read*", "customers:read*", "users:read*", "credentials:*"];
const DESTRUCTIVE = ["*:delete*", "*:drop*", "*:truncate*", "*:destroy*", "db:write*"];

export const SENTINELS: Readonly<Record<string, readonly string[]>> = {
  high_risk: HIGH_RISK,
  side_effects_lower_stakes: SIDE_EFFECTS_LOWER_STAKES,
  high_risk_and_side_effects_lower_stakes: [...HIGH_RISK, ...SIDE_EFFECTS_LOWER_STAKES],
  sensitive_data: SENSITIVE_DATA,
  destructive: DESTRUCTIVE,
  destructive_and_sensitive: [...DESTRUCTIVE, ...SENSITIVE_DATA],
};

/**
 * core:approval:for_actions entries with the sentinels expanded. The SPEC is silent on the case of
 * a sentinel's name; like every action comparison, it is case-insensitive (`HIGH_RISK` expands).
 */
export function expandSentinels(entries: readonly string[]): string[] {
  return entries.flatMap((e) => {
    const name = foldCase(e);
    return Object.hasOwn(SENTINELS, name) ? SENTINELS[name]! : [e];
  });
}

export const WRITE_VERBS: ReadonlySet<string> = new Set([
  // SPEC §4
  "write",
  "create",
  "update",
  "delete",
  "remove",
  "insert",
  "upsert",
  "put",
  "post",
  "patch",
  "send",
  "deploy",
  "execute",
  "exec",
  "run",
  "transfer",
  "pay",
  "purchase",
  "buy",
  "book",
  "drop",
  "truncate",
  "modify",
  "edit",
  "move",
  "rename",
  "upload",
  "publish",
  "grant",
  "revoke",
  "set",
  // SPEC §10 "Write verbs"
  "destroy",
  "migrate",
  "charge",
  "push",
  "commit",
  "import",
  "kill",
  "terminate",
  "cancel",
  "refund",
  "archive",
  "restore",
  "invite",
  "share",
  "merge",
  // SPEC §11 "Bypasses closed"
  "purge",
  "wipe",
  "rm",
  "erase",
  "unlink",
  "overwrite",
  "reset",
  "clear",
  "flush",
  "shred",
]);

/** The first word of the action's verb (SPEC §4, §10). */
export function firstWordOfVerb(action: string): string {
  const verb = action.slice(action.lastIndexOf(":") + 1);
  let end = 0;
  while (end < verb.length) {
    const c = verb[end]!;
    if (c === "_" || c === "-" || c === ".") break;
    if (end > 0 && /[a-z]/.test(verb[end - 1]!) && /[A-Z]/.test(c)) break;
    end++;
  }
  return verb.slice(0, end);
}

export const isWriteAction = (action: string): boolean => WRITE_VERBS.has(foldCase(firstWordOfVerb(action)));

/** Whether a canonical host matches a list entry (SPEC §3). */
export function domainMatches(entry: Entry, host: string): boolean {
  if (isIp(entry.host) || isIp(host)) return !entry.subdomainsOnly && entry.host === host;
  if (host.endsWith("." + entry.host)) return true;
  return !entry.subdomainsOnly && host === entry.host;
}
