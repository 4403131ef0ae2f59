// The machine a run happened on: what bench/README.md asks every result to carry.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

function cpuModel() {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) return line.split(":")[1].trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function nproc() {
  try {
    return Number(execFileSync("nproc", { encoding: "utf8" }).trim());
  } catch {
    return os.availableParallelism?.() ?? os.cpus().length;
  }
}

/** Read-only: the commit the tree is at, if git is there. */
function commit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function machine() {
  return {
    cpu: cpuModel(),
    nproc: nproc(),
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    commit: commit(),
    load_average_1min: Number(os.loadavg()[0].toFixed(2)),
  };
}

export const machineLine = (m) => `${m.cpu}, ${m.nproc} CPUs (nproc), ${m.memory_gb} GB, ${m.os}, Node ${m.node} (V8 ${m.v8})`;
