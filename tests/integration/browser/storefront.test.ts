// The storefront demo page in a real browser (Debian's Chromium driven by playwright-core) against
// an embedded gateway in this process: clicks become track mutations, and the "Recommended for
// you" panel of that user, and only that user, changes live over the graphql-ws subscription.
import 'reflect-metadata';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWeb } from '../../../scripts/build-web';
import { startGateway, type Gateway } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { RECOMMENDATIONS, TRACK_VIEW, TRENDING } from '../../../src/demo/operations';
import { createLogger } from '../../../src/logger';

jest.setTimeout(90_000);

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const ARTIFACTS = path.resolve(__dirname, '../../../artifacts');
const DOCS_SCREENSHOT = path.resolve(__dirname, '../../../docs/storefront.png');
const REASONS = ['ALSO_VIEWED', 'BOUGHT_TOGETHER', 'TRENDING', 'CATEGORY_AFFINITY', 'RECENTLY_VIEWED'];

/** Other shoppers' views before the pages open, so lists start with trending items. */
const WARM_UP: Record<string, string[]> = {
  'warm-1': ['cof-espresso-beans', 'cof-burr-grinder', 'cof-moka-pot', 'cof-espresso-beans'],
  'warm-2': ['cof-espresso-beans', 'cof-paper-filters', 'kit-chef-knife'],
  'warm-3': ['out-headlamp', 'out-daypack', 'aud-headphones', 'hom-desk-lamp'],
};

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

interface PanelState {
  version: number;
  items: string[];
  changed: string[];
}

async function recsPanel(page: Page): Promise<PanelState> {
  return page.evaluate(() => {
    const panel = document.querySelector<HTMLElement>('[data-testid="recs-panel"]')!;
    const rows = Array.from(panel.querySelectorAll<HTMLElement>('[data-testid="rec-item"]'));
    return {
      version: Number(panel.dataset.version || 0),
      items: rows.map((r) => `${r.dataset.productId}|${r.dataset.reason}`),
      changed: rows.filter((r) => r.dataset.changed === 'true').map((r) => r.dataset.productId!),
    };
  });
}

/** Clicks a product card and returns how long the panel took to show a newer version. */
async function clickAndWaitForUpdate(page: Page, productId: string, timeoutMs: number): Promise<{ ms: number; panel: PanelState }> {
  const before = await recsPanel(page);
  const started = Date.now();
  await page.click(`[data-testid="product-card"][data-product-id="${productId}"] [data-testid="product-open"]`);
  await page.waitForFunction((v) => Number(document.querySelector<HTMLElement>('[data-testid="recs-panel"]')!.dataset.version || 0) > v, before.version, {
    timeout: timeoutMs,
    polling: 'raf',
  });
  return { ms: Date.now() - started, panel: await recsPanel(page) };
}

describe('the storefront demo page', () => {
  let gateway: Gateway;
  let browser: Browser;
  let webDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium was not found at ${CHROMIUM}. The storefront browser test needs it: install it with ` +
          '`apt-get update && apt-get install -y chromium` (Debian), or point CHROMIUM_PATH at a Chromium binary.',
      );
    }
    webDir = mkdtempSync(path.join(os.tmpdir(), 'storefront-web-'));
    await buildWeb({ outDir: webDir });
    gateway = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test' }), createLogger('warn'), { webDir });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });

    for (const [userId, products] of Object.entries(WARM_UP)) {
      for (const productId of products) await post(gateway.url, TRACK_VIEW, { input: { userId, productId } });
    }
    const deadline = Date.now() + 10_000;
    while ((await post(gateway.url, TRENDING, { limit: 5 })).trending.length < 5) {
      if (Date.now() > deadline) throw new Error('the warm-up views never reached the trending list');
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    if (webDir) rmSync(webDir, { recursive: true, force: true });
  });

  async function openAs(userId: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(gateway.url.replace(/\/graphql$/, `/?user=${userId}`));
    await page.waitForSelector('[data-testid="connection"][data-state="connected"]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="rec-item"]', { timeout: 10_000 });
    expect(problems).toEqual([]);
    return page;
  }

  it('updates only the clicking user\'s "Recommended for you" panel after each click (the time of each update is printed)', async () => {
    const ada = await openAs('demo-ada');
    const grace = await openAs('demo-grace');
    expect(await ada.locator('[data-testid="product-card"]').count()).toBeGreaterThanOrEqual(30);
    const graceBefore = await recsPanel(grace);
    expect(graceBefore.items.length).toBeGreaterThan(0);

    for (const productId of ['cof-espresso-beans', 'cof-burr-grinder', 'kit-chef-knife']) {
      // Bounded, not timed: a loaded CI machine took 2.2 s once; the figure is printed.
      const { ms, panel } = await clickAndWaitForUpdate(ada, productId, 10_000);
      process.stdout.write(`storefront: ${productId} click to updated panel ${ms} ms\n`);
      expect(panel.items.length).toBeGreaterThan(0);
      expect(panel.items.map((i) => i.split('|')[0])).not.toContain(productId); // never the item being looked at
      expect(panel.changed.length).toBeGreaterThan(0); // the changed rows are highlighted
      for (const item of panel.items) expect(REASONS).toContain(item.split('|')[1]);
      // A push names its cause: the panel shows how long the view took to come back as this list.
      expect(await ada.locator('[data-testid="recs-meta"]').textContent()).toMatch(/ \d+ ms after a view$/);
    }
    const adaAfter = await recsPanel(ada);
    // Viewed just before the chef's knife: back as a reminder of her own item, not as "viewed together".
    expect(adaAfter.items).toContain('cof-burr-grinder|RECENTLY_VIEWED');
    expect(adaAfter.items.filter((i) => i.endsWith('|ALSO_VIEWED') && ['cof-espresso-beans', 'cof-burr-grinder'].includes(i.split('|')[0]!))).toEqual([]);

    // Grace's page at that moment (and a little later): the same version, the same list.
    expect(await recsPanel(grace)).toEqual(graceBefore);
    await grace.waitForTimeout(300);
    expect(await recsPanel(grace)).toEqual(graceBefore);

    // Every recommendation shows its reason; the side panels follow the last click.
    const reasonTexts = await ada.locator('[data-testid="rec-item-reason"]').allTextContents();
    expect(reasonTexts.length).toBeGreaterThan(0);
    expect(reasonTexts.filter((t) => t.trim().length === 0)).toEqual([]);
    await ada.waitForSelector('[data-testid="similar-item"]', { timeout: 5_000 });
    await ada.waitForSelector('[data-testid="trending-item"]', { timeout: 5_000 });

    // Cart and purchase go through as well.
    await ada.click('[data-testid="product-card"][data-product-id="cof-gooseneck-kettle"] [data-testid="add-to-cart"]');
    await ada.click('[data-testid="product-card"][data-product-id="cof-gooseneck-kettle"] [data-testid="buy"]');
    await ada.waitForFunction(() => document.querySelectorAll('[data-testid="activity-log"] li').length >= 5, undefined, { timeout: 5_000 });
    expect(await ada.locator('[data-testid="activity-log"] li.bad').count()).toBe(0);

    await ada.waitForTimeout(400); // let the last highlight settle a little for the picture
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = path.join(ARTIFACTS, 'storefront.png');
    await ada.screenshot({ path: shot });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') {
      mkdirSync(path.dirname(DOCS_SCREENSHOT), { recursive: true });
      copyFileSync(shot, DOCS_SCREENSHOT);
    }
  });

  it("shows another user's list after switching users, without a page reload", async () => {
    const page = await openAs('demo-linus');
    await page.selectOption('[data-testid="user-switcher"]', 'demo-ada');
    await page.waitForFunction(() => {
      const panel = document.querySelector<HTMLElement>('[data-testid="recs-panel"]')!;
      return panel.dataset.user === 'demo-ada' && panel.dataset.version !== '';
    });
    const panel = await recsPanel(page);
    const { recommendations } = await post(gateway.url, RECOMMENDATIONS, { userId: 'demo-ada', limit: 8 });
    expect(panel.version).toBe(recommendations.version);
    expect(panel.items).toEqual(recommendations.items.map((i: { reason: string; product: { id: string } }) => `${i.product.id}|${i.reason}`));
    expect(panel.changed).toEqual([]); // a freshly shown list highlights nothing
    expect(page.url()).toContain('user=demo-ada');
  });

  it('shows only the shopper on screen in "Your activity": a switch swaps the panel, and switching back restores it', async () => {
    const page = await openAs('demo-margaret');
    const activity = () => page.locator('[data-testid="activity-log"] li').allTextContents();
    await page.click('[data-testid="product-card"][data-product-id="out-headlamp"] [data-testid="product-open"]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="activity-log"] li').length >= 1, undefined, { timeout: 5_000 });
    const margaret = await activity();
    expect(margaret.some((t) => /viewed .*headlamp/i.test(t))).toBe(true);

    await page.selectOption('[data-testid="user-switcher"]', 'demo-grace');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="activity-log"]')!.dataset.user === 'demo-grace');
    expect(await activity()).toEqual([]); // this page did nothing as Grace

    await page.selectOption('[data-testid="user-switcher"]', 'demo-margaret');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid="activity-log"]')!.dataset.user === 'demo-margaret');
    expect(await activity()).toEqual(margaret);
  });

  it('fits a 420 px wide phone: nothing overflows sideways, and the recommendations come above the catalogue on the first screen', async () => {
    const viewport = { width: 420, height: 860 };
    const page = await openAs('demo-linus', viewport);
    const layout = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wider = Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className || e.dataset.testid || ''}`);
      const top = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`)!.getBoundingClientRect().top + window.scrollY;
      return { width, scrollWidth: document.documentElement.scrollWidth, wider, recs: top('recs-panel'), grid: top('product-grid'), firstRec: top('rec-item') };
    });
    process.stdout.write(`storefront at 420 px: ${JSON.stringify(layout)}\n`);
    expect(layout.wider).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
    expect(layout.recs).toBeLessThan(layout.grid);
    expect(layout.firstRec).toBeLessThan(viewport.height);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'storefront-420px.png') });
  });
});
