// The fail-closed timer of `warden serve` (SPEC §11): every interval, the enforcer trips the passports
// whose agent went silent, so the operator is told even when the agent sends nothing more.

import type { Enforcer } from "../enforcer/enforcer";

/** How often `warden serve` looks for silent agents, in ms (a heartbeat is fresh for 120 s). */
export const FAIL_CLOSED_INTERVAL_MS = 15_000;

export interface FailClosedTimer {
  /** One sweep now (the timer calls this); resolves with the passports it tripped. */
  tick(): Promise<string[]>;
  /** Stops the timer; resolves once a sweep in progress has finished. */
  stop(): Promise<void>;
}

/** Starts the timer (`intervalMs` 0: never on its own; `tick()` still works). Sweeps never overlap. */
export function startFailClosedTimer(enforcer: Pick<Enforcer, "tripSilent">, intervalMs: number, log: (line: string) => void): FailClosedTimer {
  let running: Promise<string[]> | null = null;
  const tick = () =>
    (running ??= enforcer
      .tripSilent()
      .catch((err: unknown) => {
        log(`warden serve: fail-closed sweep failed: ${(err as Error)?.message ?? String(err)}`);
        return [] as string[];
      })
      .finally(() => {
        running = null;
      }));
  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : null;
  timer?.unref();
  return {
    tick,
    stop: async () => {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
