// Attribution as plain functions over one shopper's bounded state: which lists they received,
// which items they clicked from which list, and the add-to-carts and purchases that followed a
// click of the same product within the window. Events of one shopper arrive on three topics, so a
// purchase may be counted before the click it follows: it waits (bounded) for that click.
// Every input carries an id the state remembers, so a redelivered one counts nothing twice.
import type { ListRef } from '../events/listId';

export type Metric = 'lists' | 'items' | 'clicks' | 'carts' | 'purchases' | 'revenueCents' | 'shoppers' | 'clickers' | 'buyers';
/** Counted once per shopper and arm (the strategy is '*'): the units the statistics compare. */
export const SHOPPER_METRICS: readonly Metric[] = ['shoppers', 'clickers', 'buyers'];

export interface Increment {
  experiment: string;
  arm: string;
  /** '*' for the per-shopper metrics. */
  strategy: string;
  metric: Metric;
  by: number;
  /** When it happened (ms): per-shopper metrics also go to the time series. */
  at: number;
}

interface Click {
  p: string;
  at: number;
  ref: ListRef;
}
interface Conversion {
  p: string;
  at: number;
  kind: 'cart' | 'purchase';
  qty: number;
  cents: number;
}

export interface AttributionState {
  /** Ids already counted: events, and 'L:' + listId for deliveries. */
  seen: string[];
  clicks: Click[];
  /** Conversions no click explains yet (the click may still arrive from another topic). */
  pending: Conversion[];
  /** Per-shopper metrics already counted: `${metric}|${experiment}|${arm}`. */
  marks: string[];
}

export const ATTRIBUTION_BOUNDS = { seen: 256, clicks: 50, pending: 50, marks: 60 } as const;

export function emptyAttribution(): AttributionState {
  return { seen: [], clicks: [], pending: [], marks: [] };
}

export interface ConversionLine {
  productId: string;
  quantity: number;
  /** Price x quantity in cents (0 when the price is unknown). */
  cents: number;
}

export type AttributionInput =
  | { kind: 'delivery'; id: string; ref: ListRef; items: number; at: number }
  | { kind: 'click'; id: string; productId: string; ref: ListRef; at: number }
  /** An add-to-cart or purchase; `ref` when it was made from a list directly (it is a click too). */
  | { kind: 'cart' | 'purchase'; id: string; lines: ConversionLine[]; ref: ListRef | null; at: number };

function bounded<T>(items: T[], max: number): T[] {
  return items.length > max ? items.slice(items.length - max) : items;
}

/** The state after `input`, and what it adds to the counters (nothing when it was counted before). */
export function attribute(before: AttributionState, input: AttributionInput, windowMs: number): { state: AttributionState; increments: Increment[] } {
  if (before.seen.includes(input.id)) return { state: before, increments: [] };
  const state: AttributionState = {
    seen: bounded([...before.seen, input.id], ATTRIBUTION_BOUNDS.seen),
    clicks: [...before.clicks],
    pending: [...before.pending],
    marks: [...before.marks],
  };
  const increments: Increment[] = [];
  const add = (ref: ListRef, metric: Metric, by: number, at: number) => {
    if (by !== 0) increments.push({ experiment: ref.experiment, arm: ref.arm, strategy: ref.strategy, metric, by, at });
  };
  const mark = (ref: ListRef, metric: Metric, at: number) => {
    const key = `${metric}|${ref.experiment}|${ref.arm}`;
    if (state.marks.includes(key)) return;
    state.marks = bounded([...state.marks, key], ATTRIBUTION_BOUNDS.marks);
    increments.push({ experiment: ref.experiment, arm: ref.arm, strategy: '*', metric, by: 1, at });
  };
  const convert = (ref: ListRef, c: Conversion) => {
    add(ref, c.kind === 'cart' ? 'carts' : 'purchases', 1, c.at);
    if (c.kind === 'purchase') {
      add(ref, 'revenueCents', c.cents, c.at);
      mark(ref, 'buyers', c.at);
    }
  };
  const click = (productId: string, ref: ListRef, at: number) => {
    add(ref, 'clicks', 1, at);
    mark(ref, 'clickers', at);
    // Conversions seen before this click (another topic's batch came first) that it explains.
    const explained = state.pending.filter((c) => c.p === productId && c.at >= at && c.at <= at + windowMs);
    for (const c of explained) convert(ref, c);
    state.pending = state.pending.filter((c) => !explained.includes(c));
    state.clicks = bounded([...state.clicks, { p: productId, at, ref }], ATTRIBUTION_BOUNDS.clicks);
  };

  switch (input.kind) {
    case 'delivery':
      add(input.ref, 'lists', 1, input.at);
      add(input.ref, 'items', input.items, input.at);
      mark(input.ref, 'shoppers', input.at);
      break;
    case 'click':
      click(input.productId, input.ref, input.at);
      break;
    default:
      for (const line of input.lines) {
        if (input.ref) click(line.productId, input.ref, input.at);
        const conversion: Conversion = { p: line.productId, at: input.at, kind: input.kind, qty: line.quantity, cents: line.cents };
        // The latest click of this product at most windowMs before.
        const by = state.clicks.filter((c) => c.p === line.productId && c.at <= input.at && input.at - c.at <= windowMs).sort((a, b) => b.at - a.at)[0];
        if (by) convert(by.ref, conversion);
        else state.pending = bounded([...state.pending, conversion], ATTRIBUTION_BOUNDS.pending);
      }
  }
  // What can no longer be matched: clicks and waiting conversions older than twice the window
  // before this input (an input from another topic may lag, but not by that much).
  const horizon = input.at - 2 * windowMs;
  state.clicks = state.clicks.filter((c) => c.at >= horizon);
  state.pending = state.pending.filter((c) => c.at >= horizon);
  return { state, increments };
}
