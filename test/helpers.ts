// Shared test helpers: one engine per test file and a terse way to compile a passport.
import { loadEngine, type Engine, type Policy } from "../bindings/index";

let engine: Engine | null = null;

export async function getEngine(): Promise<Engine> {
  engine ??= await loadEngine();
  return engine;
}

export const NOW = "2026-02-24T15:00:00Z"; // a Tuesday

export function passport(constraints: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: "pass_test", agent_id: "agent-1", status: "active", constraints, ...extra };
}

export async function policy(constraints: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Policy> {
  return (await getEngine()).compile(passport(constraints, extra));
}
