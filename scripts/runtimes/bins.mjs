// Finds the runtimes the conformance test drives: an env override (DENO_BIN, BUN_BIN, WORKERD_BIN,
// CHROMIUM_BIN), else the copies scripts/runtimes/install.mjs put in node_modules/.cache, else PATH.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const RUNTIMES_PREFIX = path.join(ROOT, "node_modules/.cache/agent-warden-runtimes");

const CANDIDATES = {
  deno: ["DENO_BIN", [".bin/deno", "@deno/linux-x64-glibc/deno", "@deno/linux-arm64-glibc/deno"]],
  bun: ["BUN_BIN", [".bin/bun", "bun/bin/bun.exe", "@oven/bun-linux-x64/bin/bun", "@oven/bun-linux-aarch64/bin/bun"]],
  workerd: ["WORKERD_BIN", [".bin/workerd", "@cloudflare/workerd-linux-64/bin/workerd", "@cloudflare/workerd-linux-arm64/bin/workerd"]],
  chromium: ["CHROMIUM_BIN", []],
};
const SYSTEM = { deno: ["deno"], bun: ["bun"], workerd: ["workerd"], chromium: ["/usr/bin/chromium", "chromium", "chromium-browser"] };

/** The first line a binary prints for --version, or null if it does not run. */
function versionOf(bin) {
  try {
    const out = execFileSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] });
    return out.trim().split("\n")[0];
  } catch {
    return null;
  }
}

function onPath(name) {
  if (name.includes("/")) return existsSync(name) ? name : null;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** { path, version } of each runtime, or { path: null, reason }. */
export function runtimeBins() {
  const out = {};
  for (const [name, [envVar, relative]] of Object.entries(CANDIDATES)) {
    const tried = [];
    const candidates = [process.env[envVar], ...relative.map((r) => path.join(RUNTIMES_PREFIX, "node_modules", r)), ...SYSTEM[name].map(onPath)].filter(
      (p) => p && existsSync(p),
    );
    out[name] = {
      path: null,
      reason: `not found (set ${envVar}, or run \`npm run runtimes:install\`${name === "chromium" ? "; chromium comes from `apt-get install -y chromium`" : ""})`,
    };
    for (const p of candidates) {
      const version = versionOf(p);
      if (version) {
        out[name] = { path: p, version };
        break;
      }
      tried.push(p);
    }
    if (!out[name].path && tried.length > 0) out[name].reason = `found but does not run: ${tried.join(", ")}`;
  }
  return out;
}
