// npm run bench -- [--quick] [--json] [--report <dir>] [--only a,b,c,d,e,f,g,h] [--profile]
// Measures the gateway on the local real stack against a baseline in the same run, scenario by
// scenario (a ingest, b scoring, c event-to-push latency, d subscribers held, e read, f batched
// ingest, g several gateways, h refresh CPU), prints a summary table and writes a Markdown report with SVG plots. Kafka and
// ZooKeeper are the stack's; Redis is a private redis-server of the run's own, so its INFO counts
// (commands, bytes, CPU, memory per unit of work) are the bench's alone. Loopback only; every loop is
// bounded in count and time. `npm run bench` builds and brings the stack up first when needed
// (scripts/bench/launch.ts), then runs this file compiled (type-graphql needs decorator metadata).
import 'reflect-metadata';
import os from 'node:os';
import path from 'node:path';
import { createContext, type BenchOptions, type ScenarioResult } from './bench/context';
import { benchKafka } from './bench/kafka';
import { textTable, writeReport } from './bench/report';
import { startPrivateRedis } from './bench/privateRedis';
import { batchedScenario } from './bench/scenarios/batched';
import { heldScenario } from './bench/scenarios/held';
import { ingestScenario } from './bench/scenarios/ingest';
import { pushScenario } from './bench/scenarios/push';
import { readScenario } from './bench/scenarios/read';
import { refreshScenario } from './bench/scenarios/refresh';
import { scoringScenario } from './bench/scenarios/scoring';
import { severalGatewaysScenario } from './bench/scenarios/severalGateways';

const SCENARIO_IDS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

const USAGE = `usage: npm run bench -- [--quick] [--json] [--report <dir>] [--only a,b,c,d,e,f,g,h] [--profile]
  --quick     each scenario a few seconds (whole run under two minutes)
  --json      the results as JSON on stdout (the table goes to stderr)
  --report    report folder (default bench-report/)
  --only      scenarios to run (comma-separated; default all): a ingest, b scoring, c push latency,
              d subscribers held, e read, f batched ingest (trackEvents, 500 per call),
              g several gateways (1, 2, 3 scoring processes), h refresh CPU (per subscribed list)
  --profile   CPU-profile the gateway child (node --cpu-prof) and summarise it in the report`;

export function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { quick: false, json: false, reportDir: 'bench-report', only: new Set(SCENARIO_IDS), profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') options.quick = true;
    else if (a === '--json') options.json = true;
    else if (a === '--profile') options.profile = true;
    else if (a === '--report' && argv[i + 1]) options.reportDir = argv[++i]!;
    else if (a === '--only' && argv[i + 1]) {
      options.only = new Set(argv[++i]!.split(',').map((s) => s.trim().toLowerCase()));
      for (const s of options.only) if (!SCENARIO_IDS.includes(s)) throw new Error(`--only: unknown scenario "${s}" (known: ${SCENARIO_IDS.join(', ')})\n${USAGE}`);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument "${a}"\n${USAGE}`);
  }
  return options;
}

const SCENARIOS: [string, string, (ctx: ReturnType<typeof createContext>) => Promise<ScenarioResult>][] = [
  ['a', 'ingest', ingestScenario],
  ['f', 'batched ingest', batchedScenario],
  ['b', 'scoring', scoringScenario],
  ['c', 'event-to-push latency', pushScenario],
  ['e', 'read', readScenario],
  ['d', 'subscribers held', heldScenario],
  ['g', 'several gateways', severalGatewaysScenario],
  ['h', 'refresh CPU', refreshScenario],
];

/** The run's Kafka topics and groups (the private Redis goes with its server). */
async function cleanUp(ctx: ReturnType<typeof createContext>): Promise<void> {
  const prefix = ctx.id('');
  const kafka = benchKafka(ctx.brokers);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {});
  } catch (err) {
    process.stderr.write(`  clean-up: kafka: ${(err as Error).message}\n`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const reportDir = path.resolve(options.reportDir);
  const redis = await startPrivateRedis();
  const ctx = createContext(options, process.env, path.join(reportDir, 'profiles'), redis);
  const started = new Date();
  const t0 = performance.now();
  const results: ScenarioResult[] = [];
  process.stderr.write(`bench: ${options.quick ? 'quick' : 'full'} run, scenarios ${[...options.only].sort().join(', ')}; private redis-server on port ${redis.port}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  try {
    for (const [id, name, run] of SCENARIOS) {
      if (!options.only.has(id)) continue;
      process.stderr.write(`${id}. ${name}\n`);
      try {
        results.push(await run(ctx));
      } catch (err) {
        ctx.done(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
        results.push({ id, title: `${name} (failed)`, rows: [], charts: [], notes: [`failed: ${String(err)}`], profiles: [], raw: {} });
      }
    }
  } finally {
    process.stderr.write(`clean-up: bench topics and groups; the private redis-server (pid ${redis.pid})\n`);
    await cleanUp(ctx);
    await redis.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const rows = results.flatMap((r) => r.rows);
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  const file = await writeReport(reportDir, results, { started, seconds, quick: options.quick, command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(), machine });
  const table = textTable(rows);
  if (options.json) {
    process.stderr.write(`\n${table}\n`);
    process.stdout.write(`${JSON.stringify({ seconds, rows }, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${table}\n\n`);
  }
  process.stderr.write(`report: ${path.relative(process.cwd(), file)} (${seconds.toFixed(0)} s)\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
