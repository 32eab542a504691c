// `npm run replay` options, parsed and checked here (pure), so a typo is refused before anything runs.
import { parseArgs } from 'node:util';

export class ReplayUsageError extends Error {
  override readonly name = 'ReplayUsageError';
}

export interface ReplayArgs {
  from: 'earliest' | number;
  toPrefix: string;
  groupId: string;
  maxRate: number;
  help: boolean;
}

export const REPLAY_USAGE = `Usage: npm run replay -- [--from earliest|<ISO time>] [--to-prefix <redis key prefix>] [options]

Rebuilds the statistics, user states and list marks of a Redis key prefix from the event topics,
with the gateway's own scorer, and stops at the topics' ends as they were when it started.
Progress (events/s, ETA) goes to stderr.

Options
  --from earliest|T    where a new replay starts: the oldest event kept, or the first accepted at
                       or after time T (ISO 8601, e.g. 2026-11-26T09:00:00Z). Default: earliest
  --to-prefix P        the Redis key prefix to rebuild (default: REDIS_KEY_PREFIX, "rs")
  --group G            the replay's consumer group, its checkpoint
                       (default: <KAFKA_GROUP_ID>-replay-<P>)
  --max-rate N         events per second at most (default 0: as fast as Redis takes them)
  -h, --help           this text

Resuming: the same command after a kill continues from the group's committed offsets (--from
then does nothing). A gateway started with KAFKA_GROUP_ID=<G> and REDIS_KEY_PREFIX=<P> goes on
scoring where the replay stopped. Products are not in Kafka: when P differs
from REDIS_KEY_PREFIX they are copied from REDIS_KEY_PREFIX first; after a total Redis loss,
import the catalogue (npm run catalog:import) before replaying.

Exit status: 0 done, 2 bad arguments, 3 Kafka, Redis or ZooKeeper unreachable or a topic missing.`;

export function parseReplayArgs(argv: string[], defaults: { keyPrefix: string; groupId: string }): ReplayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        from: { type: 'string', default: 'earliest' },
        'to-prefix': { type: 'string' },
        group: { type: 'string' },
        'max-rate': { type: 'string', default: '0' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    throw new ReplayUsageError((err as Error).message);
  }
  const toPrefix = values['to-prefix'] ?? defaults.keyPrefix;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(toPrefix)) throw new ReplayUsageError(`--to-prefix must be 1 to 100 letters, digits, ".", "_" or "-", got "${toPrefix}"`);
  let from: ReplayArgs['from'] = 'earliest';
  if (values.from !== 'earliest') {
    const t = Date.parse(values.from);
    if (!/^\d{4}-\d{2}-\d{2}/.test(values.from) || Number.isNaN(t))
      throw new ReplayUsageError(`--from must be "earliest" or an ISO 8601 time like 2026-11-26T09:00:00Z, got "${values.from}"`);
    from = t;
  }
  const maxRate = Number(values['max-rate']);
  if (!Number.isInteger(maxRate) || maxRate < 0 || maxRate > 10_000_000)
    throw new ReplayUsageError(`--max-rate must be a whole number of events per second (0 = no limit), got "${values['max-rate']}"`);
  return { from, toPrefix, groupId: values.group || `${defaults.groupId}-replay-${toPrefix}`, maxRate, help: values.help };
}
