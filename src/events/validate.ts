// Turns a track mutation's input into an envelope, or refuses it naming the field.
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors';
import type { AddToCartEnvelope, EventEnvelope, PurchaseEnvelope, PurchaseItem, ViewEnvelope } from './envelope';

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
}

function common(input: CommonInput, now: number) {
  return {
    v: 1 as const,
    eventId: optionalId('input.eventId', input.eventId) ?? randomUUID(),
    userId: checkId('input.userId', input.userId),
    sessionId: optionalId('input.sessionId', input.sessionId),
    occurredAt: checkOccurredAt('input.occurredAt', input.occurredAt, now),
    receivedAt: new Date(now).toISOString(),
  };
}

export function viewEnvelope(input: CommonInput & { productId?: unknown }, now = Date.now()): ViewEnvelope {
  return { ...common(input, now), type: 'view', productId: checkId('input.productId', input.productId) };
}

export function addToCartEnvelope(
  input: CommonInput & { productId?: unknown; quantity?: unknown },
  now = Date.now(),
): AddToCartEnvelope {
  return {
    ...common(input, now),
    type: 'add_to_cart',
    productId: checkId('input.productId', input.productId),
    quantity: checkQuantity('input.quantity', input.quantity),
  };
}

export function purchaseEnvelope(
  input: CommonInput & { orderId?: unknown; items?: unknown },
  now = Date.now(),
): PurchaseEnvelope {
  const base = common(input, now);
  const orderId = checkId('input.orderId', input.orderId);
  if (!Array.isArray(input.items) || input.items.length === 0) {
    throw new InvalidInputError('input.items', 'must hold at least one item');
  }
  if (input.items.length > LIMITS.maxPurchaseItems) {
    throw new InvalidInputError('input.items', `must hold at most ${LIMITS.maxPurchaseItems} items, got ${input.items.length}`);
  }
  const items = input.items.map((raw: { productId?: unknown; quantity?: unknown; price?: unknown }, i): PurchaseItem => ({
    productId: checkId(`input.items[${i}].productId`, raw?.productId),
    quantity: checkQuantity(`input.items[${i}].quantity`, raw?.quantity),
    price: checkPrice(`input.items[${i}].price`, raw?.price),
  }));
  return { ...base, type: 'purchase', orderId, items };
}

export type { EventEnvelope };
