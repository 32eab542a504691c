// Pure helpers of the storefront demo page (web/main.ts): no DOM, no I/O, unit-tested.

export type Reason = 'ALSO_VIEWED' | 'BOUGHT_TOGETHER' | 'TRENDING' | 'CATEGORY_AFFINITY' | 'RECENTLY_VIEWED';

/** How the page words each recommendation reason; an unknown reason is shown as sent. */
export const REASON_LABELS: Record<Reason, string> = {
  ALSO_VIEWED: 'Viewed together',
  BOUGHT_TOGETHER: 'Bought together',
  TRENDING: 'Trending',
  CATEGORY_AFFINITY: 'You like this category',
  RECENTLY_VIEWED: 'You viewed this',
};

export function reasonLabel(reason: string): string {
  return (REASON_LABELS as Record<string, string>)[reason] ?? reason;
}

export interface ListedItem {
  productId: string;
  reason: string;
}

/**
 * The items of `next` to highlight after an update: those that were not in `previous`, or are
 * there for another reason, or climbed. No highlight at all for the first list a page receives
 * (`previous` null): nothing "changed" for the viewer then.
 */
export function changedItems(previous: readonly ListedItem[] | null, next: readonly ListedItem[]): Set<string> {
  const changed = new Set<string>();
  if (previous === null) return changed;
  const before = new Map(previous.map((item, rank) => [item.productId, { reason: item.reason, rank }]));
  next.forEach((item, rank) => {
    const old = before.get(item.productId);
    if (!old || old.reason !== item.reason || rank < old.rank) changed.add(item.productId);
  });
  return changed;
}

const PRICE = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' });

export function formatPrice(price: number | null | undefined): string {
  return typeof price === 'number' && Number.isFinite(price) ? PRICE.format(price) : '';
}

/** A short random id for sessions and orders (not a secret; the page has no crypto needs). */
export function shortId(prefix: string, random: () => number = Math.random): string {
  return `${prefix}-${Math.floor(random() * 0x100000000).toString(36)}${Date.now().toString(36)}`;
}

/**
 * The user to show: `?user=` when it is a valid id (a demo user, or any shopper, e.g. one the
 * simulator replays), else the first demo user.
 */
export function pickUser(search: string, choices: readonly string[]): string {
  const wanted = new URLSearchParams(search).get('user');
  return wanted && /^[\x21-\x7E]{1,128}$/.test(wanted) ? wanted : (choices[0] ?? 'demo-user');
}
