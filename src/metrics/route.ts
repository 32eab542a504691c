// GET /metrics: the registry in Prometheus' text format.
import type { Router } from 'express';
import type { Registry } from 'prom-client';

export function mountMetrics(router: Router, registry: Registry): void {
  router.get('/metrics', async (_req, res) => {
    try {
      const body = await registry.metrics();
      res.setHeader('content-type', registry.contentType);
      res.send(body);
    } catch (err) {
      res.status(500).type('text/plain').send(`metrics collection failed: ${(err as Error).message}\n`);
    }
  });
}
