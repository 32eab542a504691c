import { Field, Float, ID, InputType } from 'type-graphql';

@InputType({ description: 'A product to create or replace in the catalogue' })
export class ProductInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  category?: string | null;

  @Field(() => Float, { nullable: true })
  price?: number | null;

  @Field(() => Boolean, { nullable: true, defaultValue: true })
  inStock?: boolean | null;

  @Field(() => String, { nullable: true })
  imageUrl?: string | null;
}
