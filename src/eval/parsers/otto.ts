// OTTO (Kaggle "OTTO – Multi-Objective Recommender System") jsonl: one session per line,
// `{"session": 12899779, "events": [{"aid": 59625, "ts": 1661724000278, "type": "clicks"}, ...]}`.
// type: clicks -> view, carts -> cart, orders -> purchase. The original files give ts in ms; the
// widely shared re-encodings give seconds, so a ts below 1e11 is read as seconds. A bad event is
// skipped on its own; the rest of its session is kept.
import type { EvalEventType } from '../types';
import type { ParseReport } from './report';
import type { LineParser } from './types';

const TYPES: Record<string, EvalEventType> = { clicks: 'view', carts: 'cart', orders: 'purchase' };
const SECONDS_BELOW = 1e11;

function idText(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim().length > 0) return v.trim();
  return null;
}

export function ottoParser(report: ParseReport): LineParser {
  return {
    onLine(line, lineNo, emit) {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        return report.bad('not JSON', lineNo, line);
      }
      if (raw === null || typeof raw !== 'object') return report.bad('not an object', lineNo, line);
      const obj = raw as { session?: unknown; events?: unknown };
      const sessionId = idText(obj.session);
      if (sessionId === null) return report.bad('missing session', lineNo, line);
      if (!Array.isArray(obj.events)) return report.bad('missing events array', lineNo, line);
      for (const e of obj.events as unknown[]) {
        const ev = (e ?? {}) as { aid?: unknown; ts?: unknown; type?: unknown };
        const itemId = idText(ev.aid);
        if (itemId === null) {
          report.bad('event without aid', lineNo, line);
          continue;
        }
        if (typeof ev.ts !== 'number' || !Number.isFinite(ev.ts)) {
          report.bad('event ts is not a number', lineNo, line);
          continue;
        }
        const type = typeof ev.type === 'string' ? TYPES[ev.type] : undefined;
        if (type === undefined) {
          report.bad('unknown event type', lineNo, line);
          continue;
        }
        report.rawType(ev.type as string);
        const ts = ev.ts < SECONDS_BELOW ? ev.ts * 1000 : ev.ts;
        emit({ sessionId, userId: sessionId, itemId, ts, type });
      }
    },
  };
}
