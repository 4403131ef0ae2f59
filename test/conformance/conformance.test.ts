// Node's decisions on the frozen conformance corpus equal the committed golden digest; the other
// runtimes are held to the same digest by `npm run test:runtimes` (test/runtimes/runtimes.spec.ts).
// After an intended change of behaviour: `npm run conformance:update`, and say why in the commit.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadEngine } from "../../bindings/index";
import { changedCases, describeChanges, readCorpus, readGolden, writeGolden } from "./golden";
import { runCorpus } from "./run-corpus";

const UPDATE = process.env.WARDEN_UPDATE_GOLDEN === "1";

describe("conformance corpus", () => {
  it("holds the cases generate.mjs makes from its fixed seed", () => {
    const script = fileURLToPath(new URL("./generate.mjs", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("is about a thousand generated cases plus the fixtures' single-shot cases", () => {
    const { corpus } = readCorpus();
    const generated = corpus.cases.filter((c) => !c.name.startsWith("fixture:"));
    expect(generated.length).toBeGreaterThanOrEqual(950);
    expect(new Set(corpus.cases.map((c) => c.name)).size).toBe(corpus.cases.length);
  });

  it("gives Node's decisions the golden digest", async () => {
    const { corpus, sha } = readCorpus();
    const result = await runCorpus(await loadEngine(), corpus);
    if (UPDATE) {
      writeGolden(result, sha);
      return;
    }
    const golden = readGolden();
    expect(golden.corpus_sha256, "corpus.json changed since golden.json was written: run `npm run conformance:update`").toBe(sha);
    const changes = changedCases(corpus, golden, result.lines);
    expect(changes, `${describeChanges(changes)}\nIf the change is intended, run \`npm run conformance:update\`.`).toEqual([]);
    expect(result.count).toBe(golden.count);
    expect(result.digest).toBe(golden.digest);
  });
});
