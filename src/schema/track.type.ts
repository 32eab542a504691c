import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Answered only after Kafka acknowledged the event' })
export class TrackResult {
  @Field(() => Boolean)
  accepted!: boolean;

  @Field(() => ID)
  eventId!: string;
}
