// Every real-stack namespace a test file made (realStackEnv) is removed after the file: its Kafka
// topics, its Redis keys and its ZooKeeper root. Registered for the integration project in jest.config.js.
import { Kafka, logLevel } from 'kafkajs';
import zookeeper from 'node-zookeeper-client';
import type { Env } from '../../src/config';
import { createRedisClient } from '../../src/store/redisClient';
import { RedisStore } from '../../src/store/redisStore';

const created: Env[] = [];

export function trackNamespace(env: Env): Env {
  created.push(env);
  return env;
}

async function dropTopics(env: Env): Promise<void> {
  const admin = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(env.KAFKA_TOPIC_PREFIX!));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    await admin.deleteGroups([env.KAFKA_GROUP_ID!]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

async function dropKeys(env: Env): Promise<void> {
  const clusterNodes = env.REDIS_CLUSTER_NODES ? env.REDIS_CLUSTER_NODES.split(',') : null;
  const redis = createRedisClient({ url: env.REDIS_URL ?? null, clusterNodes });
  try {
    await new RedisStore(redis, env.REDIS_KEY_PREFIX!).clear(); // every key under the prefix, on every primary
  } finally {
    await redis.quit();
  }
}

function dropZnodes(env: Env): Promise<void> {
  return new Promise((resolve) => {
    const client = zookeeper.createClient(env.ZOOKEEPER_CONNECT!, { sessionTimeout: 5_000, retries: 1 });
    // Flag znodes made under ZOOKEEPER_AUTH are deletable only with its credentials.
    if (env.ZOOKEEPER_AUTH) client.addAuthInfo('digest', Buffer.from(env.ZOOKEEPER_AUTH));
    const timer = setTimeout(() => finish(), 5_000);
    const finish = () => {
      clearTimeout(timer);
      client.close();
      resolve();
    };
    // removeRecursive exists in node-zookeeper-client 1.1 but is missing from its type definitions.
    const remove = (client as unknown as { removeRecursive(path: string, version: number, cb: () => void): void }).removeRecursive.bind(client);
    client.once('connected', () => remove(env.ZOOKEEPER_ROOT!, -1, () => finish()));
    client.connect();
  });
}

export async function cleanupNamespaces(): Promise<void> {
  for (const env of created.splice(0)) {
    await Promise.allSettled([dropTopics(env), dropKeys(env), dropZnodes(env)]);
  }
}
