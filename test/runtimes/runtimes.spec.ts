// One module, five runtimes: the conformance corpus evaluated in Node (ESM and CommonJS), Deno, Bun,
// workerd (served on 127.0.0.1) and headless Chromium (page on 127.0.0.1, three ways of loading) must
// give the golden digest everywhere, through the entry each runtime's `exports` resolution picks.
// Needs `npm run runtimes:install` and Debian's chromium; a missing runtime is skipped locally and
// fails under CI=true (or WARDEN_REQUIRE_SUITES=1, which `npm test` sets).
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RuntimeName, runtimeBins } from "../../scripts/runtimes/bins.mjs";
import {
  BROWSER_VARIANTS,
  type Project,
  type RuntimeResult,
  type StaticServer,
  launchChromium,
  prepareProject,
  prepareWorker,
  runBun,
  runChromiumPage,
  runDeno,
  runNode,
  runNodeCjs,
  runWorkerd,
  startStaticServer,
} from "../../scripts/runtimes/harness.mjs";
import { changedCases, describeChanges, readCorpus, readGolden } from "../conformance/golden";
import type { DivergentCase } from "../conformance/run-corpus";

const STRICT = process.env.CI === "true" || process.env.WARDEN_REQUIRE_SUITES === "1";
const bins = runtimeBins();
const { corpus } = readCorpus();
const golden = readGolden();
const known = JSON.parse(readFileSync(new URL("../conformance/known-divergences.json", import.meta.url), "utf8")) as { cases: DivergentCase[] };

/** The binary of a runtime; a missing one skips its tests, unless CI requires them all. */
function bin(name: RuntimeName): string {
  const b = bins[name];
  if (b.path === null) throw new Error(`${name} is not available: ${b.reason}`);
  return b.path;
}
const skip = (name: RuntimeName): boolean => bins[name].path === null && !STRICT;

let project: Project;
const results = new Map<string, RuntimeResult>();

beforeAll(async () => {
  project = await prepareProject();
});

afterAll(() => {
  project?.cleanup();
  const rows = [...results].map(
    ([name, r]) => `${name.padEnd(34)} ${(r.digest ?? "-").slice(0, 16)}  cold ${String(r.cold.total_ms).padStart(8)} ms  ${r.runtime.slice(0, 40)}`,
  );
  console.log(`golden ${golden.digest} (${golden.count} cases)\n${rows.join("\n")}`);
});

/** Everything a runtime must agree on: the entry it resolved, the sync loader, the digest, the known divergences. */
function expectConformance(name: string, family: string, r: RuntimeResult, entry: RegExp): void {
  results.set(name, r);
  expect(r.resolved, "the package entry this runtime resolved").toMatch(entry);
  expect(r.nodeImports ?? [], "node: imports in the bundle").toEqual([]);
  expect(r.first, "the README passport's first decision").toBe("allow");
  expect(r.sync, "loadEngineSync gives the same decision").toBe("ok");
  const changes = changedCases(corpus, golden, r.lines ?? []);
  expect(changes, describeChanges(changes)).toEqual([]);
  expect(r.count).toBe(golden.count);
  expect(r.digest).toBe(golden.digest);
  const expected = known.cases.map((c) => `${c.name}: ${c.outcomes[family]}`);
  expect(
    (r.divergences ?? []).map((o, i) => `${known.cases[i]!.name}: ${o}`),
    "known-divergences.json",
  ).toEqual(expected);
}

describe("command-line runtimes", () => {
  it("node, ESM: import", async () => {
    expectConformance("node (import)", "node", await runNode(project), /\/dist\/enforcer\/index\.js$/);
  });

  it("node, CommonJS: require", async () => {
    expectConformance("node (require)", "node", await runNodeCjs(project), /\/dist\/cjs\/index\.cjs$/);
  });

  it.skipIf(skip("deno"))("deno", async () => {
    expectConformance("deno", "deno", await runDeno(project, bin("deno")), /\/dist\/deno\/index\.js$/);
  });

  it.skipIf(skip("bun"))("bun", async () => {
    expectConformance("bun", "bun", await runBun(project, bin("bun")), /\/dist\/enforcer\/index\.js$/);
  });
});

describe("workerd", () => {
  it.skipIf(skip("workerd"))("a worker served on 127.0.0.1, bundled with the workerd conditions", async () => {
    const worker = await prepareWorker(project);
    expectConformance("workerd", "workerd", await runWorkerd(project, bin("workerd"), worker), /\/dist\/workerd\/index\.js$/);
  });
});

describe.skipIf(skip("chromium"))("headless chromium", () => {
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    server = await startStaticServer(project);
    browser = await launchChromium(bin("chromium"));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [variant, page] of Object.entries(BROWSER_VARIANTS)) {
    it(variant, async () => {
      expectConformance(`chromium (${variant})`, "chromium", await runChromiumPage(browser, server, page), /\/dist\/browser\/index\.js/);
    });
  }
});

describe("agreement", () => {
  it("every runtime that ran gave the one golden digest", () => {
    const digests = new Set([...results.values()].map((r) => r.digest));
    expect(results.size).toBeGreaterThan(0);
    expect([...digests]).toEqual([golden.digest]);
    if (STRICT) expect(results.size, "every runtime ran").toBe(2 + 2 + 1 + Object.keys(BROWSER_VARIANTS).length);
  });
});
