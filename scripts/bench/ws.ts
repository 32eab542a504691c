// Subscribers for the bench: one graphql-ws client (one websocket) per shopper, as each
// storefront screen has its own, each subscribed to recommendationsUpdated.
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { sleep } from './stats';

const SUBSCRIPTION = 'subscription($u: ID!) { recommendationsUpdated(userId: $u, limit: 10) { version items { reason product { id name } } } }';

export interface Subscribers {
  /** Latest version each user has received (0 until the first list). */
  versions: Map<string, number>;
  ready(): number;
  errors(): number;
  dispose(): Promise<void>;
}

/**
 * Calls `onPush(userId, version, at)` for each list after the first one (the current list). Each
 * socket presents its shopper's token (`authorization(userId)`, "Bearer ...") in connectionParams.
 */
export async function openSubscribers(
  wsUrl: string,
  userIds: readonly string[],
  onPush: (userId: string, version: number, at: number) => void,
  progress: (ready: number) => void,
  timeoutMs: number,
  authorization: (userId: string) => string,
): Promise<Subscribers> {
  const versions = new Map<string, number>();
  const clients: Client[] = [];
  let ready = 0;
  let errors = 0;
  const wave = 100;
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < userIds.length && Date.now() < deadline; i += wave) {
    for (const userId of userIds.slice(i, i + wave)) {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        keepAlive: 0,
        connectionParams: { authorization: authorization(userId) },
      });
      client.on('error', () => {});
      clients.push(client);
      client.subscribe<{ recommendationsUpdated: { version: number } }>(
        { query: SUBSCRIPTION, variables: { u: userId } },
        {
          next: (msg) => {
            const at = performance.now();
            const version = msg.data?.recommendationsUpdated.version ?? 0;
            const previous = versions.get(userId);
            versions.set(userId, Math.max(version, previous ?? 0));
            if (previous === undefined) ready++;
            else if (version > previous) onPush(userId, version, at);
          },
          error: () => errors++,
          complete: () => {},
        },
      );
    }
    // Keep at most a few waves connecting at once.
    while (i + wave - ready - errors > 3 * wave && Date.now() < deadline) await sleep(5);
    progress(ready);
  }
  while (ready + errors < clients.length && Date.now() < deadline) {
    progress(ready);
    await sleep(20);
  }
  return {
    versions,
    ready: () => ready,
    errors: () => errors,
    async dispose() {
      for (let i = 0; i < clients.length; i += 500) await Promise.all(clients.slice(i, i + 500).map(async (c) => c.dispose()));
    },
  };
}
