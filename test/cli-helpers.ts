// Shared helpers for the CLI tests: run `warden` in-process with captured output, and write fixture trees.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { main } from "../cli/main";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs the CLI as `warden ...args` from `cwd`, without colour, and captures everything it prints. */
export async function warden(args: string[], cwd = process.cwd()): Promise<Run> {
  let stdout = "",
    stderr = "";
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    color: false,
    debug: false,
  });
  return { code, stdout, stderr, lines: stdout.trimEnd().split("\n") };
}

/** A fresh temporary directory holding `files` (path → text). */
export function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "warden-cli-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const lastLine = (r: Run) => r.lines[r.lines.length - 1];
