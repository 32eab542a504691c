// Observes the live feed the composition root hands to the gateway, so the feed and the
// subscription code stay free of metrics: open subscriptions and event-to-push latency.
import type { RecsFeed, StoredRecs } from '../store/types';
import type { GatewayMetrics } from './gatewayMetrics';

/**
 * Counts the feed's live subscriptions and observes, for every pushed list that carries the
 * `receivedAt` of the event behind it, the time from that event reaching the gateway to the push
 * being written to the subscriber's socket (src/live/liveHub.ts calls `delivered`).
 */
export function instrumentFeed(feed: RecsFeed, metrics: Pick<GatewayMetrics, 'subscriptionsOpen' | 'eventToPush'>, now: () => number = Date.now): RecsFeed {
  return {
    async subscribe(userId, listener, onResync) {
      const unsubscribe = await feed.subscribe(userId, listener, onResync);
      metrics.subscriptionsOpen.inc();
      let open = true;
      return async () => {
        if (open) {
          open = false;
          metrics.subscriptionsOpen.dec();
        }
        await unsubscribe();
      };
    },
    delivered(recs: StoredRecs) {
      feed.delivered?.(recs);
      if (!recs.receivedAt) return;
      const received = Date.parse(recs.receivedAt);
      if (Number.isFinite(received)) metrics.eventToPush.observe(Math.max(0, now() - received) / 1000);
    },
  };
}
