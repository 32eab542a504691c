// Token buckets for the track mutations: per user and per client address, with a fake clock.
import { createTrackLimiter, TokenBuckets } from '../../../src/server/security';
import { RateLimitedError } from '../../../src/errors';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function refusal(fn: () => void): RateLimitedError | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof RateLimitedError) return err;
    throw err;
  }
}

describe('a token bucket', () => {
  test('allows a burst, then one token per 1/rate seconds', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3 }, 100, time.now);
    for (let i = 0; i < 3; i++) {
      expect(buckets.waitSeconds('k')).toBe(0);
      buckets.take('k');
    }
    expect(buckets.waitSeconds('k')).toBeCloseTo(0.5);
    time.advance(500);
    expect(buckets.waitSeconds('k')).toBe(0);
  });

  test('never holds more than the burst, however long a key was idle', () => {
    const time = clock();
    const buckets = new TokenBuckets({ perSecond: 10, burst: 2 }, 100, time.now);
    buckets.take('k');
    time.advance(3_600_000);
    buckets.take('k');
    buckets.take('k');
    expect(buckets.waitSeconds('k')).toBeGreaterThan(0);
  });

  test('forgets the least recently used keys past its size, so memory stays bounded', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, 100);
    for (let i = 0; i < 10_000; i++) buckets.take(`key-${i}`);
    expect(buckets.size).toBe(100);
  });

  test('a rate of 0 turns it off', () => {
    const buckets = new TokenBuckets({ perSecond: 0, burst: 1 });
    for (let i = 0; i < 100; i++) buckets.take('k');
    expect(buckets.waitSeconds('k')).toBe(0);
    expect(buckets.size).toBe(0);
  });
});

describe('the track limiter', () => {
  test('refuses a user over their rate with RATE_LIMITED and whole seconds to wait', () => {
    const time = clock();
    const limiter = createTrackLimiter({ user: { perSecond: 1, burst: 2 }, ip: { perSecond: 100, burst: 100 }, now: time.now });
    const client = limiter.forClient('10.0.0.1');
    client.track('alice');
    client.track('alice');
    const error = refusal(() => client.track('alice'));
    expect(error?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
    expect(error?.message).toMatch(/user "alice"/);
    expect(refusal(() => client.track('bob'))).toBeNull(); // other users are not affected
    time.advance(1000);
    expect(refusal(() => client.track('alice'))).toBeNull();
  });

  test('refuses a client address over its rate whichever user it names', () => {
    const time = clock();
    const limiter = createTrackLimiter({ user: { perSecond: 100, burst: 100 }, ip: { perSecond: 0.5, burst: 3 }, now: time.now });
    const client = limiter.forClient('10.0.0.2');
    for (const user of ['a', 'b', 'c']) client.track(user);
    const error = refusal(() => client.track('d'));
    expect(error?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 2 });
    expect(error?.message).toMatch(/client address/);
    expect(refusal(() => limiter.forClient('10.0.0.3').track('d'))).toBeNull();
  });

  test('a refused event spends no token of the other bucket', () => {
    const time = clock();
    const limiter = createTrackLimiter({ user: { perSecond: 1, burst: 1 }, ip: { perSecond: 1, burst: 2 }, now: time.now });
    const client = limiter.forClient('10.0.0.4');
    client.track('alice');
    for (let i = 0; i < 5; i++) expect(refusal(() => client.track('alice'))).not.toBeNull(); // user empty: address untouched
    expect(refusal(() => client.track('bob'))).toBeNull();
  });
});
