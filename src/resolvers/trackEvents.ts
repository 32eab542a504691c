// Batched ingestion (trackEvents): each event takes the single mutations' path on its own
// (validation, act-for check, rate limit, Kafka acknowledgement) and gets its own answer, so one
// bad event never refuses the others and an event is reported accepted only once Kafka has it.
import { InvalidInputError, RecsysError, ErrorCode } from '../errors';
import type { EventEnvelope } from '../events/envelope';
import { checkId, mixedEnvelope, type MixedEventInput } from '../events/validate';
import type { TrackEventResult } from '../schema/track.type';
import { assertSignedIn } from './authz';
import type { Viewer } from './context';
import { trackedFor, type TrackedFor } from './tracked';

/** Events per trackEvents call: 500 of a sensible shape stay under the body, token and cost limits. */
export const MAX_BATCH_EVENTS = 500;

/** The answer for an event that was not accepted, carrying the error a single mutation would have thrown. */
export function refusal(err: unknown, eventId: string | null): TrackEventResult {
  if (!(err instanceof RecsysError)) {
    // Not one of ours: say nothing about it (a single mutation's formatError hides it too).
    return {
      accepted: false,
      eventId,
      error: { code: ErrorCode.INTERNAL, message: 'internal error', field: null, retriable: false, retryAfterSeconds: null, written: null },
    };
  }
  const { retryAfterSeconds: retryAfter, written } = err.details;
  return {
    accepted: false,
    eventId,
    error: {
      code: err.code,
      message: err.message,
      field: err instanceof InvalidInputError ? err.field : null,
      retriable: err.retriable,
      retryAfterSeconds: typeof retryAfter === 'number' ? retryAfter : null,
      written: typeof written === 'string' ? written : null,
    },
  };
}

/** The client's eventId when it is a valid one (an event refused as invalid still names it), else null. */
function givenEventId(input: MixedEventInput): string | null {
  try {
    return checkId('eventId', input.eventId);
  } catch {
    return null;
  }
}

/**
 * Answers every event, in input order. `track` is the single mutations' path for one valid
 * envelope (act-for check, rate limit, publish); it is started for every event in input order
 * before any is awaited, so the rate limits spend their budget on the first events of the batch
 * and the publisher sends them together.
 */
export async function trackEach(
  inputs: readonly MixedEventInput[],
  viewer: Viewer,
  track: (event: EventEnvelope) => Promise<unknown>,
  now = Date.now(),
): Promise<TrackEventResult[]> {
  if (inputs.length > MAX_BATCH_EVENTS) {
    throw new InvalidInputError('input', `at most ${MAX_BATCH_EVENTS} events per call, got ${inputs.length}; nothing was written, send them in several calls`);
  }
  assertSignedIn(viewer); // no token at all: one answer for the call, not one per event
  return Promise.all(
    inputs.map(async (input, i) => {
      let event: EventEnvelope;
      try {
        event = mixedEnvelope(input, now, `input[${i}]`);
      } catch (err) {
        return refusal(err, givenEventId(input));
      }
      // Inside an async function: a throw before track()'s first await (act-for check, in-process
      // rate limit) becomes this event's refusal, not the call's.
      const answer = (async () => track(event))();
      return answer.then(
        (): TrackEventResult & TrackedFor => ({ accepted: true, eventId: event.eventId, error: null, ...trackedFor(event) }),
        (err: unknown) => refusal(err, event.eventId),
      );
    }),
  );
}
