// `npm run catalog:import -- <file.csv|file.jsonl> [--dry-run]`: streams a catalogue file into the
// store a distributed gateway reads (Redis), validating every row. See --help.
import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadStackConfig, type Env } from '../src/config';
import { RecsysError } from '../src/errors';
import { CatalogFormatError, COLUMNS, formatOf, importCatalog, IMPORT_DEFAULTS, type CatalogFormat, type ImportResult } from '../src/catalog';
import { createProgressBar, describe } from '../src/catalog/progress';
import { RedisStore } from '../src/store/redisStore';
import { createRedisClient, describeRedis, type RedisClient } from '../src/store/redisClient';

export const EXIT = { ok: 0, refusedRows: 1, usage: 2, unavailable: 3 } as const;

const HELP = `Usage: npm run catalog:import -- <file.csv|file.jsonl|-> [options]

Streams a product catalogue into the store the gateway reads, validating every row as the
upsertProducts mutation does. Valid rows are written in batches; refused rows are listed with
their line number and reason; the rest of the file is still imported.

Files
  .csv              header (any order, case-insensitive): ${COLUMNS.join(',')}
                    fields may be quoted ("a, b", "say ""hi""", line breaks inside quotes);
                    empty = not given; price a number; inStock true/false/yes/no/1/0 (empty = true)
  .jsonl / .ndjson  one JSON object per line: {"id":"p-1","name":"Mug","price":9.5,"inStock":true}
  -                 read standard input (needs --format)

Options
  --dry-run         validate only: reads the file, connects to nothing, writes nothing
  --format F        csv or jsonl (default: from the file name)
  --batch-size N    products per Redis round trip, 1 to ${IMPORT_DEFAULTS.maxBatchSize} (default ${IMPORT_DEFAULTS.batchSize})
  -h, --help        this text

Where it writes
  Redis, the store of a distributed gateway: REDIS_URL (default redis://127.0.0.1:6379, the local
  stack of \`npm run stack:up\`) under REDIS_KEY_PREFIX (default "rs"), the same settings the
  gateway reads, so a running gateway serves the new products at once. Only Redis is needed;
  Kafka and ZooKeeper are not touched. An embedded gateway (\`npm start\` with no servers set) keeps
  its catalogue in its own memory: send it the upsertProducts mutation instead.

Idempotent
  Each id may appear once per file (a repeat is refused, naming the first line). A product already
  stored exactly as in the file is not written again: re-running a file writes nothing and reports
  every row as unchanged. A changed row replaces the stored product (upsert).

Exit status
  0 every row written or unchanged   1 some rows refused (the valid ones were still written)
  2 bad arguments or an unreadable file   3 Redis unreachable or a write failed
`;

interface Args {
  file: string;
  format: CatalogFormat;
  dryRun: boolean;
  batchSize: number;
}

class UsageError extends Error {}

function parse(argv: string[]): Args | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      format: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the file to import' : `one file at a time, got ${positionals.join(' ')}`);
  const file = positionals[0]!;
  const format = values.format ?? formatOf(file);
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError(
      values.format ? `--format must be csv or jsonl, got "${values.format}"` : `cannot tell the format of "${file}": name it .csv or .jsonl, or pass --format`,
    );
  }
  const batchSize = values['batch-size'] === undefined ? IMPORT_DEFAULTS.batchSize : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > IMPORT_DEFAULTS.maxBatchSize) {
    throw new UsageError(`--batch-size must be a whole number from 1 to ${IMPORT_DEFAULTS.maxBatchSize}, got "${values['batch-size']}"`);
  }
  return { file, format, dryRun: values['dry-run'], batchSize };
}

function summary(args: Args, target: string, r: ImportResult, shownRefusals = 100): string {
  const out = [
    `catalog import ${args.dryRun ? '(dry run) ' : ''}${args.file} (${args.format}) -> ${target}`,
    `  rows read:  ${r.rows}`,
    args.dryRun ? `  valid:      ${r.valid} (nothing written: --dry-run)` : `  written:    ${r.written} (new or changed)`,
  ];
  if (!args.dryRun) out.push(`  unchanged:  ${r.unchanged} (already stored as in the file)`);
  out.push(`  refused:    ${r.refused}`);
  for (const { line, reason } of r.refusals.slice(0, shownRefusals)) out.push(`    line ${line}: ${reason}`);
  if (r.refused > shownRefusals) out.push(`    ... and ${r.refused - shownRefusals} more`);
  return out.join('\n') + '\n';
}

export async function main(argv: string[], env: Env, io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }): Promise<number> {
  let args: Args;
  try {
    const parsed = parse(argv);
    if (parsed === 'help') {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    args = parsed;
  } catch (err) {
    io.stderr.write(`catalog:import: ${(err as Error).message}\n\n${HELP}`);
    return EXIT.usage;
  }

  let totalBytes: number | null = null;
  if (args.file !== '-') {
    try {
      const stat = statSync(args.file);
      if (!stat.isFile()) throw new Error('not a regular file');
      totalBytes = stat.size;
    } catch (err) {
      io.stderr.write(`catalog:import: cannot read ${args.file}: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
  }

  let redis: RedisClient | null = null;
  let store: RedisStore | null = null;
  let target = 'nowhere (dry run)';
  if (!args.dryRun) {
    let config;
    try {
      config = loadStackConfig(env);
    } catch (err) {
      io.stderr.write(`catalog:import: configuration error: ${(err as Error).message}\n`);
      return EXIT.usage;
    }
    const { keyPrefix } = config.redis!;
    const url = describeRedis(config.redis!);
    target = `${url} prefix "${keyPrefix}"`;
    redis = createRedisClient(config.redis!, {
      lazyConnect: true,
      connectTimeout: 3_000,
      maxRetriesPerRequest: 2,
      retryStrategy: (n) => (n > 3 ? null : n * 200),
    });
    let lastError: Error | null = null;
    redis.on('error', (err: Error) => (lastError = err)); // reported below or through the failing command
    try {
      await redis.connect();
    } catch (err) {
      const reason = (lastError as Error | null)?.message ?? (err as Error).message;
      io.stderr.write(`catalog:import: Redis at ${url} is unreachable (${reason}). Start the local stack with \`npm run stack:up\` or set REDIS_URL.\n`);
      redis.disconnect();
      return EXIT.unavailable;
    }
    store = new RedisStore(redis, keyPrefix);
  }

  const bar = createProgressBar(io.stderr, totalBytes);
  const source = args.file === '-' ? io.stdin : createReadStream(args.file, { highWaterMark: 256 * 1024 });
  let last: ImportResult | null = null;
  try {
    const result = await importCatalog({
      source,
      format: args.format,
      store,
      dryRun: args.dryRun,
      batchSize: args.batchSize,
      onProgress: (p) => {
        last = p as ImportResult;
        bar.update(p);
      },
    });
    bar.done(result);
    io.stdout.write(summary(args, target, result));
    return result.refused > 0 ? EXIT.refusedRows : EXIT.ok;
  } catch (err) {
    const done = last as ImportResult | null;
    if (done) bar.done(done);
    if (err instanceof CatalogFormatError) {
      io.stderr.write(`catalog:import: ${args.file}: ${err.message}. Stopped there${done ? ` after ${describe(done)}` : ''}.\n`);
      return EXIT.usage;
    }
    const message = err instanceof RecsysError || err instanceof Error ? err.message : String(err);
    io.stderr.write(`catalog:import: writing to ${target} failed: ${message}${done ? ` (so far: ${describe(done)})` : ''}\n`);
    return EXIT.unavailable;
  } finally {
    if (source !== io.stdin) (source as ReturnType<typeof createReadStream>).destroy();
    if (redis) await redis.quit().catch(() => redis?.disconnect());
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => (process.exitCode = code),
    (err) => {
      process.stderr.write(`catalog:import failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = EXIT.unavailable;
    },
  );
}
