// npm run simulate -- --users N --rate R --duration S [--url http://127.0.0.1:$PORT/graphql]
//                     [--replay <dataset file> --speed X --batch N] [--experiment [--aa]]
// Shoppers browsing, carting and buying through the gateway's GraphQL API, sent by the storefront
// client (client/: the contract's track mutations, trackEvents for batches), bounded in time and
// count, loopback targets only. One progress line on stderr. Exit code: 0 done, 1 gateway unreachable or every event failed, 2 bad usage.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { parse } from 'graphql';
import { createRecsClient, type RecsClient, type TrackAddToCartInput, type TrackEventInput, type TrackPurchaseInput, type TrackViewInput } from '../client/src';
import { DEMO_CATALOG } from '../src/demo/catalog';
import { TrendingDocument, UpsertProductsDocument } from '../src/generated/graphql';
import { gatewayPort } from '../src/config';
import { localGatewayUrl, parseSimulateArgs, UsageError, USAGE, type SimulateOptions } from '../src/demo/simulate/args';
import { batchedReplayPlan, openReplay, replayPlan } from '../src/demo/simulate/replay';
import type { BatchRequest, TrackRequest } from '../src/demo/simulate/requests';
import { formatProgress, runPlan, type PlannedEvent, type RunStats } from '../src/demo/simulate/runner';
import { shopperPlan } from '../src/demo/simulate/shoppers';
import { runExperiment, type Post } from '../src/demo/simulate/experimentRun';
import { formatReport } from '../src/experiments/reportTable';

const REQUEST_TIMEOUT_MS = 5_000;
/** A replay batch holds the events due within this long of its first one. */
const BATCH_WINDOW_MS = 100;
const ENDED: Record<NonNullable<RunStats['ended']>, string> = {
  duration: 'time is up',
  'max-events': 'reached --max-events',
  source: 'the file is done',
  stopped: 'stopped',
};

function client(url: URL, token: string | undefined): RecsClient {
  // Each request gives up after REQUEST_TIMEOUT_MS (counted as an error, the run goes on).
  const timed: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return createRecsClient({ url: url.href, token, fetch: timed });
}

/** The planned inputs are built untyped (src/demo/simulate/requests.ts); each goes to its typed client call. */
const SEND = {
  trackView: (c: RecsClient, input: Record<string, unknown>) => c.trackView(input as TrackViewInput),
  trackAddToCart: (c: RecsClient, input: Record<string, unknown>) => c.trackAddToCart(input as TrackAddToCartInput),
  trackPurchase: (c: RecsClient, input: Record<string, unknown>) => c.trackPurchase(input as TrackPurchaseInput),
};

function reachError(url: URL, err: unknown): string {
  // The client's NETWORK error wraps fetch's TypeError, which wraps the socket error.
  const cause = (err as { cause?: { cause?: { code?: string } } })?.cause?.cause?.code;
  const what = cause === 'ECONNREFUSED' ? 'nothing listens there' : err instanceof Error ? err.message : String(err);
  return `cannot reach the gateway at ${url.href} (${what}). Start it with \`npm start\`, or pass --url.`;
}

async function main(options: SimulateOptions): Promise<number> {
  if (options.replay && !(existsSync(options.replay) && statSync(options.replay).isFile())) {
    throw new UsageError(`--replay: no such file: ${options.replay}`);
  }
  const recs = client(options.url, process.env.RECSYS_TOKEN || undefined);
  try {
    await recs.request(TrendingDocument, { limit: 1 });
  } catch (err) {
    process.stderr.write(`simulate: ${reachError(options.url, err)}\n`);
    return 1;
  }
  if (options.loadCatalog) {
    const data = await recs.request(UpsertProductsDocument, { products: DEMO_CATALOG.map((p) => ({ ...p })) });
    process.stderr.write(`simulate: loaded ${String(data.upsertProducts)} demo products\n`);
  }

  const runId = randomBytes(3).toString('hex');
  if (options.experiment) return experiment(options, recs, runId);
  let plan: AsyncIterable<PlannedEvent<TrackRequest | BatchRequest>> | Iterable<PlannedEvent<TrackRequest | BatchRequest>>;
  let describe: string;
  let replayReport: (() => string) | null = null;
  if (options.replay) {
    const source = await openReplay(options.replay);
    plan =
      options.batch > 1
        ? batchedReplayPlan(source.events, { ...options, runId, batchSize: options.batch, windowMs: BATCH_WINDOW_MS })
        : replayPlan(source.events, { ...options, runId });
    describe = `replaying ${options.replay} (${source.format}) at ${options.speed}x, at most ${options.rate}/s, ${options.batch > 1 ? `in trackEvents batches of up to ${options.batch}` : 'one mutation per event'}`;
    replayReport = () => `${source.report.linesRead} lines read, ${source.report.badRows} bad rows skipped`;
  } else {
    plan = shopperPlan({ users: options.users ?? 20, rate: options.rate, seed: options.seed, catalog: DEMO_CATALOG, runId });
    describe = `${options.users} shoppers at ${options.rate}/s`;
  }
  process.stderr.write(`simulate: ${describe} for ${options.durationMs / 1000}s (at most ${options.maxEvents} events) -> ${options.url.href}\n`);

  const tty = process.stderr.isTTY === true;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Set from the runner's callback: a holder, so the type checker does not narrow it to its initial null.
  const refusals: { last: string | null } = { last: null };
  /** Resolves with how many of the request's events the gateway refused. */
  const send = async (request: TrackRequest | BatchRequest): Promise<number> => {
    if (request.operation === 'trackEvents') {
      const answers = await recs.trackEvents(request.variables.input as TrackEventInput[]);
      const refused = answers.filter((a) => !a.accepted);
      const last = refused[refused.length - 1]?.error;
      if (last) refusals.last = `${last.message ?? 'refused'} (${last.code ?? 'no code'})`;
      return refused.length;
    }
    const answer = await SEND[request.operation](recs, request.variables.input);
    if (!answer.accepted) throw new Error('the gateway did not accept the event');
    return 0;
  };
  const stats: RunStats = await runPlan({
    plan,
    send,
    durationMs: options.durationMs,
    maxEvents: options.maxEvents,
    maxInFlight: options.maxInFlight,
    signal: stop.signal,
    onProgress: (s) => tty && process.stderr.write(`\r${formatProgress(s, options.durationMs)}\x1b[K`),
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  const line = `${formatProgress(stats, options.durationMs)} (${stats.ended ? ENDED[stats.ended] : 'done'})`;
  process.stderr.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
  if (replayReport) process.stderr.write(`simulate: ${replayReport()}\n`);
  if (stats.lastError) process.stderr.write(`simulate: last error: ${stats.lastError}\n`);
  if (refusals.last) process.stderr.write(`simulate: last event refused: ${refusals.last}\n`);
  return stats.sent === 0 && stats.errors > 0 ? 1 : 0;
}

/** --experiment: the shoppers of a two-arm experiment, then its report (stdout). */
async function experiment(options: SimulateOptions, recs: RecsClient, runId: string): Promise<number> {
  // The run sends the experiment's own documents as text; the client sends any document.
  const post: Post = (query, variables) => recs.request(parse(query), variables);
  const shoppers = options.users ?? 2_000;
  process.stderr.write(
    `simulate: experiment with ${shoppers} shoppers (${options.aa ? 'A/A: both arms alike' : 'A/B: B clicks and buys more'}), seed ${options.seed}, at most ${options.durationMs / 1000}s -> ${options.url.href}\n`,
  );
  const run = await runExperiment({
    post,
    shoppers,
    seed: options.seed,
    aa: options.aa,
    durationMs: options.durationMs,
    maxInFlight: 16,
    runId,
    catalog: DEMO_CATALOG,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const truth = Object.entries(run.behaviours).map(
    ([arm, b]) =>
      `${arm}: click ${(b.click * 100).toFixed(0)} %, buy ${(b.buy * 100).toFixed(0)} % of clickers (conversion ${(b.click * b.buy * 100).toFixed(1)} %)`,
  );
  process.stdout.write(`${formatReport(run.report)}\nwinner: ${run.report.winner ?? 'none yet'}\nsimulated truth: ${truth.join('; ')}\n`);
  const origin = new URL(options.url).origin;
  process.stderr.write(`simulate: the page: ${origin}/experiments?experiment=${run.experiment}\n`);
  return run.sent.shoppers === 0 ? 1 : 0;
}

let options: SimulateOptions;
try {
  options = parseSimulateArgs(process.argv.slice(2), localGatewayUrl(gatewayPort(process.env)));
} catch (err) {
  process.stderr.write(`simulate: ${(err as Error).message} (see npm run simulate -- --help)\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
main(options).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `simulate: ${err instanceof Error ? err.message : String(err)}${err instanceof UsageError ? ' (see npm run simulate -- --help)' : ''}\n`,
    );
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
