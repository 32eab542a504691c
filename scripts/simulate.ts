// npm run simulate -- --users N --rate R --duration S [--url http://127.0.0.1:$PORT/graphql]
//                     [--replay <dataset file> --speed X --batch N]
// Shoppers browsing, carting and buying through the gateway's GraphQL API (the storefront
// contract's track mutations), bounded in time and count, loopback targets only. One progress
// line on stderr. Exit code: 0 done, 1 gateway unreachable or every event failed, 2 bad usage.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { DEMO_CATALOG } from '../src/demo/catalog';
import { TRENDING, UPSERT_PRODUCTS } from '../src/demo/operations';
import { gatewayPort } from '../src/config';
import { localGatewayUrl, parseSimulateArgs, UsageError, USAGE, type SimulateOptions } from '../src/demo/simulate/args';
import { batchedReplayPlan, openReplay, replayPlan } from '../src/demo/simulate/replay';
import type { BatchRequest, TrackRequest } from '../src/demo/simulate/requests';
import { formatProgress, runPlan, type PlannedEvent, type RunStats } from '../src/demo/simulate/runner';
import { shopperPlan } from '../src/demo/simulate/shoppers';

const REQUEST_TIMEOUT_MS = 5_000;
/** A replay batch holds the events due within this long of its first one. */
const BATCH_WINDOW_MS = 100;
const ENDED: Record<NonNullable<RunStats['ended']>, string> = {
  duration: 'time is up',
  'max-events': 'reached --max-events',
  source: 'the file is done',
  stopped: 'stopped',
};

function client(url: URL, token: string | undefined) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return async function post(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await res.json().catch(() => null)) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions?: { code?: string } }[];
    } | null;
    if (body?.errors?.length) {
      const e = body.errors[0]!;
      throw new Error(e.extensions?.code ? `${e.message} (${e.extensions.code})` : e.message);
    }
    if (!res.ok || !body?.data) throw new Error(`HTTP ${res.status}`);
    return body.data;
  };
}

function reachError(url: URL, err: unknown): string {
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  const what = cause === 'ECONNREFUSED' ? 'nothing listens there' : err instanceof Error ? err.message : String(err);
  return `cannot reach the gateway at ${url.href} (${what}). Start it with \`npm start\`, or pass --url.`;
}

async function main(options: SimulateOptions): Promise<number> {
  if (options.replay && !(existsSync(options.replay) && statSync(options.replay).isFile())) {
    throw new UsageError(`--replay: no such file: ${options.replay}`);
  }
  const post = client(options.url, process.env.RECSYS_TOKEN || undefined);
  try {
    await post(TRENDING, { limit: 1 });
  } catch (err) {
    process.stderr.write(`simulate: ${reachError(options.url, err)}\n`);
    return 1;
  }
  if (options.loadCatalog) {
    const data = await post(UPSERT_PRODUCTS, { products: DEMO_CATALOG });
    process.stderr.write(`simulate: loaded ${String(data.upsertProducts)} demo products\n`);
  }

  const runId = randomBytes(3).toString('hex');
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
    const data = await post(request.query, request.variables);
    const result = Object.values(data)[0] as
      | { accepted?: boolean; error?: { code?: string; message?: string } | null }
      | { accepted?: boolean; error?: { code?: string; message?: string } | null }[]
      | undefined;
    if (Array.isArray(result)) {
      const refused = result.filter((a) => a?.accepted !== true);
      const last = refused[refused.length - 1]?.error;
      if (last) refusals.last = `${last.message ?? 'refused'} (${last.code ?? 'no code'})`;
      return refused.length;
    }
    if (result?.accepted !== true) throw new Error('the gateway did not accept the event');
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
