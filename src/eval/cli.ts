// `npm run eval -- --dataset <path> [options]`: parse a dataset, run the chosen methods under one
// protocol, print a table (or JSON) and optionally an SVG chart. All output goes through `io`, so
// the whole run is testable and nothing here touches process state.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { localGatewayUrl, loopbackUrl } from '../util/loopbackUrl';
import { helpText, parseCli, stringValue, type CliDefinition } from '../util/cli';
import { MetricAccumulator } from './metrics';
import { createMethod, defaultMethodKeys, findMethod, METHODS } from './methods';
import { parseMethodList, parseMethodSpec, type MethodSpec } from './methods/options';
import { comparePaired, renderPaired, type PairedComparison } from './paired';
import { SESSION_GAP_MS, assignSessions, detectFormat, firstLineOf, isFormat, parseFile, FORMATS, type DatasetFormat, type ParseReport } from './parsers';
import type { MethodResult } from './protocols/common';
import { evaluateSessionRec, sessionRecWork, splitSessionRec } from './protocols/sessionrec';
import { evaluateStream, planStream, streamWork } from './protocols/stream';
import { Progress } from './report/progress';
import { formatDuration, type ProgressSink } from '../util/progress';
import { renderHitRateSvg } from './report/svg';
import { httpGateway } from './served/client';
import { renderServed, runServed, servedWork, type ServedReport } from './served/run';
import { renderTable } from './report/table';
import type { EvalEvent, MethodDefinition } from './types';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: ProgressSink;
}

/** The one definition of the command line: parsed by util.parseArgs, and --help is written from it. */
export const EVAL_CLI: CliDefinition = {
  usage: 'Usage: npm run eval -- --dataset <path> [options]',
  column: 25,
  options: {
    dataset: { type: 'string', value: '<path>', description: 'data file (read at run time; never copied)' },
    format: { type: 'string', value: '<f>', description: `${FORMATS.join(' | ')} (default: detected from the file)` },
    protocol: { type: 'string', value: '<p>', description: 'session-rec | stream (default: session-rec for session-rec files, else stream)' },
    k: { type: 'string', value: '<n>', description: 'list length K (default 20)' },
    methods: {
      type: 'string',
      value: '<list>',
      description: 'comma-separated, each key[:option=value...] (default: all)\ne.g. sknn,vsknn:k=500:sample_size=5000:weighting_score=div:idf_weighting=5',
    },
    paired: {
      type: 'string',
      value: '<A> <B>',
      description:
        "run two methods (instead of --methods) and print each one's HR@K / MRR@K, A − B and\nits 95% paired bootstrap interval, e.g. --paired ours vstan",
    },
    json: { type: 'boolean', description: 'print machine-readable results on stdout' },
    plot: { type: 'string', value: '<file.svg>', description: 'write an SVG chart of HR@1..K per method' },
    'limit-events': { type: 'string', value: '<n>', description: 'read at most n events' },
    'test-days': { type: 'string', value: '<d>', description: 'session-rec protocol: test = sessions ending in the last d days (default 1)' },
    'test-fraction': { type: 'string', value: '<f>', description: 'stream protocol: predict the last f of the time span (default 0.2)' },
    'session-gap-minutes': {
      type: 'string',
      value: '<m>',
      description: 'sessions end after m minutes of inactivity where the data has no session id (default 30)',
    },
    served: {
      type: 'boolean',
      description:
        "replay the dataset in time order through a running gateway (trackEvents batches), read each\nshopper's list just before their event, and compare HR@K / MRR@K with the offline stream\nreplay of the same events (paired); the offline method is --methods (default ours:keepViewed=false)",
    },
    url: { type: 'string', value: '<url>', description: 'with --served: the gateway (default http://127.0.0.1:$PORT/graphql; loopback only)' },
    limit: { type: 'string', value: '<n>', description: 'with --served: read at most n events (as --limit-events)' },
    speed: {
      type: 'string',
      value: '<x>',
      description:
        'with --served: pace batches at x data seconds per second instead of waiting until\neach batch is scored (lists may then lag behind their shopper)',
    },
    batch: { type: 'string', value: '<n>', description: 'with --served: events per trackEvents call, 1..500 (default 500)' },
    quiet: { type: 'boolean', description: 'no progress bar' },
    help: { type: 'boolean', description: '' },
  },
  footer: `Methods: ${METHODS.map((m) => m.key).join(', ')}`,
};

export const USAGE = helpText(EVAL_CLI);

export class UsageError extends Error {}

export interface CliOptions {
  dataset: string;
  format: DatasetFormat | null;
  protocol: 'session-rec' | 'stream' | null;
  k: number;
  methods: MethodSpec[];
  /** methods[0] and methods[1] are compared paired (`--paired A B`). */
  paired: boolean;
  json: boolean;
  plot: string | null;
  limitEvents: number | null;
  testDays: number;
  testFraction: number;
  sessionGapMs: number;
  quiet: boolean;
  /** `--served`: the gateway to replay through, and how. */
  served: { url: URL; speed: number | null; batchSize: number } | null;
}

function positive(name: string, raw: string | undefined, fallback: number, integer = false): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return n;
}

/**
 * `--paired A B` takes two values; util.parseArgs reads A as the option's value and B as the one
 * positional, which must be the very next argument (anything else positional is a mistake).
 */
function pairedMethods(argv: readonly string[], first: string | undefined, positionals: readonly string[]): string[] | null {
  let at = -1;
  argv.forEach((a, i) => {
    if (a === '--paired' || a.startsWith('--paired=')) at = i;
  });
  const second = at < 0 ? undefined : argv[at + (argv[at] === '--paired' ? 2 : 1)];
  if (first === undefined) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    return null;
  }
  if (second === undefined || second.startsWith('-') || positionals.length !== 1 || positionals[0] !== second) {
    const stray = positionals.find((p) => p !== second);
    throw new UsageError(stray === undefined ? `--paired needs two methods, e.g. --paired ours vstan (got only "${first}")` : `unexpected argument "${stray}"`);
  }
  return [first, second];
}

export function parseCliArgs(argv: string[], registry: readonly MethodDefinition[] = METHODS, defaultUrl = localGatewayUrl(4000)): CliOptions | 'help' {
  let parsed: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values: parsed, positionals } = parseCli(argv, EVAL_CLI, true));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const text = (name: string) => stringValue(parsed, name);
  const values = {
    help: parsed.help === true,
    dataset: text('dataset'),
    format: text('format'),
    protocol: text('protocol'),
    k: text('k'),
    methods: text('methods'),
    paired: text('paired'),
    json: parsed.json === true,
    plot: text('plot'),
    'limit-events': text('limit-events'),
    'test-days': text('test-days'),
    'test-fraction': text('test-fraction'),
    'session-gap-minutes': text('session-gap-minutes'),
    quiet: parsed.quiet === true,
    served: parsed.served === true,
    url: text('url'),
    limit: text('limit'),
    speed: text('speed'),
    batch: text('batch'),
  };
  if (values.help) return 'help';
  if (!values.dataset) throw new UsageError('--dataset <path> is required');
  if (values.format !== undefined && !isFormat(values.format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${values.format}"`);
  }
  const protocol = values.protocol ?? null;
  if (protocol !== null && protocol !== 'session-rec' && protocol !== 'stream') {
    throw new UsageError(`--protocol must be session-rec or stream, got "${protocol}"`);
  }
  const paired = pairedMethods(argv, values.paired, positionals);
  if (!values.served) {
    const stray = (['url', 'limit', 'speed', 'batch'] as const).find((o) => values[o] !== undefined);
    if (stray) throw new UsageError(`--${stray} belongs to --served`);
  } else {
    if (paired) throw new UsageError('--served compares the served lists with one offline method; leave out --paired');
    if (protocol === 'session-rec') throw new UsageError('--served replays in time order: the stream protocol (leave out --protocol session-rec)');
    if (values.limit !== undefined && values['limit-events'] !== undefined) throw new UsageError('--limit and --limit-events say the same; give one');
  }
  const methodsText = values.methods ?? (values.served ? SERVED_OFFLINE_METHOD : undefined);
  if (paired && values.methods !== undefined) throw new UsageError('--paired names the two methods to run; leave out --methods');
  const methods = paired ? paired.map(parseMethodSpec) : parseMethodList(methodsText ?? defaultMethodKeys(registry).join(','));
  if (methods.length === 0) throw new UsageError('--methods lists no method');
  if (values.served && methods.length !== 1) throw new UsageError('--served compares with one offline method; --methods names more');
  for (const m of methods) {
    try {
      findMethod(m.key, registry).create(m.options); // validates options early
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  const limitText = values.limit ?? values['limit-events'];
  const testFraction = positive('test-fraction', values['test-fraction'], 0.2);
  if (testFraction >= 1) throw new UsageError('--test-fraction must be below 1');
  return {
    dataset: values.dataset,
    format: values.format ?? null,
    protocol,
    k: positive('k', values.k, 20, true),
    methods,
    paired: paired !== null,
    json: values.json ?? false,
    plot: values.plot ?? null,
    limitEvents: limitText === undefined ? null : positive(values.limit !== undefined ? 'limit' : 'limit-events', limitText, 0, true),
    testDays: positive('test-days', values['test-days'], 1),
    testFraction,
    sessionGapMs: positive('session-gap-minutes', values['session-gap-minutes'], SESSION_GAP_MS / 60_000) * 60_000,
    quiet: values.quiet ?? false,
    served: values.served ? servedOptions(values.url ?? defaultUrl, values.speed, values.batch) : null,
  };
}

/** The offline side of `--served` unless --methods says otherwise: the strategy as the live list runs it (the item on screen left out). */
export const SERVED_OFFLINE_METHOD = 'ours:keepViewed=false';

function servedOptions(url: string, speed: string | undefined, batch: string | undefined): NonNullable<CliOptions['served']> {
  let parsedUrl: URL;
  try {
    parsedUrl = loopbackUrl(url);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const batchSize = positive('batch', batch, 500, true);
  if (batchSize > 500) throw new UsageError(`--batch must be at most 500 (a trackEvents call's limit), got "${batch}"`);
  return { url: parsedUrl, speed: speed === undefined ? null : positive('speed', speed, 1), batchSize };
}

export interface EvalReport {
  dataset: string;
  format: DatasetFormat;
  protocol: 'session-rec' | 'stream';
  k: number;
  parse: ReturnType<import('./parsers').ParseReport['toJSON']>;
  sessionsAssigned: number;
  split: Record<string, number>;
  confidence: string;
  results: MethodResult[];
  /** With `--paired A B`: A against B over the same predictions. */
  paired?: PairedComparison;
  /** With `--served`: the served lists against the offline method over the same events. */
  served?: ServedReport;
  elapsedMs: number;
}

export async function runEval(opts: CliOptions, io: CliIo, registry: readonly MethodDefinition[] = METHODS): Promise<EvalReport> {
  const started = Date.now();
  const log = (text: string) => io.stderr.write(`${text}\n`);
  let format = opts.format;
  if (format === null) {
    format = detectFormat(opts.dataset, await firstLineOf(opts.dataset));
    if (format === null) throw new UsageError(`cannot tell the format of ${opts.dataset}; pass --format (${FORMATS.join(', ')})`);
  }
  const protocol = opts.protocol ?? (format === 'session-rec' ? 'session-rec' : 'stream');
  if (!opts.quiet) log(`reading ${opts.dataset} as ${format}…`);
  const { events, report } = await parseFile(opts.dataset, format, opts.limitEvents === null ? {} : { limitEvents: opts.limitEvents });
  const sessionsAssigned = assignSessions(events, opts.sessionGapMs);
  if (events.length === 0) throw new UsageError(`no events could be read from ${opts.dataset} (bad rows: ${report.badRows})`);
  if (!opts.quiet) {
    log(
      `read ${report.eventsEmitted} events from ${report.linesRead} lines; ${report.badRows} bad rows${sessionsAssigned ? `; ${sessionsAssigned} sessions cut at ${opts.sessionGapMs / 60_000} min gaps` : ''}`,
    );
  }
  if (opts.served) return runServedEval(opts, events, io, registry, { format, report, sessionsAssigned, started });
  const results: MethodResult[] = [];
  // Every method's predictions, kept so `--paired` can score both on the same resampled sessions.
  const predictions = opts.methods.map(() => new MetricAccumulator(opts.k));
  let split: Record<string, number>;
  const sink = opts.quiet ? null : io.stderr;
  if (protocol === 'session-rec') {
    const s = splitSessionRec(events, { testDays: opts.testDays });
    split = s.stats;
    if (s.stats.predictions === 0) throw new UsageError('the session-rec split leaves no test predictions (try --test-days or more data)');
    const progress = new Progress(sessionRecWork(s) * opts.methods.length, sink);
    opts.methods.forEach((spec, i) => {
      progress.setLabel(spec.text);
      results.push(evaluateSessionRec(createMethod(spec, registry), spec.text, s, opts.k, progress, predictions[i]));
    });
    progress.finish();
  } else {
    const plan = planStream(events, { testFraction: opts.testFraction });
    split = plan.stats;
    if (plan.stats.predictions === 0) throw new UsageError('the stream has no predictions in its test period (try --test-fraction)');
    const progress = new Progress(streamWork(plan) * opts.methods.length, sink);
    opts.methods.forEach((spec, i) => {
      progress.setLabel(spec.text);
      results.push(evaluateStream(createMethod(spec, registry), spec.text, plan, opts.k, progress, predictions[i]));
    });
    progress.finish();
  }
  const out: EvalReport = {
    dataset: opts.dataset,
    format,
    protocol,
    k: opts.k,
    parse: report.toJSON(),
    sessionsAssigned,
    split,
    confidence: '95% percentile bootstrap over test sessions (1000 resamples, seed 42)',
    results,
    ...(opts.paired
      ? {
          paired: comparePaired(
            { method: opts.methods[0]!.text, predictions: predictions[0]! },
            { method: opts.methods[1]!.text, predictions: predictions[1]! },
          ),
        }
      : {}),
    elapsedMs: Date.now() - started,
  };
  if (opts.plot) {
    writeFileSync(opts.plot, renderHitRateSvg(results, opts.k, `HR@1..${opts.k} — ${basename(opts.dataset)} (${protocol})`));
    if (!opts.quiet) log(`wrote ${opts.plot}`);
  }
  io.stdout(opts.json ? `${JSON.stringify(out, null, 2)}\n` : `${renderHuman(out)}\n`);
  return out;
}

async function runServedEval(
  opts: CliOptions,
  events: EvalEvent[],
  io: CliIo,
  registry: readonly MethodDefinition[],
  read: { format: DatasetFormat; report: ParseReport; sessionsAssigned: number; started: number },
): Promise<EvalReport> {
  const served = opts.served!;
  const spec = opts.methods[0]!;
  const plan = planStream(events, { testFraction: opts.testFraction });
  if (plan.stats.predictions === 0) throw new UsageError('the stream has no predictions in its test period (try --test-fraction)');
  const progress = new Progress(servedWork(plan), opts.quiet ? null : io.stderr);
  progress.setLabel(`served ${served.url.href}, then ${spec.text}`);
  const result = await runServed(
    events,
    httpGateway(served.url),
    { spec: spec.text, method: createMethod(spec, registry) },
    { k: opts.k, testFraction: opts.testFraction, batchSize: served.batchSize, speed: served.speed, concurrency: 8 },
    progress,
  );
  progress.finish();
  const out: EvalReport = {
    dataset: opts.dataset,
    format: read.format,
    protocol: 'stream',
    k: opts.k,
    parse: read.report.toJSON(),
    sessionsAssigned: read.sessionsAssigned,
    split: plan.stats,
    confidence: '95% percentile bootstrap over test sessions (1000 resamples, seed 42)',
    results: [],
    paired: result.paired,
    served: result,
    elapsedMs: Date.now() - read.started,
  };
  io.stdout(opts.json ? `${JSON.stringify(out, null, 2)}\n` : `${renderServed(result)}\n`);
  return out;
}

export function renderHuman(r: EvalReport): string {
  const lines: string[] = [];
  lines.push(`dataset   ${r.dataset} (${r.format}), protocol ${r.protocol}, K=${r.k}`);
  const p = r.parse;
  lines.push(
    `parsed    ${p.eventsEmitted} events from ${p.linesRead} lines${p.stoppedAtLimit ? ' (stopped at --limit-events)' : ''}; raw types ${JSON.stringify(p.rawTypes)}`,
  );
  if (p.badRows > 0) {
    lines.push(
      `bad rows  ${p.badRows}: ${Object.entries(p.badByReason)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const [reason, examples] of Object.entries(p.badExamples)) {
      for (const ex of examples) lines.push(`          line ${ex.line} (${reason}): ${ex.text}`);
    }
  }
  for (const note of p.notes) lines.push(`note      ${note}`);
  if (r.sessionsAssigned) lines.push(`sessions  ${r.sessionsAssigned} cut by inactivity`);
  const s = r.split;
  if (r.protocol === 'session-rec') {
    lines.push(`train     ${s.trainEvents} events / ${s.trainSessions} sessions / ${s.trainItems} items`);
    lines.push(`test      ${s.testEvents} events / ${s.testSessions} sessions / ${s.testItems} items -> ${s.predictions} predictions`);
  } else {
    lines.push(
      `stream    ${s.events} events / ${s.sessions} sessions / ${s.items} items; warm-up ${s.warmupEvents} events, test ${s.testEvents} events -> ${s.predictions} predictions`,
    );
    lines.push(`test from ${new Date(s.testStart!).toISOString()} to ${new Date(s.end!).toISOString()}`);
  }
  lines.push('');
  lines.push(renderTable(r.results, r.k));
  if (r.paired) lines.push('', renderPaired(r.paired));
  lines.push('');
  lines.push(`CI: ${r.confidence}. events/s = (events learnt + predictions) / time in the method. Total ${formatDuration(r.elapsedMs / 1000)}.`);
  return lines.join('\n');
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[], io: CliIo, defaultUrl?: string): Promise<number> {
  try {
    const opts = parseCliArgs(argv, METHODS, defaultUrl);
    if (opts === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    await runEval(opts, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`eval: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr.write(`eval: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
