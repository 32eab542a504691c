// Taobao UserBehavior.csv (Alibaba Tianchi dataset 649): no header,
// `user_id,item_id,category_id,behavior_type,timestamp`, timestamp in Unix seconds.
// behavior_type: pv (item page view) -> view, cart -> cart, buy -> purchase, and fav (favourite)
// -> cart: saving an item for later is an intent signal, and our event vocabulary's nearest one is
// add-to-cart. The raw counts per behaviour are in the report. No session id: sessions are cut
// after 30 min of inactivity per user.
import type { EvalEventType } from '../types';
import type { ParseReport } from './report';
import { NO_SESSION, idOf, numberOf, type LineParser } from './types';

const TYPES: Record<string, EvalEventType> = { pv: 'view', cart: 'cart', fav: 'cart', buy: 'purchase' };

export function taobaoParser(report: ParseReport): LineParser {
  let first = true;
  return {
    onLine(line, lineNo, emit) {
      const f = line.split(',');
      if (first) {
        first = false;
        if (/user_?id/i.test(f[0] ?? '')) {
          report.note('skipped a header line (the original file has none)');
          return;
        }
      }
      if (f.length !== 5) return report.bad(f.length < 5 ? 'too few columns' : 'too many columns', lineNo, line);
      const userId = idOf(f[0]);
      const itemId = idOf(f[1]);
      const category = idOf(f[2]);
      const behaviour = (f[3] ?? '').trim();
      const seconds = numberOf(f[4]);
      if (userId === null) return report.bad('missing user id', lineNo, line);
      if (itemId === null) return report.bad('missing item id', lineNo, line);
      const type = TYPES[behaviour];
      if (type === undefined) return report.bad('unknown behavior_type', lineNo, line);
      if (seconds === null) return report.bad('timestamp is not a number', lineNo, line);
      report.rawType(behaviour);
      const event = { sessionId: NO_SESSION, userId, itemId, ts: seconds * 1000, type };
      emit(category === null ? event : { ...event, category });
    },
  };
}
