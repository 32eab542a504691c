import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';

export enum FlagSource {
  DEFAULT = 'DEFAULT',
  ZOOKEEPER = 'ZOOKEEPER',
  FILE = 'FILE',
  /** Set by setFlag in embedded mode: in this process until it restarts (distributed mode: ZOOKEEPER). */
  API = 'API',
}
registerEnumType(FlagSource, {
  name: 'FlagSource',
  description: 'Where a flag value in force came from',
  valuesConfig: { API: { description: 'Set by setFlag in embedded mode: in force in this process until it restarts' } },
});

@ObjectType()
export class FeatureFlag {
  @Field(() => String)
  key!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  value!: unknown;

  @Field(() => FlagSource)
  source!: FlagSource;
}
