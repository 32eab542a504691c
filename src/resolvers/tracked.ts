// The event behind a track answer, kept on the answer object (not a GraphQL field) for the
// `refreshed` field's resolver (src/resolvers/refreshed.resolver.ts).
import type { EventEnvelope } from '../events/envelope';

export type TrackedFor = { tracked?: Pick<EventEnvelope, 'userId' | 'eventId' | 'type' | 'receivedAt'> };

/** What the refreshed field needs of an accepted event. */
export const trackedFor = ({ userId, eventId, type, receivedAt }: EventEnvelope): TrackedFor => ({ tracked: { userId, eventId, type, receivedAt } });
