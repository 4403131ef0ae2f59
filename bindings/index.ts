// Node entry point: loads build/warden.wasm from the package and re-exports the public API.

import { readFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { type Engine } from "./engine";
import { engineFromModule, engineFromModuleSync } from "./load";

// From dist/bindings/ (installed package) or bindings/ (sources under test).
const CANDIDATES = ["../../build/warden.wasm", "../build/warden.wasm"].map((p) => new URL(p, import.meta.url));

async function wasmBytes(): Promise<Uint8Array<ArrayBuffer>> {
  for (const url of CANDIDATES) {
    try { return new Uint8Array(await readFile(url)); } catch { /* try the next location */ }
  }
  throw new Error("warden.wasm not found: run `npm run build`");
}

let shared: Promise<WebAssembly.Module> | null = null;

/** Compiles the module once per process and instantiates a new engine on it. */
export async function loadEngine(): Promise<Engine> {
  shared ??= wasmBytes().then((b) => WebAssembly.compile(b));
  return engineFromModule(await shared);
}

/** Synchronous variant for Node: reads and compiles the module on the calling thread. */
export function loadEngineSync(): Engine {
  for (const url of CANDIDATES) {
    try { return engineFromModuleSync(new WebAssembly.Module(new Uint8Array(readFileSync(url)))); } catch { /* next */ }
  }
  throw new Error("warden.wasm not found: run `npm run build`");
}

export { Engine, Policy, type EvaluateOptions } from "./engine";
export type { Decision, Hold, TraceEntry, Verdict, Outcome } from "./decision";
export { EngineError, PassportError, RequestError, WardenError, type Problem } from "./errors";
export { engineFromModule, engineFromModuleSync } from "./load";
