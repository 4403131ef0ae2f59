// First step of `npm test`: makes sure every suite has what it needs, so none is skipped.
// Deno, Bun and workerd come from npm (scripts/runtimes/install.mjs); Chromium and Redis from
// Debian's packages, installed with apt-get when we are root. Where we cannot install (not root, no
// apt-get), it stops at once with one line naming the command to run.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { ROOT, runtimeBins } from "./runtimes/bins.mjs";

/** Debian package → the commands the tests need from it. */
const DEBIAN = {
  chromium: ["chromium"],
  "redis-server": ["redis-server", "redis-cli"],
};

function onPath(cmd) {
  return (process.env.PATH ?? "").split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, cmd)));
}

function fail(line) {
  console.error(`test setup: ${line}`);
  process.exit(1);
}

function ensureDebianPackages() {
  const missing = Object.entries(DEBIAN)
    .filter(([, cmds]) => cmds.some((c) => !onPath(c)))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(" ")}`;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !onPath("apt-get")) fail(`missing ${missing.join(", ")}; run: sudo ${command}`);
  console.log(`test setup: installing ${missing.join(", ")} from Debian's packages`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", ...missing], { stdio: "inherit", env });
  } catch {
    fail(`could not install ${missing.join(", ")}; run: ${command}`);
  }
  const still = missing.filter((pkg) => DEBIAN[pkg].some((c) => !onPath(c)));
  if (still.length > 0) fail(`${still.join(", ")} still missing after apt-get; run: ${command}`);
}

/** Debian's python3-httpx, for the Modei client examples (test/modei.test.ts runs them with /usr/bin/python3). */
function ensurePythonHttpx() {
  const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const has = () => {
    try {
      execFileSync(python, ["-c", "import httpx"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  if (has()) return;
  const command = "apt-get install -y python3-httpx";
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !onPath("apt-get")) fail(`missing python3-httpx; run: sudo ${command}`);
  console.log("test setup: installing python3-httpx from Debian's packages");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", "python3-httpx"], { stdio: "inherit", env });
  } catch {
    fail(`could not install python3-httpx; run: ${command}`);
  }
  if (!has()) fail(`python3-httpx still missing after apt-get (${python} -c 'import httpx' fails); run: ${command}`);
}

function ensureRuntimes() {
  const missing = Object.entries(runtimeBins()).filter(([name, b]) => name !== "chromium" && b.path === null);
  if (missing.length === 0) return;
  console.log(`test setup: installing ${missing.map(([n]) => n).join(", ")} from npm`);
  try {
    execFileSync(process.execPath, [path.join(ROOT, "scripts/runtimes/install.mjs")], { stdio: "inherit" });
  } catch {
    fail("the runtimes did not install; run: npm run runtimes:install");
  }
}

ensureDebianPackages();
ensurePythonHttpx();
ensureRuntimes();
const bins = runtimeBins();
const absent = Object.entries(bins).filter(([, b]) => b.path === null);
if (absent.length > 0) fail(absent.map(([n, b]) => `${n}: ${b.reason}`).join("; "));
console.log(
  `test setup: ${Object.entries(bins)
    .map(([n, b]) => `${n} ${b.version.replace(/^\D+/, "").split(/\s/)[0]}`)
    .join(", ")}, redis-server, python3-httpx — all present`,
);
