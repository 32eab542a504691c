// Turns a track mutation's input into an envelope, or refuses it naming the field.
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors';
import { checkFromRecommendation } from './listId';
import type { AddToCartEnvelope, EventEnvelope, EventType, PurchaseEnvelope, PurchaseItem, ViewEnvelope } from './envelope';

export const LIMITS = {
  idMaxLength: 128,
  maxQuantity: 1000,
  maxPrice: 1_000_000,
  maxPurchaseItems: 100,
  /** A client clock may run ahead a little; more than this is a bug or a lie. */
  maxFutureMs: 5 * 60_000,
  /** Older events belong to a backfill, not to the live API. */
  maxAgeMs: 7 * 24 * 3_600_000,
} as const;

// Printable, no whitespace or control characters: ids end up in Redis keys and log lines.
const ID_PATTERN = /^[\x21-\x7E]+$/;

export function checkId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidInputError(field, 'must be a non-empty id');
  if (value.length > LIMITS.idMaxLength) {
    throw new InvalidInputError(field, `must be at most ${LIMITS.idMaxLength} characters, got ${value.length}`);
  }
  if (!ID_PATTERN.test(value)) {
    throw new InvalidInputError(field, 'may contain only printable ASCII characters without spaces');
  }
  return value;
}

function optionalId(field: string, value: unknown): string | null {
  return value === undefined || value === null ? null : checkId(field, value);
}

function checkQuantity(field: string, value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > LIMITS.maxQuantity) {
    throw new InvalidInputError(field, `must be a whole number from 1 to ${LIMITS.maxQuantity}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkPrice(field: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > LIMITS.maxPrice) {
    throw new InvalidInputError(field, `must be a number from 0 to ${LIMITS.maxPrice}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkOccurredAt(field: string, value: unknown, now: number): string {
  if (value === undefined || value === null) return new Date(now).toISOString();
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new InvalidInputError(field, 'must be an ISO-8601 date-time');
  if (ms > now + LIMITS.maxFutureMs) throw new InvalidInputError(field, 'is more than 5 minutes in the future');
  if (ms < now - LIMITS.maxAgeMs) throw new InvalidInputError(field, 'is more than 7 days in the past');
  return new Date(ms).toISOString();
}

interface CommonInput {
  userId?: unknown;
  sessionId?: unknown;
  occurredAt?: unknown;
  eventId?: unknown;
  fromRecommendation?: unknown;
}

// `at` is where the input sits in the request: "input" for a single mutation, "input[3]" for a
// batch's fourth event, so every message names the field the client must fix.
function common(input: CommonInput, now: number, at: string) {
  const fromRecommendation = checkFromRecommendation(input.fromRecommendation, at);
  return {
    v: 1 as const,
    eventId: optionalId(`${at}.eventId`, input.eventId) ?? randomUUID(),
    userId: checkId(`${at}.userId`, input.userId),
    sessionId: optionalId(`${at}.sessionId`, input.sessionId),
    occurredAt: checkOccurredAt(`${at}.occurredAt`, input.occurredAt, now),
    receivedAt: new Date(now).toISOString(),
    // Only when given: envelopes without it stay as they were.
    ...(fromRecommendation ? { fromRecommendation } : {}),
  };
}

export function viewEnvelope(input: CommonInput & { productId?: unknown }, now = Date.now(), at = 'input'): ViewEnvelope {
  return { ...common(input, now, at), type: 'view', productId: checkId(`${at}.productId`, input.productId) };
}

export function addToCartEnvelope(input: CommonInput & { productId?: unknown; quantity?: unknown }, now = Date.now(), at = 'input'): AddToCartEnvelope {
  return {
    ...common(input, now, at),
    type: 'add_to_cart',
    productId: checkId(`${at}.productId`, input.productId),
    quantity: checkQuantity(`${at}.quantity`, input.quantity),
  };
}

export function purchaseEnvelope(input: CommonInput & { orderId?: unknown; items?: unknown }, now = Date.now(), at = 'input'): PurchaseEnvelope {
  const base = common(input, now, at);
  const orderId = checkId(`${at}.orderId`, input.orderId);
  if (!Array.isArray(input.items) || input.items.length === 0) {
    throw new InvalidInputError(`${at}.items`, 'must hold at least one item');
  }
  if (input.items.length > LIMITS.maxPurchaseItems) {
    throw new InvalidInputError(`${at}.items`, `must hold at most ${LIMITS.maxPurchaseItems} items, got ${input.items.length}`);
  }
  const items = input.items.map((raw: { productId?: unknown; quantity?: unknown; price?: unknown }, i): PurchaseItem => ({
    productId: checkId(`${at}.items[${i}].productId`, raw?.productId),
    quantity: checkQuantity(`${at}.items[${i}].quantity`, raw?.quantity),
    price: checkPrice(`${at}.items[${i}].price`, raw?.price),
  }));
  return { ...base, type: 'purchase', orderId, items };
}

/** The fields each event type of a batch takes besides the common ones; any other is refused. */
const OWN_FIELDS: Record<EventType, readonly string[]> = {
  view: ['productId'],
  add_to_cart: ['productId', 'quantity'],
  purchase: ['orderId', 'items'],
};
const TYPE_FIELDS = ['productId', 'quantity', 'orderId', 'items'] as const;

export type MixedEventInput = CommonInput & { type?: unknown; productId?: unknown; quantity?: unknown; orderId?: unknown; items?: unknown };

/**
 * One event of a batch (trackEvents): its `type` says which of the single mutations' rules apply.
 * A field that belongs to another type (an orderId on a VIEW) is refused, not ignored: it is a
 * client bug that would otherwise lose data silently.
 */
export function mixedEnvelope(input: MixedEventInput, now: number, at: string): EventEnvelope {
  const type = input.type;
  if (type !== 'view' && type !== 'add_to_cart' && type !== 'purchase') {
    throw new InvalidInputError(`${at}.type`, `must be VIEW, ADD_TO_CART or PURCHASE, got ${JSON.stringify(type)}`);
  }
  for (const field of TYPE_FIELDS) {
    if (input[field] !== undefined && input[field] !== null && !OWN_FIELDS[type].includes(field)) {
      throw new InvalidInputError(`${at}.${field}`, `is not taken by a ${type.toUpperCase()} event (it takes ${OWN_FIELDS[type].join(', ')})`);
    }
  }
  if (type === 'view') return viewEnvelope(input, now, at);
  if (type === 'add_to_cart') return addToCartEnvelope(input, now, at);
  return purchaseEnvelope(input, now, at);
}

export type { EventEnvelope };
