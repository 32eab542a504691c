// Track budgets shared by every gateway: counters in Redis (rate-limiter-flexible), so N gateways
// give a shopper or an address one budget, not N. Each budget is a fixed window of `burst` events
// per ⌈burst / perSecond⌉ s (at least 1 s), the same average rate as the in-process token buckets.
// Redis unreachable: each gateway falls back to the same windows in its own memory (the library's
// insurance limiter), so tracking neither stops nor goes unlimited.
import type { RedisClient } from '../../store/redisClient';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateConfig } from '../../config';
import { RateLimitedError } from '../../errors';
import type { TrackLimiter } from './rateLimit';

/** The window a rate becomes: `points` events per `duration` seconds. */
export function windowOf(rate: RateConfig): { points: number; duration: number } {
  const duration = Math.max(1, Math.ceil(rate.burst / rate.perSecond));
  return { points: Math.max(rate.burst, Math.round(rate.perSecond * duration)), duration };
}

function limiterFor(redis: RedisClient, keyPrefix: string, rate: RateConfig): RateLimiterAbstract | null {
  if (rate.perSecond <= 0) return null; // 0 turns the limit off, as in process
  const window = windowOf(rate);
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    ...window,
    rejectIfRedisNotReady: true, // the client fails fast while Redis is down: go to memory at once
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, ...window }),
  });
}

/** Spends one point; the wait in seconds when over the budget, 0 when allowed. */
async function spend(limiter: RateLimiterAbstract | null, key: string): Promise<number> {
  if (!limiter) return 0;
  try {
    await limiter.consume(key);
    return 0;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res.msBeforeNext / 1000;
    throw res;
  }
}

export function createSharedTrackLimiter(options: { redis: RedisClient; keyPrefix: string; user: RateConfig; ip: RateConfig }): TrackLimiter {
  const users = limiterFor(options.redis, `${options.keyPrefix}:rate:user`, options.user);
  const addresses = limiterFor(options.redis, `${options.keyPrefix}:rate:ip`, options.ip);
  const refuse = (who: string, waitSeconds: number): never => {
    const retryAfterSeconds = Math.max(1, Math.ceil(waitSeconds));
    throw new RateLimitedError(`too many track events from ${who}; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
  };
  return {
    forClient(address) {
      return {
        async track(userId) {
          // The user first: a user over budget spends nothing of the address's.
          const userWait = await spend(users, userId);
          if (userWait > 0) refuse(`user "${userId}"`, userWait);
          const addressWait = await spend(addresses, address);
          if (addressWait > 0) {
            await users?.reward(userId).catch(() => undefined); // refused: give the user's point back
            refuse('this client address', addressWait);
          }
        },
      };
    },
  };
}
