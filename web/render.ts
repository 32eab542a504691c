// DOM building for the demo page: small functions that return elements, no state of their own.
import { CATEGORY_LABELS } from '../src/demo/catalog';
import { formatPrice, reasonLabel } from '../src/demo/page';
import type { Product } from '../src/store/types';

export function $(testId: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  if (!el) throw new Error(`the page has no [data-testid="${testId}"]`);
  return el;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

export function categoryLabel(category: string | null | undefined): string {
  return category ? ((CATEGORY_LABELS as Record<string, string>)[category] ?? category) : '';
}

function initials(name: string): string {
  const words = name
    .replace(/-/g, ' ')
    .replace(/[^\p{L}\s]/gu, '')
    .split(/\s+/)
    .filter(Boolean);
  return words
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

export interface CardHandlers {
  view(product: Product): void;
  addToCart(product: Product, button: HTMLButtonElement): void;
  buy(product: Product, button: HTMLButtonElement): void;
}

export function productCard(product: Product, on: CardHandlers): HTMLLIElement {
  const thumbAttrs: Record<string, string> = { class: 'thumb', 'aria-hidden': 'true' };
  if (product.category) thumbAttrs['data-category'] = product.category;
  const open = el(
    'button',
    { type: 'button', class: 'open', 'data-testid': 'product-open', title: `View ${product.name}` },
    el('div', thumbAttrs, initials(product.name)),
    el(
      'div',
      { class: 'body' },
      el('div', { class: 'name', 'data-testid': 'product-name' }, product.name),
      el('div', { class: 'price' }, `${formatPrice(product.price)} · ${categoryLabel(product.category)}`),
    ),
  );
  open.addEventListener('click', () => on.view(product));
  const cart = el('button', { type: 'button', 'data-testid': 'add-to-cart' }, 'Add to cart');
  cart.addEventListener('click', () => on.addToCart(product, cart));
  const buy = el('button', { type: 'button', class: 'buy', 'data-testid': 'buy' }, 'Buy');
  buy.addEventListener('click', () => on.buy(product, buy));
  return el(
    'li',
    { class: 'card', 'data-testid': 'product-card', 'data-product-id': product.id, 'data-category': product.category ?? '' },
    open,
    el('div', { class: 'actions' }, cart, buy),
  );
}

export interface ListRow {
  productId: string;
  name: string | null;
  /** Second line: category, price, score... */
  detail: string;
  reason?: string;
}

/**
 * Replaces a panel list's rows. Rows whose product id is in `highlight` get the `changed` class
 * (a short CSS flash) and `data-changed="true"`. Clicking a row views that product.
 */
export function fillList(
  list: HTMLElement,
  empty: HTMLElement,
  rows: ListRow[],
  testId: string,
  onClick: (productId: string) => void,
  highlight: ReadonlySet<string> = new Set(),
): void {
  list.replaceChildren(
    ...rows.map((row, i) => {
      const attrs: Record<string, string> = { 'data-testid': testId, 'data-product-id': row.productId, 'data-rank': String(i + 1) };
      if (row.reason) attrs['data-reason'] = row.reason;
      if (highlight.has(row.productId)) {
        attrs.class = 'changed';
        attrs['data-changed'] = 'true';
      }
      const li = el(
        'li',
        attrs,
        el('span', { class: 'title' }, row.name ?? row.productId),
        row.reason ? el('span', { class: 'reason', 'data-reason': row.reason, 'data-testid': `${testId}-reason` }, reasonLabel(row.reason)) : el('span'),
        el('span', { class: 'sub' }, row.detail),
      );
      li.addEventListener('click', () => onClick(row.productId));
      return li;
    }),
  );
  empty.hidden = rows.length > 0;
}

/** Restarts a CSS animation class on an element (removing and re-adding it). */
export function flash(node: HTMLElement, className: string): void {
  node.classList.remove(className);
  void node.offsetWidth; // reflow, so the animation starts again
  node.classList.add(className);
}
