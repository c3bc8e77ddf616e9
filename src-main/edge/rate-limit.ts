// Failed-authentication limiter, per client address: a token bucket of `burst` failures that
// refills at one per `refillMs`. While an address's bucket is empty its token guesses are not even
// evaluated (429 with Retry-After), so a brute force learns nothing from them; sessions (HMACs,
// not guessable) still pass, so a user sharing the address (behind a proxy) keeps working.
// Memory is bounded: at most `maxAddresses` buckets, the least recently failed dropped first.

export interface FailedAuthLimiterOptions {
  burst?: number;
  refillMs?: number;
  maxAddresses?: number;
  now?: () => number;
}

interface Bucket {
  /** Failures still allowed now (fractional while refilling). */
  tokens: number;
  at: number;
  failures: number;
  /** Whether the "now limited" line was logged since the bucket last had room. */
  reported: boolean;
}

export class FailedAuthLimiter {
  readonly burst: number;
  readonly refillMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: FailedAuthLimiterOptions = {}) {
    this.burst = opts.burst ?? 10;
    this.refillMs = opts.refillMs ?? 6_000;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  private refill(b: Bucket): void {
    const t = this.now();
    b.tokens = Math.min(this.burst, b.tokens + (t - b.at) / this.refillMs);
    b.at = t;
    if (b.tokens >= 1) b.reported = false;
  }

  /** Milliseconds until this address may try again; 0 when it may now. */
  retryAfterMs(address: string): number {
    const b = this.buckets.get(address);
    if (!b) return 0;
    this.refill(b);
    return b.tokens >= 1 ? 0 : Math.ceil((1 - b.tokens) * this.refillMs);
  }

  /** Records a failure. Returns the failures counted for this address and whether it is now limited. */
  fail(address: string): { failures: number; limited: boolean; firstLimited: boolean } {
    let b = this.buckets.get(address);
    if (b) {
      this.refill(b);
      this.buckets.delete(address); // re-insert: Map order = least recently failed first
    } else {
      b = { tokens: this.burst, at: this.now(), failures: 0, reported: false };
      if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(address, b);
    b.failures++;
    b.tokens = Math.max(0, b.tokens - 1);
    const limited = b.tokens < 1;
    const firstLimited = limited && !b.reported;
    if (limited) b.reported = true;
    return { failures: b.failures, limited, firstLimited };
  }

  get size(): number {
    return this.buckets.size;
  }
}
