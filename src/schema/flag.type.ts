import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum FlagSource {
  DEFAULT = 'DEFAULT',
  ZOOKEEPER = 'ZOOKEEPER',
  FILE = 'FILE',
}
registerEnumType(FlagSource, { name: 'FlagSource', description: 'Where a flag value in force came from' });

@ObjectType()
export class FeatureFlag {
  @Field(() => String)
  key!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  value!: unknown;

  @Field(() => FlagSource)
  source!: FlagSource;
}
