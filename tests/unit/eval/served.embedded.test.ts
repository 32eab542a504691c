// `eval --served` against a gateway in embedded mode, on a small generated fixture (never the datasets).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gateway } from '../../../src/app';
import { main, type EvalReport } from '../../../src/eval/cli';
import { Ours } from '../../../src/eval/methods/ours';
import { httpGateway } from '../../../src/eval/served/client';
import { runServed } from '../../../src/eval/served/run';
import type { EvalEvent } from '../../../src/eval/types';
import { startTestGateway } from '../../helpers/gateway';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

/**
 * Warm-up (first 8 h): 30 sessions teach "p<g>a is followed by p<g>b" (3 groups); 500 two-view
 * sessions over 25 noise items make those the trending top (each ~40 views against b's 10), so b
 * is in a list only when the list knows the shopper just viewed a. Test (last 2 h): 9 sessions
 * "p<g>a, p<g>b": each b is predicted from the list read after a was scored.
 */
function fixture(): EvalEvent[] {
  const events: EvalEvent[] = [];
  const view = (sessionId: string, itemId: string, ts: number) => events.push({ sessionId, userId: sessionId, itemId, ts, type: 'view' });
  for (let i = 0; i < 30; i++) {
    view(`w${i}`, `p${i % 3}a`, T0 + i * 15 * MIN);
    view(`w${i}`, `p${i % 3}b`, T0 + i * 15 * MIN + MIN);
  }
  for (let i = 0; i < 500; i++) {
    view(`n${i}`, `n${i % 25}`, T0 + i * 50_000 + 7_000);
    view(`n${i}`, `n${(i + 1) % 25}`, T0 + i * 50_000 + 8_000);
  }
  for (let i = 0; i < 9; i++) {
    view(`t${i}`, `p${i % 3}a`, T0 + 8 * 60 * MIN + i * 10 * MIN);
    view(`t${i}`, `p${i % 3}b`, T0 + 8 * 60 * MIN + i * 10 * MIN + MIN);
  }
  view('end', 'n0', T0 + 10 * 60 * MIN);
  return events.sort((a, b) => a.ts - b.ts);
}

jest.setTimeout(60_000); // ~1,100 events through a gateway on a shared 2-core machine

let gateway: Gateway;
beforeAll(async () => {
  gateway = await startTestGateway({ RECSYS_TRACK_RATE_IP_PER_SECOND: '0', RECSYS_TRACK_RATE_USER_PER_SECOND: '0' });
});
afterAll(() => gateway.stop());

describe('eval --served through an embedded gateway', () => {
  test('records the list each shopper had just before their event: every b follows the a it was shown after', async () => {
    const report = await runServed(
      fixture(),
      httpGateway(new URL(gateway.url)),
      { spec: 'ours:keepViewed=false', method: new Ours({ keepViewed: false }) },
      {
        k: 20,
        testFraction: 0.2,
        batchSize: 500,
        speed: null,
        concurrency: 4,
      },
    );
    expect(report.accepted).toBe(fixture().length);
    expect(report.refused).toEqual({});
    expect(report.predictions).toBe(9);
    const [hr, mrr] = report.paired.rows;
    // A trending list (read before a was scored) holds no b: only lists that knew a hit.
    expect(hr!.a).toBe(1);
    expect(hr!.b).toBe(1);
    expect(mrr!.a).toBeGreaterThan(0.5);
    expect(report.shortLists).toBe(0);
  });

  test('the command prints the comparison and ends with the served / offline line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'served-'));
    try {
      const file = join(dir, 'fixture-clicks.txt');
      writeFileSync(file, ['SessionId\tItemId\tTime', ...fixture().map((e) => `${e.sessionId}\t${e.itemId}\t${e.ts / 1000}`)].join('\n'));
      let out = '';
      let err = '';
      const code = await main(['--served', '--url', gateway.url, '--dataset', file, '--quiet'], {
        stdout: (t) => (out += t),
        stderr: { write: (t: string) => (err += t) },
      });
      expect(err).toBe('');
      expect(code).toBe(0);
      const last = out.trimEnd().split('\n').pop()!;
      expect(last).toMatch(/^served: HR@20 \d\.\d{4} MRR@20 \d\.\d{4}; offline: HR@20 \d\.\d{4} MRR@20 \d\.\d{4}$/);
      expect(last.startsWith('served: HR@20 1.0000 MRR@20 ')).toBe(true);

      let json = '';
      await main(['--served', '--url', gateway.url, '--dataset', file, '--quiet', '--json'], {
        stdout: (t) => (json += t),
        stderr: { write: () => undefined },
      });
      const report = JSON.parse(json) as EvalReport;
      expect(report.served?.predictions).toBe(9);
      expect(report.paired?.a).toBe('served');
      expect(report.paired?.b).toBe('ours:keepViewed=false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
