// The runtime-neutral public API every entry re-exports; only loading the module differs by runtime.
// Keep this list equal to bindings/index.ts (test/runtimes/bundle.test.ts compares the export lists).

export { Engine, Policy, type EvaluateOptions } from "../engine";
export type { Decision, Hold, TraceEntry, Verdict, Outcome } from "../decision";
export { EngineError, PassportError, RequestError, WardenError, type Problem } from "../errors";
export { PROBLEM_CODES, ENGINE_CODES, type ProblemCode, type EngineCode, type WardenCode } from "../problem-codes";
export { engineFromModule, engineFromModuleSync } from "../load";
export { Replay, type HoldHandling, type LaneOp, type StepResult } from "../replay";
