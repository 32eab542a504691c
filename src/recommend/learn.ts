// Learning one event: the user's new state and the increments to the shared statistics.
import type { RecFlags } from '../flags/definitions';
import { decayedWeight, inFrame, rebase } from './decay';
import { USER_BOUNDS, type InteractionType, type RecentItem, type ScoringEvent, type StatDelta, type UserState } from './types';

export type LearnFlags = Pick<RecFlags, 'weights.view' | 'weights.addToCart' | 'weights.purchase' | 'decay.halfLifeHours'>;

export interface LearnContext {
  flags: LearnFlags;
  categoryOf(productId: string): string | null;
}

/** How many earlier items a new interaction is paired with, and how far back they may lie. */
export const COVIS_WINDOW = { items: 3, maxGapMs: 6 * 3_600_000 } as const;
/** The later item of a pair counts fully; the reverse direction counts this much. */
const BACKWARD_SHARE = 0.5;

export function weightOf(type: InteractionType, flags: LearnFlags): number {
  if (type === 'view') return flags['weights.view'];
  if (type === 'add_to_cart') return flags['weights.addToCart'];
  return flags['weights.purchase'];
}

export interface Learned {
  user: UserState;
  deltas: StatDelta[];
  /** False when the event was learned before (same eventId): nothing changes. */
  applied: boolean;
}

export function learnEvent(before: UserState, event: ScoringEvent, ctx: LearnContext): Learned {
  if (before.seen.includes(event.eventId)) return { user: before, deltas: [], applied: false };
  const { value: decayed, frame } = decayedWeight(weightOf(event.type, ctx.flags), event.at, ctx.flags['decay.halfLifeHours']);
  const deltas: StatDelta[] = [];
  // The affinities move to the later of their frame and the event's, as a stored statistic does.
  const moved = before.catsFrame ? rebase(before.catsFrame, frame) : { frame, factor: 1 };
  const cats = moved.factor === 1 ? { ...before.cats } : scaled(before.cats, moved.factor);
  const catIncr = inFrame(decayed, frame, moved.frame);
  let recent = before.recent;
  let cart = before.cart;
  let purchased = before.purchased;

  for (const product of event.productIds) {
    const category = ctx.categoryOf(product);
    deltas.push({ kind: 'trending', category: null, product, incr: decayed, frame });
    deltas.push({ kind: 'session', product, user: event.userId, at: event.at });
    if (category !== null) {
      deltas.push({ kind: 'trending', category, product, incr: decayed, frame });
      cats[category] = (cats[category] ?? 0) + catIncr;
    }
    // Co-visitation with the items just before this one: the nearer, the stronger; the
    // item that came next counts more than the one before (order matters for "next").
    let rank = 0;
    for (const prior of recent) {
      if (rank >= COVIS_WINDOW.items || event.at - prior.t > COVIS_WINDOW.maxGapMs) break;
      if (prior.p === product) continue;
      rank += 1;
      const incr = decayed / rank;
      deltas.push({ kind: 'covis', from: prior.p, to: product, incr, frame });
      deltas.push({ kind: 'covis', from: product, to: prior.p, incr: incr * BACKWARD_SHARE, frame });
    }
    recent = withFirst(recent, { p: product, t: event.at }, USER_BOUNDS.recent);
  }

  if (event.type === 'add_to_cart') {
    for (const product of event.productIds) {
      for (const other of cart) {
        if (other === product) continue;
        deltas.push({ kind: 'bought', from: other, to: product, incr: decayed, frame });
        deltas.push({ kind: 'bought', from: product, to: other, incr: decayed, frame });
      }
      cart = [product, ...cart.filter((p) => p !== product)].slice(0, USER_BOUNDS.cart);
    }
  } else if (event.type === 'purchase') {
    const basket = [...new Set(event.productIds)];
    for (const a of basket) {
      for (const b of basket) if (a !== b) deltas.push({ kind: 'bought', from: a, to: b, incr: decayed, frame });
    }
    purchased = [...basket, ...purchased.filter((p) => !basket.includes(p))].slice(0, USER_BOUNDS.purchased);
    cart = cart.filter((p) => !basket.includes(p));
  }

  return {
    user: {
      recent,
      cart,
      purchased,
      cats: topCategories(cats),
      catsFrame: moved.frame,
      seen: appendBounded(before.seen, event.eventId, USER_BOUNDS.seen),
    },
    deltas,
    applied: true,
  };
}

/** `item` first, then `list` without its product, `bound` items at most: one array (learning runs per event). */
function withFirst(list: readonly RecentItem[], item: RecentItem, bound: number): RecentItem[] {
  const out = [item];
  for (let i = 0; i < list.length && out.length < bound; i++) if (list[i]!.p !== item.p) out.push(list[i]!);
  return out;
}

/** A copy of `list` with `item` appended, the oldest dropped beyond `bound` (one copy). */
function appendBounded(list: readonly string[], item: string, bound: number): string[] {
  const out = list.slice(list.length >= bound ? list.length - bound + 1 : 0);
  out.push(item);
  return out;
}

function scaled(values: Record<string, number>, factor: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(values)) {
    const v = value * factor;
    if (v > 0 || value === 0) out[key] = v; // an affinity that underflowed to zero is forgotten
  }
  return out;
}

function topCategories(cats: Record<string, number>): Record<string, number> {
  let count = 0;
  for (const _ in cats) count += 1; // counted without building the entries: most states are within the bound
  if (count <= USER_BOUNDS.categories) return cats;
  const entries = Object.entries(cats);
  entries.sort((a, b) => b[1] - a[1]);
  return Object.fromEntries(entries.slice(0, USER_BOUNDS.categories));
}
