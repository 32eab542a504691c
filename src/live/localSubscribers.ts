// The shoppers somebody is subscribed to on this process. Each gateway re-pushes its own
// subscribers' lists when flags or stock change (every gateway hears those changes), so together
// the gateways cover every subscriber once, without a cluster-wide scan.
import type { RecsFeed } from '../store/types';

export class LocalSubscribers {
  private readonly counts = new Map<string, number>();

  /** The feed, counting subscriptions per shopper as they come and go. */
  track(feed: RecsFeed): RecsFeed {
    return {
      subscribe: async (userId, listener, onResync) => {
        const unsubscribe = await feed.subscribe(userId, listener, onResync);
        this.counts.set(userId, (this.counts.get(userId) ?? 0) + 1);
        let done = false;
        return async () => {
          if (!done) {
            done = true;
            const left = (this.counts.get(userId) ?? 1) - 1;
            if (left > 0) this.counts.set(userId, left);
            else this.counts.delete(userId);
          }
          await unsubscribe();
        };
      },
      delivered: feed.delivered?.bind(feed),
    };
  }

  userIds(): string[] {
    return [...this.counts.keys()];
  }

  get size(): number {
    return this.counts.size;
  }
}
