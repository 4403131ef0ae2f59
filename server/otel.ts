// OpenTelemetry for `warden serve`: a span per decision, when @opentelemetry/api is installed
// (an optional peer dependency). It is loaded by a computed name so the bundled CLI never requires
// it; without a registered SDK (e.g. `node --import ./otel-setup.mjs`) its spans record nothing.

import type { ServerEvents } from "./context";
import { type Api, recordDecisionSpan } from "../adapters/otel/spans";

const OTEL_API = "@opentelemetry/api";

/** Subscribes decision spans to the server's events; false when the OpenTelemetry API is not installed. */
export async function traceDecisions(events: ServerEvents, load: (name: string) => Promise<unknown> = (name) => import(name)): Promise<boolean> {
  let api: Api;
  try {
    api = (await load(OTEL_API)) as Api;
  } catch {
    return false;
  }
  if (typeof api?.trace?.getTracer !== "function") return false;
  events.on("decision", (e) => {
    if (e.action === undefined) return;
    recordDecisionSpan(api, e.decision, { action: e.action, cost_cents: e.cost_cents }, e.duration_ms, { attributes: { "warden.issuer_id": e.issuer_id } });
  });
  return true;
}
