// `npm run simulate` options: parsed and bounded here (pure), so a typo or an unbounded run is
// refused before anything is sent.
import { CliUsageError, helpText, parseCli, stringValue, type CliDefinition } from '../../util/cli';
import { loopbackUrl as checkedLoopbackUrl, localGatewayUrl } from '../../util/loopbackUrl';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface SimulateOptions {
  /** Synthetic shoppers; in replay mode, the most distinct users replayed (null = all). */
  users: number | null;
  /** Events per second: the pace of synthetic shoppers, a ceiling in replay mode. */
  rate: number;
  durationMs: number;
  url: URL;
  /** A dataset file to replay instead of synthetic shoppers. */
  replay: string | null;
  /** Replay speed: dataset seconds per wall-clock second. */
  speed: number;
  /** Longest pause between two replayed events, whatever the dataset says (ms). */
  maxGapMs: number;
  maxEvents: number;
  maxInFlight: number;
  /** With --replay: events per trackEvents call (1 = one single mutation per event). */
  batch: number;
  seed: number;
  /** Upsert the demo catalogue first (for a gateway that is not in embedded mode). */
  loadCatalog: boolean;
  /** A two-arm experiment instead of free browsing (B's shoppers click and buy more); with `aa` both arms alike. */
  experiment: boolean;
  aa: boolean;
  help: boolean;
}

export const LIMITS = {
  users: 10_000,
  rate: 2_000,
  /** A replay sent in batches: 500 events per call need far fewer requests. */
  batchedRate: 20_000,
  durationS: 3_600,
  maxEvents: 1_000_000,
  speed: 100_000,
  /** trackEvents takes at most 500 events per call. */
  batch: 500,
} as const;

/** The one definition of the command line: parsed by util.parseArgs, and --help is written from it. */
export const SIMULATE_CLI: CliDefinition = {
  usage: `Usage: npm run simulate -- [options]

Shoppers browsing, carting and buying through the gateway's GraphQL API (the storefront
contract's track mutations), for a bounded time and number of events, on this machine only.`,
  column: 16,
  options: {
    users: {
      type: 'string',
      value: 'N',
      description: `synthetic shoppers (default 20; 2000 with --experiment; at most ${LIMITS.users}); with --replay: replay at most\nN distinct users of the file (default all)`,
    },
    rate: {
      type: 'string',
      value: 'R',
      description: `events per second (default 20; with --replay a ceiling, default 200; at most ${LIMITS.rate},\nor ${LIMITS.batchedRate} for a replay in batches)`,
    },
    duration: { type: 'string', value: 'S', description: `stop after S seconds (default 30, at most ${LIMITS.durationS})` },
    url: {
      type: 'string',
      value: 'URL',
      description: 'the gateway (default http://127.0.0.1:$PORT/graphql, PORT 4000 when unset, as\nnpm start reads it); loopback addresses only',
    },
    replay: {
      type: 'string',
      value: 'FILE',
      description:
        'replay a dataset file instead: Taobao UserBehavior CSV, session-rec TSV\n(SessionId, ItemId, Time), Diginetica CSV, RetailRocket, OTTO or envelope JSONL;\nevents keep their order and relative timing, stamped with the current time',
    },
    speed: { type: 'string', value: 'X', description: 'replay speed, dataset seconds per second (default 60)' },
    'max-gap': {
      type: 'string',
      value: 'S',
      description:
        'longest pause between two replayed events, in seconds (default 0.5): files sorted\nby user or session have gaps of hours or days between their events',
    },
    batch: {
      type: 'string',
      value: 'N',
      description: `with --replay: events per trackEvents call (default ${LIMITS.batch}, at most ${LIMITS.batch});\n1 sends each event as its own mutation; a batch holds the events due within 100 ms`,
    },
    'max-events': { type: 'string', value: 'N', description: `stop after N events (default rate x duration, at most ${LIMITS.maxEvents})` },
    seed: { type: 'string', value: 'N', description: 'seed of the synthetic shoppers (default 1)' },
    'load-catalog': { type: 'boolean', description: 'upsert the demo catalogue first (needs the admin role where auth is on)' },
    experiment: {
      type: 'boolean',
      description:
        "run a two-arm experiment: sets experiment.recs (arms A and B, half each), then --users\nshoppers get a list, click an item with their arm's probability (A 30 %, B 40 %) and buy\nit (A 12 %, B 25 % of clickers); prints the experiment report (admin token where auth is on)",
    },
    aa: { type: 'boolean', description: 'with --experiment: both arms behave alike (an A/A test)' },
    help: { type: 'boolean', short: 'h', description: 'this text' },
  },
  footer: 'Where auth is on, set RECSYS_TOKEN to an admin token (it may act for every user).',
};

export const USAGE = helpText(SIMULATE_CLI);

function number(flag: string, raw: string | undefined, min: number, max: number, integer: boolean): number {
  if (raw === undefined || raw.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  const value = Number(raw);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    throw new UsageError(`${flag}: expected ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Only a gateway on this machine: the simulator is a load source, never pointed elsewhere. */
export function loopbackUrl(raw: string): URL {
  try {
    return checkedLoopbackUrl(raw);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export { localGatewayUrl };

export function parseSimulateArgs(argv: readonly string[], defaultUrl = localGatewayUrl(4000)): SimulateOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseCli(argv, SIMULATE_CLI));
  } catch (err) {
    const usage = err instanceof CliUsageError && err.kind === 'unknown' ? `${err.message} (see --help)` : (err as Error).message;
    throw new UsageError(usage);
  }
  // The option names as the checks below (and their messages) spell them.
  const raw: Record<string, string | undefined> = Object.fromEntries(Object.keys(values).map((name) => [`--${name}`, stringValue(values, name)]));
  const replay = raw['--replay'] ?? null;
  if (replay !== null && replay.trim() === '') throw new UsageError('--replay needs a file');
  if (raw['--batch'] !== undefined && replay === null) throw new UsageError('--batch applies only with --replay');
  const experiment = values.experiment === true;
  if (experiment && replay !== null) throw new UsageError('--experiment and --replay exclude each other');
  if (values.aa === true && !experiment) throw new UsageError('--aa applies only with --experiment');
  const users = raw['--users'] !== undefined ? number('--users', raw['--users'], 1, LIMITS.users, true) : replay ? null : experiment ? 2_000 : 20;
  const batch = raw['--batch'] !== undefined ? number('--batch', raw['--batch'], 1, LIMITS.batch, true) : LIMITS.batch;
  const maxRate = replay !== null && batch > 1 ? LIMITS.batchedRate : LIMITS.rate;
  const rate = raw['--rate'] !== undefined ? number('--rate', raw['--rate'], 0.1, maxRate, false) : replay ? 200 : 20;
  const durationS = raw['--duration'] !== undefined ? number('--duration', raw['--duration'], 1, LIMITS.durationS, false) : 30;
  const maxEvents =
    raw['--max-events'] !== undefined
      ? number('--max-events', raw['--max-events'], 1, LIMITS.maxEvents, true)
      : Math.min(LIMITS.maxEvents, Math.ceil(rate * durationS));
  return {
    users,
    rate,
    durationMs: durationS * 1000,
    url: loopbackUrl(raw['--url'] ?? defaultUrl),
    replay,
    speed: raw['--speed'] !== undefined ? number('--speed', raw['--speed'], 0.01, LIMITS.speed, false) : 60,
    maxGapMs: (raw['--max-gap'] !== undefined ? number('--max-gap', raw['--max-gap'], 0, 60, false) : 0.5) * 1000,
    maxEvents,
    maxInFlight: 32,
    batch,
    seed: raw['--seed'] !== undefined ? number('--seed', raw['--seed'], 0, 2 ** 32 - 1, true) : 1,
    loadCatalog: values['load-catalog'] === true,
    experiment,
    aa: values.aa === true,
    help: values.help === true,
  };
}
