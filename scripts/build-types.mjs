// Writes the package's type declarations: one self-contained .d.ts per entry that package.json
// `exports` names (rolled up by API Extractor, so no relative import inside needs an extension
// under moduleResolution nodenext/node16), a .d.cts twin for each `require` condition, and the API
// report of each entry in docs/api/ — the public surface, checked by `--check` (in `npm test`).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TMP = path.join(ROOT, "dist/.types");
const REPORTS = path.join(ROOT, "docs/api");
const check = process.argv.includes("--check"); // fail when a report differs
const update = process.argv.includes("--update-api"); // write the reports

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Each export subpath with its declaration file (.d.ts, rolled up here) and .d.cts copies for `require`. */
export function typedEntries(exportsField) {
  const out = [];
  for (const [subpath, target] of Object.entries(exportsField)) {
    const found = new Set();
    const walk = (v) => {
      if (typeof v !== "object" || v === null) return;
      for (const [k, x] of Object.entries(v)) k === "types" && typeof x === "string" ? found.add(x) : walk(x);
    };
    walk(target);
    const dts = [...found].filter((t) => t.endsWith(".d.ts"));
    if (dts.length > 1) throw new Error(`exports["${subpath}"] names several .d.ts files: ${dts.join(", ")}`);
    if (dts.length === 1) out.push({ subpath, types: dts[0], copies: [...found].filter((t) => t.endsWith(".d.cts")) });
  }
  return out;
}

/**
 * The .d.cts twin: a CommonJS file may not `import` an ECMAScript-only package (jose is one), but
 * a declaration only needs its types, so each import becomes `import type … with resolution-mode import`.
 */
export function forCommonJs(dts) {
  return dts.replace(/^import (\{[^}]*\}) from ('[^']+');$/gm, 'import type $1 from $2 with { "resolution-mode": "import" };');
}

/** Rolls up, reports and checks every typed entry; exits 1 when a report is wrong or stale (with --check). */
function main() {
  const entries = typedEntries(pkg.exports);
  /** dist/enforcer/index.d.ts → enforcer/index.ts */
  const sourceOf = (types) => types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts");

  rmSync(TMP, { recursive: true, force: true });
  const tsconfig = path.join(TMP, "tsconfig.json");
  mkdirSync(TMP, { recursive: true });
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        extends: "../../tsconfig.json",
        compilerOptions: { noEmit: false, emitDeclarationOnly: true, declaration: true, outDir: ".", rootDir: "../.." },
        files: entries.map((e) => `../../${sourceOf(e.types)}`),
        include: [],
      },
      null,
      2,
    ),
  );
  execFileSync("npx", ["tsc", "-p", tsconfig], { cwd: ROOT, stdio: "inherit" });

  mkdirSync(REPORTS, { recursive: true });
  let failed = 0;
  for (const entry of entries) {
    const name = entry.subpath === "." ? "agent-warden" : `agent-warden-${entry.subpath.slice(2).replace(/\//g, "-")}`;
    const rolled = path.join(ROOT, entry.types);
    const config = ExtractorConfig.prepare({
      configObjectFullPath: path.join(ROOT, "api-extractor.json"),
      packageJsonFullPath: path.join(ROOT, "package.json"),
      configObject: {
        projectFolder: ROOT,
        mainEntryPointFilePath: path.join(TMP, sourceOf(entry.types).replace(/\.ts$/, ".d.ts")),
        compiler: { tsconfigFilePath: tsconfig },
        apiReport: { enabled: true, reportFileName: `${name}.api.md`, reportFolder: REPORTS, reportTempFolder: path.join(TMP, "api") },
        docModel: { enabled: false },
        dtsRollup: { enabled: true, untrimmedFilePath: rolled },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: "warning" } },
          extractorMessageReporting: {
            default: { logLevel: "none" },
            "ae-missing-release-tag": { logLevel: "none" },
            "ae-forgotten-export": { logLevel: "none" },
          },
          tsdocMessageReporting: { default: { logLevel: "none" } },
        },
      },
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      messageCallback: (m) => {
        // A plain build neither writes nor judges the reports; --check and --update-api do.
        if (!check && !update && m.messageId.startsWith("console-api-report")) m.handled = true;
        if (m.messageId === "console-preamble" || m.messageId === "console-compiler-version-notice") m.handled = true;
      },
    });
    if (result.errorCount > 0 || (check && result.apiReportChanged)) {
      failed++;
      if (result.apiReportChanged)
        console.error(
          `${entry.subpath}: the public API differs from docs/api/${name}.api.md — run \`npm run build:types\` and commit the report if the change is meant`,
        );
    }
    if (entry.copies.length > 0) {
      const cjs = forCommonJs(readFileSync(rolled, "utf8"));
      for (const copy of entry.copies) writeFileSync(path.join(ROOT, copy), cjs);
    }
  }
  rmSync(TMP, { recursive: true, force: true });
  if (existsSync(path.join(ROOT, "temp"))) rmSync(path.join(ROOT, "temp"), { recursive: true, force: true });
  process.exit(failed === 0 ? 0 : 1);
}

// Run as a script; imported (test/api-docs.test.ts reads `typedEntries`), it does nothing.
if (process.argv[1] === fileURLToPath(import.meta.url)) main();
