// Turns a batch's statistic deltas into APPLY_DELTAS script calls (see redisScripts.ts): deltas are
// grouped by hash tag (a product's neighbour lists, recent users and watermark; or trending),
// several groups share a call up to a number of updates, and each call's updates travel as one
// JSON string: thousands of small arguments would cost the client more than decoding costs Redis.
// Decayed values travel in the batch's newest frame (exact: powers of two), which every call names.
import { inFrame, type DecayFrame } from '../recommend';
import { batchFrame, type PositionedDelta } from './types';
import type { RedisKeys } from './redisKeys';
import { STAT_BOUNDS } from './statBounds';

export interface DeltaCall {
  keys: string[];
  /** The script's ARGV: source, the batch's frame (epoch, half-life), the legacy landmark, one role per key, the updates. */
  args: string[];
}

export interface DeltaCallOptions {
  /** Updates per call at most (a call holds Redis for roughly 5-10 µs per update). */
  opsPerCall: number;
  /** Redis Cluster: the keys of one call must share a slot, so each group goes alone. */
  oneGroupPerCall: boolean;
  /** The global landmark (ms) of data written before decay frames existed, if any (see APPLY_DELTAS). */
  legacyLandmark?: number | null;
}

const SPEC = {
  trending: `i${STAT_BOUNDS.trending}`,
  neighbours: `i${STAT_BOUNDS.neighbours}`,
  sessions: `m${STAT_BOUNDS.sessions}`,
} as const;

class Group {
  readonly keys: string[];
  readonly specs = ['w'];
  private readonly slots = new Map<string, number>();
  readonly offsets: number[] = [];
  readonly indexes: number[] = [];
  readonly members: string[] = [];
  readonly values: number[] = [];

  constructor(watermark: string) {
    this.keys = [watermark];
  }

  /** The index of a sorted set in this group (0 is the watermark), made on first use. */
  slot(name: string, key: () => string, spec: string): number {
    let index = this.slots.get(name);
    if (index === undefined) {
      index = this.keys.push(key()) - 1;
      this.slots.set(name, index);
      this.specs.push(spec);
    }
    return index;
  }

  add(offset: number, index: number, member: string, value: number): void {
    this.offsets.push(offset);
    this.indexes.push(index);
    this.members.push(member);
    this.values.push(value);
  }

  /** Appends the updates to `out` (flat), key indexes counted from `base` (the group's first key in the call). */
  appendTo(out: (string | number)[], base: number): void {
    for (let i = 0; i < this.offsets.length; i++) out.push(this.offsets[i]!, base + this.indexes[i]!, this.members[i]!, this.values[i]!);
  }
}

export function deltaCalls(keys: RedisKeys, source: string, deltas: readonly PositionedDelta[], options: DeltaCallOptions): DeltaCall[] {
  let trending: Group | null = null;
  const products = new Map<string, Group>();
  const batch = batchFrame(deltas);
  const value = (incr: number, frame: DecayFrame) => inFrame(incr, frame, batch!);
  const productGroup = (product: string) => {
    let group = products.get(product);
    if (!group) products.set(product, (group = new Group(keys.productWatermark(product))));
    return group;
  };
  for (const { offset, delta } of deltas) {
    switch (delta.kind) {
      case 'trending': {
        const group = (trending ??= new Group(keys.trendingWatermark));
        const name = delta.category === null ? '' : `c:${delta.category}`;
        group.add(
          offset,
          group.slot(name, () => keys.trending(delta.category), SPEC.trending),
          delta.product,
          value(delta.incr, delta.frame),
        );
        break;
      }
      case 'session': {
        const group = productGroup(delta.product);
        group.add(
          offset,
          group.slot('u', () => keys.recentUsers(delta.product), SPEC.sessions),
          delta.user,
          delta.at,
        );
        break;
      }
      default: {
        const group = productGroup(delta.from);
        const index =
          delta.kind === 'covis'
            ? group.slot('c', () => keys.covis(delta.from), SPEC.neighbours)
            : group.slot('b', () => keys.bought(delta.from), SPEC.neighbours);
        group.add(offset, index, delta.to, value(delta.incr, delta.frame));
      }
    }
  }

  const calls: DeltaCall[] = [];
  let callKeys: string[] = [];
  let specs: string[] = [];
  let ops: (string | number)[] = [];
  let count = 0;
  const head = [
    source,
    batch ? String(batch.epoch) : '',
    batch ? String(batch.halfLifeHours) : '',
    options.legacyLandmark != null ? String(options.legacyLandmark) : '',
  ];
  const flush = () => {
    if (callKeys.length > 0) calls.push({ keys: callKeys, args: [...head, ...specs, JSON.stringify(ops)] });
    callKeys = [];
    specs = [];
    ops = [];
    count = 0;
  };
  const groups = trending ? [trending, ...products.values()] : [...products.values()];
  for (const group of groups) {
    const size = group.offsets.length;
    if (count > 0 && (options.oneGroupPerCall || count + size > options.opsPerCall)) flush();
    group.appendTo(ops, callKeys.length + 1); // KEYS are 1-based in the script
    callKeys.push(...group.keys);
    specs.push(...group.specs);
    count += size;
  }
  flush();
  return calls;
}
