import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Answered only after Kafka acknowledged the event' })
export class TrackResult {
  @Field(() => Boolean)
  accepted!: boolean;

  @Field(() => ID)
  eventId!: string;
}

@ObjectType({ description: 'Why one event of a batch was not accepted: the error a single track mutation would have answered' })
export class TrackEventError {
  @Field(() => String, { description: 'BAD_USER_INPUT, FORBIDDEN, RATE_LIMITED, UNAVAILABLE or INTERNAL_SERVER_ERROR' })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true, description: 'BAD_USER_INPUT: the input path, e.g. input[3].productId' })
  field?: string | null;

  @Field(() => Boolean, { description: 'Sending the same event again (same eventId) may succeed' })
  retriable!: boolean;

  @Field(() => Int, { nullable: true, description: 'RATE_LIMITED: seconds until the budget allows it' })
  retryAfterSeconds?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      'UNAVAILABLE: "unknown" when the event went out in a produce request Kafka did not acknowledge in time (it may be stored; a retry with the same eventId counts once), as extensions.written of a single mutation',
  })
  written?: string | null;
}

@ObjectType({ description: 'One answer per event of a trackEvents batch, in input order; accepted only after Kafka acknowledged it' })
export class TrackEventResult {
  @Field(() => Boolean)
  accepted!: boolean;

  @Field(() => ID, {
    nullable: true,
    description: "The event's id: the one given, or a new one; null for an event refused as invalid without a valid eventId of its own",
  })
  eventId?: string | null;

  @Field(() => TrackEventError, { nullable: true, description: 'Null when accepted' })
  error?: TrackEventError | null;
}
