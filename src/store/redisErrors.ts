// Redis being down reaches callers as UnavailableError (extensions.code UNAVAILABLE), the way
// Kafka being down does: the clients are set to fail at once while disconnected (no offline
// queue, no replay of commands in flight, a command timeout; see redisClientOptions), and these
// helpers give those failures the project's error type.
import type { RedisOptions } from 'ioredis';
import { RecsysError, UnavailableError } from '../errors';
import type { RedisConfig } from '../config';

/** ioredis's own messages for "no connection" and "no answer in time" (a cluster's too: no node reached, slots not served). */
const CONNECTION_FAILURE =
  /Stream isn't writeable|enableOfflineQueue|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|max retries per request|LOADING|None of startup nodes is available|Failed to refresh slots cache|CLUSTERDOWN|Cluster is ended/i;

export function isRedisConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || CONNECTION_FAILURE.test(err.message);
}

export function asUnavailable(err: unknown): unknown {
  if (err instanceof RecsysError || !isRedisConnectionError(err)) return err;
  return new UnavailableError('redis', (err as Error).message, err);
}

/**
 * The same object, its async methods rethrowing connection failures as UnavailableError. (A
 * proxy rather than a wrapper per method: the store's interface is wide and changes.)
 */
export function failingAsUnavailable<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
        return result instanceof Promise ? result.catch((err: unknown) => Promise.reject(asUnavailable(err))) : result;
      };
    },
  });
}

/**
 * Client options that make every command fail fast while Redis is unreachable, and keep
 * reconnecting (ioredis's default retry strategy, every ≤2 s) so service resumes on its own.
 */
export function redisClientOptions(config: Pick<RedisConfig, 'commandTimeoutMs'>): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false, // a command while disconnected fails at once instead of waiting for a reconnect
    maxRetriesPerRequest: 0, // a command in flight when the connection drops fails instead of being re-sent later
    commandTimeout: config.commandTimeoutMs, // a connection that is open but silent (a paused server)
    retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
  };
}
