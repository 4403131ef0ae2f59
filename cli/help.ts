// Help texts: `warden --help` and `warden <command> --help`.

import { VERSION } from "./version";
import { KEYS_HELP } from "./commands/keys";
import { SERVE_HELP } from "./commands/serve";
import { MCP_HELP } from "./commands/mcp";
import { PROXY_HELP } from "./commands/proxy";
import { AUDIT_HELP } from "./commands/audit";

export const MAIN_HELP = `warden ${VERSION} — policy-as-code guardrails for AI agents

Usage:
  warden test PATH...          run the fixtures (.yaml, .yml, .json) under the paths
  warden eval --passport P --action A [options]
                               decide one request against a passport
  warden check PASSPORT...     validate passports, listing every problem
  warden replay --passport NEW [--baseline OLD] INPUT...
                               replay recorded traffic through a changed passport
  warden diff OLD NEW          the classes of request two passports decide differently
  warden serve [options]       run the enforcement HTTP API (docs/server.md)
  warden keys create --issuer ISSUER
                               create an API key for warden serve (shown once)
  warden audit verify [options]
                               check the audit log (signatures, witness checkpoints, counters)
  warden mcp --passport ID     MCP server on stdio for Claude Desktop, Cursor (docs/human-in-the-loop.md)
  warden proxy --config FILE   MCP gateway: every tool call of downstream servers decided first (docs/gateway.md)

Options:
  -h, --help                   show help (also: warden <command> --help)
  -v, --version                print the version
      --debug                  show stack traces for internal errors

Exit codes: 0 success, 1 failures or problems found, 2 usage errors.
Docs: docs/cli.md
`;

export const COMMAND_HELP: Record<string, string> = {
  replay: `Usage: warden replay --passport NEW [--baseline OLD] INPUT... [--json]

Replays recorded requests in time order through the passport NEW, with the counters (spend and rate
windows, anomaly baseline) rebuilt from the replayed decisions in the module, and reports every
request decided differently from the baseline: the passport OLD replayed the same way, or without
--baseline the decisions the recording holds. A hold counts as approved at once, unless the
recording says how it was answered (then as recorded, at the recorded time).

INPUT is JSON Lines, one object per line, any mix of:
  {"at", "action", "cost_cents"?, "target"?, "context"?, "action_id"?}     a request
     plus "decision"?, "reason"?, "rule"? (what was decided), "approval"? (approved | denied |
     expired) and "approval_at"? (when); a gateway log adds "tool", "server", "arguments"
  a record of an attestation export (GET /v1/passports/:id/attestations of warden serve)

Options:
      --passport FILE          the passport to replay through (JSON or YAML)   (required)
      --baseline FILE          the passport to compare with (default: the recorded decisions)
      --json                   print {total, changed, flips, by_rule, examples}
      --debug                  show stack traces for internal errors

Exit codes: 0 nothing changes, 1 some request is decided differently, 2 usage error or an input
or passport that cannot be used.

Example:
  warden replay --passport examples/passports/research-agent-v2.json examples/traffic/research-agent.jsonl
`,
  diff: `Usage: warden diff OLD NEW [--json]

Lists the classes of request the two passports decide differently. Probes are built from the
constraints themselves (list entries added or removed, action patterns, permissions, every cap and
rate limit ± 1, the edges of operating hours, blackouts and validity, detection switches), each
evaluated against both passports in the module. A class is the first rule, in pipeline order,
whose outcome differs (e.g. core:cost:max_per_day: pass → block); each comes with concrete
requests, counter snapshots and times for every from → to found, and the range of each numeric
input (cost, counters, time) over which the example stays in its class.

Options:
      --json                   print {equivalent, changed_keys, classes}
      --debug                  show stack traces for internal errors

Exit codes: 0 equivalent, 1 not, 2 usage error or a passport that cannot be used.

Example:
  warden diff examples/passports/research-agent.json examples/passports/research-agent-v2.json
`,
  serve: SERVE_HELP,
  keys: KEYS_HELP,
  mcp: MCP_HELP,
  proxy: PROXY_HELP,
  audit: AUDIT_HELP,
  test: `Usage: warden test PATH... [options]

Runs every fixture file (.yaml, .yml, .json) under the paths, recursively. A fixture is one
case, or \`cases:\` sharing a top-level passport (SPEC §9). Single-shot cases run through the
engine; \`steps\` cases run through an in-memory enforcer whose clock each step's \`at\` sets.
Files a directory walk finds that are passports, not fixtures, are skipped.

Prints one line per failing case (file:line, case name, each field expected vs actual), a
coverage summary of the rules the fixtures saw pass and fire, and last \`N passed, N failed\`.

Options:
      --filter TEXT            run only the cases whose name or file path contains TEXT
      --json                   print a machine-readable report (same as --reporter json)
      --reporter NAME          pretty (default), json or junit (JUnit XML for CI)
      --coverage               print the coverage table: every rule, times passed and fired
      --verbose                also list passing cases and skipped files
      --debug                  show stack traces for internal errors

Exit codes: 0 all cases passed, 1 a case failed (or none ran), 2 usage error.

Example:
  warden test examples/
  warden test examples/fixtures/ --filter "daily cap" --reporter junit > report.xml
`,
  eval: `Usage: warden eval --passport FILE --action ACTION [options]

Decides one request against a passport, a counter snapshot and a time, and prints the decision.

Options:
      --passport FILE          the passport (JSON or YAML)                      (required)
      --action ACTION          the action, like web:search                     (required)
      --cost CENTS             the cost in integer cents (default 0)
      --target TARGET          a URL or host, like https://serpapi.com/search
      --context JSON           the request context: a JSON object, or @file
      --action-id ID           the request's action_id
      --counters JSON          the counter snapshot (SPEC §6): a JSON object, or @file
      --now TIME               the time to decide at, RFC 3339 (default: now)
      --explain                include the trace: every rule and its outcome
      --json                   print the decision as JSON
      --debug                  show stack traces for internal errors

Exit codes: 0 a decision was printed (whatever it is), 1 the passport or request is invalid,
2 usage error.

Example:
  warden eval --passport examples/passports/research-agent.json --action web:search \\
    --cost 20 --target serpapi.com --counters '{"spent_today_cents": 9990}' \\
    --now 2026-02-24T15:00:00Z --explain
`,
  check: `Usage: warden check PASSPORT... [options]

Validates passports (JSON or YAML files, or directories of them) and lists every problem with
its JSON path and line: unknown or misspelled constraint keys, wrong types and ranges, hosts,
time zones, schedules and windows. Keys outside the core: namespace are reported as warnings,
and so are constraints that cannot do what they seem to mean together: an approval threshold at
or above a cost cap (the hold never fires), a per-action cap at or above a spending cap, a cost
cap under 100 cents (dollars written as cents?).
A file with \`servers:\` (and no constraints) is checked as a \`warden proxy\` config instead
(schemas/proxy-config.schema.json), with the same paths, lines and did-you-mean hints.

Options:
      --strict                 fail on those warnings too
      --json                   print a machine-readable report
      --debug                  show stack traces for internal errors

Exit codes: 0 every passport is valid, 1 a passport has problems (or warnings, with --strict),
2 usage error.

Example:
  warden check examples/passports/
`,
};
