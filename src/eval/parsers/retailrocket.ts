// RetailRocket `events.csv` (Kaggle "Retailrocket recommender system dataset"): header
// `timestamp,visitorid,event,itemid,transactionid`, timestamp in Unix ms, event one of
// view / addtocart / transaction (transactionid set only for transactions). No session id:
// sessions are cut after 30 min of inactivity per visitor.
import type { EvalEventType } from '../types';
import type { ParseReport } from './report';
import { columnsOf } from './header';
import { NO_SESSION, idOf, numberOf, type LineParser } from './types';

const REQUIRED = ['timestamp', 'visitorid', 'event', 'itemid'] as const;
const TYPES: Record<string, EvalEventType> = { view: 'view', addtocart: 'cart', transaction: 'purchase' };

export function retailRocketParser(report: ParseReport): LineParser {
  let cols: Record<string, number> | null = null;
  return {
    onLine(line, lineNo, emit) {
      if (cols === null) {
        const header = columnsOf(line, ',', REQUIRED);
        if (header) {
          cols = header;
          return;
        }
        cols = { timestamp: 0, visitorid: 1, event: 2, itemid: 3 };
        report.note('no timestamp,visitorid,event,itemid,transactionid header: assumed that column order');
      }
      const f = line.split(',');
      if (f.length < 4) return report.bad('too few columns', lineNo, line);
      const ms = numberOf(f[cols.timestamp!]);
      const userId = idOf(f[cols.visitorid!]);
      const event = (f[cols.event!] ?? '').trim();
      const itemId = idOf(f[cols.itemid!]);
      if (ms === null) return report.bad('timestamp is not a number', lineNo, line);
      if (userId === null) return report.bad('missing visitorid', lineNo, line);
      if (itemId === null) return report.bad('missing itemid', lineNo, line);
      const type = TYPES[event];
      if (type === undefined) return report.bad('unknown event', lineNo, line);
      report.rawType(event);
      emit({ sessionId: NO_SESSION, userId, itemId, ts: ms, type });
    },
  };
}
