// What route modules share: the enforcer, the store, passports, proof of possession, metrics, events.

import { EventEmitter } from "node:events";
import type { Enforcer, EnforcerEvent } from "../enforcer/enforcer";
import type { Store } from "../enforcer/store";
import type { EnforcedDecision } from "../enforcer/types";
import type { ServerMetrics } from "./metrics";
import type { Passports } from "./passports";
import type { PopVerifier } from "./pop";
import type { RequestContext } from "./router";
import { errors } from "./errors";

/** A decision made through this server, with who asked and how long it took. */
export interface DecisionEvent {
  decision: EnforcedDecision;
  issuer_id: string;
  duration_ms: number;
  /** The request's action and cost (the decision carries neither), for spans and feeds. */
  action?: string;
  cost_cents?: number;
}

interface EventMap {
  /** Every decision POST /v1/enforce returned (issue 9: live feeds, notifiers). */
  decision: [DecisionEvent];
  /** Every audit record this process appended: decisions, approval outcomes, reports, stops, resumes. */
  record: [EnforcerEvent];
}

/** Typed events of one server process; listeners must not throw (errors are caught and dropped). */
export class ServerEvents {
  private readonly emitter = new EventEmitter();

  on<K extends keyof EventMap>(name: K, listener: (...args: EventMap[K]) => void): () => void {
    const safe = (...args: EventMap[K]) => {
      try {
        listener(...args);
      } catch {
        /* a listener never breaks a request */
      }
    };
    this.emitter.on(name, safe as (...a: unknown[]) => void);
    return () => {
      this.emitter.off(name, safe as (...a: unknown[]) => void);
    };
  }

  emit<K extends keyof EventMap>(name: K, ...args: EventMap[K]): void {
    this.emitter.emit(name, ...args);
  }
}

export interface ServerDeps {
  enforcer: Enforcer;
  store: Store;
  passports: Passports;
  pop: PopVerifier;
  metrics: ServerMetrics;
  events: ServerEvents;
  /** What /healthz reports as the store (`sqlite`, `redis`, `memory`). */
  storeKind: string;
  /** Epoch ms; the enforcer's clock. */
  clock: () => number;
}

/** The enforcer channel of a request (SPEC §11): an agent-role key is the agent channel, any other caller the operator's. */
export function channelOf(ctx: RequestContext): { channel: "agent" | "operator" } {
  return { channel: ctx.auth?.role === "agent" ? "agent" : "operator" };
}

/** The caller's issuer on an `api_key` route. */
export function issuerOf(ctx: RequestContext): string {
  if (!ctx.auth) throw errors.unauthorized("missing_api_key", "this route needs an API key");
  return ctx.auth.issuer_id;
}
