import { deltaCalls } from '../../../src/store/redisDeltaCalls';
import { redisKeys } from '../../../src/store/redisKeys';
import type { PositionedDelta } from '../../../src/store/types';

const keys = redisKeys('t');
const covis = (offset: number, from: string, to: string, incr = 1): PositionedDelta => ({ offset, delta: { kind: 'covis', from, to, incr } });

/** Each update as [offset, the key it names, member, value]. */
function updates(call: { keys: string[]; args: string[] }): [number, string, string, number][] {
  const flat = JSON.parse(call.args[call.args.length - 1]!) as (string | number)[];
  const out: [number, string, string, number][] = [];
  for (let i = 0; i < flat.length; i += 4) out.push([flat[i] as number, call.keys[(flat[i + 1] as number) - 1]!, flat[i + 2] as string, flat[i + 3] as number]);
  return out;
}

describe('the APPLY_DELTAS calls of a batch', () => {
  test('each update names its own sorted set, whatever group came before it in the call', () => {
    const [call, ...rest] = deltaCalls(keys, 'view-events/0', [
      { offset: 1, delta: { kind: 'trending', category: 'shoes', product: 'a', incr: 2 } },
      covis(2, 'a', 'sku#1'),
      { offset: 3, delta: { kind: 'session', product: 'a', user: 'u1', at: 99 } },
      covis(4, 'b', 'a', 0.5),
    ], { opsPerCall: 100, oneGroupPerCall: false });
    expect(rest).toEqual([]);
    expect(updates(call!)).toEqual([
      [1, keys.trending('shoes'), 'a', 2],
      [2, keys.covis('a'), 'sku#1', 1],
      [3, keys.recentUsers('a'), 'u1', 99],
      [4, keys.covis('b'), 'a', 0.5],
    ]);
    // Every group's watermark comes first among its keys, marked 'w'; sorted sets carry mode and bound.
    expect(call!.args[0]).toBe('view-events/0');
    const roles = call!.args.slice(1, -1);
    expect(call!.keys.filter((_, i) => roles[i] === 'w')).toEqual([keys.trendingWatermark, keys.productWatermark('a'), keys.productWatermark('b')]);
    expect(roles[call!.keys.indexOf(keys.recentUsers('a'))]).toMatch(/^m\d+$/);
    expect(roles[call!.keys.indexOf(keys.covis('a'))]).toMatch(/^i\d+$/);
  });

  test('groups share a call up to the update bound, and never split', () => {
    const deltas = [covis(1, 'a', 'x'), covis(2, 'a', 'y'), covis(3, 'b', 'x'), covis(4, 'c', 'x'), covis(5, 'c', 'y')];
    const calls = deltaCalls(keys, 's', deltas, { opsPerCall: 3, oneGroupPerCall: false });
    expect(calls.map((c) => updates(c).map(([offset]) => offset))).toEqual([[1, 2, 3], [4, 5]]);
  });

  test('under Redis Cluster each group (one hash tag, one slot) is a call of its own', () => {
    const calls = deltaCalls(keys, 's', [covis(1, 'a', 'x'), covis(2, 'b', 'x'), covis(3, 'a', 'y')], { opsPerCall: 100, oneGroupPerCall: true });
    expect(calls.map((c) => c.keys)).toEqual([
      [keys.productWatermark('a'), keys.covis('a')],
      [keys.productWatermark('b'), keys.covis('b')],
    ]);
  });

  test('no deltas, no calls', () => {
    expect(deltaCalls(keys, 's', [], { opsPerCall: 10, oneGroupPerCall: false })).toEqual([]);
  });
});
