// Where a list came from: the event that changed it and, on a push, how long that event took from
// reaching the gateway to the list being sent.
import { FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { ListCause, type RecommendationsWithOrigin } from '../schema/push.type';
import { Recommendations } from '../schema/recommendation.type';
import type { TrackEventType } from '../schema/track.input';

@Resolver(() => Recommendations)
export class ListOriginResolver {
  @FieldResolver(() => ListCause, {
    nullable: true,
    description: 'The newest event behind this version; null when no event changed it (a flag or stock change, a first read)',
  })
  causedBy(@Root() list: RecommendationsWithOrigin): ListCause | null {
    const cause = list.origin?.causedBy;
    return cause ? { eventId: cause.eventId, type: cause.type as TrackEventType } : null;
  }

  @FieldResolver(() => Int, {
    nullable: true,
    description:
      "On a pushed change: ms from the gateway accepting causedBy's event to this push being sent; null on a query's answer, a subscription's first list and a list no event caused",
  })
  latencyMs(@Root() list: RecommendationsWithOrigin): number | null {
    const origin = list.origin;
    if (!origin?.pushed || !origin.receivedAt) return null;
    const received = Date.parse(origin.receivedAt);
    // Another gateway's clock stamped receivedAt: a small skew must not show a negative latency.
    return Number.isFinite(received) ? Math.max(0, Date.now() - received) : null;
  }
}
