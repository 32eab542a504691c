// Reads a dataset file line by line (readline over a stream: memory holds the events, never the
// file), picks the format's line parser, and sessionises sources without session ids.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { EvalEvent } from '../types';
import { digineticaParser } from './diginetica';
import { envelopeParser } from './envelope';
import { ottoParser } from './otto';
import { ParseReport } from './report';
import { retailRocketParser } from './retailrocket';
import { sessionRecParser } from './sessionrec';
import { taobaoParser } from './taobao';
import { NO_SESSION, type DatasetFormat, type LineParserFactory } from './types';

export { ParseReport } from './report';
export type { ParseReportJson } from './report';
export { FORMATS, NO_SESSION, isFormat, type DatasetFormat } from './types';

export const PARSERS: Record<DatasetFormat, LineParserFactory> = {
  'session-rec': sessionRecParser,
  diginetica: digineticaParser,
  taobao: taobaoParser,
  retailrocket: retailRocketParser,
  otto: ottoParser,
  envelope: envelopeParser,
};

/** Default inactivity gap that ends a session where the data has no session id. */
export const SESSION_GAP_MS = 30 * 60_000;

/**
 * Guesses the format from the file name and its first non-empty line. Returns null when nothing
 * fits, so the caller can ask for `--format`.
 */
export function detectFormat(fileName: string, firstLine: string): DatasetFormat | null {
  const line = firstLine.replace(/^\uFEFF/, '').trim();
  const ext = extname(fileName).toLowerCase();
  if (line.startsWith('{') || ext === '.jsonl' || ext === '.ndjson') {
    try {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (Array.isArray(o.events) && 'session' in o) return 'otto';
      if ('v' in o && 'type' in o) return 'envelope';
    } catch {
      return null;
    }
    return null;
  }
  const lower = line.toLowerCase();
  if (line.includes('\t') && /sessionid/.test(lower) && /itemid/.test(lower)) return 'session-rec';
  if (line.includes(';') && /session_?id/.test(lower) && /timeframe/.test(lower)) return 'diginetica';
  if (/^timestamp,visitorid,event,itemid/.test(lower)) return 'retailrocket';
  const f = line.split(',');
  if (f.length === 5 && ['pv', 'cart', 'fav', 'buy'].includes((f[3] ?? '').trim())) return 'taobao';
  if (/^\d+,\d+,\d+,(pv|cart|fav|buy),/.test(lower) || /^user_?id,item_?id,category_?id,behavio/.test(lower)) return 'taobao';
  if (/^\d+,\d+,(view|addtocart|transaction),\d+/.test(lower)) return 'retailrocket';
  if (line.split('\t').length >= 3 && ext === '.txt') return 'session-rec';
  return null;
}

/** The first non-empty line of a file (reads only as far as needed). */
export async function firstLineOf(path: string): Promise<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of rl) if (line.trim().length > 0) return line;
    return '';
  } finally {
    rl.close();
    stream.destroy();
  }
}

export interface ParseOptions {
  /** Stop after this many events (the report says so). */
  limitEvents?: number;
  /** Called every few thousand lines with the bytes read so far, for a progress bar. */
  onProgress?: (bytesRead: number) => void;
}

export interface ParsedDataset {
  events: EvalEvent[];
  report: ParseReport;
}

/**
 * One parse in progress: feeds raw lines to the format's parser with the shared rules (BOM on
 * the first line, blank lines skipped, CR stripped, the event limit), for memory and files alike.
 */
function collector(format: DatasetFormat, options: ParseOptions) {
  const report = new ParseReport(format);
  const events: EvalEvent[] = [];
  const parser = PARSERS[format](report);
  const limit = options.limitEvents ?? Infinity;
  const emit = (e: EvalEvent) => {
    if (events.length < limit) {
      events.push(e);
      report.eventsEmitted++;
    } else report.stoppedAtLimit = true;
  };
  let lineNo = 0;
  return {
    result: (): ParsedDataset => ({ events, report }),
    get lineNo() {
      return lineNo;
    },
    /** Returns false once the limit is reached: stop reading. */
    feed(raw: string): boolean {
      lineNo++;
      const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (line.trim().length === 0) return true;
      report.linesRead++;
      parser.onLine(line.replace(/\r$/, ''), lineNo, emit);
      if (events.length >= limit) {
        report.stoppedAtLimit = true;
        return false;
      }
      return true;
    },
  };
}

/** Parses lines already in memory (tests, small inputs); same rules as `parseFile`. */
export function parseLines(format: DatasetFormat, lines: Iterable<string>, options: ParseOptions = {}): ParsedDataset {
  const parse = collector(format, options);
  for (const raw of lines) if (!parse.feed(raw)) break;
  return parse.result();
}

/** Streams a file line by line through the format's parser. */
export async function parseFile(path: string, format: DatasetFormat, options: ParseOptions = {}): Promise<ParsedDataset> {
  const parse = collector(format, options);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const raw of rl) {
      if (!parse.feed(raw)) break;
      if (options.onProgress && (parse.lineNo & 0x3fff) === 0) options.onProgress(stream.bytesRead);
    }
  } finally {
    rl.close();
    stream.destroy();
  }
  return parse.result();
}

/**
 * Gives every event without a session id (`NO_SESSION`) one: a user's events, in time order,
 * start a new session after more than `gapMs` of inactivity. Session ids are `<userId>~<n>`.
 * Mutates the events in place and returns how many sessions it made.
 */
export function assignSessions(events: EvalEvent[], gapMs = SESSION_GAP_MS): number {
  const idx: number[] = [];
  for (let i = 0; i < events.length; i++) if (events[i]!.sessionId === NO_SESSION) idx.push(i);
  if (idx.length === 0) return 0;
  idx.sort((a, b) => events[a]!.ts - events[b]!.ts || a - b);
  const last = new Map<string, { ts: number; n: number }>();
  let made = 0;
  for (const i of idx) {
    const e = events[i]!;
    const prev = last.get(e.userId);
    if (prev === undefined) {
      last.set(e.userId, { ts: e.ts, n: 0 });
      made++;
      e.sessionId = `${e.userId}~0`;
      continue;
    }
    if (e.ts - prev.ts > gapMs) {
      prev.n++;
      made++;
    }
    prev.ts = e.ts;
    e.sessionId = `${e.userId}~${prev.n}`;
  }
  return made;
}
