import { GraphQLSafeInt } from 'graphql-scalars';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Product } from './product.type';

export enum RecommendationReason {
  ALSO_VIEWED = 'ALSO_VIEWED',
  BOUGHT_TOGETHER = 'BOUGHT_TOGETHER',
  TRENDING = 'TRENDING',
  CATEGORY_AFFINITY = 'CATEGORY_AFFINITY',
  RECENTLY_VIEWED = 'RECENTLY_VIEWED',
}
registerEnumType(RecommendationReason, {
  name: 'RecommendationReason',
  description: 'Why a product is in a list',
  valuesConfig: {
    ALSO_VIEWED: { description: "Shoppers who viewed the user's recent items viewed this next" },
    BOUGHT_TOGETHER: { description: "Bought or carted together with the user's items" },
    TRENDING: { description: 'Popular right now across the shop' },
    CATEGORY_AFFINITY: { description: 'Popular in a category the user keeps coming back to' },
    RECENTLY_VIEWED: { description: "One of the user's own recent items, shown again as a reminder" },
  },
});

@ObjectType({ description: 'A product in a list, with its score and the reason it is there' })
export class ScoredProduct {
  @Field(() => Float)
  score!: number;

  @Field(() => RecommendationReason)
  reason!: RecommendationReason;

  /** Resolved through the request's product loader. */
  @Field(() => Product)
  product!: Product;

  productId!: string;
}

@ObjectType({ description: "A user's recommendation list; every change has a higher version" })
export class Recommendations {
  @Field(() => ID)
  userId!: string;

  /** Milliseconds-based (see nextVersion in src/store/types.ts), so it exceeds Int's 32 bits; SafeInt is exact up to 2^53. */
  @Field(() => GraphQLSafeInt, {
    description: 'Higher for every change, also after the store was lost and rebuilt (a millisecond timestamp or the previous version + 1)',
  })
  version!: number;

  @Field(() => Date)
  generatedAt!: Date;

  @Field(() => String, {
    description: 'Strategy the list served: personalized, or trending when it holds trending items only (a newcomer); the arm names the assignment',
  })
  strategy!: string;

  @Field(() => String, { nullable: true, description: 'Experiment arm, when an experiment runs' })
  arm!: string | null;

  @Field(() => [ScoredProduct])
  items!: ScoredProduct[];
}
