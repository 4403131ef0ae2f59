// Prometheus text exposition (format 0.0.4) for a handful of counters and histograms, no dependency.

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

// A series key that is independent of the order labels were given in; lengths keep it unambiguous.
// It is computed several times per request, so it builds one string and nothing else.
function seriesKey(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length > 1) keys.sort();
  let key = "";
  for (const k of keys) key += `${k.length}:${k}=${labels[k]!.length}:${labels[k]}`;
  return key;
}

export class Counter {
  private readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = seriesKey(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(labels))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const s of this.series.values()) lines.push(`${this.name}${labelText(s.labels)} ${s.value}`);
    return lines.join("\n");
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = seriesKey(labels);
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: "+Inf" })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines.join("\n");
  }
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The server's metrics; routes add to them, GET /metrics renders them. */
export class ServerMetrics {
  readonly decisions = new Counter("warden_decisions_total", 'Decisions made by POST /v1/enforce, by outcome and deciding rule ("none" for allow).');
  readonly enforceSeconds = new Histogram(
    "warden_enforce_duration_seconds",
    "Time to decide POST /v1/enforce, from the parsed body to the signed decision.",
    LATENCY_BUCKETS,
  );
  readonly requests = new Counter("warden_http_requests_total", "HTTP requests by route, method and status.");
  readonly requestSeconds = new Histogram("warden_http_request_duration_seconds", "HTTP request duration by route.", LATENCY_BUCKETS);
  readonly events = new Counter("warden_audit_records_total", "Audit records appended by this process, by type.");

  render(): string {
    return [this.decisions, this.enforceSeconds, this.requests, this.requestSeconds, this.events].map((m) => m.render()).join("\n") + "\n";
  }
}
