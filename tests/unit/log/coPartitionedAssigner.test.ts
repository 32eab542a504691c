import { AssignerProtocol, type Cluster } from 'kafkajs';
import { assignPartitionNumbers, CoPartitionedAssignment, decodeClaim, type MemberClaim } from '../../../src/log/coPartitionedAssigner';

const FIVE = [0, 1, 2, 3, 4];
const claim = (memberId: string, partitions: number[] = [], assignedAt = 1): MemberClaim => ({ memberId, partitions, assignedAt });

/** Every number exactly once, shares differ by at most one. */
function expectComplete(plan: Map<string, number[]>, numbers: number[]) {
  const all = [...plan.values()].flat().sort((a, b) => a - b);
  expect(all).toEqual([...numbers].sort((a, b) => a - b));
  const sizes = [...plan.values()].map((p) => p.length);
  expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
}

/** Partition numbers taken from a member that is still there (a leaver's numbers must move). */
function moved(before: Map<string, number[]>, after: Map<string, number[]>): number {
  let n = 0;
  for (const [member, mine] of before) {
    if (!after.has(member)) continue;
    for (const p of mine) if (!after.get(member)!.includes(p)) n += 1;
  }
  return n;
}

describe('co-partitioned assignment of partition numbers', () => {
  test('2 members and 5 partitions: every number once, shares of 3 and 2', () => {
    const plan = assignPartitionNumbers([claim('b'), claim('a')], FIVE);
    expectComplete(plan, FIVE);
    expect(plan.get('a')).toEqual([0, 1, 2]);
    expect(plan.get('b')).toEqual([3, 4]);
  });

  test('a member joining takes only what the others hold beyond their fair share', () => {
    const first = assignPartitionNumbers([claim('a'), claim('b')], FIVE);
    const claims = [...first].map(([id, p]) => claim(id, p, 10));
    const second = assignPartitionNumbers([...claims, claim('c')], FIVE);
    expectComplete(second, FIVE);
    expect(second.get('b')).toEqual(first.get('b')); // b held its fair share (2): keeps it all
    expect(second.get('c')).toHaveLength(1);
    expect(moved(first, second)).toBe(1);
  });

  test('a member leaving: the survivors keep everything they held and share its numbers', () => {
    const three = assignPartitionNumbers([claim('a'), claim('b'), claim('c')], FIVE);
    const claims = [...three].filter(([id]) => id !== 'b').map(([id, p]) => claim(id, p, 10));
    const two = assignPartitionNumbers(claims, FIVE);
    expectComplete(two, FIVE);
    for (const [id, p] of three) if (id !== 'b') expect(two.get(id)).toEqual(expect.arrayContaining(p));
    expect(moved(three, two)).toBe(0);
  });

  test('uneven rebalances in a row (2, 3, 4, 3, 1 members) never lose or double a number and move little', () => {
    let plan = assignPartitionNumbers([claim('a'), claim('b')], FIVE);
    let at = 1;
    const step = (ids: string[]) => {
      at += 1;
      const claims = ids.map((id) => claim(id, plan.get(id) ?? [], at));
      const next = assignPartitionNumbers(claims, FIVE);
      expectComplete(next, FIVE);
      // Only what exceeds a member's new share moves away from it.
      const share = Math.ceil(FIVE.length / ids.length);
      const excess = ids.reduce((n, id) => n + Math.max(0, (plan.get(id)?.length ?? 0) - share), 0);
      expect(moved(plan, next)).toBeLessThanOrEqual(excess + 1);
      plan = next;
    };
    step(['a', 'b', 'c']);
    step(['a', 'b', 'c', 'd']);
    step(['a', 'c', 'd']);
    step(['d']);
    expect(plan.get('d')).toEqual(FIVE);
  });

  test('a member back from a long pause claims numbers another now holds: the newer claim wins', () => {
    // b was evicted; a got b's numbers later. b rejoins still claiming them.
    const plan = assignPartitionNumbers([claim('a', [0, 1, 2, 3, 4], 20), claim('b', [3, 4], 10)], FIVE);
    expectComplete(plan, FIVE);
    expect(plan.get('a')).toEqual([0, 1, 2]);
    expect(plan.get('b')).toEqual([3, 4]);
    const swapped = assignPartitionNumbers([claim('a', [0, 1], 10), claim('b', [0, 1, 2, 3, 4], 20)], FIVE);
    expect(swapped.get('b')).toEqual([0, 1, 2]);
    expect(swapped.get('a')).toEqual([3, 4]);
  });

  test('more members than partitions: the extra members get none; claims of vanished partitions are ignored', () => {
    const plan = assignPartitionNumbers([claim('a', [7]), claim('b'), claim('c'), claim('d')], [0, 1]);
    expectComplete(new Map([...plan].filter(([, p]) => p.length > 0)), [0, 1]);
    expect([...plan.values()].filter((p) => p.length === 0)).toHaveLength(2);
  });

  test('garbage in a member claim counts as no claim', () => {
    expect(decodeClaim(Buffer.from('not json'))).toEqual({ partitions: [], assignedAt: 0 });
    expect(decodeClaim(Buffer.from('{"partitions":[1,"x",-2],"assignedAt":5}'))).toEqual({ partitions: [1], assignedAt: 5 });
    expect(decodeClaim(null)).toEqual({ partitions: [], assignedAt: 0 });
  });
});

describe('the kafkajs assigner', () => {
  const topics = ['view-events', 'add-to-cart-events', 'purchase-events'];
  // Only the call the assigner makes of the cluster: each topic's partitions (5 each).
  const cluster = { findTopicPartitionMetadata: () => FIVE.map((partitionId) => ({ partitionId })) } as unknown as Cluster;

  async function rebalance(members: Map<string, CoPartitionedAssignment>) {
    const leader = [...members.values()][0]!.assigner({ cluster, groupId: 'g', logger: undefined as never });
    const group = [...members].map(([memberId, m]) => ({
      memberId,
      memberMetadata: m.assigner({ cluster, groupId: 'g', logger: undefined as never }).protocol({ topics }).metadata,
    }));
    const result = await leader.assign({ members: group, topics });
    const decoded = new Map(result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)!.assignment]));
    for (const [id, m] of members) m.joined(decoded.get(id) ?? {});
    return decoded;
  }

  test('partition N of the three topics goes to one member together, and stays there across a rebalance', async () => {
    let now = 0;
    const member = () => new CoPartitionedAssignment(() => (now += 1));
    const members = new Map([
      ['m-1', member()],
      ['m-2', member()],
    ]);
    const first = await rebalance(members);
    for (const assignment of first.values()) {
      const [view, cart, purchase] = topics.map((t) => assignment[t] ?? []);
      expect(cart).toEqual(view);
      expect(purchase).toEqual(view);
    }
    expect(first.get('m-1')!['view-events']).toHaveLength(3);
    expect(first.get('m-2')!['view-events']).toHaveLength(2);

    const m2Before = [...members.get('m-2')!.partitions];
    members.set('m-3', member());
    const second = await rebalance(members);
    expect(second.get('m-2')!['view-events']).toEqual(m2Before); // kept its fair share
    for (const assignment of second.values()) expect(assignment['purchase-events']).toEqual(assignment['view-events']);
    expect([...second.values()].flatMap((a) => a['add-to-cart-events']).sort()).toEqual(FIVE);
  });
});
