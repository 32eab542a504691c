// `npm run bench`'s command line, one definition: scripts/bench/launch.ts takes --roles from it,
// scripts/bench.ts the rest, and --help is written from it.
import { helpText, parseCli, stringValue, CliUsageError, type CliDefinition } from '../../src/util/cli';

export const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

export const BENCH_CLI: CliDefinition = {
  usage: 'usage: npm run bench -- [--quick] [--json] [--report <dir>] [--only a,b,c,d,e,f,g] [--profile] [--roles one|split|each]',
  options: {
    quick: { type: 'boolean', description: 'each scenario a few seconds (whole run under two minutes)' },
    json: { type: 'boolean', description: 'the results as JSON on stdout (the table goes to stderr)' },
    report: { type: 'string', description: 'report folder (default bench-report/)' },
    only: {
      type: 'string',
      description:
        'scenarios to run (comma-separated; default all): a ingest, b scoring, c push latency,\nd subscribers held, e read, f batched ingest (trackEvents, 500 per call),\ng several gateways (1, 2, 3 scoring processes), h refresh CPU (per subscribed list)',
    },
    profile: { type: 'boolean', description: 'CPU-profile the gateway child (node --cpu-prof) and summarise it in the report' },
    roles: {
      type: 'string',
      description: 'one (default): the gateway in one process; split: api,push and scorer in two;\neach: api, push and scorer in three',
    },
    help: { type: 'boolean', short: 'h', description: 'this text' },
  },
};

export const BENCH_USAGE = helpText(BENCH_CLI);

/** How a bench gateway is laid out in processes (RECSYS_ROLES of each). */
export type BenchRoles = 'one' | 'split' | 'each';
const ROLE_SHAPES: readonly BenchRoles[] = ['one', 'split', 'each'];

export interface BenchArgs {
  quick: boolean;
  json: boolean;
  reportDir: string;
  only: Set<string>;
  profile: boolean;
  roles: BenchRoles;
  help: boolean;
}

/** Throws with the usage text appended; the messages name the offending argument. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseCli(argv, BENCH_CLI));
  } catch (err) {
    const message = err instanceof CliUsageError && err.kind === 'unknown' ? `unknown argument "${err.option}"` : (err as Error).message;
    throw new Error(`${message}\n${BENCH_USAGE}`, { cause: err });
  }
  const onlyText = stringValue(values, 'only');
  const only = onlyText === undefined ? new Set(SCENARIO_IDS) : new Set(onlyText.split(',').map((s) => s.trim().toLowerCase()));
  for (const s of only) if (!SCENARIO_IDS.includes(s)) throw new Error(`--only: unknown scenario "${s}" (known: ${SCENARIO_IDS.join(', ')})\n${BENCH_USAGE}`);
  const roles = stringValue(values, 'roles') ?? 'one';
  if (!ROLE_SHAPES.includes(roles as BenchRoles)) throw new Error(`--roles expects one, split or each, got "${roles}"\n${BENCH_USAGE}`);
  return {
    quick: values.quick === true,
    json: values.json === true,
    reportDir: stringValue(values, 'report') ?? 'bench-report',
    only,
    profile: values.profile === true,
    roles: roles as BenchRoles,
    help: values.help === true,
  };
}
