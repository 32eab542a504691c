// Steady load through the public GraphQL API, with the simulator's scheduler (src/demo/simulate):
// one view a tick, each with its own eventId and its own product (fp-<n>, category fc-<n>, so the
// accounting can read how often each event was scored), users taking turns, one user's events in
// order. Every answer is recorded per eventId.
import { runPlan, type PlannedEvent } from '../../../src/demo/simulate/runner';
import { trackRequest } from '../../../src/demo/simulate/requests';
import { print } from 'graphql';
import { TrackAddToCartDocument, TrackPurchaseDocument, TrackViewDocument } from '../../../src/generated/graphql';

/** The contract mutation each planned request stands for (sent raw: the harness reads extensions.written). */
const QUERY = { trackView: print(TrackViewDocument), trackAddToCart: print(TrackAddToCartDocument), trackPurchase: print(TrackPurchaseDocument) };

/**
 * acked: `accepted: true`. not-written: refused, saying the event was not stored. unknown: refused
 * as "not known to be written", or no answer at all (the gateway died or the request timed out).
 */
export type Result = 'acked' | 'not-written' | 'unknown';

export interface Outcome {
  eventId: string;
  n: number;
  userId: string;
  sentAt: number;
  answeredAt: number;
  result: Result;
  detail: string | null;
}

export interface LoadOptions {
  /** Where to send, asked per request (a case may switch gateways). */
  url: () => string;
  runId: string;
  rate: number;
  users: number;
  /** Upper bound on events (the catalogue for the accounting is made this large). */
  maxEvents: number;
}

export const productOf = (n: number) => `fp-${n}`;
export const categoryOf = (n: number) => `fc-${n}`;

export interface Load {
  outcomes: Outcome[];
  /** Stops sending and waits for the answers still due. */
  stop(): Promise<Outcome[]>;
  /** Outcomes of requests sent after `since` (ms epoch). */
  sentAfter(since: number): Outcome[];
}

export function startLoad(options: LoadOptions): Load {
  const outcomes: Outcome[] = [];
  const abort = new AbortController();
  function* plan(): Generator<PlannedEvent> {
    for (let n = 0; n < options.maxEvents; n++) {
      const userId = `${options.runId}-u${n % options.users}`;
      yield {
        at: (n * 1000) / options.rate,
        request: () => {
          const req = trackRequest({ type: 'view', userId, productId: productOf(n) }, new Date());
          req.variables.input.eventId = `${options.runId}-e${n}`;
          return req;
        },
      };
    }
  }
  const run = runPlan({
    plan: plan(),
    durationMs: 3_600_000,
    maxEvents: options.maxEvents,
    maxInFlight: 400,
    drainMs: 20_000,
    signal: abort.signal,
    send: async (request) => {
      const eventId = String(request.variables.input.eventId);
      const sentAt = Date.now();
      const record = (result: Result, detail: string | null): void =>
        void outcomes.push({
          eventId,
          n: Number(eventId.slice(eventId.lastIndexOf('-e') + 2)),
          userId: request.userId,
          sentAt,
          answeredAt: Date.now(),
          result,
          detail,
        });
      try {
        const res = await fetch(options.url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: QUERY[request.operation], variables: request.variables }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json()) as {
          data?: Record<string, { accepted?: boolean } | null>;
          errors?: { message: string; extensions?: Record<string, unknown> }[];
        };
        const answer = body.data && Object.values(body.data)[0];
        if (answer?.accepted === true) return record('acked', null);
        const error = body.errors?.[0];
        const code = String(error?.extensions?.code ?? `HTTP ${res.status}`);
        record(error?.extensions?.written === 'unknown' ? 'unknown' : 'not-written', `${code}: ${error?.message ?? ''}`);
      } catch (err) {
        record('unknown', `no answer: ${(err as Error).message}`);
      }
    },
  });
  return {
    outcomes,
    async stop() {
      abort.abort();
      await run;
      return outcomes;
    },
    sentAfter: (since) => outcomes.filter((o) => o.sentAt >= since),
  };
}
