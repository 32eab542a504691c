// The storefront client (client/) against a running gateway, the same in every mode: run against
// the embedded stand-ins (unit project) and the real Kafka, Redis and ZooKeeper (integration project).
import WebSocket from 'ws';
import type { Env } from '../../src/config';
import type { Gateway } from '../../src/app';
import { createRecsClient, RecsClientError, type RecsClient, type RecsList } from '../../client/src';
import { eventually, startTestGateway, uniqueId } from '../helpers/gateway';

export interface ClientTarget {
  /** A fresh namespace per call; a gateway restarted with the same env finds the same data (real stack). */
  env: () => Env;
}

/**
 * A `ws` WebSocket class whose sockets a test can drop at once (as a network cut does) and keep
 * from connecting again until it lets them (new sockets then dial a closed port and fail).
 */
function droppableWebSocket() {
  const open = new Set<WebSocket>();
  let blocked = false;
  class Droppable extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(blocked ? 'ws://127.0.0.1:1/graphql' : address, protocols);
      open.add(this);
      this.on('close', () => open.delete(this));
    }
  }
  return {
    Droppable,
    cut() {
      blocked = true;
      for (const socket of open) socket.terminate();
    },
    restore() {
      blocked = false;
    },
  };
}

const FAST_RETRY = { initialMs: 50, maxMs: 400 };

/** Every list a watch handed on, and a way to wait for one. */
function collect() {
  const lists: RecsList[] = [];
  return {
    lists,
    onList: (list: RecsList) => lists.push(list),
    until: (test: (lists: RecsList[]) => boolean, ms = 20_000) => eventually(async () => lists, test, ms, 20),
  };
}

export function clientContract(mode: string, target: ClientTarget): void {
  describe(`the storefront client (${mode})`, () => {
    let gateway: Gateway;
    let client: RecsClient;
    beforeAll(async () => {
      gateway = await startTestGateway(target.env());
      client = createRecsClient({ url: gateway.url, webSocketImpl: WebSocket, retry: FAST_RETRY });
    });
    afterAll(async () => {
      await client?.dispose();
      await gateway?.stop();
    });

    test('tracks each kind of event and answers typed results, with the refreshed list when asked', async () => {
      const shopper = uniqueId('shopper');
      // The view waits to be scored: views and carts travel on different topics, so a view still in
      // flight could be learned after the cart and be the newest event behind the cart's list.
      const view = await client.trackView({ userId: shopper, productId: uniqueId('p') }, { refreshed: { limit: 1 } });
      expect(view.accepted).toBe(true);
      const cart = await client.trackAddToCart({ userId: shopper, productId: uniqueId('p'), quantity: 2 }, { refreshed: { limit: 3 } });
      expect(cart.refreshed.missing).toBeNull();
      expect(cart.refreshed.recommendations!.causedBy).toEqual({ eventId: cart.eventId, type: 'ADD_TO_CART' });
      expect(cart.refreshed.recommendations!.items.length).toBeLessThanOrEqual(3);
      const order = await client.trackPurchase(
        { userId: shopper, orderId: uniqueId('o'), items: [{ productId: uniqueId('p'), quantity: 1, price: 9.5 }] },
        { refreshed: true },
      );
      // A purchase of a product no list showed may leave the list as it was (then it keeps its cause): it still answers the list.
      expect(order.refreshed.missing).toBeNull();
      expect(order.refreshed.recommendations!.version).toBeGreaterThanOrEqual(cart.refreshed.recommendations!.version);
      const list = await client.recommendations(shopper, { limit: 5 });
      expect(list.userId).toBe(shopper);
      expect(list.version).toBeGreaterThanOrEqual(order.refreshed.recommendations!.version);
      const batch = await client.trackEvents([
        { type: 'VIEW', userId: shopper, productId: uniqueId('p') },
        { type: 'VIEW', userId: shopper, productId: '' },
      ]);
      expect(batch.map((a) => a.accepted)).toEqual([true, false]);
      expect(batch[1]!.error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input[1].productId' });
    });

    test("a refused call throws a RecsClientError with the gateway's code and the field it names", async () => {
      const err = await client.trackView({ userId: uniqueId('u'), productId: '' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RecsClientError);
      expect(err).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.productId', retriable: false });
      const limit = await client.recommendations(uniqueId('u'), { limit: 1000 }).catch((e: unknown) => e);
      expect(limit).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
    });

    test('on Node 20 without webSocketImpl, watching says to pass one (ws)', () => {
      const bare = createRecsClient({ url: gateway.url });
      const global = globalThis as { WebSocket?: unknown };
      const saved = global.WebSocket;
      delete global.WebSocket;
      try {
        expect(() => bare.watchRecommendations('u', () => {})).toThrow(/no WebSocket in this runtime.*pass webSocketImpl/);
      } finally {
        if (saved !== undefined) global.WebSocket = saved;
      }
    });

    test('a bad url is refused when the client is made, naming url', () => {
      expect(() => createRecsClient({ url: 'ftp://example.com/graphql' })).toThrow(/url: expected http: or https:, got ftp:/);
      expect(() => createRecsClient({ url: 'not a url' })).toThrow(/url: expected the gateway's GraphQL endpoint/);
    });

    test('a watch resumes after its socket is cut: versions only grow, and it ends on the version the gateway holds', async () => {
      const shopper = uniqueId('shopper');
      const sockets = droppableWebSocket();
      const watcher = createRecsClient({ url: gateway.url, webSocketImpl: sockets.Droppable, retry: FAST_RETRY });
      const connects: string[] = [];
      watcher.onConnection((state) => state === 'connected' && connects.push(state));
      const seen = collect();
      const watch = watcher.watchRecommendations(shopper, seen.onList, { limit: 10 });
      try {
        await seen.until((l) => l.length >= 1);
        const first = await client.trackView({ userId: shopper, productId: uniqueId('p') }, { refreshed: true });
        await seen.until((l) => l.some((x) => x.version >= first.refreshed.recommendations!.version));

        sockets.cut();
        // Changes while the socket is down: their pushes are lost with it.
        let last = first;
        for (let i = 0; i < 3; i++) last = await client.trackView({ userId: shopper, productId: uniqueId('p') }, { refreshed: true });
        const newest = last.refreshed.recommendations!.version;
        expect(newest).toBeGreaterThan(watch.lastVersion);
        sockets.restore();

        await seen.until((l) => l[l.length - 1]!.version === newest);
        expect(connects.length).toBeGreaterThanOrEqual(2);
        const versions = seen.lists.map((l) => l.version);
        expect([...new Set(versions)].sort((a, b) => a - b)).toEqual(versions);
        expect(watch.lastVersion).toBe((await client.recommendations(shopper)).version);
      } finally {
        watch.stop();
        await watcher.dispose();
      }
    });

    test('a watch resumes across a gateway restart on the same address and ends on the newest version', async () => {
      const env = target.env();
      let first: Gateway | null = await startTestGateway(env);
      const port = new URL(first.url).port;
      let second: Gateway | null = null;
      const watcher = createRecsClient({ url: first.url, webSocketImpl: WebSocket, retry: FAST_RETRY });
      const shopper = uniqueId('shopper');
      const seen = collect();
      const watch = watcher.watchRecommendations(shopper, seen.onList);
      try {
        await seen.until((l) => l.length >= 1);
        const before = await watcher.trackView({ userId: shopper, productId: uniqueId('p') }, { refreshed: true });
        await seen.until((l) => l.some((x) => x.version >= before.refreshed.recommendations!.version));

        await first.stop();
        first = null;
        second = await startTestGateway({ ...env, PORT: port });
        const after = await watcher.trackView({ userId: shopper, productId: uniqueId('p') }, { refreshed: true });
        const newest = after.refreshed.recommendations!.version;
        await seen.until((l) => l[l.length - 1]!.version >= newest);
        const versions = seen.lists.map((l) => l.version);
        expect([...new Set(versions)].sort((a, b) => a - b)).toEqual(versions);
        expect(watch.lastVersion).toBe((await watcher.recommendations(shopper)).version);
      } finally {
        watch.stop();
        await watcher.dispose();
        await first?.stop();
        await second?.stop();
      }
    });
  });
}
