// npm run bench -- [--quick] [--json] [--report <dir>] [--only a,b,c,d,e,f,g,h] [--profile] [--roles one|split]
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
import { BENCH_USAGE, parseBenchArgs } from './bench/cli';
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

/** The bench's options (--roles is launch.ts's: it reaches the gateway children through the environment). */
export function parseArgs(argv: readonly string[]): BenchOptions {
  const { quick, json, reportDir, only, profile, help } = parseBenchArgs(argv);
  if (help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    process.exit(0);
  }
  return { quick, json, reportDir, only, profile };
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
  process.stderr.write(
    `bench: ${options.quick ? 'quick' : 'full'} run, scenarios ${[...options.only].sort().join(', ')}; private redis-server on port ${redis.port}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n`,
  );
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
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
  const file = await writeReport(reportDir, results, {
    started,
    seconds,
    quick: options.quick,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine,
  });
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
