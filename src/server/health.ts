// /healthz: the process answers. /readyz: every dependency answers (503 with the failing ones).
import type { Router } from 'express';

export type Probe = () => Promise<{ ok: boolean; detail?: unknown }>;

export function mountHealth(router: Router, probes: Record<string, Probe>, timeoutMs = 1500): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, { ok: boolean; detail?: unknown }> = {};
    await Promise.all(
      Object.entries(probes).map(async ([name, probe]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          checks[name] = await Promise.race([
            probe(),
            new Promise<{ ok: boolean; detail: string }>((resolve) => {
              timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
            }),
          ]);
        } catch (err) {
          checks[name] = { ok: false, detail: (err as Error).message };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const ready = Object.values(checks).every((c) => c.ok);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
}
