import express from 'express';
import type { AddressInfo } from 'node:net';
import { checkReadiness, mountHealth, type Probe } from '../../../src/server/health';

describe('readiness', () => {
  test('ok, degraded and down are told apart; a probe that throws or hangs counts as down, with the reason', async () => {
    const probes: Record<string, Probe> = {
      redis: async () => ({ status: 'ok' }),
      zookeeper: async () => ({ status: 'degraded', detail: { reason: 'serving the last known flags' } }),
      legacyUp: async () => ({ ok: true }),
      legacyDown: async () => ({ ok: false }),
      throws: async () => {
        throw new Error('connection refused');
      },
      hangs: () => new Promise(() => undefined),
    };
    const r = await checkReadiness(probes, 50);
    expect(r.status).toBe('not ready');
    expect(r.down).toEqual(['hangs', 'legacyDown', 'throws']);
    expect(r.degraded).toEqual(['zookeeper']);
    expect(r.checks.legacyUp).toEqual({ status: 'ok', ok: true });
    expect(r.checks.throws).toEqual({ status: 'down', ok: false, detail: 'connection refused' });
    expect(r.checks.hangs!.detail).toBe('no answer within 50 ms');
    expect(r.checks.zookeeper).toEqual({ status: 'degraded', ok: true, detail: { reason: 'serving the last known flags' } });
  });

  test('/readyz answers 200 when only degraded (naming it), 503 when something is down', async () => {
    let zk: 'ok' | 'degraded' | 'down' = 'degraded';
    const app = express();
    mountHealth(app, { redis: async () => ({ status: 'ok' }), zookeeper: async () => ({ status: zk }) });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`;
    try {
      const degraded = await fetch(url);
      expect(degraded.status).toBe(200);
      expect(await degraded.json()).toMatchObject({ status: 'degraded', degraded: ['zookeeper'], down: [] });
      zk = 'down';
      const down = await fetch(url);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'not ready', down: ['zookeeper'] });
      zk = 'ok';
      expect((await fetch(url)).status).toBe(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
