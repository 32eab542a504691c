// The storefront demo page: a product grid whose clicks, carts and purchases go to the gateway as
// the contract's track mutations, and panels that show what the gateway makes of them, the
// personal list live. Every call goes through the storefront client (client/), so this page is
// the client's browser test too.
import { createRecsClient, type RecsList } from '../client/src';
import { DEMO_CATALOG, DEMO_CATEGORIES, DEMO_USERS } from '../src/demo/catalog';
import { changedItems, formatPrice, pickUser, shortId, type ListedItem } from '../src/demo/page';
import { ProductDocument, SimilarProductsDocument, TrendingDocument, UpsertProductsDocument } from '../src/generated/graphql';
import type { Product } from '../src/store/types';
import { $, categoryLabel, el, fillList, flash, productCard } from './render';

const RECS_LIMIT = 8;
const CAUSE_LABELS = { VIEW: 'view', ADD_TO_CART: 'cart', PURCHASE: 'purchase' } as const;
const SIDE_LIMIT = 6;
const HIGHLIGHT_MS = 1600;
const TRENDING_POLL_MS = 4000;

const endpoint = new URL('/graphql', window.location.href).toString();
const client = createRecsClient({ url: endpoint });
const catalog = new Map(DEMO_CATALOG.map((p) => [p.id, p]));

const state = {
  userId: pickUser(
    window.location.search,
    DEMO_USERS.map((u) => u.id),
  ),
  sessions: new Map<string, string>(),
  lastViewed: null as string | null,
  recs: null as ListedItem[] | null,
  stopWatch: null as (() => void) | null,
  category: null as string | null,
};

const sessionOf = (userId: string): string => {
  let id = state.sessions.get(userId);
  if (!id) state.sessions.set(userId, (id = shortId('web')));
  return id;
};

interface Activity {
  text: string;
  ok: boolean;
}
const ACTIVITY_KEPT = 20;
/** Each shopper's own actions: the panel shows the shopper on screen only (switching swaps it). */
const activity = new Map<string, Activity[]>();

/** Logs under `userId` (default: the shopper on screen; a request answered after a switch passes its own). */
function log(text: string, ok = true, userId = state.userId): void {
  const entries = activity.get(userId) ?? [];
  entries.unshift({ text: `${new Date().toLocaleTimeString()} ${text}`, ok });
  entries.length = Math.min(entries.length, ACTIVITY_KEPT);
  activity.set(userId, entries);
  if (userId === state.userId) renderActivity();
}

function renderActivity(): void {
  const list = $('activity-log');
  list.dataset.user = state.userId;
  list.replaceChildren(...(activity.get(state.userId) ?? []).map((a) => el('li', a.ok ? {} : { class: 'bad' }, a.text)));
}

function notice(text: string | null, offerCatalog = false): void {
  const box = $('notice');
  box.hidden = text === null;
  $('notice-text').textContent = text ?? '';
  $('load-catalog').hidden = !offerCatalog;
}

function detailOf(productId: string, extra: string): string {
  const p = catalog.get(productId);
  return [p ? categoryLabel(p.category) : '', p ? formatPrice(p.price) : '', extra].filter(Boolean).join(' · ');
}

// --- tracking -----------------------------------------------------------------------------

/** One of the client's track calls, for the shopper on screen; logged under that shopper. */
async function track(label: string, send: (common: { userId: string; sessionId: string }) => Promise<unknown>, button?: HTMLButtonElement): Promise<void> {
  const userId = state.userId; // the shopper who acted, even if the page switches before the answer
  try {
    await send({ userId, sessionId: sessionOf(userId) });
    log(label, true, userId);
    if (button) {
      button.classList.add('done');
      setTimeout(() => button.classList.remove('done'), 800);
    }
  } catch (err) {
    log(`${label} failed: ${(err as Error).message}`, false, userId);
  }
}

function view(product: Product | string): void {
  const p = typeof product === 'string' ? (catalog.get(product) ?? { id: product, name: product }) : product;
  state.lastViewed = p.id;
  document.querySelectorAll('.card.viewed').forEach((c) => c.classList.remove('viewed'));
  document.querySelector(`.card[data-product-id="${CSS.escape(p.id)}"]`)?.classList.add('viewed');
  void track(`viewed ${p.name}`, (common) => client.trackView({ ...common, productId: p.id })).then(() => refreshSimilar());
}

const handlers = {
  view,
  addToCart(product: Product, button: HTMLButtonElement) {
    void track(`added ${product.name} to the cart`, (common) => client.trackAddToCart({ ...common, productId: product.id, quantity: 1 }), button);
  },
  buy(product: Product, button: HTMLButtonElement) {
    const items = [{ productId: product.id, quantity: 1, price: product.price }];
    void track(`bought ${product.name}`, (common) => client.trackPurchase({ ...common, orderId: shortId('order'), items }), button);
  },
};

// --- panels --------------------------------------------------------------------------------

function renderRecs(recs: RecsList): void {
  const items = recs.items.map((i) => ({ productId: i.product.id, reason: i.reason }));
  const changed = changedItems(state.recs, items);
  state.recs = items;
  const panel = $('recs-panel');
  fillList(
    $('recs-list'),
    $('recs-empty'),
    recs.items.map((i) => ({ productId: i.product.id, name: i.product.name, reason: i.reason, detail: detailOf(i.product.id, '') })),
    'rec-item',
    view,
    changed,
  );
  panel.dataset.version = String(recs.version);
  panel.dataset.user = recs.userId;
  panel.dataset.changed = String(changed.size);
  // A push says which event caused it and how long that event took to come back as this list.
  const cause = recs.latencyMs !== null && recs.causedBy ? ` · ${recs.latencyMs} ms after a ${CAUSE_LABELS[recs.causedBy.type]}` : '';
  $('recs-meta').textContent = `v${recs.version} · ${new Date(recs.generatedAt).toLocaleTimeString()}${cause}`;
  panel.dataset.latencyMs = recs.latencyMs === null ? '' : String(recs.latencyMs);
  if (changed.size > 0) {
    flash(panel, 'flash');
    setTimeout(() => panel.querySelectorAll('li.changed').forEach((li) => li.classList.remove('changed')), HIGHLIGHT_MS);
  }
  document.body.dataset.ready = 'true';
  void refreshTrending();
  void refreshSimilar();
}

async function refreshTrending(): Promise<void> {
  try {
    const data = await client.request(TrendingDocument, { category: state.category, limit: SIDE_LIMIT });
    fillList(
      $('trending-list'),
      $('trending-empty'),
      data.trending.map((t) => ({ productId: t.product.id, name: t.product.name, detail: detailOf(t.product.id, `score ${t.score.toFixed(2)}`) })),
      'trending-item',
      view,
    );
  } catch (err) {
    log(`trending failed: ${(err as Error).message}`, false);
  }
}

async function refreshSimilar(): Promise<void> {
  const productId = state.lastViewed;
  const source = $('similar-source');
  if (!productId) {
    source.textContent = '';
    fillList($('similar-list'), $('similar-empty'), [], 'similar-item', view);
    return;
  }
  source.textContent = `with ${catalog.get(productId)?.name ?? productId}`;
  try {
    const data = await client.request(SimilarProductsDocument, { productId, limit: SIDE_LIMIT });
    if (state.lastViewed !== productId) return; // a newer click is on its way
    fillList(
      $('similar-list'),
      $('similar-empty'),
      data.similarProducts.map((s) => ({ productId: s.product.id, name: s.product.name, reason: s.reason, detail: detailOf(s.product.id, '') })),
      'similar-item',
      view,
    );
  } catch (err) {
    log(`similar products failed: ${(err as Error).message}`, false);
  }
}

// --- user, catalogue, connection -------------------------------------------------------------

function showUser(userId: string): void {
  state.stopWatch?.();
  state.userId = userId;
  state.recs = null;
  state.lastViewed = null;
  document.querySelectorAll('.card.viewed').forEach((c) => c.classList.remove('viewed'));
  const panel = $('recs-panel');
  panel.dataset.version = '';
  panel.dataset.user = userId;
  fillList($('recs-list'), $('recs-empty'), [], 'rec-item', view);
  renderActivity();
  void refreshSimilar();
  const url = new URL(window.location.href);
  url.searchParams.set('user', userId);
  window.history.replaceState(null, '', url);
  const watch = client.watchRecommendations(userId, renderRecs, {
    limit: RECS_LIMIT,
    onError: (err) => log(`live list: ${err.message} (${err.code})`, false, userId),
  });
  state.stopWatch = () => watch.stop();
}

function renderSwitcher(): void {
  const select = $('user-switcher') as HTMLSelectElement;
  const users: { id: string; name: string }[] = [...DEMO_USERS];
  if (!users.some((u) => u.id === state.userId)) users.push({ id: state.userId, name: state.userId });
  select.replaceChildren(...users.map((u) => el('option', { value: u.id }, `${u.name} (${u.id})`)));
  select.value = state.userId;
  select.addEventListener('change', () => showUser(select.value));
}

function renderFilters(): void {
  const nav = $('category-filter');
  const choices: (string | null)[] = [null, ...DEMO_CATEGORIES];
  const buttons = choices.map((c) => {
    const b = el('button', { type: 'button', 'data-category': c ?? '', 'aria-pressed': String(c === null) }, c ? categoryLabel(c) : 'All');
    b.addEventListener('click', () => {
      state.category = c;
      buttons.forEach((other) => other.setAttribute('aria-pressed', String(other === b)));
      document.querySelectorAll<HTMLElement>('.card').forEach((card) => (card.hidden = c !== null && card.dataset.category !== c));
      void refreshTrending();
    });
    return b;
  });
  nav.replaceChildren(...buttons);
}

async function checkCatalog(): Promise<void> {
  const first = DEMO_CATALOG[0];
  if (!first) return;
  try {
    const data = await client.request(ProductDocument, { id: first.id });
    if (data.product) return;
    notice('This gateway does not know the demo catalogue yet (it loads by itself in embedded mode only).', true);
  } catch (err) {
    notice(`The gateway at ${endpoint} did not answer: ${(err as Error).message}`);
  }
}

async function loadCatalog(): Promise<void> {
  try {
    const data = await client.request(UpsertProductsDocument, { products: DEMO_CATALOG.map((p) => ({ ...p })) });
    notice(null);
    log(`loaded ${data.upsertProducts} demo products`);
  } catch (err) {
    notice(`Loading the catalogue failed: ${(err as Error).message}`, true);
  }
}

function watchConnection(): void {
  const badge = $('connection');
  const set = (s: string, text: string) => {
    badge.dataset.state = s;
    badge.textContent = text;
  };
  const TEXT = { connecting: 'connecting…', connected: 'live', closed: 'offline, retrying' } as const;
  client.onConnection((s) => set(s, TEXT[s]));
}

function main(): void {
  $('product-grid').replaceChildren(...DEMO_CATALOG.map((p) => productCard(p, handlers)));
  renderSwitcher();
  renderFilters();
  watchConnection();
  $('load-catalog').addEventListener('click', () => void loadCatalog());
  void checkCatalog();
  showUser(state.userId);
  void refreshTrending();
  setInterval(() => void refreshTrending(), TRENDING_POLL_MS);
}

main();
