// Server-Sent Events: the activity feed streamed to dashboards and API clients, bounded in connections and buffered bytes.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActivityEvent, EventHub } from "./events";

/** A comment line this often keeps proxies from closing an idle stream. */
export const SSE_KEEPALIVE_MS = 15_000;
/** A client that lets this much pile up unread is dropped (it reconnects and replays from Last-Event-ID). */
const MAX_BUFFERED_BYTES = 1 << 20;

export type EventFilter = (event: ActivityEvent) => boolean | Promise<boolean>;

export class SseStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly hub: EventHub, private readonly limit = 100, private readonly keepAliveMs = SSE_KEEPALIVE_MS) {}

  get size(): number { return this.open.size; }

  /** Streams the hub's events that pass `accept`, after replaying those missed since `Last-Event-ID`. */
  serve(req: IncomingMessage, res: ServerResponse, accept: EventFilter): void {
    if (this.open.size >= this.limit) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "5" });
      res.end(JSON.stringify({ error: { code: "too_many_streams", message: "too many open event streams; retry later" } }));
      return;
    }
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n\n");
    this.open.add(res);
    // Filters may be async; a chain keeps events in order on this connection.
    let chain: Promise<void> = Promise.resolve();
    const deliver = (event: ActivityEvent) => {
      chain = chain.then(async () => {
        if (res.writableEnded || !(await accept(event))) return;
        res.write(`id: ${event.id}\nevent: activity\ndata: ${JSON.stringify(event)}\n\n`);
        if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
      }).catch(() => undefined);
    };
    const lastId = Number(req.headers["last-event-id"] ?? NaN);
    if (Number.isSafeInteger(lastId)) for (const e of this.hub.since(lastId)) deliver(e);
    const unsubscribe = this.hub.subscribe(deliver);
    const ping = setInterval(() => { if (!res.writableEnded) res.write(": keepalive\n\n"); }, this.keepAliveMs);
    ping.unref?.();
    const done = () => {
      unsubscribe();
      clearInterval(ping);
      this.open.delete(res);
    };
    // The response closes when the client goes away (or closeAll ends it).
    res.on("close", done);
  }

  /** Ends every stream (server shutdown must not wait for clients that never hang up). */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
  }
}
