// What one simulated event sends: a contract mutation and its variables (pure).
import { print } from 'graphql';
import { TrackEventsDocument } from '../../generated/graphql';
import { TRACK_ADD_TO_CART, TRACK_PURCHASE, TRACK_VIEW } from '../operations';

/** The bulk operation as codegen read it from operations/ingest.graphql (not a storefront-contract operation). */
const TRACK_EVENTS = print(TrackEventsDocument);

export type ShopperEvent =
  | { type: 'view'; userId: string; productId: string; sessionId?: string }
  | { type: 'cart'; userId: string; productId: string; sessionId?: string }
  | { type: 'purchase'; userId: string; orderId: string; items: { productId: string; price?: number | null }[]; sessionId?: string };

export interface TrackRequest {
  userId: string;
  query: string;
  variables: { input: Record<string, unknown> };
}

/** Several events in one trackEvents call; `userId` is the runner's ordering key (one batch after another). */
export interface BatchRequest {
  userId: string;
  query: string;
  variables: { input: Record<string, unknown>[] };
  events: number;
}

const QUERY = { view: TRACK_VIEW, cart: TRACK_ADD_TO_CART, purchase: TRACK_PURCHASE } as const;
const BATCH_TYPE = { view: 'VIEW', cart: 'ADD_TO_CART', purchase: 'PURCHASE' } as const;

/** The mutation input for one event, stamped `occurredAt` = now (the gateway takes now-7d..now+5min). */
function eventInput(event: ShopperEvent, now: Date): Record<string, unknown> {
  const common: Record<string, unknown> = { userId: event.userId, occurredAt: now.toISOString() };
  if (event.sessionId) common.sessionId = event.sessionId;
  switch (event.type) {
    case 'view':
      return { ...common, productId: event.productId };
    case 'cart':
      return { ...common, productId: event.productId, quantity: 1 };
    case 'purchase': {
      const items = event.items.map((i) =>
        typeof i.price === 'number' ? { productId: i.productId, quantity: 1, price: i.price } : { productId: i.productId, quantity: 1 },
      );
      return { ...common, orderId: event.orderId, items };
    }
  }
}

/** The request for one event: its single contract mutation. */
export function trackRequest(event: ShopperEvent, now: Date): TrackRequest {
  return { userId: event.userId, query: QUERY[event.type], variables: { input: eventInput(event, now) } };
}

/** One trackEvents request for several events, in their order. */
export function batchRequest(events: readonly ShopperEvent[], now: Date): BatchRequest {
  const input = events.map((e) => ({ type: BATCH_TYPE[e.type], ...eventInput(e, now) }));
  return { userId: 'batch', query: TRACK_EVENTS, variables: { input }, events: events.length };
}
