import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { addToCartEnvelope, purchaseEnvelope, viewEnvelope } from '../events/validate';
import type { EventEnvelope } from '../events/envelope';
import { TrackAddToCartInput, TrackPurchaseInput, TrackViewInput } from '../schema/track.input';
import { TrackResult } from '../schema/track.type';
import { assertActsFor } from './authz';
import type { GatewayContext } from './context';

async function track(ctx: GatewayContext, event: EventEnvelope): Promise<TrackResult> {
  assertActsFor(ctx.viewer, event.userId);
  await ctx.limits?.track(event.userId); // RATE_LIMITED before anything reaches Kafka
  await ctx.services.publisher.publish(event); // throws UNAVAILABLE unless Kafka acknowledged
  return { accepted: true, eventId: event.eventId };
}

@Resolver()
export class TrackResolver {
  @Mutation(() => TrackResult, { description: 'Records that a user viewed a product' })
  trackView(@Arg('input', () => TrackViewInput) input: TrackViewInput, @Ctx() ctx: GatewayContext): Promise<TrackResult> {
    return track(ctx, viewEnvelope(input));
  }

  @Mutation(() => TrackResult, { description: 'Records that a user put a product in their cart' })
  trackAddToCart(
    @Arg('input', () => TrackAddToCartInput) input: TrackAddToCartInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<TrackResult> {
    return track(ctx, addToCartEnvelope(input));
  }

  @Mutation(() => TrackResult, { description: 'Records an order' })
  trackPurchase(
    @Arg('input', () => TrackPurchaseInput) input: TrackPurchaseInput,
    @Ctx() ctx: GatewayContext,
  ): Promise<TrackResult> {
    return track(ctx, purchaseEnvelope(input));
  }
}
