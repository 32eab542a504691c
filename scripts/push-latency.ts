// Measures event-to-push latency on the local real stack: N subscribed shoppers, one view at a
// time at a steady rate, from the mutation's answer to the websocket push of the changed list.
// Usage: npm run measure:push -- [--events 1000] [--users 50] [--rate 200]
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { loadStackConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startGateway } from '../src/app';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const events = Math.min(arg('events', 1000), 100_000);
  const users = Math.min(arg('users', 50), 5_000);
  const rate = Math.min(arg('rate', 200), 5_000);
  const id = `lat-${randomBytes(3).toString('hex')}`;
  const config = loadStackConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_KEY_PREFIX: id,
    KAFKA_TOPIC_PREFIX: `${id}-`,
    KAFKA_GROUP_ID: `${id}-scorer`,
    KAFKA_PARTITIONS: '6',
    // Up to 5,000 shoppers connect from this one address.
    RECSYS_WS_MAX_SOCKETS_PER_ADDRESS: process.env.RECSYS_WS_MAX_SOCKETS_PER_ADDRESS || '1000000',
  });
  const gateway = await startGateway(config, createLogger(process.env.LOG_LEVEL || 'warn'));
  // One connection per shopper, as storefronts connect (and within the per-connection cap).
  const clients = Array.from({ length: users }, () => createClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 }));
  const answeredAt = new Map<string, number>();
  const lastVersion = new Map<string, number>();
  const latencies: number[] = [];
  const disposers: (() => void)[] = [];
  let ready = 0;
  for (let u = 0; u < users; u++) {
    const userId = `${id}-user-${u}`;
    disposers.push(
      clients[u]!.subscribe<{ recommendationsUpdated: { version: number } }>(
        { query: 'subscription($u: ID!) { recommendationsUpdated(userId: $u, limit: 10) { version } }', variables: { u: userId } },
        {
          next: (msg) => {
            const at = performance.now();
            const version = msg.data?.recommendationsUpdated.version ?? 0;
            if (!lastVersion.has(userId)) ready++;
            const previous = lastVersion.get(userId) ?? 0;
            lastVersion.set(userId, version);
            const sent = answeredAt.get(userId);
            if (sent !== undefined && version > previous) {
              latencies.push(Math.max(0, at - sent));
              answeredAt.delete(userId);
            }
          },
          error: (err) => process.stderr.write(`subscription error: ${JSON.stringify(err)}\n`),
          complete: () => {},
        },
      ),
    );
  }
  const readyBy = Date.now() + 30_000;
  while (ready < users) {
    if (Date.now() > readyBy) throw new Error(`only ${ready} of ${users} subscriptions answered within 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }

  const gap = 1000 / rate;
  const started = performance.now();
  let errors = 0;
  for (let i = 0; i < events; i++) {
    const userId = `${id}-user-${i % users}`;
    // Each shopper walks through products of their own: every view changes their list.
    const productId = `${id}-p-${i % users}-${Math.floor(i / users)}`;
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation($i: TrackViewInput!) { trackView(input: $i) { accepted } }', variables: { i: { userId, productId } } }),
    });
    const body = (await res.json()) as { data?: { trackView?: { accepted: boolean } } };
    if (body.data?.trackView?.accepted) answeredAt.set(userId, performance.now());
    else errors++;
    if (i % 100 === 99) process.stderr.write(`\r  ${i + 1}/${events} events sent, ${latencies.length} pushes measured, ${errors} errors`);
    const due = started + (i + 1) * gap;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const deadline = Date.now() + 5_000;
  while (answeredAt.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  process.stderr.write('\n');

  const sorted = [...latencies].sort((a, b) => a - b);
  const rows = [
    ['events sent', String(events)],
    ['subscribers', String(users)],
    ['target rate (events/s)', String(rate)],
    ['pushes measured', String(sorted.length)],
    ['errors', String(errors)],
    ['p50 (ms)', percentile(sorted, 50).toFixed(2)],
    ['p99 (ms)', percentile(sorted, 99).toFixed(2)],
    ['max (ms)', (sorted[sorted.length - 1] ?? NaN).toFixed(2)],
  ];
  process.stdout.write('\nevent-to-push latency (mutation answer -> websocket push), real Kafka + Redis\n');
  for (const [k, v] of rows) process.stdout.write(`  ${k!.padEnd(24)} ${v}\n`);
  disposers.forEach((d) => d());
  await Promise.all(clients.map(async (c) => c.dispose()));
  await gateway.store.clear();
  await gateway.stop();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
