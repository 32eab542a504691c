// Token buckets for the track mutations, per user and per client address, in this process
// (each gateway instance counts for itself: N instances allow N times the rate overall).
import type { RateConfig } from '../../config';
import { RateLimitedError } from '../../errors';
import type { ClientLimits } from '../../resolvers/context';

interface Bucket {
  tokens: number;
  at: number;
}

/** One bucket per key, refilled continuously; the least recently used keys are forgotten past `maxKeys`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly rate: RateConfig,
    private readonly maxKeys = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.rate.perSecond > 0;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Seconds until `key` may spend a token; 0 when it may now. */
  waitSeconds(key: string): number {
    if (!this.enabled) return 0;
    const tokens = this.tokens(key, this.now());
    return tokens >= 1 ? 0 : (1 - tokens) / this.rate.perSecond;
  }

  /** Spends one token (call after waitSeconds(key) === 0). */
  take(key: string): void {
    if (!this.enabled) return;
    const now = this.now();
    const tokens = this.tokens(key, now);
    this.buckets.delete(key); // re-insert: Map order is then least recently used first
    this.buckets.set(key, { tokens: Math.max(0, tokens - 1), at: now });
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= this.maxKeys) break;
      this.buckets.delete(oldest); // a forgotten key starts full again: it only ever errs towards allowing
    }
  }

  private tokens(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.rate.burst;
    return Math.min(this.rate.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.rate.perSecond);
  }
}

export interface TrackLimiter {
  forClient(address: string): ClientLimits;
}

/** The in-process limiter: its answer is synchronous (a throw), unlike the shared one's promise. */
export interface LocalTrackLimiter extends TrackLimiter {
  forClient(address: string): { track(userId: string): void };
}

export function createTrackLimiter(options: { user: RateConfig; ip: RateConfig; now?: () => number; maxKeys?: number }): LocalTrackLimiter {
  const users = new TokenBuckets(options.user, options.maxKeys, options.now);
  const addresses = new TokenBuckets(options.ip, options.maxKeys, options.now);
  return {
    forClient(address) {
      return {
        track(userId: string): void {
          const [userWait, addressWait] = [users.waitSeconds(userId), addresses.waitSeconds(address)];
          if (userWait > 0 || addressWait > 0) {
            const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(userWait, addressWait)));
            const who = userWait >= addressWait ? `user "${userId}"` : 'this client address';
            throw new RateLimitedError(`too many track events from ${who}; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
          }
          users.take(userId);
          addresses.take(address);
        },
      };
    },
  };
}
