// What every ExperimentStore adapter must do; run against the memory store (unit) and Redis
// (integration, single server and cluster).
import type { AttributionState, Increment } from '../../src/experiments/attribution';
import { emptyAttribution } from '../../src/experiments/attribution';
import type { ExperimentStore } from '../../src/experiments/store';

export function experimentStoreContract(name: string, make: () => Promise<{ store: ExperimentStore; close: () => Promise<void> }>): void {
  describe(`the experiment store contract (${name})`, () => {
    let store: ExperimentStore;
    let close: () => Promise<void>;
    beforeEach(async () => {
      ({ store, close } = await make());
    });
    afterEach(async () => {
      await store.clear();
      await close();
    });

    const at = Date.UTC(2030, 0, 1, 12, 0, 0);
    const inc = (arm: string, strategy: string, metric: Increment['metric'], by: number, when = at, experiment = 'exp1'): Increment => ({
      experiment,
      arm,
      strategy,
      metric,
      by,
      at: when,
    });
    const state = (seen: string[]): AttributionState => ({ ...emptyAttribution(), seen });

    test('a new shopper has an empty state at revision 0, and a save moves the revision on', async () => {
      expect(await store.loadAttribution('u1')).toEqual({ state: emptyAttribution(), revision: 0 });
      expect(await store.saveAttribution('u1', 0, state(['e1']), [], 60_000)).toBe(true);
      expect(await store.loadAttribution('u1')).toEqual({ state: state(['e1']), revision: 1 });
    });

    test('refuses a save from a stale revision and adds none of its increments', async () => {
      expect(await store.saveAttribution('u1', 0, state(['e1']), [inc('A', 'personalized', 'clicks', 1)], 60_000)).toBe(true);
      expect(await store.saveAttribution('u1', 0, state(['e2']), [inc('A', 'personalized', 'clicks', 5)], 60_000)).toBe(false);
      expect((await store.loadAttribution('u1')).state.seen).toEqual(['e1']);
      expect((await store.totals('exp1')).counts.get('A|personalized|clicks')).toBe(1);
    });

    test('sums increments over shoppers (whatever shard each lands in) per arm, strategy and metric', async () => {
      for (let i = 0; i < 40; i++) {
        await store.saveAttribution(
          `shopper-${i}`,
          0,
          state([`e${i}`]),
          [inc(i % 2 ? 'B' : 'A', 'trending', 'items', 10), inc(i % 2 ? 'B' : 'A', '*', 'shoppers', 1)],
          60_000,
        );
      }
      const { counts } = await store.totals('exp1');
      expect(Object.fromEntries(counts)).toEqual({ 'A|trending|items': 200, 'B|trending|items': 200, 'A|*|shoppers': 20, 'B|*|shoppers': 20 });
    });

    test('keeps per-shopper metrics by time (the counter gives bucket starts), and nothing else', async () => {
      await store.saveAttribution('u1', 0, state(['e1']), [inc('A', '*', 'shoppers', 1, at), inc('A', 'personalized', 'lists', 1, at)], 60_000);
      await store.saveAttribution('u2', 0, state(['e2']), [inc('A', '*', 'shoppers', 1, at), inc('A', '*', 'buyers', 1, at + 60_000)], 60_000);
      expect(Object.fromEntries((await store.totals('exp1')).series)).toEqual({ [`${at}|A|shoppers`]: 2, [`${at + 60_000}|A|buyers`]: 1 });
    });

    test('keeps experiments apart and lists their names', async () => {
      await store.saveAttribution(
        'u1',
        0,
        state(['e1']),
        [inc('A', 'personalized', 'clicks', 1, at, 'exp1'), inc('X', 'trending', 'clicks', 2, at, 'exp2')],
        60_000,
      );
      expect(await store.experiments()).toEqual(['exp1', 'exp2']);
      expect(Object.fromEntries((await store.totals('exp2')).counts)).toEqual({ 'X|trending|clicks': 2 });
      expect((await store.totals('unknown')).counts.size).toBe(0);
    });

    test('clear() removes states and counters', async () => {
      await store.saveAttribution('u1', 0, state(['e1']), [inc('A', 'personalized', 'clicks', 1)], 60_000);
      await store.clear();
      expect(await store.experiments()).toEqual([]);
      expect((await store.loadAttribution('u1')).revision).toBe(0);
    });
  });
}
