// What one simulated event sends: a contract mutation and its variables (pure).
import { TRACK_ADD_TO_CART, TRACK_PURCHASE, TRACK_VIEW } from '../operations';

export type ShopperEvent =
  | { type: 'view'; userId: string; productId: string; sessionId?: string }
  | { type: 'cart'; userId: string; productId: string; sessionId?: string }
  | { type: 'purchase'; userId: string; orderId: string; items: { productId: string; price?: number | null }[]; sessionId?: string };

export interface TrackRequest {
  userId: string;
  query: string;
  variables: { input: Record<string, unknown> };
}

/** The request for one event, stamped `occurredAt` = now (the gateway takes now-7d..now+5min). */
export function trackRequest(event: ShopperEvent, now: Date): TrackRequest {
  const common: Record<string, unknown> = { userId: event.userId, occurredAt: now.toISOString() };
  if (event.sessionId) common.sessionId = event.sessionId;
  switch (event.type) {
    case 'view':
      return { userId: event.userId, query: TRACK_VIEW, variables: { input: { ...common, productId: event.productId } } };
    case 'cart':
      return { userId: event.userId, query: TRACK_ADD_TO_CART, variables: { input: { ...common, productId: event.productId, quantity: 1 } } };
    case 'purchase': {
      const items = event.items.map((i) => (typeof i.price === 'number' ? { productId: i.productId, quantity: 1, price: i.price } : { productId: i.productId, quantity: 1 }));
      return { userId: event.userId, query: TRACK_PURCHASE, variables: { input: { ...common, orderId: event.orderId, items } } };
    }
  }
}
