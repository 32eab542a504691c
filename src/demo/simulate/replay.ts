// Replays a dataset file through the live API: read line by line at run time (never copied, never
// held whole), parsed by the offline evaluation's format parsers (src/eval/parsers), paced by the
// events' own timestamps at a chosen speed, every event stamped with the current time.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { detectFormat, firstLineOf, PARSERS, ParseReport, type DatasetFormat } from '../../eval/parsers';
import type { EvalEvent } from '../../eval/types';
import { batchRequest, trackRequest, type BatchRequest, type ShopperEvent } from './requests';
import type { PlannedEvent } from './runner';

/**
 * Wall-clock pause before an event: the dataset's gap divided by the speed, never negative (a file
 * sorted by user jumps back in time between users) and never longer than `maxGapMs`.
 */
export function replayDelayMs(previousTs: number | null, ts: number, speed: number, maxGapMs: number): number {
  if (previousTs === null || !(ts > previousTs)) return 0;
  return Math.min((ts - previousTs) / speed, maxGapMs);
}

/** The live event for a dataset event; ids are kept as they are in the file. */
export function replayEvent(event: EvalEvent, seq: number, runId: string): ShopperEvent {
  const sessionId = event.sessionId || undefined;
  const base = sessionId ? { userId: event.userId, sessionId } : { userId: event.userId };
  switch (event.type) {
    case 'view':
      return { type: 'view', ...base, productId: event.itemId };
    case 'cart':
      return { type: 'cart', ...base, productId: event.itemId };
    case 'purchase':
      return { type: 'purchase', ...base, orderId: `replay-${runId}-${seq}`, items: [{ productId: event.itemId }] };
  }
}

/** Keeps the events of the first `limit` distinct users (null = everyone). */
export function userLimiter(limit: number | null): (userId: string) => boolean {
  const seen = new Set<string>();
  return (userId) => {
    if (limit === null || seen.has(userId)) return true;
    if (seen.size >= limit) return false;
    seen.add(userId);
    return true;
  };
}

export interface ReplaySource {
  format: DatasetFormat;
  report: ParseReport;
  events: AsyncGenerator<EvalEvent>;
}

/** Opens a dataset file: detects its format from its name and first line, then streams its events. */
export async function openReplay(path: string): Promise<ReplaySource> {
  const format = detectFormat(path, await firstLineOf(path));
  if (format === null) {
    throw new Error(`${path}: unknown dataset format (expected Taobao UserBehavior CSV, session-rec TSV, Diginetica, RetailRocket, OTTO or envelope JSONL)`);
  }
  const report = new ParseReport(format);
  return { format, report, events: streamEvents(path, format, report) };
}

async function* streamEvents(path: string, format: DatasetFormat, report: ParseReport): AsyncGenerator<EvalEvent> {
  const parser = PARSERS[format](report);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const ready: EvalEvent[] = [];
  let lineNo = 0;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim().length === 0) continue;
      report.linesRead++;
      parser.onLine(line, lineNo, (e) => ready.push(e));
      while (ready.length > 0) {
        report.eventsEmitted++;
        yield ready.shift()!;
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

export interface ReplayPlanOptions {
  speed: number;
  maxGapMs: number;
  /** Events per second at most, whatever the dataset's pace. */
  rate: number;
  users: number | null;
  runId: string;
  now?: () => Date;
}

/**
 * The dataset's events in file order, paced by their timestamps (see `replayDelayMs`) and capped
 * by `rate`. A file in time order (Taobao's stream slice) is paced on one timeline. Once time goes
 * backwards the file is sorted by session or user instead, and from then on only the gaps within
 * one session (or user) are waited for; the next session starts at once.
 */
export async function* replayPlan(events: AsyncIterable<EvalEvent>, options: ReplayPlanOptions): AsyncGenerator<PlannedEvent> {
  const now = options.now ?? (() => new Date());
  for await (const { at, event } of replayTimeline(events, options)) yield { at, request: () => trackRequest(event, now()) };
}

/**
 * The same timeline sent in trackEvents batches: the events due within `windowMs` of a batch's
 * first one, at most `batchSize`, leave together when the last of them is due (so no event leaves
 * early). Batches go one after another (one ordering key), which keeps every user's order.
 */
export async function* batchedReplayPlan(
  events: AsyncIterable<EvalEvent>,
  options: ReplayPlanOptions & { batchSize: number; windowMs: number; /** Events planned at most (the runner counts whole batches). */ maxEvents: number },
): AsyncGenerator<PlannedEvent<BatchRequest>> {
  const { batchSize, windowMs, maxEvents, now = () => new Date() } = options;
  let batch: { at: number; event: ShopperEvent }[] = [];
  let planned = 0;
  const flush = (): PlannedEvent<BatchRequest> => {
    const taken = batch.map((b) => b.event);
    const at = batch[batch.length - 1]!.at;
    batch = [];
    return { at, request: () => batchRequest(taken, now()) };
  };
  for await (const next of replayTimeline(events, options)) {
    if (planned >= maxEvents) break;
    if (batch.length > 0 && (batch.length >= batchSize || next.at > batch[0]!.at + windowMs)) yield flush();
    batch.push(next);
    planned++;
  }
  if (batch.length > 0) yield flush();
}

async function* replayTimeline(events: AsyncIterable<EvalEvent>, options: ReplayPlanOptions): AsyncGenerator<{ at: number; event: ShopperEvent }> {
  const { speed, maxGapMs, rate, runId } = options;
  const keep = userLimiter(options.users);
  const minSpacing = 1000 / rate;
  let at = 0;
  let previous: EvalEvent | null = null;
  let timeOrdered = true;
  let seq = 0;
  for await (const event of events) {
    if (!keep(event.userId)) continue;
    if (previous) {
      if (event.ts < previous.ts) timeOrdered = false;
      const sameTimeline = timeOrdered || sessionKey(previous) === sessionKey(event);
      const pause = sameTimeline ? replayDelayMs(previous.ts, event.ts, speed, maxGapMs) : 0;
      at += Math.max(pause, minSpacing);
    }
    previous = event;
    yield { at, event: replayEvent(event, ++seq, runId) };
  }
}

const sessionKey = (e: EvalEvent) => (e.sessionId ? `s:${e.sessionId}` : `u:${e.userId}`);
