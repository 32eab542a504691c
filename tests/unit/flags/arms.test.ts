// Experiment arms (flag `experiment.recs`): deterministic per user, shares honoured over many users.
import { randomBytes } from 'node:crypto';
import { FLAG_DEFINITIONS, defaultFlags, type RecFlags } from '../../../src/flags/definitions';
import { assignStrategy, hashUserId } from '../../../src/recommend';

const experiment = (arms: { name: string; strategy: 'personalized' | 'trending'; share: number }[]): RecFlags => ({
  ...defaultFlags(),
  'experiment.recs': FLAG_DEFINITIONS['experiment.recs'].parse({ arms }),
});

const users = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);

describe('experiment arms', () => {
  const flags = experiment([
    { name: 'control', strategy: 'personalized', share: 0.5 },
    { name: 'trending', strategy: 'trending', share: 0.3 },
    { name: 'holdout', strategy: 'personalized', share: 0.2 },
  ]);

  it('puts the same user in the same arm every time, whatever else was assigned in between', () => {
    const ids = [...users(200), ...Array.from({ length: 200 }, () => randomBytes(8).toString('hex'))];
    const first = ids.map((id) => assignStrategy(id, flags));
    const shuffled = [...ids].reverse().map((id) => [id, assignStrategy(id, flags)] as const);
    const again = new Map(shuffled);
    ids.forEach((id, i) => expect(again.get(id)).toEqual(first[i]));
  });

  it('hashes a user id the same way in every process (FNV-1a 32-bit reference values)', () => {
    expect(hashUserId('')).toBe(0x811c9dc5);
    expect(hashUserId('a')).toBe(0xe40c292c);
    expect(hashUserId('foobar')).toBe(0xbf9cf968);
  });

  it('gives each arm its share of 10,000 users within 2 percentage points', () => {
    const counts = new Map<string, number>();
    for (const id of users(10_000)) {
      const { arm } = assignStrategy(id, flags);
      counts.set(arm!, (counts.get(arm!) ?? 0) + 1);
    }
    expect(Math.abs(counts.get('control')! / 10_000 - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('trending')! / 10_000 - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(counts.get('holdout')! / 10_000 - 0.2)).toBeLessThan(0.02);
  });

  it('gives each arm its share of 10,000 random user ids within 2 percentage points', () => {
    const even = experiment([
      { name: 'a', strategy: 'personalized', share: 0.5 },
      { name: 'b', strategy: 'trending', share: 0.5 },
    ]);
    let a = 0;
    for (let i = 0; i < 10_000; i++) if (assignStrategy(randomBytes(6).toString('base64url'), even).arm === 'a') a++;
    expect(Math.abs(a / 10_000 - 0.5)).toBeLessThan(0.02);
  });

  it("uses the arm's strategy for its users", () => {
    for (const id of users(500)) {
      const { strategy, arm } = assignStrategy(id, flags);
      expect(strategy).toBe(arm === 'trending' ? 'trending' : 'personalized');
    }
  });

  it('lets the recs.strategy kill switch win over any experiment', () => {
    for (const id of users(100)) expect(assignStrategy(id, { ...flags, 'recs.strategy': 'trending' })).toEqual({ strategy: 'trending', arm: null });
  });

  it('assigns no arm when no experiment runs', () => {
    expect(assignStrategy('user-1', defaultFlags())).toEqual({ strategy: 'personalized', arm: null });
  });

  it('keeps most users in their arm when a share grows (only the boundary moves)', () => {
    const before = experiment([
      { name: 'a', strategy: 'personalized', share: 0.5 },
      { name: 'b', strategy: 'trending', share: 0.5 },
    ]);
    const after = experiment([
      { name: 'a', strategy: 'personalized', share: 0.6 },
      { name: 'b', strategy: 'trending', share: 0.4 },
    ]);
    let moved = 0;
    for (const id of users(10_000)) {
      const x = assignStrategy(id, before).arm;
      const y = assignStrategy(id, after).arm;
      if (x !== y) {
        expect([x, y]).toEqual(['b', 'a']);
        moved++;
      }
    }
    expect(moved / 10_000).toBeLessThan(0.12);
  });
});
