// Helpers for the catalogue integration tests: a distributed gateway on the real stack with its own
// key and topic prefixes, typed contract operations over HTTP, and raw Redis access to the prefix.
import { print } from 'graphql';
import Redis from 'ioredis';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Gateway } from '../../../src/app';
import type { Env } from '../../../src/config';
import type { Product } from '../../../src/store/types';
import { gql, realStackEnv, startTestGateway, type GqlResponse } from '../../helpers/gateway';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface StackGateway {
  gateway: Gateway;
  prefix: string;
  /** Runs a generated contract operation over HTTP POST; the result and variables are typed. */
  run<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<GqlResponse<R>>;
  stop(): Promise<void>;
}

const printed = new WeakMap<object, string>();

/** A generated contract operation over HTTP POST; result and variables are typed by codegen. */
export function runOperation<R, V>(url: string, document: TypedDocumentNode<R, V>, variables: V): Promise<GqlResponse<R>> {
  let text = printed.get(document);
  if (text === undefined) printed.set(document, (text = print(document)));
  return gql<R>(url, text, variables ?? {});
}

/** `extra`: settings added to the real-stack namespace. */
export async function startStackGateway(extra: Env = {}): Promise<StackGateway> {
  const env = { ...realStackEnv(), ...extra };
  const gateway = await startTestGateway(env);
  return {
    gateway,
    prefix: env.REDIS_KEY_PREFIX!,
    run: (document, variables) => runOperation(gateway.url, document, variables),
    async stop() {
      await gateway.store.clear().catch(() => {});
      await gateway.stop();
    },
  };
}

export function product(id: string, overrides: Partial<Product> = {}): Product {
  return { id, name: `Product ${id}`, category: 'kitchen', price: 10, inStock: true, imageUrl: null, ...overrides };
}

/** Every key under a prefix with its type and value: a fingerprint of what a run changed. */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<Record<string, string>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const out: Record<string, string> = {};
  for (const key of keys.sort()) {
    const type = await redis.type(key);
    out[key] = type === 'string' ? `string ${await redis.get(key)}` : type === 'set' ? `set ${(await redis.smembers(key)).sort().join(',')}` : type;
  }
  return out;
}
