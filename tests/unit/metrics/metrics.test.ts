import type { Gateway } from '../../../src/app';
import { OPS, eventually, gql, startTestGateway, subscribe, uniqueId, wsClient } from '../../helpers/gateway';

type RecsMsg = { recommendationsUpdated: { version: number } };

/** One sample's value from Prometheus' text format, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics (embedded gateway)', () => {
  let gateway: Gateway;
  const scrape = async () => {
    const res = await fetch(gateway.url.replace('/graphql', '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  test('after a few events the scrape holds accepted and refused events, scoring, subscriptions, pushes and flag state', async () => {
    const shopper = uniqueId('shopper');
    const client = wsClient(gateway.wsUrl);
    const sub = subscribe<RecsMsg>(client, OPS.recommendationsUpdated, { userId: shopper, limit: 10 });
    try {
      await sub.until((m) => m.length >= 1);
      for (const productId of ['p-1', 'p-2', 'p-3']) {
        expect((await gql(gateway.url, OPS.trackView, { input: { userId: shopper, productId } })).data?.trackView.accepted).toBe(true);
      }
      const refused = await gql(gateway.url, OPS.trackView, { input: { userId: '', productId: 'p-1' } });
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      await sub.until((m) => m.length >= 2); // at least one pushed change

      const text = await eventually(scrape, (t) => (sample(t, 'recsys_event_to_push_seconds_count') ?? 0) >= 1);
      expect(sample(text, 'recsys_events_accepted_total{type="view"}')).toBe(3);
      expect(sample(text, 'recsys_events_refused_total{type="view",code="BAD_USER_INPUT"}')).toBe(1);
      expect(sample(text, 'recsys_scoring_batch_size_count')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'recsys_scoring_batch_duration_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'recsys_scored_events_total{result="learned"}')).toBeGreaterThanOrEqual(3);
      expect(sample(text, 'recsys_subscriptions_open')).toBe(1);
      expect(sample(text, 'recsys_flags_connected')).toBe(1);
      expect(sample(text, 'recsys_flags_stale{source="DEFAULT"}')).toBe(0);
      expect(sample(text, 'recsys_process_resident_memory_bytes')).toBeGreaterThan(0);
      // Kafka- and Redis-only series are declared in every mode (no samples in embedded mode).
      for (const name of ['recsys_consumer_lag', 'recsys_produce_latency_seconds', 'recsys_produce_batch_size', 'recsys_feed_channels']) {
        expect(text).toContain(`# TYPE ${name} `);
      }
    } finally {
      sub.dispose();
      await client.dispose();
    }
    // The subscription's end is counted too.
    await eventually(scrape, (t) => sample(t, 'recsys_subscriptions_open') === 0);
  });

  test('trackEvents counts its events one by one under type "batch", refused ones by their code; a call refused whole counts once', async () => {
    const user = uniqueId('u');
    const before = await scrape();
    const at = (text: string, series: string) => sample(text, series) ?? 0;
    const res = await gql(gateway.url, OPS.trackEvents, {
      input: [
        { type: 'VIEW', userId: user, productId: 'p-1' },
        { type: 'VIEW', userId: user, productId: '' },
        { type: 'ADD_TO_CART', userId: user, productId: 'p-2' },
      ],
    });
    expect(res.data?.trackEvents.map((a: { accepted: boolean }) => a.accepted)).toEqual([true, false, true]);
    const tooMany = await gql(gateway.url, OPS.trackEvents, { input: Array.from({ length: 501 }, () => ({ type: 'VIEW', userId: user, productId: 'p-1' })) });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const after = await scrape();
    const accepted = 'recsys_events_accepted_total{type="batch"}';
    const refused = 'recsys_events_refused_total{type="batch",code="BAD_USER_INPUT"}';
    expect(at(after, accepted) - at(before, accepted)).toBe(2);
    expect(at(after, refused) - at(before, refused)).toBe(2); // one event of the first call, the whole second call
  });

  test('each gateway has its own registry: a second one starts from zero', async () => {
    const other = await startTestGateway();
    try {
      const text = await other.metrics.metrics();
      expect(sample(text, 'recsys_events_accepted_total{type="view"}')).toBeUndefined();
      expect(other.metrics).not.toBe(gateway.metrics);
    } finally {
      await other.stop();
    }
  });
});
