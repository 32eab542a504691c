import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { FromRecommendationInput } from './attribution.input';

@InputType({ description: 'Fields every track input shares' })
abstract class TrackInputBase {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID, { nullable: true })
  sessionId?: string | null;

  @Field(() => Date, { nullable: true, description: 'When it happened (client clock); default now' })
  occurredAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'Give one to make client retries idempotent; default a new UUID' })
  eventId?: string | null;

  @Field(() => FromRecommendationInput, { nullable: true, description: 'The list the shopper acted from, for the experiment report' })
  fromRecommendation?: FromRecommendationInput | null;
}

@InputType()
export class TrackViewInput extends TrackInputBase {
  @Field(() => ID)
  productId!: string;
}

@InputType()
export class TrackAddToCartInput extends TrackInputBase {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 1 })
  quantity?: number | null;
}

@InputType()
export class PurchaseItemInput {
  @Field(() => ID)
  productId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 1 })
  quantity?: number | null;

  @Field(() => Float, { nullable: true })
  price?: number | null;
}

@InputType()
export class TrackPurchaseInput extends TrackInputBase {
  @Field(() => ID)
  orderId!: string;

  @Field(() => [PurchaseItemInput])
  items!: PurchaseItemInput[];
}

/** The GraphQL names of the event types; the values are the envelope's (src/events/envelope.ts). */
export enum TrackEventType {
  VIEW = 'view',
  ADD_TO_CART = 'add_to_cart',
  PURCHASE = 'purchase',
}
registerEnumType(TrackEventType, { name: 'TrackEventType', description: 'Which single track mutation an event of a batch stands for' });

@InputType({
  description:
    'One event of a trackEvents batch: `type` and the fields its single mutation takes (VIEW: productId; ADD_TO_CART: productId, quantity; PURCHASE: orderId, items). A field of another type is refused.',
})
export class TrackEventInput extends TrackInputBase {
  @Field(() => TrackEventType)
  type!: TrackEventType;

  @Field(() => ID, { nullable: true, description: 'VIEW and ADD_TO_CART' })
  productId?: string | null;

  // No GraphQL default here (unlike TrackAddToCartInput): a default would put a quantity on every VIEW.
  @Field(() => Int, { nullable: true, description: 'ADD_TO_CART only; default 1' })
  quantity?: number | null;

  @Field(() => ID, { nullable: true, description: 'PURCHASE only' })
  orderId?: string | null;

  @Field(() => [PurchaseItemInput], { nullable: true, description: 'PURCHASE only' })
  items?: PurchaseItemInput[] | null;
}
