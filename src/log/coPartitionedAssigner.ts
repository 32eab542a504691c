// A kafkajs partition assigner that co-partitions the event topics, as Kafka Streams does with
// its inputs: partition N of view-events, add-to-cart-events and purchase-events always goes to
// one member together. The three topics share key (userId) and partition count, so one shopper's
// events are all scored by one member; kafkajs's default round-robin can split them whenever the
// partition count is not a multiple of the member count, and two members then race on the same
// shopper's state.
//
// Sticky: every member sends, in its join metadata, the partition numbers it holds and when it got
// them; the leader lets each member keep its own up to its fair share and moves only the rest. A
// member that comes back after being evicted (paused past its session timeout) still claims its old
// numbers; the newer claim wins. (Correctness does not rest on this: a stale owner's state writes
// are fenced in the store; stickiness only saves needless moves.)
import { AssignerProtocol, type Assigner, type PartitionAssigner } from 'kafkajs';

export const CO_PARTITIONED = { name: 'CoPartitioned', version: 0 } as const;

/** What a member says about itself when it joins. */
export interface MemberClaim {
  memberId: string;
  /** Partition numbers it held after its last join. */
  partitions: number[];
  /** When it got them (ms): of two claims on one number, the newer wins. */
  assignedAt: number;
}

/**
 * Which partition numbers each member scores: every number exactly once, each member
 * floor(n/m) or ceil(n/m) of them, members keeping as many of their claimed numbers as that allows.
 * Deterministic for the same input. Members with none still appear (with []).
 */
export function assignPartitionNumbers(members: readonly MemberClaim[], partitions: readonly number[]): Map<string, number[]> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const out = new Map<string, number[]>(sorted.map((m) => [m.memberId, []]));
  if (sorted.length === 0) return out;
  const numbers = [...new Set(partitions)].sort((a, b) => a - b);

  // Resolve claims: a number claimed twice goes to the newer claim (ties: the lower member id).
  const owner = new Map<number, MemberClaim>();
  const valid = new Set(numbers);
  for (const member of sorted) {
    for (const p of member.partitions) {
      if (!valid.has(p)) continue; // a partition that no longer exists
      const current = owner.get(p);
      if (!current || member.assignedAt > current.assignedAt) owner.set(p, member);
    }
  }
  const kept = new Map<string, number[]>(sorted.map((m) => [m.memberId, []]));
  for (const p of numbers) {
    const m = owner.get(p);
    if (m) kept.get(m.memberId)!.push(p);
  }

  // Fair shares: the members holding the most get the larger share first, so fewer numbers move.
  const base = Math.floor(numbers.length / sorted.length);
  let extra = numbers.length % sorted.length;
  const byHeld = [...sorted].sort((a, b) => kept.get(b.memberId)!.length - kept.get(a.memberId)!.length);
  const quota = new Map<string, number>();
  for (const m of byHeld) {
    const big = extra > 0 && kept.get(m.memberId)!.length > base;
    if (big) extra -= 1;
    quota.set(m.memberId, base + (big ? 1 : 0));
  }
  // Whoever still has no larger share gets one in member order, until they are handed out.
  for (const m of sorted) {
    if (extra === 0) break;
    if (quota.get(m.memberId) === base) {
      quota.set(m.memberId, base + 1);
      extra -= 1;
    }
  }

  const free: number[] = [];
  for (const m of sorted) {
    const mine = kept.get(m.memberId)!;
    const limit = quota.get(m.memberId)!;
    out.get(m.memberId)!.push(...mine.slice(0, limit));
    free.push(...mine.slice(limit));
  }
  for (const p of numbers) if (!owner.has(p)) free.push(p);
  free.sort((a, b) => a - b);
  for (const m of sorted) {
    const mine = out.get(m.memberId)!;
    while (mine.length < quota.get(m.memberId)! && free.length > 0) mine.push(free.shift()!);
    mine.sort((a, b) => a - b);
  }
  return out;
}

interface ClaimData {
  partitions: number[];
  assignedAt: number;
}

export function encodeClaim(claim: ClaimData): Buffer {
  return Buffer.from(JSON.stringify(claim));
}

/** A member's claim from its join metadata; a member that sent none (or garbage) claims nothing. */
export function decodeClaim(userData: Buffer | null | undefined): ClaimData {
  try {
    const parsed = JSON.parse(String(userData ?? '')) as Partial<ClaimData>;
    const partitions = Array.isArray(parsed.partitions) ? parsed.partitions.filter((p): p is number => Number.isInteger(p) && p >= 0) : [];
    return { partitions, assignedAt: typeof parsed.assignedAt === 'number' ? parsed.assignedAt : 0 };
  } catch {
    return { partitions: [], assignedAt: 0 };
  }
}

/**
 * One per consumer: the assigner to hand kafkajs (`partitionAssigners`) and what this member holds,
 * which it reports in its next join. Call `joined` with each GROUP_JOIN's assignment.
 */
export class CoPartitionedAssignment {
  private held: ClaimData = { partitions: [], assignedAt: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  /** This member's assignment after a join (topic -> partitions): the numbers it now holds. */
  joined(memberAssignment: Record<string, number[]>): void {
    const partitions = [...new Set(Object.values(memberAssignment).flat())].sort((a, b) => a - b);
    this.held = { partitions, assignedAt: this.now() };
  }

  get partitions(): readonly number[] {
    return this.held.partitions;
  }

  readonly assigner: PartitionAssigner = ({ cluster }) => {
    const assigner: Assigner = {
      name: CO_PARTITIONED.name,
      version: CO_PARTITIONED.version,
      assign: async ({ members, topics }) => {
        const claims = members.map(({ memberId, memberMetadata }) => ({
          memberId,
          ...decodeClaim(AssignerProtocol.MemberMetadata.decode(memberMetadata)?.userData),
        }));
        const partitionsOf = new Map(topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId)]));
        const numbers = [...new Set([...partitionsOf.values()].flat())];
        const plan = assignPartitionNumbers(claims, numbers);
        return [...plan].map(([memberId, mine]) => {
          const assignment: Record<string, number[]> = {};
          for (const [topic, existing] of partitionsOf) {
            const here = mine.filter((p) => existing.includes(p));
            if (here.length > 0) assignment[topic] = here;
          }
          return {
            memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: CO_PARTITIONED.version, assignment, userData: Buffer.alloc(0) }),
          };
        });
      },
      protocol: ({ topics }) => ({
        name: CO_PARTITIONED.name,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: CO_PARTITIONED.version, topics, userData: encodeClaim(this.held) }),
      }),
    };
    return assigner;
  };
}
