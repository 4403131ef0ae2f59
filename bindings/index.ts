// Node entry point: loads build/warden.wasm from the package and re-exports the public API.

import { readFileSync } from "node:fs";
import { type Engine } from "./engine";
import { engineFromModule, engineFromModuleSync } from "./load";

// From dist/bindings/ (installed package) or bindings/ (sources under test).
const CANDIDATES = ["../../build/warden.wasm", "../build/warden.wasm"].map((p) => new URL(p, import.meta.url));

/** The module's bytes from the first location that has them; only a missing file moves on. */
function wasmBytes(): Uint8Array<ArrayBuffer> {
  for (const url of CANDIDATES) {
    try {
      return new Uint8Array(readFileSync(url));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  throw new Error("warden.wasm not found: run `npm run build`");
}

let shared: Promise<WebAssembly.Module> | null = null;

/** Compiles the module once per process and instantiates a new engine on it. */
export async function loadEngine(): Promise<Engine> {
  shared ??= WebAssembly.compile(wasmBytes());
  return engineFromModule(await shared);
}

/** Synchronous variant for Node: reads and compiles the module on the calling thread. */
export function loadEngineSync(): Engine {
  return engineFromModuleSync(new WebAssembly.Module(wasmBytes()));
}

export { Engine, Policy, type EvaluateOptions } from "./engine";
export type { Decision, Hold, TraceEntry, Verdict, Outcome } from "./decision";
/** The documents' shapes, generated from schemas/ (the same schemas validate every input at run time). */
export type {
  Passport,
  Constraints,
  EvalRequest,
  Counters,
  Counters as CounterSnapshot,
  ReasonCode,
  RuleName,
  ScheduleRange,
  BlackoutWindow,
  Weekday,
  Fixture,
} from "./gen/types";
export { EngineError, PassportError, RequestError, WardenError, type Problem } from "./errors";
export { PROBLEM_CODES, ENGINE_CODES, type ProblemCode, type EngineCode, type WardenCode } from "./problem-codes";
export { engineFromModule, engineFromModuleSync } from "./load";
export type { SpendCaps, WindowCap, SpendWindow, Lifetimes, DeadlineKind } from "./limits";
export { Replay, type HoldHandling, type LaneOp, type StepResult } from "./replay";
