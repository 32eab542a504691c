import { deltaCalls } from '../../../src/store/redisDeltaCalls';
import { redisKeys } from '../../../src/store/redisKeys';
import type { PositionedDelta } from '../../../src/store/types';
import { FIXED_FRAME } from '../../helpers/decay';

const keys = redisKeys('t');
const covis = (offset: number, from: string, to: string, incr = 1): PositionedDelta => ({
  offset,
  delta: { kind: 'covis', from, to, incr, frame: FIXED_FRAME },
});

/** Each update as [offset, the key it names, member, value]. */
function updates(call: { keys: string[]; args: string[] }): [number, string, string, number][] {
  const flat = JSON.parse(call.args[call.args.length - 1]!) as (string | number)[];
  const out: [number, string, string, number][] = [];
  for (let i = 0; i < flat.length; i += 4) out.push([flat[i] as number, call.keys[(flat[i + 1] as number) - 1]!, flat[i + 2] as string, flat[i + 3] as number]);
  return out;
}

describe('the APPLY_DELTAS calls of a batch', () => {
  test('each update names its own sorted set, whatever group came before it in the call', () => {
    const [call, ...rest] = deltaCalls(
      keys,
      'view-events/0',
      [
        { offset: 1, delta: { kind: 'trending', category: 'shoes', product: 'a', incr: 2, frame: FIXED_FRAME } },
        covis(2, 'a', 'sku#1'),
        { offset: 3, delta: { kind: 'session', product: 'a', user: 'u1', at: 99 } },
        covis(4, 'b', 'a', 0.5),
      ],
      { opsPerCall: 100, oneGroupPerCall: false },
    );
    expect(rest).toEqual([]);
    expect(updates(call!)).toEqual([
      [1, keys.trending('shoes'), 'a', 2],
      [2, keys.covis('a'), 'sku#1', 1],
      [3, keys.recentUsers('a'), 'u1', 99],
      [4, keys.covis('b'), 'a', 0.5],
    ]);
    // Every group's watermark comes first among its keys, marked 'w'; sorted sets carry mode and bound.
    expect(call!.args.slice(0, 4)).toEqual(['view-events/0', String(FIXED_FRAME.epoch), String(FIXED_FRAME.halfLifeHours), '']);
    const roles = call!.args.slice(4, -1);
    expect(call!.keys.filter((_, i) => roles[i] === 'w')).toEqual([keys.trendingWatermark, keys.productWatermark('a'), keys.productWatermark('b')]);
    expect(roles[call!.keys.indexOf(keys.recentUsers('a'))]).toMatch(/^m\d+$/);
    expect(roles[call!.keys.indexOf(keys.covis('a'))]).toMatch(/^i\d+$/);
  });

  test('groups share a call up to the update bound, and never split', () => {
    const deltas = [covis(1, 'a', 'x'), covis(2, 'a', 'y'), covis(3, 'b', 'x'), covis(4, 'c', 'x'), covis(5, 'c', 'y')];
    const calls = deltaCalls(keys, 's', deltas, { opsPerCall: 3, oneGroupPerCall: false });
    expect(calls.map((c) => updates(c).map(([offset]) => offset))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  test('under Redis Cluster each group (one hash tag, one slot) is a call of its own', () => {
    const calls = deltaCalls(keys, 's', [covis(1, 'a', 'x'), covis(2, 'b', 'x'), covis(3, 'a', 'y')], { opsPerCall: 100, oneGroupPerCall: true });
    expect(calls.map((c) => c.keys)).toEqual([
      [keys.productWatermark('a'), keys.covis('a')],
      [keys.productWatermark('b'), keys.covis('b')],
    ]);
  });

  test("decayed values travel in the batch's newest frame, scaled exactly by powers of two", () => {
    const at = (epoch: number) => ({ epoch, halfLifeHours: 24 });
    const [call] = deltaCalls(
      keys,
      's',
      [
        { offset: 1, delta: { kind: 'covis', from: 'a', to: 'x', incr: 1.5, frame: at(100) } },
        { offset: 2, delta: { kind: 'covis', from: 'a', to: 'y', incr: 1.25, frame: at(103) } },
        { offset: 3, delta: { kind: 'session', product: 'a', user: 'u', at: 7 } },
      ],
      { opsPerCall: 100, oneGroupPerCall: false, legacyLandmark: 12345 },
    );
    expect(call!.args.slice(0, 4)).toEqual(['s', '103', '24', '12345']);
    expect(updates(call!).map(([, , member, value]) => [member, value])).toEqual([
      ['x', 1.5 / 8],
      ['y', 1.25],
      ['u', 7],
    ]);
  });

  test('a batch that mixes half-lives is refused, naming both', () => {
    expect(() =>
      deltaCalls(
        keys,
        's',
        [
          { offset: 1, delta: { kind: 'covis', from: 'a', to: 'x', incr: 1, frame: { epoch: 1, halfLifeHours: 24 } } },
          { offset: 2, delta: { kind: 'covis', from: 'a', to: 'y', incr: 1, frame: { epoch: 1, halfLifeHours: 12 } } },
        ],
        { opsPerCall: 100, oneGroupPerCall: false },
      ),
    ).toThrow(/mixes half-lives \(24 h and 12 h\)/);
  });

  test('no deltas, no calls', () => {
    expect(deltaCalls(keys, 's', [], { opsPerCall: 10, oneGroupPerCall: false })).toEqual([]);
  });
});
