// Two scorers on one store, as two gateways on one Redis: one loads a batch and is "paused"
// (held before its state write) while the partition's new owner scores the same events and more.
import { StaleWriteError } from '../../../src/errors';
import type { EventEnvelope } from '../../../src/events/envelope';
import { defaultFlags } from '../../../src/flags/definitions';
import { MemoryDeadLetters } from '../../../src/log/deadLetters';
import { Recommender } from '../../../src/recommender/recommender';
import { MemoryStore } from '../../../src/store/memoryStore';
import type { RecStore } from '../../../src/store/types';
import { createScorer, type ScoredRecord } from '../../../src/streams/scorer';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const base = (eventId: string, s: number) => ({ v: 1 as const, eventId, userId: 'u1', sessionId: null, occurredAt: at(s), receivedAt: at(s) });
const view = (id: string, s: number, productId: string): EventEnvelope => ({ ...base(id, s), type: 'view', productId });
const cart = (id: string, s: number, productId: string): EventEnvelope => ({ ...base(id, s), type: 'add_to_cart', productId, quantity: 1 });
const buy = (id: string, s: number, productId: string): EventEnvelope => ({
  ...base(id, s),
  type: 'purchase',
  orderId: `o-${id}`,
  items: [{ productId, quantity: 1, price: 1 }],
});
const records = (offset: number, ...events: EventEnvelope[]): ScoredRecord[] => events.map((event, i) => ({ offset: offset + i, event }));

function scorerOn(store: RecStore, onStaleWrites?: (n: number) => void) {
  return createScorer({
    store,
    recommender: new Recommender({ store, flags: defaultFlags }),
    flags: defaultFlags,
    deadLetters: new MemoryDeadLetters(),
    onStaleWrites,
  });
}

/** The store, with state writes held until `release()` (a process stopped between load and save). */
function paused(store: MemoryStore) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let reachedSave!: () => void;
  const atSave = new Promise<void>((r) => (reachedSave = r));
  const held = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'saveUsers') {
        return async (...args: Parameters<MemoryStore['saveUsers']>) => {
          reachedSave();
          await gate;
          return target.saveUsers(...args);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: held, release, atSave };
}

test("a stale owner's state write is refused and counted, its batch fails uncommitted, and the owner's state keeps every event", async () => {
  const store = new MemoryStore();
  await store.upsertProducts(['p1', 'p2', 'p3'].map((id) => ({ id, name: id, category: 'c', price: 1, inStock: true, imageUrl: null })));
  const owner = scorerOn(store);
  await owner.scoreBatch('view-events/2', records(0, view('e0', 0, 'p1')));

  // The old owner loads a batch (a cart) and stops before writing.
  const stale = paused(store);
  let refused = 0;
  const oldOwner = scorerOn(stale.store, (n) => (refused += n));
  const late = oldOwner.scoreBatch('add-to-cart-events/2', records(0, cart('e1', 1, 'p2')));
  await stale.atSave;
  // Meanwhile the new owner scores the same batch from the committed offset, and a purchase after it.
  await owner.scoreBatch('add-to-cart-events/2', records(0, cart('e1', 1, 'p2')));
  await owner.scoreBatch('purchase-events/2', records(0, buy('e2', 2, 'p3')));
  stale.release();

  await expect(late).rejects.toBeInstanceOf(StaleWriteError);
  await expect(late).rejects.toMatchObject({ code: 'STALE_WRITE' });
  expect(refused).toBe(1);
  // Delivered again to the owner (the batch was not committed): nothing new, nothing lost.
  const again = await owner.scoreBatch('add-to-cart-events/2', records(0, cart('e1', 1, 'p2')));
  expect(again).toMatchObject({ learned: 0, duplicates: 1 });

  const reference = new MemoryStore();
  await reference.upsertProducts(['p1', 'p2', 'p3'].map((id) => ({ id, name: id, category: 'c', price: 1, inStock: true, imageUrl: null })));
  const single = scorerOn(reference);
  for (const [source, event] of [
    ['view-events/2', view('e0', 0, 'p1')],
    ['add-to-cart-events/2', cart('e1', 1, 'p2')],
    ['purchase-events/2', buy('e2', 2, 'p3')],
  ] as const) {
    await single.scoreBatch(source, records(0, event));
  }
  const [live, expected] = await Promise.all([store.loadUsers(['u1']), reference.loadUsers(['u1'])]);
  expect(live.get('u1')).toEqual(expected.get('u1'));
  expect(live.get('u1')).toMatchObject({ cart: ['p2'], purchased: ['p3'], seen: ['e0', 'e1', 'e2'] });
});
