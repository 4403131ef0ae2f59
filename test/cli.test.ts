// The `warden` CLI in-process: test (pass, fail, malformed fixtures, reporters, filter, steps), eval, check, help.
import { describe, expect, it } from "vitest";
import { main } from "../cli/main";
import { lastLine, tree, warden } from "./cli-helpers";

const PASSPORT = JSON.stringify({ id: "pass_cli", constraints: { "core:cost:max_per_day": 1000, "core:cost:approval_threshold": 500 } }, null, 2);

const GOOD = `name: shared passport suite
passport: ../passports/p.json
x-now: &now "2026-02-24T15:00:00Z"
cases:
  - name: under the cap
    now: *now
    request: { action: "web:search", cost_cents: 10 }
    expect: { decision: allow }
  - name: over the cap
    now: *now
    counters: { spent_today_cents: 995 }
    request: { action: "web:search", cost_cents: 10 }
    expect: { decision: block, reason: cost_limit_exceeded, observed: 1005 }
  - name: a case's own passport wins
    passport: { constraints: { "core:approval:required": true } }
    now: *now
    request: { action: "web:search", cost_cents: 10 }
    expect: { decision: request_hold, holds: ["core:approval:required"] }
`;

const WRONG = `name: wrong expectation
passport: ../passports/p.json
now: "2026-02-24T15:00:00Z"
counters: { spent_today_cents: 995 }
request: { action: "web:search", cost_cents: 10 }
expect:
  decision: allow
  reason: allowed
  retryable: true
`;

const STEPS = `name: approval flow
passport: ../passports/p.json
steps:
  - at: "2026-02-24T10:00:00Z"
    enforce: { action: "travel:book", cost_cents: 800 }
    expect: { decision: request_hold, holds: ["core:cost:approval_threshold"] }
  - at: "2026-02-24T10:01:00Z"
    approve: last
    expect: { status: approved, permit: true }
  - at: "2026-02-24T10:01:01Z"
    state: {}
    expect: { spent_today_cents: 800, held_cents: 0, last_action_at: "2026-02-24T10:01:00Z" }
`;

function suite(extra: Record<string, string> = {}): string {
  return tree({ "passports/p.json": PASSPORT, "fixtures/good.yaml": GOOD, ...extra });
}

describe("warden test", () => {
  it("passes a suite with a shared passport, anchors and a case's own passport; exit 0 and the summary last", async () => {
    const dir = suite({ "fixtures/steps.yml": STEPS });
    const r = await warden(["test", "fixtures"], dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(lastLine(r)).toBe("4 passed, 0 failed");
    expect(r.stdout).not.toContain("FAIL");
  });

  it("prints one line per failing case: file:line, name, each field expected vs actual; exit 1", async () => {
    const dir = suite({ "fixtures/wrong.yaml": WRONG });
    const r = await warden(["test", "fixtures/"], dir);
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe("3 passed, 1 failed");
    const fails = r.lines.filter((l) => l.startsWith("FAIL"));
    expect(fails).toHaveLength(1);
    expect(fails[0]).toBe(
      "FAIL fixtures/wrong.yaml:1  wrong expectation — expect.decision (line 7): expected allow, got block " +
        "(the engine: block, cost_limit_exceeded by core:cost:max_per_day: projected daily spend 1005 > limit 1000 (spent 995, held 0, this action 10)); " +
        "expect.reason (line 8): expected allowed, got cost_limit_exceeded",
    );
  });

  it("compares only the fields given, and holds as a set of rules", async () => {
    const dir = suite({
      "fixtures/holds.yaml": `name: holds as a set
passport: { constraints: { "core:approval:required": true, "core:cost:approval_threshold": 5 } }
now: "2026-02-24T15:00:00Z"
request: { action: "a", cost_cents: 10 }
expect: { holds: ["core:cost:approval_threshold", "core:approval:required"] }
`,
      "fixtures/holds-wrong.yaml": `name: a missing hold
passport: { constraints: { "core:approval:required": true, "core:cost:approval_threshold": 5 } }
now: "2026-02-24T15:00:00Z"
request: { action: "a", cost_cents: 10 }
expect: { holds: ["core:approval:required"] }
`,
    });
    const r = await warden(["test", "fixtures/holds.yaml", "fixtures/holds-wrong.yaml"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("expect.holds (line 5): expected [core:approval:required], got [core:approval:required, core:cost:approval_threshold]");
    expect(lastLine(r)).toBe("1 passed, 1 failed");
  });

  it("reports malformed fixtures as failures naming file, field and line, and runs the other files", async () => {
    const dir = suite({
      "fixtures/bad-yaml.yaml": "name: broken\nrequest: [\n",
      "fixtures/missing-field.yaml": `name: no expect\npassport: ../passports/p.json\nnow: "2026-02-24T15:00:00Z"\nrequest: { action: a }\n`,
      "fixtures/wrong-type.yaml": `name: cost as text\npassport: ../passports/p.json\nnow: "2026-02-24T15:00:00Z"\nrequest:\n  action: a\n  cost_cents: "12"\nexpect: { decision: allow }\n`,
      "fixtures/bad-verb.yaml": `name: typo in a verb\npassport: ../passports/p.json\nsteps:\n  - at: "2026-02-24T10:00:00Z"\n    aprove: last\n`,
      "fixtures/no-passport-file.yaml": `name: passport file missing\npassport: ../passports/nope.json\nnow: "2026-02-24T15:00:00Z"\nrequest: { action: a }\nexpect: { decision: allow }\n`,
      "fixtures/list.json": "[1, 2]",
    });
    const r = await warden(["test", "fixtures"], dir);
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe("3 passed, 6 failed");
    const line = (file: string) => r.lines.find((l) => l.startsWith(`FAIL fixtures/${file}`)) ?? `no line for ${file}`;
    expect(line("bad-yaml.yaml")).toMatch(/^FAIL fixtures\/bad-yaml\.yaml:3 — .*(indented|\])/);
    expect(line("missing-field.yaml")).toContain("no expect — expect: is required");
    expect(line("wrong-type.yaml")).toContain("request.cost_cents (line 6): has the wrong type");
    expect(line("wrong-type.yaml")).toContain('found "12"');
    expect(line("bad-verb.yaml")).toContain('steps[0].aprove (line 5): unknown step verb "aprove"; did you mean "approve"?');
    expect(line("no-passport-file.yaml")).toContain("passport (line 2): ../passports/nope.json (passports/nope.json): no such file");
    expect(line("list.json")).toContain("expected a fixture");
    expect(r.stderr).toBe("");
  });

  it("names the field of an invalid inline passport with its line", async () => {
    const dir = tree({
      "f.yaml": `name: typo in a constraint\npassport:\n  constraints:\n    core:cost:max_per_dya: 100\nnow: "2026-02-24T15:00:00Z"\nrequest: { action: a }\nexpect: { decision: allow }\n`,
    });
    const r = await warden(["test", "f.yaml"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'passport.constraints["core:cost:max_per_dya"] (line 4): unknown constraint "core:cost:max_per_dya"; did you mean "core:cost:max_per_day"?',
    );
  });

  it("steps: a passport without id, time going backwards and a failing step are reported", async () => {
    const dir = tree({
      "f.yaml": `cases:
  - name: no id
    passport: { constraints: {} }
    steps:
      - { at: "2026-02-24T10:00:00Z", heartbeat: {} }
  - name: backwards
    passport: { id: p1 }
    steps:
      - { at: "2026-02-24T10:00:00Z", heartbeat: {} }
      - { at: "2026-02-24T09:00:00Z", heartbeat: {} }
  - name: wrong state
    passport: { id: p2 }
    steps:
      - { at: "2026-02-24T10:00:00Z", enforce: { action: a, cost_cents: 5 } }
      - { at: "2026-02-24T10:00:01Z", state: {}, expect: { spent_today_cents: 6 } }
      - { at: "2026-02-24T10:00:02Z", heartbeat: {} }
`,
    });
    const r = await warden(["test", "f.yaml"], dir);
    expect(r.code).toBe(1);
    expect(lastLine(r)).toBe("0 passed, 3 failed");
    expect(r.stdout).toContain("no id — passport.id (line 3): has no id: steps cases run through the enforcer");
    expect(r.stdout).toContain("backwards — steps[1].at (line 10): is before the previous step's time");
    expect(r.stdout).toContain("wrong state — steps[1].expect.spent_today_cents (line 15): expected 6, got 5 (the 1 later step did not run)");
  });

  it("--json prints a machine-readable report with failures, coverage and the same exit code", async () => {
    const dir = suite({ "fixtures/wrong.yaml": WRONG });
    const r = await warden(["test", "fixtures", "--json"], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ passed: 3, failed: 1, files: 2, filter: null, skipped: [] });
    const failed = report.cases.find((c: { status: string }) => c.status === "failed");
    expect(failed).toMatchObject({ file: "fixtures/wrong.yaml", line: 1, name: "wrong expectation", kind: "snapshot" });
    expect(failed.failures[0]).toMatchObject({ kind: "mismatch", field: "expect.decision", line: 7, expected: "allow", actual: "block" });
    const rule = report.coverage.rules.find((x: { rule: string }) => x.rule === "core:cost:max_per_day");
    expect(rule).toEqual({ rule: "core:cost:max_per_day", passed: 1, fired: 2 });
    // Coverage counts the rules the tested passports configure, not the whole catalogue.
    expect(report.coverage.rules.map((x: { rule: string }) => x.rule)).toEqual([
      "core:cost:max_per_day",
      "core:approval:required",
      "core:cost:approval_threshold",
    ]);
    expect(report.coverage.never_fired).toEqual(["core:cost:approval_threshold"]);
  });

  it("--reporter junit prints JUnit XML: failures for wrong answers, errors for malformed fixtures", async () => {
    const dir = suite({ "fixtures/wrong.yaml": WRONG, "fixtures/bad.yaml": "name: x\nrequest: [\n" });
    const r = await warden(["test", "fixtures", "--reporter", "junit"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="warden test" tests="5" failures="1" errors="1"')).toBe(true);
    expect(r.stdout).toContain('<testsuite name="fixtures/good.yaml" tests="3" failures="0" errors="0"');
    expect(r.stdout).toMatch(
      /<testcase name="wrong expectation" classname="fixtures\/wrong.yaml" file="fixtures\/wrong.yaml" line="1" time="[\d.]+">\s*<failure message="expect.decision: expected allow, got block \(the engine: block, cost_limit_exceeded by core:cost:max_per_day: projected daily spend 1005 &gt; limit 1000[^"]*" type="mismatch">/,
    );
    expect(r.stdout).toMatch(/<error message="[^"]+" type="invalid_yaml">/);
    expect(r.stdout.match(/<testcase /g)).toHaveLength(5);
    expect(r.stdout.trimEnd().endsWith("</testsuites>")).toBe(true);
  });

  it("--filter runs only the cases whose name or file contains the text", async () => {
    const dir = suite({ "fixtures/wrong.yaml": WRONG });
    const byName = await warden(["test", "fixtures", "--filter", "OVER THE"], dir);
    expect(byName.code).toBe(0);
    expect(lastLine(byName)).toBe("1 passed, 0 failed");
    const byFile = await warden(["test", "fixtures", "--filter", "wrong.yaml"], dir);
    expect(lastLine(byFile)).toBe("0 passed, 1 failed");
    const none = await warden(["test", "fixtures", "--filter", "nothing matches this"], dir);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no case matches --filter "nothing matches this"');
    expect(lastLine(none)).toBe("0 passed, 0 failed");
  });

  it("skips passports a directory walk finds, but a file named on the command line is a fixture", async () => {
    const dir = suite();
    const walk = await warden(["test", "."], dir);
    expect(walk.code).toBe(0);
    expect(walk.stdout).toContain("skipped 1 file that is not a fixture");
    const named = await warden(["test", "passports/p.json"], dir);
    expect(named.code).toBe(1);
    expect(named.stdout).toContain("FAIL passports/p.json");
  });

  it("resolves passport paths relative to the fixture file, not the working directory", async () => {
    const dir = suite();
    const r = await warden(["test", `${dir}/fixtures/good.yaml`], "/");
    expect(r.code).toBe(0);
    expect(lastLine(r)).toBe("3 passed, 0 failed");
  });

  it("prints the coverage summary, and the full table with --coverage", async () => {
    // The rate cap is configured but a permission block always comes first; fail-closed is off.
    const dir = suite({
      "fixtures/perm.yaml": `name: not permitted
passport: { permissions: ["web:*"], constraints: { "core:rate:max_per_minute": 5, "core:safety:fail_closed": false } }
now: "2026-02-24T15:00:00Z"
request: { action: "mail:send" }
expect: { decision: block, rule: "passport:permissions" }
`,
    });
    const r = await warden(["test", "fixtures"], dir);
    expect(r.stdout).toMatch(/^coverage: 4\/5 configured rules exercised, 3 fired, 2 passed \(4 decisions\)$/m);
    expect(r.stdout).toMatch(/^ {2}never fired: core:cost:approval_threshold$/m);
    expect(r.stdout).toMatch(/^ {2}never passed: passport:permissions, core:approval:required$/m);
    expect(r.stdout).toMatch(/^ {2}not exercised: core:rate:max_per_minute$/m);
    expect(r.stdout).not.toContain("fail_closed");
    const table = await warden(["test", "fixtures", "--coverage"], dir);
    expect(table.stdout).toMatch(/^ {2}core:cost:max_per_day +1 +1$/m);
    expect(table.stdout).toMatch(/^ {2}core:approval:required +0 +1$/m);
  });

  it("exits 2 on usage errors, in plain words", async () => {
    const dir = suite();
    const cases: [string[], RegExp][] = [
      [["test"], /give at least one file or directory/],
      [["test", "no/such/dir"], /no\/such\/dir: no such file or directory/],
      [["test", "fixtures", "--reporter", "tap"], /unknown reporter "tap": expected one of pretty, json, junit/],
      [["test", "fixtures", "--frobnicate"], /^warden test: unknown option --frobnicate\n/],
      [["test", "fixtures", "--filter"], /--filter needs a value/],
      [["test", "fixtures", "--json", "--reporter", "junit"], /choose one/],
      [["test", "passports/none"], /no such file/],
      [["tset"], /unknown command "tset"; did you mean "test"\?/],
    ];
    for (const [args, message] of cases) {
      const r = await warden(args, dir);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr).toMatch(/Run `warden( test)? --help` for usage\./);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("an internal error is exit 1 in plain words; the stack only with --debug", async () => {
    const dir = suite();
    const io = (debug: boolean, out: string[]) => ({
      stdout: () => {
        throw new Error("disk full");
      },
      stderr: (t: string) => {
        out.push(t);
      },
      cwd: dir,
      color: false,
      debug,
    });
    const plain: string[] = [];
    expect(await main(["test", "fixtures"], io(false, plain))).toBe(1);
    expect(plain.join("")).toBe("warden test: internal error: disk full\n(run again with --debug for the stack trace)\n");
    const debug: string[] = [];
    expect(await main(["test", "fixtures", "--debug"], io(false, debug))).toBe(1);
    expect(debug.join("")).toMatch(/^warden test: internal error: disk full\nError: disk full\n\s+at /);
  });

  it("exits 2 when the paths hold no fixtures", async () => {
    const dir = tree({ "p.json": PASSPORT });
    const r = await warden(["test", "."], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no fixtures found under .");
  });
});

describe("warden eval", () => {
  const passportDir = () => tree({ "p.json": PASSPORT, "bad.yaml": "constraints:\n  core:cost:max_per_day: -5\n" });

  it("prints the decision in plain words, with the trace on --explain", async () => {
    const dir = passportDir();
    const r = await warden(
      [
        "eval",
        "--passport",
        "p.json",
        "--action",
        "web:search",
        "--cost",
        "10",
        "--counters",
        '{"spent_today_cents": 995}',
        "--now",
        "2026-02-24T15:00:00Z",
        "--explain",
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(r.lines[0]).toBe("BLOCK  cost_limit_exceeded  (core:cost:max_per_day)");
    expect(r.stdout).toContain("projected daily spend 1005 > limit 1000");
    expect(r.stdout).toContain("limit 1000, observed 1005, retryable: may pass later");
    expect(r.stdout).toMatch(/trace:\n {4}pass {4}core:safety:emergency_stop\n/);
    expect(r.stdout).toMatch(/ {4}block {3}core:cost:max_per_day\n {4}skipped core:cost:approval_threshold/);
  });

  it("--json prints the raw decision", async () => {
    const dir = passportDir();
    const r = await warden(
      [
        "eval",
        "--passport",
        "p.json",
        "--action",
        "travel:book",
        "--cost",
        "600",
        "--target",
        "example.com",
        "--context",
        '{"trip": "Berlin"}',
        "--now",
        "2026-02-24T15:00:00Z",
        "--json",
      ],
      dir,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      decision: "request_hold",
      reason: "cost_requires_approval",
      holds: [{ rule: "core:cost:approval_threshold", reason: "cost_requires_approval" }],
    });
    expect(JSON.parse(r.stdout).evaluated).toBeUndefined();
  });

  it("reads --counters and --context from a file with @", async () => {
    const dir = tree({ "p.json": PASSPORT, "c.json": '{"spent_today_cents": 1000}' });
    const r = await warden(
      ["eval", "--passport", "p.json", "--action", "a", "--cost", "1", "--counters", "@c.json", "--json", "--now", "2026-02-24T15:00:00Z"],
      dir,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ decision: "block", observed: 1001 });
  });

  it("an invalid passport is exit 1 with every problem, its path and line; no stack trace", async () => {
    const dir = passportDir();
    const r = await warden(["eval", "--passport", "bad.yaml", "--action", "a"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("warden eval: bad.yaml is not a valid passport:");
    expect(r.stderr).toContain('bad.yaml:2 constraints["core:cost:max_per_day"]: is out of range');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an invalid request is exit 1 in plain words", async () => {
    const dir = passportDir();
    const r = await warden(["eval", "--passport", "p.json", "--action", "a", "--counters", '{"spent_today": 1}'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^warden eval: invalid counter snapshot: spent_today: /);
  });

  it("usage errors are exit 2", async () => {
    const dir = passportDir();
    for (const [args, message] of [
      [["eval", "--passport", "p.json"], /--action ACTION is required/],
      [["eval", "--action", "a"], /--passport FILE is required/],
      [["eval", "--passport", "p.json", "--action", "a", "--cost", "2.5"], /--cost takes integer cents/],
      [["eval", "--passport", "p.json", "--action", "a", "--context", "{oops"], /--context is not valid JSON/],
      [["eval", "--passport", "p.json", "--action", "a", "extra"], /takes no arguments besides its options/],
    ] as [string[], RegExp][]) {
      const r = await warden(args, dir);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("warden check", () => {
  it("exit 0 for valid passports, warnings for ignored keys", async () => {
    const dir = tree({ "a.json": PASSPORT, "b.yaml": "constraints:\n  acme:region: eu\n" });
    const r = await warden(["check", "a.json", "b.yaml"], dir);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      "ok   a.json",
      "ok   b.yaml",
      '  warning: constraints["acme:region"] is not a core: key; the engine keeps and ignores it',
      "2 passports checked, 0 with problems",
    ]);
  });

  it("lists every problem with its JSON path and line; exit 1", async () => {
    const dir = tree({
      "bad.json": `{
  "status": "paused",
  "constraints": {
    "core:cost:max_per_dya": 100,
    "core:rate:max_per_minute": "ten",
    "core:scope:domain_allowlist": ["https://example.com/x"]
  }
}
`,
      "good.json": PASSPORT,
    });
    const r = await warden(["check", "."], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL bad.json: 4 problems");
    expect(r.stdout).toContain(
      '  bad.json:4 constraints["core:cost:max_per_dya"]: unknown constraint "core:cost:max_per_dya"; did you mean "core:cost:max_per_day"?',
    );
    expect(r.stdout).toContain('  bad.json:5 constraints["core:rate:max_per_minute"]: has the wrong type');
    expect(r.stdout).toContain('  bad.json:6 constraints["core:scope:domain_allowlist"][0]: is not a host');
    expect(r.stdout).toContain("  bad.json:2 status: is not an allowed value");
    expect(r.stdout).toContain("ok   good.json");
    expect(lastLine(r)).toBe("2 passports checked, 1 with problems");
    const json = await warden(["check", "bad.json", "--json"], dir);
    expect(JSON.parse(json.stdout)).toMatchObject({ checked: 1, invalid: 1, passports: [{ file: "bad.json", ok: false }] });
    expect(JSON.parse(json.stdout).passports[0].problems[0]).toMatchObject({ path: expect.any(String), line: expect.any(Number), code: expect.any(String) });
  });

  it("a file that is not YAML or JSON is a problem with its line", async () => {
    const dir = tree({ "broken.json": '{ "id": "x",\n  "constraints": { \n' });
    const r = await warden(["check", "broken.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}broken\.json:\d+ /m);
  });
});

describe("warden --help, --version", () => {
  it("prints help and the version", async () => {
    const help = await warden(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("warden test PATH...");
    const bare = await warden([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("Usage:");
    const version = await warden(["--version"]);
    const pkg = (await import("../package.json", { with: { type: "json" } })).default as { version: string };
    expect(version.stdout).toBe(`${pkg.version}\n`);
    for (const cmd of ["test", "eval", "check"]) {
      const r = await warden([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: warden ${cmd} `));
    }
    expect((await warden(["help", "eval"])).stdout).toMatch(/^Usage: warden eval /);
  });
});
