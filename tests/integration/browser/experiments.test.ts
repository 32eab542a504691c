// The /experiments page in a real browser (Debian's Chromium driven by playwright-core) after a
// simulated A/B run through an embedded gateway's API: the arms side by side with their
// intervals, the verdict the experimentReport query gives, the method named, the plots drawn,
// readable on a phone. Saves docs/experiments.png for the README.
import 'reflect-metadata';
import path from 'node:path';
import { print } from 'graphql';
import { chromium, type Browser } from 'playwright-core';
import { startGateway, type Gateway } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { DEMO_CATALOG } from '../../../src/demo/catalog';
import { runExperiment } from '../../../src/demo/simulate/experimentRun';
import { ExperimentReportDocument } from '../../../src/generated/graphql';

jest.setTimeout(120_000);

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];
const DOCS_SCREENSHOT = path.resolve(__dirname, '../../../docs/experiments.png');

describe('the /experiments page in Chromium', () => {
  let gateway: Gateway;
  let browser: Browser;
  const post = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
    return body.data!;
  };

  beforeAll(async () => {
    gateway = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test', RECSYS_EXPERIMENT_BUCKET_MS: '2000' }), createLogger('silent'));
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  test('shows the arms, the verdict of the report, the method and the plots, and fits a phone', async () => {
    const run = await runExperiment({
      post,
      shoppers: 1_200,
      seed: 5,
      aa: false,
      durationMs: 90_000,
      maxInFlight: 16,
      runId: 'browser',
      catalog: DEMO_CATALOG,
    });
    const { experimentReport } = (await post(print(ExperimentReportDocument), { experiment: run.experiment })) as {
      experimentReport: { verdict: string; arms: { arm: string; shoppers: number }[] };
    };
    expect(experimentReport.arms.map((a) => a.arm)).toEqual(['A', 'B']);

    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const response = await page.goto(`${new URL(gateway.url).origin}/experiments?experiment=${run.experiment}`);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('[data-testid="verdict"]')).toBe(experimentReport.verdict);
    const headers = await page.$$eval('table.arms thead th', (ths) => ths.map((th) => th.textContent?.trim()));
    expect(headers).toEqual(['', 'A (control)', 'B']);
    const shoppers = await page.$$eval(
      'table.arms tbody tr',
      (rows) => rows.find((r) => r.querySelector('th')?.textContent === 'Shoppers')!.querySelectorAll('td').length,
    );
    expect(shoppers).toBe(2);
    expect(await page.textContent('.method')).toMatch(/Wilson score intervals.*always-valid intervals/s);
    // Two plots, one line per arm each.
    expect(await page.$$eval('.plots svg', (svgs) => svgs.map((s) => s.querySelectorAll('polyline').length))).toEqual([2, 2]);
    await page.screenshot({ path: DOCS_SCREENSHOT, fullPage: true });

    // A phone: the page itself does not scroll sideways (wide tables scroll inside their box).
    await page.setViewportSize({ width: 420, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await context.close();
  });
});
