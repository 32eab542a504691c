// The served replay's view of a gateway: the public GraphQL API (trackEvents, recommendations)
// and its Prometheus counter of scored events (to know when a batch has been learned).
import { print } from 'graphql';
import { RecommendationsDocument, TrackEventsDocument } from '../../generated/graphql';

const TRACK_EVENTS = print(TrackEventsDocument);
const RECOMMENDATIONS = print(RecommendationsDocument);

/** The gateway answered something the replay cannot go on from. */
export class ServedGatewayError extends Error {
  override readonly name = 'ServedGatewayError';
  readonly code = 'SERVED_GATEWAY';
}

export interface ServedEventInput {
  type: 'VIEW' | 'ADD_TO_CART' | 'PURCHASE';
  userId: string;
  sessionId: string;
  eventId: string;
  occurredAt: string;
  productId?: string;
  quantity?: number;
  orderId?: string;
  items?: { productId: string; quantity: number }[];
}

export interface TrackOutcome {
  accepted: number;
  /** Refusals by error code. */
  refused: Record<string, number>;
}

export interface ServedList {
  items: string[];
  generatedAt: string;
}

export interface ServedGateway {
  track(events: ServedEventInput[]): Promise<TrackOutcome>;
  list(userId: string, limit: number): Promise<ServedList>;
  /** Events the gateway's scorer has consumed so far (any result). */
  scoredEvents(): Promise<number>;
}

interface GqlAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export function httpGateway(url: URL, fetchImpl: typeof fetch = fetch): ServedGateway {
  const metricsUrl = new URL('/metrics', url);
  const post = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetchImpl(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const answer = (await res.json().catch(() => ({}))) as GqlAnswer<T>;
    if (answer.errors?.length || !answer.data) {
      const e = answer.errors?.[0];
      throw new ServedGatewayError(`${url.href} answered ${res.status}: ${e ? `${e.extensions?.code ?? ''} ${e.message}` : 'no data'}`);
    }
    return answer.data;
  };
  return {
    async track(events) {
      const data = await post<{ trackEvents: { accepted: boolean; error: { code: string } | null }[] }>(TRACK_EVENTS, { input: events });
      const refused: Record<string, number> = {};
      let accepted = 0;
      for (const r of data.trackEvents) {
        if (r.accepted) accepted++;
        else refused[r.error?.code ?? 'UNKNOWN'] = (refused[r.error?.code ?? 'UNKNOWN'] ?? 0) + 1;
      }
      return { accepted, refused };
    },
    async list(userId, limit) {
      const data = await post<{ recommendations: { generatedAt: string; items: { product: { id: string } }[] } }>(RECOMMENDATIONS, { userId, limit });
      return { items: data.recommendations.items.map((i) => i.product.id), generatedAt: data.recommendations.generatedAt };
    },
    async scoredEvents() {
      const res = await fetchImpl(metricsUrl);
      if (!res.ok) throw new ServedGatewayError(`${metricsUrl.href} answered ${res.status}; --speed <x> paces the replay without it`);
      return scoredEventsOf(await res.text());
    },
  };
}

/** Sum of `recsys_scored_events_total` over its labels in a Prometheus text exposition. */
export function scoredEventsOf(exposition: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith('recsys_scored_events_total')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
