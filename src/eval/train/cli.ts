// `npm run train -- --dataset <file> --out model.json`: fits the learned blend (blend.ts) on the
// dataset's training part only and writes the model file that `eval --methods ours:model=<file>`
// and the flag `ranker.model` take.
//
// Training part: for session-rec files the session-rec split's train (the test day is never
// read); otherwise the events before the stream protocol's test period. Examples come from a
// replay of that part shaped as the evaluation's protocol: session-rec files split it again
// (its last `--test-days` predicted, not learnt), others replay it in time order with its later
// `--example-fraction` predicted.
import { writeFileSync } from 'node:fs';
import { FEATURES, HAND_MODEL, weightVector, type RankerModel } from '../../recommend';
import { helpText, parseCli, stringValue, type CliDefinition } from '../../util/cli';
import { UsageError, type CliIo } from '../cli';
import { assignSessions, detectFormat, firstLineOf, isFormat, parseFile, FORMATS, SESSION_GAP_MS, type DatasetFormat } from '../parsers';
import { sessionRecWork, splitSessionRec } from '../protocols/sessionrec';
import { evaluateStream, planStream, streamWork } from '../protocols/stream';
import { Progress } from '../report/progress';
import type { EvalEvent } from '../types';
import { ExampleRecorder, sessionRecExamples } from './examples';
import { meanLoss, trainSoftmax, type Example } from './softmax';

export const TRAIN_CLI: CliDefinition = {
  usage: 'Usage: npm run train -- --dataset <path> --out <model.json> [options]',
  column: 26,
  options: {
    dataset: { type: 'string', value: '<path>', description: 'data file (read at run time; never copied)' },
    out: { type: 'string', value: '<file>', description: 'where to write the model (JSON: name, weights)' },
    format: { type: 'string', value: '<f>', description: `${FORMATS.join(' | ')} (default: detected from the file)` },
    name: { type: 'string', value: '<name>', description: "the model's name (default: blend-<seed>)" },
    epochs: { type: 'string', value: '<n>', description: 'passes over the examples (default 30)' },
    'learning-rate': { type: 'string', value: '<x>', description: 'Adam step size (default 0.05)' },
    l2: { type: 'string', value: '<x>', description: 'pull of the weights towards the hand blend (default 0.001)' },
    seed: { type: 'string', value: '<n>', description: 'shuffling seed (default 42)' },
    'example-fraction': { type: 'string', value: '<f>', description: 'other files: the later part of the training period that is predicted (default 0.5)' },
    'example-days': { type: 'string', value: '<d>', description: "session-rec files: the training part's last d days are predicted (default 1)" },
    'limit-events': { type: 'string', value: '<n>', description: 'read at most n events' },
    'test-days': { type: 'string', value: '<d>', description: 'session-rec files: days held out as the test split (default 1, as eval)' },
    'test-fraction': { type: 'string', value: '<f>', description: 'other files: the stream test period held out (default 0.2, as eval)' },
    loss: {
      type: 'string',
      value: '<l>',
      description: 'top20 (default: pairwise logistic of the clicked item against the 20th best other,\nplus --mrr-share x softmax) | softmax (listwise)',
    },
    'mrr-share': { type: 'string', value: '<x>', description: 'weight of the softmax part in the top20 loss (default 0.1)' },
    quiet: { type: 'boolean', description: 'no progress bar' },
    help: { type: 'boolean', description: '' },
  },
};

export interface TrainCliOptions {
  dataset: string;
  out: string;
  format: DatasetFormat | null;
  name: string;
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
  exampleFraction: number;
  exampleDays: number;
  limitEvents: number | null;
  testDays: number;
  testFraction: number;
  loss: 'top20' | 'softmax';
  mrrShare: number;
  quiet: boolean;
}

function num(name: string, raw: string | undefined, fallback: number, { integer = false, zero = false, below1 = false } = {}): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!zero && n === 0) || (integer && !Number.isInteger(n)) || (below1 && n >= 1)) {
    throw new UsageError(
      `--${name} must be a ${zero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}${below1 ? ' below 1' : ''}, got "${raw}"`,
    );
  }
  return n;
}

export function parseTrainArgs(argv: string[]): TrainCliOptions | 'help' {
  let parsed: Record<string, string | boolean | undefined>;
  try {
    ({ values: parsed } = parseCli(argv, TRAIN_CLI));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.help === true) return 'help';
  const text = (name: string) => stringValue(parsed, name);
  const dataset = text('dataset');
  const out = text('out');
  if (!dataset) throw new UsageError('--dataset <path> is required');
  if (!out) throw new UsageError('--out <file> is required');
  const format = text('format');
  if (format !== undefined && !isFormat(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const seed = num('seed', text('seed'), 42, { integer: true, zero: true });
  const name = text('name') ?? `blend-${seed}`;
  if (!/^[\w.-]{1,60}$/.test(name)) throw new UsageError(`--name: 1 to 60 letters, digits, '.', '_' or '-', got "${name}"`);
  const limit = text('limit-events');
  const loss = text('loss') ?? 'top20';
  if (loss !== 'top20' && loss !== 'softmax') throw new UsageError(`--loss must be top20 or softmax, got "${loss}"`);
  return {
    dataset,
    out,
    format: format ?? null,
    name,
    epochs: num('epochs', text('epochs'), 30, { integer: true }),
    learningRate: num('learning-rate', text('learning-rate'), 0.05),
    l2: num('l2', text('l2'), 0.001, { zero: true }),
    seed,
    exampleFraction: num('example-fraction', text('example-fraction'), 0.5, { below1: true }),
    exampleDays: num('example-days', text('example-days'), 1),
    limitEvents: limit === undefined ? null : num('limit-events', limit, 0, { integer: true }),
    testDays: num('test-days', text('test-days'), 1),
    testFraction: num('test-fraction', text('test-fraction'), 0.2, { below1: true }),
    loss,
    mrrShare: num('mrr-share', text('mrr-share'), 0.1, { zero: true }),
    quiet: parsed.quiet === true,
  };
}

/** The events a model may learn from: never the evaluation's test part. */
export function trainingPart(events: readonly EvalEvent[], format: DatasetFormat, o: Pick<TrainCliOptions, 'testDays' | 'testFraction'>): EvalEvent[] {
  if (format === 'session-rec') return splitSessionRec(events, { testDays: o.testDays }).train;
  const plan = planStream(events, { testFraction: o.testFraction });
  return plan.events.filter((e) => e.ts < plan.testStart);
}

export interface TrainReport {
  model: RankerModel;
  trainingEvents: number;
  predictions: number;
  examples: number;
  handLoss: number;
  modelLoss: number;
  /** Share of examples whose clicked item the hand blend / the model puts in the top 20. */
  handTop20: number;
  modelTop20: number;
}

/** Share of examples whose positive ranks in the top `k` under weights `w`. */
export function topKShare(examples: readonly Example[], w: Float64Array, features: number, k = 20): number {
  let hits = 0;
  for (const e of examples) {
    const score = (j: number) => {
      let s = 0;
      for (let f = 0; f < features; f++) s += w[f]! * e.rows[j * features + f]!;
      return s;
    };
    const p = score(e.positive);
    let above = 0;
    for (let j = 0; j < e.candidates && above < k; j++) if (j !== e.positive && score(j) > p) above++;
    if (above < k) hits++;
  }
  return examples.length ? hits / examples.length : 0;
}

export async function runTrain(o: TrainCliOptions, io: CliIo): Promise<TrainReport> {
  const log = (t: string) => io.stderr.write(`${t}\n`);
  const format = o.format ?? detectFormat(o.dataset, await firstLineOf(o.dataset));
  if (format === null) throw new UsageError(`cannot tell the format of ${o.dataset}; pass --format (${FORMATS.join(', ')})`);
  const { events } = await parseFile(o.dataset, format, o.limitEvents === null ? {} : { limitEvents: o.limitEvents });
  assignSessions(events, SESSION_GAP_MS);
  const train = trainingPart(events, format, o);
  const recorder = new ExampleRecorder();
  if (format === 'session-rec') {
    // As the evaluation asks: the training part's last `exampleDays` are predicted, not learnt.
    const inner = splitSessionRec(train, { testDays: o.exampleDays });
    if (inner.stats.predictions === 0) throw new UsageError('the training part leaves no inner test predictions (more data, or --example-days)');
    const progress = new Progress(sessionRecWork(inner), o.quiet ? null : io.stderr);
    progress.setLabel('features');
    sessionRecExamples(recorder, inner, 20, progress);
    progress.finish();
  } else {
    const plan = planStream(train, { testFraction: o.exampleFraction });
    if (plan.stats.predictions === 0) throw new UsageError('the training part has no predictions (more data, or a larger --example-fraction)');
    const progress = new Progress(streamWork(plan), o.quiet ? null : io.stderr);
    progress.setLabel('features');
    evaluateStream(recorder, 'features', plan, 20, progress);
    progress.finish();
  }
  const examples = recorder.examples;
  if (examples.length === 0) throw new UsageError('no prediction had its next item among the candidates; nothing to learn from');
  const F = FEATURES.length;
  const init = weightVector(HAND_MODEL);
  if (!o.quiet)
    log(`${train.length} training events; ${recorder.counts.predictions} predictions, ${examples.length} with the next item among the ${F}-feature candidates`);
  const w = trainSoftmax(examples, {
    features: F,
    init,
    epochs: o.epochs,
    learningRate: o.learningRate,
    l2: o.l2,
    batchSize: 256,
    seed: o.seed,
    topK: o.loss === 'softmax' ? null : { k: 20, mrrShare: o.mrrShare },
    onEpoch: (epoch, loss) => {
      if (!o.quiet && (epoch === 1 || epoch % 5 === 0 || epoch === o.epochs)) log(`epoch ${epoch}/${o.epochs}: mean loss ${loss.toFixed(4)}`);
    },
  });
  const weights: RankerModel['weights'] = {};
  FEATURES.forEach((f, i) => (weights[f] = Number(w[i]!.toPrecision(6))));
  const model: RankerModel = { name: o.name, weights };
  writeFileSync(o.out, `${JSON.stringify(model, null, 2)}\n`);
  return {
    model,
    trainingEvents: train.length,
    predictions: recorder.counts.predictions,
    examples: examples.length,
    handLoss: meanLoss(examples, init, F),
    modelLoss: meanLoss(examples, w, F),
    handTop20: topKShare(examples, init, F),
    modelTop20: topKShare(examples, w, F),
  };
}

export function renderTrain(r: TrainReport, out: string): string {
  const rows = FEATURES.map(
    (f) => `  ${f.padEnd(12)} ${(HAND_MODEL.weights[f] ?? 0).toFixed(3).padStart(8)} ${(r.model.weights[f] ?? 0).toFixed(3).padStart(9)}`,
  );
  return [
    `wrote ${out} (model ${r.model.name}) from ${r.trainingEvents} training events, ${r.examples} of ${r.predictions} predictions`,
    `  feature          hand   learned`,
    ...rows,
    `on the training examples: mean loss ${r.handLoss.toFixed(4)} -> ${r.modelLoss.toFixed(4)}, next item in the top 20 ${r.handTop20.toFixed(4)} -> ${r.modelTop20.toFixed(4)}`,
  ].join('\n');
}

export async function trainMain(argv: string[], io: CliIo): Promise<number> {
  try {
    const o = parseTrainArgs(argv);
    if (o === 'help') {
      io.stdout(`${helpText(TRAIN_CLI)}\n`);
      return 0;
    }
    io.stdout(`${renderTrain(await runTrain(o, io), o.out)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`train: ${err.message}\n\n${helpText(TRAIN_CLI)}\n`);
      return 2;
    }
    io.stderr.write(`train: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
