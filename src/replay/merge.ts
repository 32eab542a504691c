// A replay scores a user's events in the order the gateway accepted them, across the three
// topics. A user's events live in partitions of one number (same key, same partition count), so
// per partition number the topics' messages are merged by receivedAt, each topic in offset order.
// A message is released only when every topic that may still hold an earlier one has shown its
// next message (or is read to its end), so the order does not depend on how fetches interleave.
import type { EventEnvelope } from '../events/envelope';

export interface MergeMessage {
  offset: number;
  /** Sort key: the envelope's receivedAt ('' for a message that is not an event: released first, skipped). */
  receivedAt: string;
  event: EventEnvelope | null;
}

export interface Released extends MergeMessage {
  topic: string;
}

interface Lane {
  buffer: MergeMessage[];
  /** The next offset this lane expects (every offset below it was buffered or released). */
  next: number;
  /** The replay stops here: the partition's end when the replay started. */
  end: number;
}

export class PartitionMerge {
  private readonly lanes = new Map<string, Lane>();
  private readonly order: string[];

  /** `positions`: per topic, where the replay starts and where it stops in this partition. */
  constructor(positions: { topic: string; start: number; end: number }[]) {
    this.order = positions.map((p) => p.topic);
    for (const { topic, start, end } of positions) this.lanes.set(topic, { buffer: [], next: start, end });
  }

  /** Adds fetched messages of one topic (in offset order); ones seen before or past the end are ignored. */
  add(topic: string, messages: readonly MergeMessage[]): void {
    const lane = this.lanes.get(topic)!;
    for (const m of messages) {
      if (m.offset < lane.next || m.offset >= lane.end) continue;
      lane.buffer.push(m);
      lane.next = m.offset + 1;
    }
  }

  /** A lane with nothing buffered that has not reached its end: something earlier may still come from it. */
  private blocked(lane: Lane): boolean {
    return lane.buffer.length === 0 && lane.next < lane.end;
  }

  /** Releases, in merged order, every message no unseen one can precede. */
  release(): Released[] {
    const out: Released[] = [];
    for (;;) {
      let best: { topic: string; lane: Lane } | null = null;
      for (const topic of this.order) {
        const lane = this.lanes.get(topic)!;
        if (this.blocked(lane)) return out;
        const head = lane.buffer[0];
        if (head && (!best || head.receivedAt < best.lane.buffer[0]!.receivedAt)) best = { topic, lane };
      }
      if (!best) return out;
      out.push({ topic: best.topic, ...best.lane.buffer.shift()! });
    }
  }

  /** Every message up to the end was released. */
  finished(topic?: string): boolean {
    const lanes = topic ? [this.lanes.get(topic)!] : [...this.lanes.values()];
    return lanes.every((lane) => lane.buffer.length === 0 && lane.next >= lane.end);
  }
}
