import { Arg, Ctx, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { checkId } from '../events/validate';
import { checkLimit } from '../services/reads';
import type { StoredRecs } from '../store/types';
import { Recommendations, type RecommendationReason } from '../schema/recommendation.type';
import type { RecommendationsWithOrigin } from '../schema/push.type';
import { limitedListCost } from './fieldCost';
import { assertActsFor } from './authz';
import type { GatewayContext } from './context';

/** `pushed`: the list is a push of a change (its latencyMs is then measured). */
export function toRecommendations(recs: StoredRecs, limit: number, pushed = false): RecommendationsWithOrigin {
  return {
    origin: { causedBy: recs.causedBy ?? null, receivedAt: recs.receivedAt ?? null, pushed },
    userId: recs.userId,
    version: recs.version,
    generatedAt: new Date(recs.generatedAt),
    strategy: recs.strategy,
    arm: recs.arm,
    items: recs.items.slice(0, limit).map((i) => ({
      productId: i.productId,
      score: i.score,
      reason: i.reason as RecommendationReason,
      product: undefined as never, // resolved by ScoredProductResolver
    })),
  };
}

interface RecsArgs {
  userId: string;
  limit?: number | null;
}

@Resolver(() => Recommendations)
export class RecommendationsResolver {
  @Query(() => Recommendations, { description: "The user's current list (computed on demand for a newcomer)", complexity: limitedListCost })
  async recommendations(
    @Arg('userId', () => ID) userId: string,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() { services, viewer }: GatewayContext,
  ): Promise<Recommendations> {
    const id = checkId('userId', userId);
    const max = checkLimit(limit);
    assertActsFor(viewer, id);
    const { recommender } = services;
    const list = toRecommendations(await recommender.visible(await recommender.current(id)), max);
    services.experiments.delivered(list, list.items.length);
    return list;
  }

  @Subscription(() => Recommendations, {
    description: "The user's current list at once, then every change as it happens",
    complexity: limitedListCost, // per push
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, RecsArgs, GatewayContext>) => {
      const id = checkId('userId', args.userId);
      checkLimit(args.limit);
      assertActsFor(context.viewer, id);
      return context.services.live.open(id);
    },
  })
  async recommendationsUpdated(
    @Root() recs: StoredRecs,
    @Arg('userId', () => ID) _userId: string,
    @Arg('limit', () => Int, { nullable: true }) limit: number | null,
    @Ctx() { services }: GatewayContext,
  ): Promise<Recommendations> {
    // The subscription's first list was read when it opened: no push, so no latency to speak of.
    const list = toRecommendations(await services.recommender.visible(recs), checkLimit(limit), !services.live.wasReadAtOpen(recs));
    services.experiments.delivered(list, list.items.length);
    return list;
  }
}
