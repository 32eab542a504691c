import { Field, InputType, Int } from 'type-graphql';

@InputType({
  description:
    "The recommendation list an event came from: attributes the click (and the add-to-carts and purchases within the attribution window after it) to the list's experiment arm",
})
export class FromRecommendationInput {
  @Field(() => String, { description: "The list's listId, as the recommendations query or subscription gave it" })
  listId!: string;

  @Field(() => Int, { description: 'Place of the item in the list, 0 for the first' })
  position!: number;
}
