// `npm run simulate -- --experiment`: synthetic shoppers of a two-arm experiment through the
// gateway's API. Each asks for their list (with its listId), maybe clicks an item (trackView
// with fromRecommendation) and maybe buys it (trackAddToCart, trackPurchase), with the click and
// buy probabilities of their arm (B's higher, or the same with --aa). Then the experiment report.
import { print } from 'graphql';
import { AttributedRecommendationsDocument, ExperimentReportDocument, SetFlagDocument } from '../../generated/graphql';
import { TRACK_ADD_TO_CART, TRACK_PURCHASE, TRACK_VIEW } from '../operations';
import { seededRandom } from '../../util/seededRandom';
import type { ReportLike } from '../../experiments/reportTable';
import { armBehaviours, simulatedExperiment, visit, type ArmBehaviour } from './experiment';

export type Post = (query: string, variables: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface ExperimentRunOptions {
  post: Post;
  shoppers: number;
  seed: number;
  aa: boolean;
  durationMs: number;
  maxInFlight: number;
  runId: string;
  catalog: readonly { id: string }[];
  onProgress?: (line: string) => void;
  /** How long to wait for the stream to count everything sent (ms). */
  settleMs?: number;
}

type Report = { experimentReport: ReportLike & { winner: string | null } };
type List = { recommendations: { arm: string | null; listId: string; items: { product: { id: string; price: number | null } }[] } };

export async function runExperiment(options: ExperimentRunOptions): Promise<{
  experiment: string;
  behaviours: Record<string, ArmBehaviour>;
  sent: { shoppers: number; clicks: number; purchases: number; errors: number };
  report: Report['experimentReport'];
}> {
  const { post } = options;
  const experiment = `sim-${options.runId}`;
  const behaviours = armBehaviours(options.aa);
  await post(print(SetFlagDocument), { key: 'experiment.recs', value: simulatedExperiment(experiment) });
  // Others browse first (no list involved), so newcomers' trending lists have items.
  const browse = `browser-${options.runId}`;
  await Promise.all(options.catalog.map((p) => post(TRACK_VIEW, { input: { userId: browse, productId: p.id } })));
  // The flag reaches every gateway through ZooKeeper's watch: wait until lists carry the arm.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const list = (await post(print(AttributedRecommendationsDocument), { userId: `probe-${options.runId}`, limit: 1 })) as List;
    if (list.recommendations.arm !== null && list.recommendations.listId.length > 0) break;
    if (Date.now() > deadline) throw new Error('the experiment flag did not apply within 10 s');
    await new Promise((r) => setTimeout(r, 200));
  }

  const sent = { shoppers: 0, clicks: 0, purchases: 0, errors: 0 };
  const started = Date.now();
  let next = 0;
  const shopper = async (i: number) => {
    const userId = `sim-${options.runId}-${i}`;
    const list = ((await post(print(AttributedRecommendationsDocument), { userId, limit: 10 })) as List).recommendations;
    sent.shoppers++;
    // The decision is drawn per shopper from their own stream, so concurrency does not change it.
    const own = seededRandom((options.seed * 1_000_003 + i) >>> 0);
    const { position, bought } = visit(own, behaviours[list.arm ?? 'A'] ?? behaviours.A!, list.items.length);
    if (position === null) return;
    const product = list.items[position]!.product;
    await post(TRACK_VIEW, { input: { userId, productId: product.id, fromRecommendation: { listId: list.listId, position } } });
    sent.clicks++;
    if (!bought) return;
    await post(TRACK_ADD_TO_CART, { input: { userId, productId: product.id, quantity: 1 } });
    await post(TRACK_PURCHASE, { input: { userId, orderId: `o-${userId}`, items: [{ productId: product.id, quantity: 1, price: product.price ?? 1 }] } });
    sent.purchases++;
  };
  const worker = async () => {
    while (next < options.shoppers && Date.now() - started < options.durationMs) {
      const i = next++;
      await shopper(i).catch(() => sent.errors++);
      if (i % 250 === 0)
        options.onProgress?.(
          `simulate: ${sent.shoppers} of ${options.shoppers} shoppers, ${sent.clicks} clicks, ${sent.purchases} purchases, ${sent.errors} errors, ${((Date.now() - started) / 1000).toFixed(0)}s`,
        );
    }
  };
  await Promise.all(Array.from({ length: options.maxInFlight }, worker));
  options.onProgress?.(
    `simulate: ${sent.shoppers} shoppers, ${sent.clicks} clicks, ${sent.purchases} purchases, ${sent.errors} errors in ${((Date.now() - started) / 1000).toFixed(1)}s; waiting for the stream to count them`,
  );

  // The stream counts asynchronously: wait until it counted what was sent (or the time is up).
  const settleBy = Date.now() + (options.settleMs ?? 20_000);
  for (;;) {
    const { experimentReport } = (await post(print(ExperimentReportDocument), { experiment })) as Report;
    const clicks = experimentReport.arms.reduce((s, a) => s + a.clicks, 0);
    const purchases = experimentReport.arms.reduce((s, a) => s + a.purchases, 0);
    if ((clicks >= sent.clicks && purchases >= sent.purchases) || Date.now() > settleBy) return { experiment, behaviours, sent, report: experimentReport };
    await new Promise((r) => setTimeout(r, 250));
  }
}
