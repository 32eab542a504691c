// The gateway's own event envelope, one JSON object per line (what the Kafka topics hold):
// {"v":1,"type":"view"|"add_to_cart"|"purchase","eventId","userId","sessionId"?,"productId"?,
//  "items"?:[{productId,quantity,price}],"occurredAt":ISO,"receivedAt":ISO}.
// view/add_to_cart carry productId; a purchase carries items and becomes one purchase event per
// item. Event time is occurredAt. An eventId seen before is a redelivery and is skipped (the
// consumer is idempotent by eventId too). Events without sessionId are sessionised per user
// after 30 min of inactivity.
import type { EvalEventType } from '../types';
import type { ParseReport } from './report';
import { NO_SESSION, type LineParser } from './types';

const TYPES: Record<string, EvalEventType> = { view: 'view', add_to_cart: 'cart', purchase: 'purchase' };

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v.trim() : null);

export function envelopeParser(report: ParseReport): LineParser {
  const seen = new Set<string>();
  return {
    onLine(line, lineNo, emit) {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        return report.bad('not JSON', lineNo, line);
      }
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return report.bad('not an object', lineNo, line);
      const o = raw as Record<string, unknown>;
      if (o.v !== 1) return report.bad('unknown envelope version', lineNo, line);
      const type = typeof o.type === 'string' ? TYPES[o.type] : undefined;
      if (type === undefined) return report.bad('unknown type', lineNo, line);
      const eventId = text(o.eventId);
      const userId = text(o.userId);
      if (eventId === null) return report.bad('missing eventId', lineNo, line);
      if (userId === null) return report.bad('missing userId', lineNo, line);
      const ts = typeof o.occurredAt === 'string' ? Date.parse(o.occurredAt) : NaN;
      if (Number.isNaN(ts)) return report.bad('bad occurredAt', lineNo, line);
      if (o.sessionId !== undefined && o.sessionId !== null && text(o.sessionId) === null) {
        return report.bad('bad sessionId', lineNo, line);
      }
      const sessionId = text(o.sessionId) ?? NO_SESSION;
      let products: string[];
      if (type === 'purchase') {
        if (!Array.isArray(o.items) || o.items.length === 0) return report.bad('purchase without items', lineNo, line);
        const ids = (o.items as unknown[]).map((i) => text((i as { productId?: unknown } | null)?.productId));
        if (ids.some((id) => id === null)) return report.bad('purchase item without productId', lineNo, line);
        products = ids as string[];
      } else {
        const productId = text(o.productId);
        if (productId === null) return report.bad('missing productId', lineNo, line);
        products = [productId];
      }
      if (seen.has(eventId)) return report.bad('duplicate eventId (redelivery)', lineNo, line);
      seen.add(eventId);
      report.rawType(o.type as string);
      for (const itemId of products) emit({ sessionId, userId, itemId, ts, type });
    },
  };
}
