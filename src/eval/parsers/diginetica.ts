// Diginetica (CIKM Cup 2016) `train-item-views.csv`: `;`-separated, header
// `sessionId;userId;itemId;timeframe;eventdate` (the SR-GNN sample spells it `session_id;user_id;...`).
// `timeframe` is ms since the session's first event and `eventdate` the session's date (no clock
// time), so an event's time is eventdate 00:00 UTC + timeframe. `userId` is `NA` for anonymous
// sessions; those get the user id `anon:<sessionId>`. Every row is an item view.
import type { ParseReport } from './report';
import { columnsOf } from './header';
import { idOf, numberOf, type LineParser } from './types';

const REQUIRED = ['sessionid', 'userid', 'itemid', 'timeframe', 'eventdate'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function digineticaParser(report: ParseReport): LineParser {
  let cols: Record<string, number> | null = null;
  return {
    onLine(line, lineNo, emit) {
      if (cols === null) {
        const header = columnsOf(line, ';', REQUIRED);
        if (header) {
          cols = header;
          return;
        }
        cols = { sessionid: 0, userid: 1, itemid: 2, timeframe: 3, eventdate: 4 };
        report.note('no sessionId;userId;itemId;timeframe;eventdate header: assumed that column order');
      }
      const f = line.split(';');
      if (f.length < 5) return report.bad('too few columns', lineNo, line);
      const sessionId = idOf(f[cols.sessionid!]);
      const itemId = idOf(f[cols.itemid!]);
      const timeframe = numberOf(f[cols.timeframe!]);
      const date = (f[cols.eventdate!] ?? '').trim();
      if (sessionId === null) return report.bad('missing session id', lineNo, line);
      if (itemId === null) return report.bad('missing item id', lineNo, line);
      if (timeframe === null || timeframe < 0) return report.bad('timeframe is not a non-negative number', lineNo, line);
      const day = DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : NaN;
      if (Number.isNaN(day)) return report.bad('eventdate is not YYYY-MM-DD', lineNo, line);
      const rawUser = idOf(f[cols.userid!]);
      const userId = rawUser === null || rawUser === 'NA' ? `anon:${sessionId}` : rawUser;
      report.rawType('view');
      emit({ sessionId, userId, itemId, ts: day + timeframe, type: 'view' });
    },
  };
}
