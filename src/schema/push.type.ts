// What a list says about where it came from (causedBy, latencyMs: fields of Recommendations
// resolved in src/resolvers/listOrigin.resolver.ts) and the read-your-writes answer of the track
// mutations (`refreshed`).
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { RefreshMiss } from '../services/refreshedLists';
import type { ListCause as StoredListCause } from '../store/types';
import { TrackEventType } from './track.input';
import { Recommendations } from './recommendation.type';

@ObjectType({ description: 'The event that made a list change' })
export class ListCause {
  @Field(() => ID)
  eventId!: string;

  @Field(() => TrackEventType)
  type!: TrackEventType;
}

/** A Recommendations object plus where it came from, for the origin fields' resolvers. */
export type RecommendationsWithOrigin = Recommendations & {
  origin?: {
    causedBy: StoredListCause | null;
    /** When the gateway accepted that event (ISO). */
    receivedAt: string | null;
    /** True when this list is a push of a change (a subscription's message after its first). */
    pushed: boolean;
  };
};

export enum RefreshMissReason {
  TIMEOUT = 'TIMEOUT',
  UNAVAILABLE = 'UNAVAILABLE',
  NOT_ACCEPTED = 'NOT_ACCEPTED',
}
registerEnumType(RefreshMissReason, {
  name: 'RefreshMissReason',
  description: 'Why a track mutation answered without the refreshed list',
  valuesConfig: {
    TIMEOUT: { description: "The event was not scored within the gateway's wait (RECSYS_REFRESHED_TIMEOUT_MS); the list will still be pushed to subscribers" },
    UNAVAILABLE: { description: 'The store could not be read while waiting; the event is accepted all the same' },
    NOT_ACCEPTED: { description: 'The event was not accepted (a refused event of a trackEvents batch), so nothing will be scored' },
  },
});

const MISS: Record<RefreshMiss, RefreshMissReason> = {
  TIMEOUT: RefreshMissReason.TIMEOUT,
  UNAVAILABLE: RefreshMissReason.UNAVAILABLE,
  NOT_ACCEPTED: RefreshMissReason.NOT_ACCEPTED,
};
export const toRefreshMissReason = (miss: RefreshMiss): RefreshMissReason => MISS[miss];

@ObjectType({ description: "The shopper's list once the tracked event is scored (read-your-writes), or why it is missing" })
export class RefreshedList {
  @Field(() => Recommendations, { nullable: true, description: 'Null when the event was not scored in time: see missing' })
  recommendations!: Recommendations | null;

  @Field(() => RefreshMissReason, { nullable: true, description: 'Null when recommendations is there' })
  missing!: RefreshMissReason | null;
}
