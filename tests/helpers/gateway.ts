// Starts a gateway for a test and talks to it the way a storefront does (HTTP and graphql-ws).
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { loadConfig, type Env } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startGateway, type Gateway } from '../../src/app';
import { trackNamespace } from './stackCleanup';
import { print } from 'graphql';
import { RECOMMENDATIONS, RECOMMENDATIONS_UPDATED, TRACK_ADD_TO_CART, TRACK_PURCHASE, TRACK_VIEW } from '../../src/demo/operations';
import { TrackEventsDocument } from '../../src/generated/graphql';

export const uniqueId = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

/**
 * Real stack addresses, as `npm test` exports them (scripts/test.js), in a namespace of its own removed after the test file.
 * `extra`: more settings (e.g. ZOOKEEPER_AUTH, which the clean-up then presents).
 */
export function realStackEnv(extra: Env = {}): Env {
  const id = uniqueId('t');
  return trackNamespace({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS || '127.0.0.1:9093',
    REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    ZOOKEEPER_CONNECT: process.env.ZOOKEEPER_CONNECT || '127.0.0.1:2181',
    REDIS_KEY_PREFIX: id,
    KAFKA_TOPIC_PREFIX: `${id}-`,
    KAFKA_GROUP_ID: `${id}-scorer`,
    KAFKA_PARTITIONS: '3',
    ZOOKEEPER_ROOT: `/${id}`,
    ...extra,
  });
}

export async function startTestGateway(env: Env = {}): Promise<Gateway> {
  return startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', ...env }), createLogger(process.env.TEST_LOG_LEVEL || 'silent'));
}

export interface GqlResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export async function gql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResponse<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as GqlResponse<T>;
}

export function wsClient(wsUrl: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams });
}

/** Collects every message of one subscription until disposed. */
export function subscribe<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown>) {
  const received: GqlResponse<T>[] = [];
  const waiters: { test: (m: GqlResponse<T>[]) => boolean; resolve: () => void }[] = [];
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (msg) => {
        received.push(msg as GqlResponse<T>);
        for (const w of [...waiters])
          if (w.test(received)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve();
          }
      },
      error: (err) => received.push({ errors: [{ message: String((err as Error)?.message ?? JSON.stringify(err)) }] }),
      complete: () => {},
    },
  );
  return {
    received,
    dispose,
    /** Resolves once `test` holds for the messages so far; fails after `ms`. */
    until(test: (m: GqlResponse<T>[]) => boolean, ms = 10_000): Promise<void> {
      if (test(received)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`subscription condition not met within ${ms} ms; got ${JSON.stringify(received).slice(0, 2000)}`)), ms);
        waiters.push({
          test,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

/** The operations tests send: the storefront contract's (generated from operations/storefront.graphql) and the bulk ingest one. */
export const OPS = {
  trackView: TRACK_VIEW,
  trackAddToCart: TRACK_ADD_TO_CART,
  trackPurchase: TRACK_PURCHASE,
  trackEvents: print(TrackEventsDocument),
  recommendations: RECOMMENDATIONS,
  recommendationsUpdated: RECOMMENDATIONS_UPDATED,
};

export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000, every = 50): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; last value ${JSON.stringify(last).slice(0, 1000)}`);
    await new Promise((r) => setTimeout(r, every));
    last = await fn();
  }
  return last;
}
