// An experiment simulated in process, through the real paths of embedded mode: lists computed by
// the Recommender and counted as delivered, events built by the API's validation and consumed by
// the scorer (whose attribution step counts them), topics consumed out of order (purchases
// before the clicks they follow) and every click batch delivered twice. Returns the report and
// the truth it must match.
import { addToCartEnvelope, purchaseEnvelope, viewEnvelope } from '../../src/events/validate';
import type { EventEnvelope } from '../../src/events/envelope';
import { defaultFlags, type RecFlags } from '../../src/flags/definitions';
import { MemoryDeadLetters } from '../../src/log/deadLetters';
import { Recommender } from '../../src/recommender/recommender';
import { MemoryStore } from '../../src/store/memoryStore';
import { createScorer } from '../../src/streams/scorer';
import { ExperimentCounter } from '../../src/experiments/counter';
import { MemoryExperimentStore } from '../../src/experiments/store';
import type { ExperimentReport } from '../../src/experiments/report';
import { DEMO_CATALOG } from '../../src/demo/catalog';
import { simulatedExperiment, visit, type ArmBehaviour } from '../../src/demo/simulate/experiment';
import { seededRandom } from '../../src/util/seededRandom';

export interface SimulationTruth {
  shoppers: number;
  clicks: number;
  purchases: number;
  revenue: number;
}

const LIST_LENGTH = 10;
const CHUNK = 250;

export async function simulateInProcess(options: {
  seed: number;
  shoppers: number;
  behaviours: Record<string, ArmBehaviour>;
}): Promise<{ report: ExperimentReport; truth: Map<string, SimulationTruth> }> {
  const random = seededRandom(options.seed);
  const flags: RecFlags = { ...defaultFlags(), 'experiment.recs': simulatedExperiment(`sim-${options.seed}`) };
  const store = new MemoryStore();
  await store.upsertProducts(DEMO_CATALOG.map((p) => ({ ...p })));
  const price = new Map(DEMO_CATALOG.map((p) => [p.id, p.price ?? 0]));
  const recommender = new Recommender({ store, flags: () => flags });
  const counter = new ExperimentCounter({ store: new MemoryExperimentStore(), flags: () => flags, products: (ids) => store.getProducts(ids) });
  const scorer = createScorer({ store, recommender, flags: () => flags, deadLetters: new MemoryDeadLetters(), attribution: counter });
  const truth = new Map<string, SimulationTruth>();
  const offsets = new Map<string, number>();
  const consume = async (source: string, events: EventEnvelope[]) => {
    const start = offsets.get(source) ?? 0;
    offsets.set(source, start + events.length);
    await scorer.scoreBatch(
      source,
      events.map((event, i) => ({ offset: start + i, event })),
    );
  };

  // Shoppers arrive over the last six hours (the report's plot has something to show), after
  // others browsed the catalogue (without any list), so that newcomers' trending lists are not empty.
  const end = Date.now() - 60_000;
  await consume(
    'view-events/0',
    DEMO_CATALOG.map((p, i) => viewEnvelope({ userId: `browser-${i % 7}`, productId: p.id }, end - 7 * 3_600_000)),
  );
  const spacing = (6 * 3_600_000) / options.shoppers;
  for (let from = 0; from < options.shoppers; from += CHUNK) {
    const views: EventEnvelope[] = [];
    const carts: EventEnvelope[] = [];
    const purchases: EventEnvelope[] = [];
    for (let i = from; i < Math.min(options.shoppers, from + CHUNK); i++) {
      const userId = `s${options.seed}-${i}`;
      const at = end - 6 * 3_600_000 + i * spacing;
      const recs = await recommender.visible(await recommender.current(userId));
      const items = recs.items.slice(0, LIST_LENGTH);
      const arm = recs.arm!;
      counter.delivered(recs, items.length);
      const t = truth.get(arm) ?? { shoppers: 0, clicks: 0, purchases: 0, revenue: 0 };
      truth.set(arm, t);
      t.shoppers += 1;
      const { position, bought } = visit(random, options.behaviours[arm]!, items.length);
      if (position === null) continue;
      const productId = items[position]!.productId;
      const fromRecommendation = { listId: counter.listId(recs), position };
      views.push(viewEnvelope({ userId, productId, fromRecommendation }, at, 'input'));
      t.clicks += 1;
      if (!bought) continue;
      carts.push(addToCartEnvelope({ userId, productId }, at + 60_000));
      purchases.push(purchaseEnvelope({ userId, orderId: `o-${userId}`, items: [{ productId, quantity: 1 }] }, at + 120_000));
      t.purchases += 1;
      t.revenue += price.get(productId)!;
    }
    // Three topics, consumed in the worst order; then the clicks are delivered again.
    await consume('purchase-events/0', purchases);
    await consume('add-to-cart-events/0', carts);
    await consume('view-events/0', views);
    await scorer.scoreBatch(
      'view-events/0',
      views.map((event, i) => ({ offset: (offsets.get('view-events/0') ?? 0) - views.length + i, event })),
    );
  }
  await scorer.refreshes.idle();
  return { report: await counter.report(), truth };
}
