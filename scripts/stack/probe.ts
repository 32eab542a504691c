// "Is it answering?" for each part, each bounded in time and leaving no client behind:
// TCP connect, ZooKeeper four-letter words (ruok -> imok), Redis PING, Kafka metadata via kafkajs.
import { connect } from 'node:net';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';

export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Sends a ZooKeeper four-letter word and returns the whole reply, or null. */
export function fourLetterWord(host: string, port: number, word: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let reply = '';
    let settled = false;
    const done = (value: string | null) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('connect', () => socket.write(word));
    socket.on('data', (chunk) => (reply += chunk.toString('utf8')));
    socket.once('end', () => done(reply));
    socket.once('error', () => done(null));
  });
}

export async function zookeeperAnswers(host: string, port: number, timeoutMs = 2000): Promise<boolean> {
  return (await fourLetterWord(host, port, 'ruok', timeoutMs)) === 'imok';
}

export async function redisAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface KafkaClusterInfo {
  brokers: { nodeId: number; host: string; port: number }[];
  controller: number | null;
  clusterId: string;
}

/** Kafka metadata through the kafkajs admin client, or null when the brokers do not answer. */
export async function kafkaCluster(brokers: string[], timeoutMs = 3000): Promise<KafkaClusterInfo | null> {
  const kafka = new Kafka({
    clientId: 'recsys-stack-probe',
    brokers,
    connectionTimeout: Math.min(timeoutMs, 2000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await Promise.race([
      (async () => {
        await admin.connect();
        return await admin.describeCluster();
      })(),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    return info;
  } catch {
    return null;
  } finally {
    if (timer) clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
