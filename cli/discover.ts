// Finds the files under the paths given to `warden test` and `warden check`: .yaml, .yml and .json, recursively.

import { readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { UsageError } from "./errors";

const EXTENSIONS = [".yaml", ".yml", ".json"];
/** Directories a walk never enters: dependencies and hidden folders (.git, .cache). */
const SKIPPED_DIRS = new Set(["node_modules"]);

export interface FoundFile {
  /** Absolute path. */
  abs: string;
  /** As shown to the user: relative to the working directory, with forward slashes. */
  shown: string;
  /** Named on the command line (always a fixture) rather than found by a walk (may be a passport). */
  explicit: boolean;
}

const hasExtension = (name: string) => EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

export function shownPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  const shown = rel === "" || rel.startsWith("..") ? abs : rel;
  return shown.split(sep).join("/");
}

/**
 * Every file under `paths`, each once: in the order the paths are given, a directory's files in
 * code-point order of their paths. A path that does not exist is a usage error.
 */
export async function discover(paths: readonly string[], cwd: string): Promise<FoundFile[]> {
  const found = new Map<string, FoundFile>();
  for (const p of paths) {
    const abs = resolve(cwd, p);
    const info = await stat(abs).catch(() => null);
    if (info === null) throw new UsageError(`${p}: no such file or directory`);
    if (info.isDirectory()) {
      for (const file of await walk(abs)) if (!found.has(file)) found.set(file, { abs: file, shown: shownPath(cwd, file), explicit: false });
    } else {
      if (!found.has(abs)) found.set(abs, { abs, shown: shownPath(cwd, abs), explicit: true });
    }
  }
  return [...found.values()];
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => compare(a.name, b.name))) {
    if (e.name.startsWith(".")) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) out.push(...(await walk(full)));
    } else if (e.isFile() && hasExtension(e.name)) {
      out.push(full);
    }
  }
  return out;
}

/** Code-point order, so the order is the same in every locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
