// A shopper's live list over graphql-ws. The socket reconnects by itself with backoff (jittered,
// capped) whenever it drops or the gateway restarts, and graphql-ws subscribes again on the new
// socket. The gateway answers a new subscription with the current list first, so after a
// reconnect the newest list arrives at once; the watch hands on only versions newer than the
// last one it saw, so nothing is shown twice or out of order and the last version is never missed.
import { createClient, type Client } from 'graphql-ws';
import { backoffDelay, pause, type BackoffOptions } from '../../src/util/backoff';
import { ClientRecommendationsUpdatedDocument, type ClientListFragment } from '../../src/generated/graphql';
import { CLIENT_CODES, RecsClientError, type GraphQLErrorShape } from './errors';
import { sourceOf } from './http';

export type RecsList = ClientListFragment;

export interface SocketOptions {
  url: string;
  /** A WebSocket class: the browser's, or `ws`'s on Node 20 (which has none built in). */
  webSocketImpl: unknown;
  connectionParams: () => Record<string, unknown>;
  retry: BackoffOptions;
}

/** The one graphql-ws client every watch of a RecsClient shares (one socket, opened while a watch runs). */
export function createSocket({ url, webSocketImpl, connectionParams, retry }: SocketOptions): Client {
  return createClient({
    url,
    webSocketImpl,
    lazy: true,
    connectionParams,
    // Every close that graphql-ws does not treat as fatal (bad auth, protocol errors) is retried, without end.
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => void (await pause(backoffDelay(retries, retry))),
    keepAlive: 10_000,
  });
}

export interface WatchOptions {
  limit?: number;
  /** The subscription ended with an error (refused input, not allowed, a fatal close): no more lists come. */
  onError?: (err: RecsClientError) => void;
}

export interface RecsWatch {
  /** The newest version handed to onList (0 before the first). */
  readonly lastVersion: number;
  /** Ends the subscription (the socket closes once no watch is left). */
  stop(): void;
}

export function watch(socket: Client, userId: string, onList: (list: RecsList) => void, { limit, onError }: WatchOptions = {}): RecsWatch {
  let lastVersion = 0;
  let stopped = false;
  const fail = (err: RecsClientError) => {
    if (stopped) return;
    stopped = true;
    onError?.(err);
  };
  const dispose = socket.subscribe<{ recommendationsUpdated: RecsList }>(
    { query: sourceOf(ClientRecommendationsUpdatedDocument), variables: { userId, ...(limit === undefined ? {} : { limit }) } },
    {
      next: (message) => {
        if (message.errors?.length) return fail(RecsClientError.fromGraphQL(message.errors));
        const list = message.data?.recommendationsUpdated;
        if (!list || stopped || list.version <= lastVersion) return;
        lastVersion = list.version;
        onList(list);
      },
      error: (err) => fail(toClientError(err)),
      complete: () => {},
    },
  );
  return {
    get lastVersion() {
      return lastVersion;
    },
    stop() {
      stopped = true;
      dispose();
    },
  };
}

/** What graphql-ws hands to `error`: GraphQL errors, a close event (fatal codes only, since every other is retried) or an Error. */
function toClientError(err: unknown): RecsClientError {
  if (Array.isArray(err)) return RecsClientError.fromGraphQL(err as GraphQLErrorShape[]);
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'number') {
    const { code, reason } = err as { code: number; reason?: string };
    return new RecsClientError(
      code === 4401 || code === 4403 ? (code === 4401 ? 'UNAUTHENTICATED' : 'FORBIDDEN') : CLIENT_CODES.NETWORK,
      `the gateway closed the socket (${code}${reason ? `: ${reason}` : ''})`,
    );
  }
  return new RecsClientError(CLIENT_CODES.NETWORK, err instanceof Error ? err.message : String(err), { cause: err });
}
