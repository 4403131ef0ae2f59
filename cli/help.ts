// Help texts: `warden --help` and `warden <command> --help`.

import { VERSION } from "./version";
import { KEYS_HELP } from "./commands/keys";
import { SERVE_HELP } from "./commands/serve";
import { MCP_HELP } from "./commands/mcp";

export const MAIN_HELP = `warden ${VERSION} — policy-as-code guardrails for AI agents

Usage:
  warden test PATH...          run the fixtures (.yaml, .yml, .json) under the paths
  warden eval --passport P --action A [options]
                               decide one request against a passport
  warden check PASSPORT...     validate passports, listing every problem
  warden serve [options]       run the enforcement HTTP API (docs/server.md)
  warden keys create --issuer ISSUER
                               create an API key for warden serve (shown once)
  warden mcp --passport ID     MCP server on stdio for Claude Desktop, Cursor (docs/human-in-the-loop.md)

Options:
  -h, --help                   show help (also: warden <command> --help)
  -v, --version                print the version
      --debug                  show stack traces for internal errors

Exit codes: 0 success, 1 failures or problems found, 2 usage errors.
Docs: docs/cli.md
`;

export const COMMAND_HELP: Record<string, string> = {
  serve: SERVE_HELP,
  keys: KEYS_HELP,
  mcp: MCP_HELP,
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
time zones, schedules and windows. Keys outside the core: namespace are reported as warnings.

Options:
      --json                   print a machine-readable report
      --debug                  show stack traces for internal errors

Exit codes: 0 every passport is valid, 1 a passport has problems, 2 usage error.

Example:
  warden check examples/passports/
`,
};
