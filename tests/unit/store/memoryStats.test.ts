import { MemoryStats } from '../../../src/store/memoryStats';
import { STAT_BOUNDS } from '../../../src/store/statBounds';
import { seededRandom as random } from '../../../src/util/seededRandom';
import { FIXED_FRAME } from '../../helpers/decay';

describe('the in-process statistics', () => {
  test('lists stay exactly the best entries, highest first, while scores keep growing between lookups', () => {
    const stats = new MemoryStats();
    const truth = new Map<string, number>();
    const next = random(7);
    for (let step = 0; step < 3000; step++) {
      const member = `m${Math.floor(next() * 60)}`;
      const incr = Math.floor(next() * 4); // zero increments and ties included
      stats.add({ kind: 'trending', category: null, product: member, incr, frame: FIXED_FRAME });
      truth.set(member, (truth.get(member) ?? 0) + incr);
      if (step % 7 === 0) {
        const limit = 1 + Math.floor(next() * 30);
        const expected = [...truth]
          .map(([id, score]) => ({ id, score }))
          .sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1))
          .slice(0, limit);
        expect(stats.trending([null], limit).get(null)).toEqual(expected);
      }
    }
  });

  test('a handed-out list cannot be changed by the caller', () => {
    const stats = new MemoryStats();
    stats.add({ kind: 'covis', from: 'a', to: 'b', incr: 1, frame: FIXED_FRAME });
    const list = stats.alsoViewed(['a'], 10).get('a')!;
    expect(() => list.push({ id: 'x', score: 1 })).toThrow();
  });

  test('per product, only the most recent users are kept', () => {
    const stats = new MemoryStats();
    const n = Math.ceil(STAT_BOUNDS.sessions * 1.25) + 1;
    for (let i = 0; i < n; i++) stats.add({ kind: 'session', product: 'p', user: `u${i}`, at: i });
    const list = stats.recentSessions(['p'], n).get('p')!;
    expect(list.length).toBeLessThanOrEqual(STAT_BOUNDS.sessions * 1.25);
    expect(list[0]).toEqual({ id: `u${n - 1}`, score: n - 1 });
    expect(list.some((s) => s.id === 'u0')).toBe(false);
  });
});
