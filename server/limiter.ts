// Per-client token buckets: a client that floods gets 429 with Retry-After, others are unaffected.

interface Bucket {
  tokens: number;
  at: number;
}

// Buckets idle long enough to be full again are forgotten, so memory follows the active clients.
const MAX_BUCKETS = 100_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  /** `perSecond` tokens refill each second up to `burst`; `perSecond` 0 turns limiting off. */
  constructor(
    readonly perSecond: number,
    readonly burst: number = perSecond * 2,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes a token for `client`; returns 0 when allowed, else the seconds to wait. */
  take(client: string): number {
    if (this.perSecond <= 0) return 0;
    const now = this.clock();
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(now);
      this.buckets.set(client, (b = { tokens: this.burst, at: now }));
    } else {
      b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  private prune(now: number): void {
    const full = (this.burst / this.perSecond) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at >= full) this.buckets.delete(k);
    // Still full of active clients: drop the oldest half rather than grow without bound.
    if (this.buckets.size >= MAX_BUCKETS) {
      let n = 0;
      for (const k of this.buckets.keys()) {
        if (n++ >= MAX_BUCKETS / 2) break;
        this.buckets.delete(k);
      }
    }
  }
}
