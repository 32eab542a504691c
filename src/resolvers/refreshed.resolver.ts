// Read-your-writes: `refreshed(limit)` on a track mutation's answer waits for the event to be
// scored and answers the shopper's list (src/services/refreshedLists.ts). Asked for only when
// selected, so a storefront that does not want to wait never does.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { checkLimit } from '../services/reads';
import { RefreshedList, toRefreshMissReason } from '../schema/push.type';
import { TrackEventResult, TrackResult } from '../schema/track.type';
import { limitedListCost } from './fieldCost';
import type { GatewayContext } from './context';
import type { TrackedFor } from './tracked';
import { toRecommendations } from './recommendations.resolver';

const DESCRIPTION =
  "The shopper's list once this event is scored (read-your-writes); after the gateway's wait (RECSYS_REFRESHED_TIMEOUT_MS) the answer comes without it, saying why";

async function refreshedFor(answer: { accepted: boolean } & TrackedFor, limit: number | null, { services }: GatewayContext): Promise<RefreshedList> {
  const max = checkLimit(limit);
  const event = answer.tracked;
  if (!answer.accepted || !event) return { recommendations: null, missing: toRefreshMissReason('NOT_ACCEPTED') };
  const { recs, missing } = await services.refreshed.after(event.userId, {
    receivedAt: event.receivedAt,
    causedBy: { eventId: event.eventId, type: event.type },
  });
  return { recommendations: recs ? toRecommendations(recs, max) : null, missing: missing ? toRefreshMissReason(missing) : null };
}

@Resolver(() => TrackResult)
export class TrackRefreshedResolver {
  @FieldResolver(() => RefreshedList, { description: DESCRIPTION, complexity: limitedListCost })
  refreshed(
    @Root() answer: TrackResult & TrackedFor,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<RefreshedList> {
    return refreshedFor(answer, limit, ctx);
  }
}

@Resolver(() => TrackEventResult)
export class TrackEventRefreshedResolver {
  @FieldResolver(() => RefreshedList, { description: DESCRIPTION, complexity: limitedListCost })
  refreshed(
    @Root() answer: TrackEventResult & TrackedFor,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<RefreshedList> {
    return refreshedFor(answer, limit, ctx);
  }
}
