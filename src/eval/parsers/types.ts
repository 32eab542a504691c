import type { EvalEvent } from '../types';
import type { ParseReport } from './report';

export const FORMATS = ['session-rec', 'diginetica', 'taobao', 'retailrocket', 'otto', 'envelope'] as const;
export type DatasetFormat = (typeof FORMATS)[number];

export function isFormat(value: string): value is DatasetFormat {
  return (FORMATS as readonly string[]).includes(value);
}

/**
 * Marks an event whose source has no session id: `assignSessions` later splits that user's
 * events into sessions after 30 minutes of inactivity.
 */
export const NO_SESSION = '';

export type Emit = (event: EvalEvent) => void;

/** A stateful per-file line handler: it may treat the first line as a header. */
export interface LineParser {
  onLine(line: string, lineNo: number, emit: Emit): void;
}

export type LineParserFactory = (report: ParseReport) => LineParser;

/** A trimmed, non-empty id, or null. */
export function idOf(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  return v.length > 0 ? v : null;
}

/** A finite number parsed from the whole (trimmed) string, or null ("12abc" is not a number). */
export function numberOf(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (v.length === 0) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
