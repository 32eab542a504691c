import { Field, Float, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A catalogue product. Details are null for an id the catalogue does not know yet.' })
export class Product {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  category!: string | null;

  @Field(() => Float, { nullable: true })
  price!: number | null;

  @Field(() => Boolean, { nullable: true })
  inStock!: boolean | null;

  @Field(() => String, { nullable: true })
  imageUrl!: string | null;
}
