import { Field, Float, ID, InputType, Int } from 'type-graphql';

@InputType({ description: "Fields every track input shares" })
abstract class TrackInputBase {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID, { nullable: true })
  sessionId?: string | null;

  @Field(() => Date, { nullable: true, description: 'When it happened (client clock); default now' })
  occurredAt?: Date | null;

  @Field(() => ID, { nullable: true, description: 'Give one to make client retries idempotent; default a new UUID' })
  eventId?: string | null;
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
