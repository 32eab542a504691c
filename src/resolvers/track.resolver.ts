import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { addToCartEnvelope, purchaseEnvelope, viewEnvelope } from '../events/validate';
import type { EventEnvelope } from '../events/envelope';
import { TrackAddToCartInput, TrackEventInput, TrackPurchaseInput, TrackViewInput } from '../schema/track.input';
import { TrackEventResult, TrackResult } from '../schema/track.type';
import { perItemCost } from './fieldCost';
import { assertActsFor } from './authz';
import type { GatewayContext } from './context';
import { trackedFor, type TrackedFor } from './tracked';
import { MAX_BATCH_EVENTS, trackEach } from './trackEvents';

async function track(ctx: GatewayContext, event: EventEnvelope): Promise<TrackResult & TrackedFor> {
  assertActsFor(ctx.viewer, event.userId);
  await ctx.limits?.track(event.userId); // RATE_LIMITED before anything reaches Kafka
  await ctx.services.publisher.publish(event); // throws UNAVAILABLE unless Kafka acknowledged
  return { accepted: true, eventId: event.eventId, ...trackedFor(event) };
}

@Resolver()
export class TrackResolver {
  @Mutation(() => TrackResult, { description: 'Records that a user viewed a product' })
  trackView(@Arg('input', () => TrackViewInput) input: TrackViewInput, @Ctx() ctx: GatewayContext): Promise<TrackResult> {
    return track(ctx, viewEnvelope(input));
  }

  @Mutation(() => TrackResult, { description: 'Records that a user put a product in their cart' })
  trackAddToCart(@Arg('input', () => TrackAddToCartInput) input: TrackAddToCartInput, @Ctx() ctx: GatewayContext): Promise<TrackResult> {
    return track(ctx, addToCartEnvelope(input));
  }

  @Mutation(() => TrackResult, { description: 'Records an order' })
  trackPurchase(@Arg('input', () => TrackPurchaseInput) input: TrackPurchaseInput, @Ctx() ctx: GatewayContext): Promise<TrackResult> {
    return track(ctx, purchaseEnvelope(input));
  }

  @Mutation(() => [TrackEventResult], {
    description: `Records up to ${MAX_BATCH_EVENTS} events of any type; answers each one, in input order (an event is accepted only once Kafka acknowledged it; a refused one carries the error its single mutation would have given). Rate limits count every event.`,
    complexity: perItemCost('input'),
  })
  trackEvents(@Arg('input', () => [TrackEventInput]) input: TrackEventInput[], @Ctx() ctx: GatewayContext): Promise<TrackEventResult[]> {
    return trackEach(input, ctx.viewer, (event) => track(ctx, event));
  }
}
