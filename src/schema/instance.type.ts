import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A live gateway instance, as registered in ZooKeeper (in embedded mode: this process)' })
export class Instance {
  @Field(() => ID, { description: 'RECSYS_INSTANCE_ID, or the process id' })
  id!: string;

  @Field(() => String)
  host!: string;

  @Field(() => Int)
  port!: number;

  @Field(() => String, { description: 'The gateway version (package.json)' })
  version!: string;

  @Field(() => Date)
  startedAt!: Date;

  @Field(() => Boolean, {
    description: 'The leader runs the periodic maintenance; the lowest ZooKeeper sequence number among gateways with the scorer role leads',
  })
  isLeader!: boolean;

  @Field(() => Boolean, { description: 'True for the instance that answered this query' })
  isSelf!: boolean;
}
