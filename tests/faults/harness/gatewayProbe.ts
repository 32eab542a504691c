// What a case asks a gateway besides the load: its /readyz, a flag in force, a live subscription.
import { gql, OPS, subscribe, wsClient } from '../../helpers/gateway';

export interface ReadyAnswer {
  status: number;
  body: { status: string; checks: Record<string, { ok: boolean; status: string; detail?: unknown }>; degraded: string[]; down: string[] };
}

export async function readiness(graphqlUrl: string): Promise<ReadyAnswer> {
  const res = await fetch(graphqlUrl.replace(/\/graphql$/, '/readyz'));
  return { status: res.status, body: (await res.json()) as ReadyAnswer['body'] };
}

/** The value (decoded JSON) and source of one flag as the gateway serves it now. */
export async function flagInForce(graphqlUrl: string, key: string): Promise<{ value: unknown; source: string } | null> {
  const res = await gql<{ featureFlags: { key: string; value: unknown; source: string }[] }>(graphqlUrl, '{ featureFlags { key value source } }');
  if (res.errors) throw new Error(`featureFlags: ${JSON.stringify(res.errors)}`);
  const flag = res.data!.featureFlags.find((f) => f.key === key);
  return flag ? { value: flag.value, source: flag.source } : null;
}

/** A graphql-ws client subscribed to one shopper's list through the gateway; the versions pushed so far. */
export function watchList(graphqlUrl: string, userId: string) {
  const client = wsClient(graphqlUrl.replace(/^http/, 'ws'));
  const sub = subscribe<{ recommendationsUpdated: { version: number; items: unknown[] } }>(client, OPS.recommendationsUpdated, { userId, limit: 20 });
  const pushes = () => sub.received.filter((m) => m.data).map((m) => m.data!.recommendationsUpdated);
  return {
    pushes,
    versions: () => pushes().map((p) => p.version),
    errors: () => sub.received.filter((m) => m.errors),
    /** Resolves once more than `count` pushes arrived in all. */
    morethan: (count: number, ms: number) => sub.until(() => pushes().length > count, ms),
    async close() {
      sub.dispose();
      await client.dispose();
    },
  };
}
