// The one versioned JSON envelope written to all three topics. Consumers refuse anything
// that does not decode, so a poison message is reported and skipped, never scored.
import { TOPICS } from '../config';

export type EventType = 'view' | 'add_to_cart' | 'purchase';

export interface PurchaseItem {
  productId: string;
  quantity: number;
  price: number | null;
}

interface EnvelopeBase {
  v: 1;
  eventId: string;
  userId: string;
  sessionId: string | null;
  /** When the shopper did it (client clock, validated); ISO-8601. */
  occurredAt: string;
  /** When the gateway accepted it (server clock); ISO-8601. */
  receivedAt: string;
  /** The list the shopper acted from (validated at the API; absent in older envelopes). */
  fromRecommendation?: { listId: string; position: number };
}
export interface ViewEnvelope extends EnvelopeBase {
  type: 'view';
  productId: string;
}
export interface AddToCartEnvelope extends EnvelopeBase {
  type: 'add_to_cart';
  productId: string;
  quantity: number;
}
export interface PurchaseEnvelope extends EnvelopeBase {
  type: 'purchase';
  orderId: string;
  items: PurchaseItem[];
}
export type EventEnvelope = ViewEnvelope | AddToCartEnvelope | PurchaseEnvelope;

export const TOPIC_OF: Record<EventType, string> = {
  view: TOPICS.view,
  add_to_cart: TOPICS.addToCart,
  purchase: TOPICS.purchase,
};

/** The products an event is about, in the order the shopper touched them. */
export function productsOf(event: EventEnvelope): string[] {
  return event.type === 'purchase' ? event.items.map((i) => i.productId) : [event.productId];
}

export function encodeEnvelope(event: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(event));
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 256;

/** Returns the envelope, or a reason why the bytes are not one. */
export function decodeEnvelope(bytes: Buffer | null): EventEnvelope | { invalid: string } {
  if (!bytes) return { invalid: 'empty message' };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    return { invalid: 'not JSON' };
  }
  if (raw === null || typeof raw !== 'object') return { invalid: 'not an object' };
  if (raw.v !== 1) return { invalid: `unknown envelope version ${JSON.stringify(raw.v)}` };
  for (const field of ['eventId', 'userId', 'occurredAt', 'receivedAt'] as const) {
    if (!isText(raw[field])) return { invalid: `missing ${field}` };
  }
  if (Number.isNaN(Date.parse(raw.occurredAt as string))) return { invalid: 'bad occurredAt' };
  switch (raw.type) {
    case 'view':
    case 'add_to_cart':
      if (!isText(raw.productId)) return { invalid: 'missing productId' };
      break;
    case 'purchase':
      if (!Array.isArray(raw.items) || raw.items.length === 0) return { invalid: 'missing items' };
      if (!raw.items.every((i: { productId?: unknown }) => isText(i?.productId))) return { invalid: 'bad items' };
      break;
    default:
      return { invalid: `unknown type ${JSON.stringify(raw.type)}` };
  }
  return raw as unknown as EventEnvelope;
}
