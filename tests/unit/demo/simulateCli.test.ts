// `npm run simulate` end to end: the CLI (run by tsx, as npm runs it) against an embedded gateway
// started in this process.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { SIMILAR_PRODUCTS, TRENDING } from '../../../src/demo/operations';

const ROOT = path.resolve(__dirname, '../../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function simulate(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(TSX, ['scripts/simulate.ts', ...args], { cwd: ROOT, timeout: 30_000, env: { ...process.env, RECSYS_TOKEN: '', ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Asks the gateway through the contract until `ready` holds for the answer (scoring is asynchronous). */
async function eventually<T>(url: string, query: string, variables: Record<string, unknown>, ready: (data: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const { data } = (await res.json()) as { data: T };
    if (ready(data) || Date.now() > deadline) return data;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run simulate', () => {
  let gateway: Gateway;
  let dir: string;

  beforeAll(async () => {
    gateway = await startGateway(loadConfig({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: 'test' }), createLogger('silent'));
    dir = mkdtempSync(path.join(os.tmpdir(), 'simulate-cli-'));
  });
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends shoppers' events through the API within its bounds and ends with one summary line", async () => {
    const { code, stderr } = await simulate(['--users', '5', '--rate', '40', '--duration', '2', '--url', gateway.url]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^simulate: \d+ sent, 0 errors, [\d.]+\/s, 2s of 2s, 0 in flight \(time is up\)$/m);
    const sent = Number(/(\d+) sent/.exec(stderr)![1]);
    expect(sent).toBeGreaterThanOrEqual(60);
    expect(sent).toBeLessThanOrEqual(80);
    const { trending } = await eventually<{ trending: unknown[] }>(gateway.url, TRENDING, { limit: 5 }, (d) => d.trending.length > 0);
    expect(trending.length).toBeGreaterThan(0);
  }, 40_000);

  it('without --url targets the gateway on PORT, as npm start reads it; a PORT that is no port is refused naming it', async () => {
    const port = new URL(gateway.url).port;
    const { code, stderr } = await simulate(['--users', '2', '--rate', '20', '--duration', '1'], { PORT: port });
    expect(stderr).toMatch(/^simulate: [1-9]\d* sent, 0 errors/m);
    expect(code).toBe(0);
    const bad = await simulate(['--duration', '1'], { PORT: 'http' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PORT: expected a whole number from 0 to 65535, got "http"/);
  }, 40_000);

  it('replays a dataset file in order, stamped now, and reports what it read', async () => {
    const file = path.join(dir, 'UserBehavior.csv');
    const t = 1511658000;
    writeFileSync(file, [`7,900,1,pv,${t}`, `7,901,1,pv,${t + 1}`, `8,900,1,cart,${t + 2}`, `8,902,1,buy,${t + 3}`, 'bad,row'].join('\n') + '\n');
    const { code, stderr } = await simulate(['--replay', file, '--speed', '100', '--duration', '5', '--url', gateway.url]);
    expect(code).toBe(0);
    expect(stderr).toContain('(taobao)');
    expect(stderr).toMatch(/simulate: 4 sent, 0 errors.*\(the file is done\)/);
    expect(stderr).toContain('5 lines read, 1 bad rows skipped');
    type Similar = { similarProducts: { product: { id: string } }[] };
    const { similarProducts } = await eventually<Similar>(gateway.url, SIMILAR_PRODUCTS, { productId: '900', limit: 5 }, (d) => d.similarProducts.length > 0);
    expect(similarProducts.map((s) => s.product.id)).toContain('901');
  }, 40_000);

  it('refuses a gateway that is not on this machine, before sending anything', async () => {
    const { code, stderr } = await simulate(['--url', 'http://192.0.2.1:4000/graphql']);
    expect(code).toBe(2);
    expect(stderr).toContain('only loopback gateways are allowed');
  }, 40_000);

  it('says how to start the gateway when nothing answers', async () => {
    const { code, stderr } = await simulate(['--duration', '1', '--url', 'http://127.0.0.1:1/graphql']);
    expect(code).toBe(1);
    expect(stderr).toContain('cannot reach the gateway');
    expect(stderr).toContain('npm start');
  }, 40_000);
});
