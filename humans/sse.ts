// Server-Sent Events: the activity feed streamed to dashboards and API clients, bounded in connections and buffered bytes.

import { type ErrorCode, statusOf } from "../enforcer/error-codes";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ActivityEvent, EventHub } from "./events";

/** A comment line this often keeps proxies from closing an idle stream. */
export const SSE_KEEPALIVE_MS = 15_000;
/** A client that lets this much pile up unread is dropped (it reconnects and replays from Last-Event-ID). */
const MAX_BUFFERED_BYTES = 1 << 20;

/** How often an open stream asks whether its key is still valid (revocation ends it within 5 s, SPEC §11). */
export const SSE_LIVENESS_MS = 1_000;

export type EventFilter = (event: ActivityEvent) => boolean | Promise<boolean>;

/** Who opened a stream: its issuer (for the per-issuer cap) and whether its credential still holds. */
export interface StreamOwner {
  /** Streams are capped per owner too, so one issuer cannot take every stream. */
  owner: string;
  /** Polled every SSE_LIVENESS_MS; false (or a throw) ends the stream. */
  alive?: () => Promise<boolean>;
}

export class SseStreams {
  private readonly open = new Set<ServerResponse>();
  private readonly perOwner = new Map<string, number>();

  /** `limit` streams in all, `ownerLimit` per owner (default a fifth of the total, at least 1). */
  constructor(
    private readonly hub: EventHub,
    private readonly limit = 100,
    private readonly keepAliveMs = SSE_KEEPALIVE_MS,
    private readonly ownerLimit = Math.max(1, Math.floor(limit / 5)),
  ) {}

  get size(): number {
    return this.open.size;
  }

  /** Streams the hub's events that pass `accept`, after replaying those missed since `Last-Event-ID`. */
  serve(req: IncomingMessage, res: ServerResponse, accept: EventFilter, who: StreamOwner = { owner: "" }): void {
    const mine = this.perOwner.get(who.owner) ?? 0;
    if (this.open.size >= this.limit || mine >= this.ownerLimit) {
      const code: ErrorCode = mine >= this.ownerLimit ? "too_many_streams_for_issuer" : "too_many_streams";
      res.writeHead(statusOf(code), { "content-type": "application/json", "retry-after": "5" });
      res.end(JSON.stringify({ error: { code, message: `too many open event streams${code === "too_many_streams" ? "" : " for this issuer"}; retry later` } }));
      return;
    }
    this.perOwner.set(who.owner, mine + 1);
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write("retry: 3000\n\n");
    this.open.add(res);
    // Filters may be async; a chain keeps events in order on this connection.
    let chain: Promise<void> = Promise.resolve();
    const deliver = (event: ActivityEvent) => {
      chain = chain
        .then(async () => {
          if (res.writableEnded || !(await accept(event))) return;
          res.write(`id: ${event.id}\nevent: activity\ndata: ${JSON.stringify(event)}\n\n`);
          if (res.writableLength > MAX_BUFFERED_BYTES) res.end();
        })
        .catch(() => undefined);
    };
    const lastId = Number(req.headers["last-event-id"] ?? NaN);
    if (Number.isSafeInteger(lastId)) for (const e of this.hub.since(lastId)) deliver(e);
    const unsubscribe = this.hub.subscribe(deliver);
    const ping = setInterval(() => {
      if (!res.writableEnded) res.write(": keepalive\n\n");
    }, this.keepAliveMs);
    ping.unref?.();
    const check = who.alive
      ? setInterval(() => {
          who.alive!().then(
            (ok) => {
              if (!ok) res.end();
            },
            () => res.end(),
          );
        }, SSE_LIVENESS_MS)
      : null;
    check?.unref?.();
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(ping);
      if (check) clearInterval(check);
      this.open.delete(res);
      const left = (this.perOwner.get(who.owner) ?? 1) - 1;
      if (left <= 0) this.perOwner.delete(who.owner);
      else this.perOwner.set(who.owner, left);
    };
    // The response closes when the client goes away (or closeAll ends it).
    res.on("close", done);
  }

  /** Ends every stream (server shutdown must not wait for clients that never hang up). */
  closeAll(): void {
    for (const res of this.open) res.end();
    this.open.clear();
    this.perOwner.clear();
  }
}
