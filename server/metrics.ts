// The server's Prometheus metrics, kept by prom-client in a registry of this server's own (two
// servers in one process, as in tests, never share series).

import { Counter, Histogram, Registry } from "prom-client";

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The server's metrics; routes add to them, GET /metrics renders them. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly decisions = new Counter({
    name: "warden_decisions_total",
    help: 'Decisions made by POST /v1/enforce, by outcome and deciding rule ("none" for allow).',
    labelNames: ["decision", "rule"] as const,
    registers: [this.registry],
  });
  readonly enforceSeconds = new Histogram({
    name: "warden_enforce_duration_seconds",
    help: "Time to decide POST /v1/enforce, from the parsed body to the signed decision.",
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: "warden_http_requests_total",
    help: "HTTP requests by route, method and status.",
    labelNames: ["route", "method", "status"] as const,
    registers: [this.registry],
  });
  readonly requestSeconds = new Histogram({
    name: "warden_http_request_duration_seconds",
    help: "HTTP request duration by route.",
    labelNames: ["route"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly events = new Counter({
    name: "warden_audit_records_total",
    help: "Audit records appended by this process, by type.",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of `render()`'s text (format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }
}
