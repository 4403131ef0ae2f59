// Storage namespaces are strings only inside enforcer/ (enforcer/records.ts), and the layers above
// it never touch store documents, counter states or the audit log directly: they use the Enforcer's
// read API and `Records`. A grep over every hand-written folder outside enforcer/, bindings/ and
// assembly/ (new folders are covered without listing them).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { NAMESPACES } from "../enforcer/records";

const ROOT = join(import.meta.dirname, "..");
/** Below the line (the store's owner and what it stands on) or not hand-written application code. */
const SKIP = new Set(["enforcer", "bindings", "assembly", "test", "node_modules", "dist", "build", "bench", "scripts", "examples", "docs", "schemas"]);

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (dir === ROOT && SKIP.has(name)) continue;
      yield* sources(path);
    } else if (/\.(ts|mts|mjs|js)$/.test(name) && dir !== ROOT) {
      yield path;
    }
  }
}

const STORE_CALL = /\.(getDoc|putDoc|takeDoc|deleteDoc|listDocs|getState|casState|readAudit|auditHead|appendAudit)\s*\(/;
// Namespaces that are also everyday field names ("server", "permits", ...) are caught by STORE_CALL instead.
const DISTINCT = Object.values(NAMESPACES).filter((ns) => ns.includes("_") || ns === "idempotency");
const namespaceLiteral = new RegExp(`["'\`](${DISTINCT.join("|")})["'\`]\\s*,`);

describe("storage stays inside enforcer/", () => {
  const files = [...sources(ROOT)];

  it("finds the upper layers' sources", () => {
    expect(files.some((f) => relative(ROOT, f).startsWith("server/"))).toBe(true);
    expect(files.length).toBeGreaterThan(20);
  });

  it("no file above the enforcer calls the store's document, state or audit methods", () => {
    const offenders = files
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => [f, i + 1, line] as const),
      )
      .filter(([, , line]) => STORE_CALL.test(line))
      .map(([f, n, line]) => `${relative(ROOT, f)}:${n}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it("no file above the enforcer spells a namespace as an argument", () => {
    const offenders = files
      .flatMap((f) =>
        readFileSync(f, "utf8")
          .split("\n")
          .map((line, i) => [f, i + 1, line] as const),
      )
      .filter(([, , line]) => namespaceLiteral.test(line))
      .map(([f, n, line]) => `${relative(ROOT, f)}:${n}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it("the checks catch what they are for", () => {
    expect(STORE_CALL.test(`await this.enforcer.store.listDocs("passports")`)).toBe(true);
    expect(namespaceLiteral.test(`store.x("hitl_links", code)`)).toBe(true);
    expect(namespaceLiteral.test(`tags: ["passports"]`)).toBe(false);
  });

  it("namespaces are distinct", () => {
    expect(new Set(Object.values(NAMESPACES)).size).toBe(Object.values(NAMESPACES).length);
  });
});
