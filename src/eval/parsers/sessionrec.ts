// session-rec's prepared files (rn5l/session-rec `data/<set>/prepared/*.txt`): tab-separated with a
// header `SessionId\tItemId\tTime`, Time in Unix seconds (float). Extra columns are ignored; a
// `UserId` column is used when present. Every row is a click, i.e. a view.
import type { ParseReport } from './report';
import { columnsOf } from './header';
import { idOf, numberOf, type LineParser } from './types';

const REQUIRED = ['sessionid', 'itemid', 'time'] as const;

export function sessionRecParser(report: ParseReport): LineParser {
  let cols: Record<string, number> | null = null;
  let userCol = -1;
  let width = 3;
  return {
    onLine(line, lineNo, emit) {
      if (cols === null) {
        const header = columnsOf(line, '\t', REQUIRED);
        if (header) {
          cols = header;
          const names = line.split('\t').map((n) => n.trim().toLowerCase());
          userCol = names.indexOf('userid');
          width = names.length;
          return;
        }
        cols = { sessionid: 0, itemid: 1, time: 2 };
        report.note('no SessionId/ItemId/Time header: assumed columns SessionId, ItemId, Time');
      }
      const f = line.split('\t');
      if (f.length < width) return report.bad('too few columns', lineNo, line);
      const sessionId = idOf(f[cols.sessionid!]);
      const itemId = idOf(f[cols.itemid!]);
      const seconds = numberOf(f[cols.time!]);
      if (sessionId === null) return report.bad('missing session id', lineNo, line);
      if (itemId === null) return report.bad('missing item id', lineNo, line);
      if (seconds === null) return report.bad('time is not a number', lineNo, line);
      const userId = (userCol >= 0 ? idOf(f[userCol]) : null) ?? sessionId;
      report.rawType('click');
      emit({ sessionId, userId, itemId, ts: seconds * 1000, type: 'view' });
    },
  };
}
