// What one simulated event sends: which storefront-client call (client/: the contract's track
// mutations, or trackEvents from operations/ingest.graphql) with which input (pure).

export type ShopperEvent =
  | { type: 'view'; userId: string; productId: string; sessionId?: string }
  | { type: 'cart'; userId: string; productId: string; sessionId?: string }
  | { type: 'purchase'; userId: string; orderId: string; items: { productId: string; price?: number | null }[]; sessionId?: string };

export type TrackOperation = 'trackView' | 'trackAddToCart' | 'trackPurchase';

export interface TrackRequest {
  userId: string;
  operation: TrackOperation;
  variables: { input: Record<string, unknown> };
}

/** Several events in one trackEvents call; `userId` is the runner's ordering key (one batch after another). */
export interface BatchRequest {
  userId: string;
  operation: 'trackEvents';
  variables: { input: Record<string, unknown>[] };
  events: number;
}

const OPERATION: Record<ShopperEvent['type'], TrackOperation> = { view: 'trackView', cart: 'trackAddToCart', purchase: 'trackPurchase' };
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
  return { userId: event.userId, operation: OPERATION[event.type], variables: { input: eventInput(event, now) } };
}

/** One trackEvents request for several events, in their order. */
export function batchRequest(events: readonly ShopperEvent[], now: Date): BatchRequest {
  const input = events.map((e) => ({ type: BATCH_TYPE[e.type], ...eventInput(e, now) }));
  return { userId: 'batch', operation: 'trackEvents', variables: { input }, events: events.length };
}
