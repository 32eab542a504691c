// One Redis subscriber connection per process serves every websocket: channels are
// subscribed on the first listener and unsubscribed when the last one leaves.
import type Redis from 'ioredis';
import type { RecsFeed, StoredRecs } from './types';
import { redisKeys } from './redisKeys';

type Listener = (recs: StoredRecs) => void;

export class RedisFeed implements RecsFeed {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly keys;

  constructor(
    private readonly subscriber: Redis,
    prefix: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.keys = redisKeys(prefix);
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    let recs: StoredRecs;
    try {
      recs = JSON.parse(message) as StoredRecs;
    } catch (err) {
      this.onError(err);
      return;
    }
    for (const listener of set) listener(recs);
  }

  async subscribe(userId: string, listener: Listener): Promise<() => Promise<void>> {
    const channel = this.keys.recsChannel(userId);
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      await this.subscriber.subscribe(channel);
    }
    set.add(listener);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const current = this.listeners.get(channel);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    };
  }

  /** Channels held right now (for metrics and tests: sockets closed = channels freed). */
  get channelCount(): number {
    return this.listeners.size;
  }
}
