// The page's only way to the gateway: POSTs of the contract's queries and mutations, and one
// graphql-ws client for the RecommendationsUpdated subscription.
import { createClient, type Client } from 'graphql-ws';
import { RECOMMENDATIONS_UPDATED } from '../src/demo/operations';

export interface LiveItem {
  score: number;
  reason: string;
  product: { id: string; name: string | null };
}

export interface LiveRecs {
  userId: string;
  version: number;
  generatedAt: string;
  items: LiveItem[];
}

interface GqlError {
  message: string;
  extensions?: { code?: string };
}

export class Api {
  readonly ws: Client;

  constructor(
    private readonly endpoint: string,
    wsEndpoint: string,
  ) {
    this.ws = createClient({ url: wsEndpoint, retryAttempts: Infinity, shouldRetry: () => true, keepAlive: 15_000 });
  }

  /** One operation over HTTP; resolves to `data` or rejects with the first error's message. */
  async request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: GqlError[] };
    if (body.errors?.length) {
      const first = body.errors[0]!;
      throw new Error(first.extensions?.code ? `${first.message} (${first.extensions.code})` : first.message);
    }
    if (!res.ok || body.data === undefined) throw new Error(`the gateway answered HTTP ${res.status}`);
    return body.data;
  }

  /** Subscribes to one user's list; returns a function that ends the subscription. */
  liveRecommendations(userId: string, limit: number, onList: (recs: LiveRecs) => void, onError: (message: string) => void): () => void {
    return this.ws.subscribe<{ recommendationsUpdated: LiveRecs }>(
      { query: RECOMMENDATIONS_UPDATED, variables: { userId, limit } },
      {
        next: (msg) => {
          if (msg.errors?.length) onError(msg.errors.map((e) => e.message).join('; '));
          else if (msg.data) onList(msg.data.recommendationsUpdated);
        },
        error: (err) => onError(describe(err)),
        complete: () => {},
      },
    );
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (Array.isArray(err)) return err.map((e: GqlError) => e.message).join('; ');
  if (err && typeof err === 'object' && 'code' in err) return `connection closed (${(err as { code: number }).code})`;
  return String(err);
}
