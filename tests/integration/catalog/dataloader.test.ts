// The product details of a list come from the request's DataLoader: one batched store read per
// list, whatever its length. Counted on the real Redis with MONITOR, filtered by the test's prefix.
import { connect } from 'node:net';
import Redis from 'ioredis';
import { RecommendationsDocument } from '../../../src/generated/graphql';
import type { RankedItem } from '../../../src/recommend';
import { uniqueId } from '../../helpers/gateway';
import { product, REDIS_URL, startStackGateway, type StackGateway } from './support';

jest.setTimeout(30_000);

interface Seen {
  command: string;
  keys: string[];
}

/** The arguments of one MONITOR line: `+<time> [<db> <addr>] "cmd" "arg" ...` (quotes escaped with \). */
function monitorArgs(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}

/**
 * Records every command that touches a key under `prefix`, as Redis itself received it. MONITOR is
 * read from a plain socket: ioredis's monitor() mistakes a line that arrives before MONITOR's +OK
 * for a reply ("Command queue state error"), which a background SCAN made happen in CI.
 */
async function watchCommands(prefix: string) {
  const url = new URL(REDIS_URL);
  const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const seen: Seen[] = [];
  let buffer = '';
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const args = monitorArgs(line);
      // The leader's maintenance SCANs the prefix in the background (pruning expired recent users):
      // not part of any request.
      if (args.length === 0 || args[0]!.toUpperCase() === 'SCAN') continue;
      const keys = args.slice(1).filter((a) => a.startsWith(`${prefix}:`));
      if (keys.length > 0) seen.push({ command: args[0]!.toUpperCase(), keys });
    }
  });
  socket.write('MONITOR\r\n');
  const poke = new Redis(REDIS_URL);
  /** MONITOR output is asynchronous: a marker command marks the end of what happened before it. */
  const settled = async () => {
    const marker = `${prefix}:marker:${uniqueId('m')}`;
    await poke.exists(marker);
    const deadline = Date.now() + 5_000;
    while (!seen.some((s) => s.keys.includes(marker))) {
      if (Date.now() > deadline) throw new Error('MONITOR did not report the marker within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    return seen.splice(0).filter((s) => !s.keys.includes(marker));
  };
  return {
    settled,
    async stop() {
      socket.destroy();
      await poke.quit();
    },
  };
}

describe('a 50-item recommendations query', () => {
  let stack: StackGateway;
  let watch: Awaited<ReturnType<typeof watchCommands>>;
  const userId = uniqueId('shopper');
  const items: RankedItem[] = Array.from({ length: 50 }, (_, i) => ({ productId: `p-${i}`, score: 50 - i, reason: 'TRENDING' }));

  beforeAll(async () => {
    // The request's loader is what is counted here: without RECSYS_PRODUCT_CACHE_ENTRIES=0 this
    // all-roles gateway would answer repeated products from its push product cache, not from Redis.
    stack = await startStackGateway({ RECSYS_PRODUCT_CACHE_ENTRIES: '0' });
    const { store } = stack.gateway;
    // 48 products known to the catalogue, 2 unknown: those still cost nothing extra.
    await store.upsertProducts(items.slice(0, 48).map((i) => product(i.productId)));
    await store.putRecs(userId, { generatedAt: new Date().toISOString(), strategy: 'personalized', arm: null, items });
    watch = await watchCommands(stack.prefix);
    await watch.settled();
  });
  afterAll(async () => {
    await watch?.stop();
    await stack?.stop();
  });

  it('reads all 50 products in one MGET, and issues three Redis commands in all', async () => {
    const res = await stack.run(RecommendationsDocument, { userId, limit: 50 });
    const commands = await watch.settled();

    expect(res.errors).toBeUndefined();
    const listed = res.data!.recommendations.items;
    expect(listed).toHaveLength(50);
    expect(listed[0]!.product).toEqual({ id: 'p-0', name: 'Product p-0', category: 'kitchen', price: 10 });
    expect(listed[49]!.product).toEqual({ id: 'p-49', name: null, category: null, price: null });

    const productReads = commands.filter((c) => c.keys.some((k) => k.endsWith(':info')));
    expect(productReads).toHaveLength(1);
    expect(productReads[0]!.command).toBe('MGET');
    expect(productReads[0]!.keys).toHaveLength(50);
    // The stored list and whether a newer state makes it stale (one MGET), the out-of-stock set it
    // is filtered by (SMEMBERS, cached for a second) and the products (MGET): nothing per item.
    expect(commands.map((c) => c.command)).toEqual(['MGET', 'SMEMBERS', 'MGET']);
  });

  it('reads each product once even when the same product is asked for twice in one request', async () => {
    const query = `query Twice($userId: ID!) {
      a: recommendations(userId: $userId, limit: 50) { items { product { id name } } }
      b: recommendations(userId: $userId, limit: 50) { items { product { id price } } }
    }`;
    const res = await fetch(stack.gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { userId } }),
    });
    expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    const productReads = (await watch.settled()).filter((c) => c.keys.some((k) => k.endsWith(':info')));
    expect(productReads.map((c) => [c.command, c.keys.length])).toEqual([['MGET', 50]]);
  });
});
