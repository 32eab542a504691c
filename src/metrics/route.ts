// GET /metrics: the registry in Prometheus' text format. With a token configured the scraper must
// send it as a bearer token; without one, development serves it openly and production refuses
// (the series name users' traffic and internals an outsider has no business reading).
import { timingSafeEqual } from 'node:crypto';
import type { Router } from 'express';
import type { Registry } from 'prom-client';

export interface MetricsAccess {
  /** Bearer token the scraper sends; null: see `open`. */
  token: string | null;
  /** Without a token: served to anyone (development) or refused (production). */
  open: boolean;
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function mountMetrics(router: Router, registry: Registry, access: MetricsAccess = { token: null, open: true }): void {
  router.get('/metrics', async (req, res) => {
    if (access.token === null && !access.open) {
      return void res.status(403).type('text/plain').send('metrics are disabled in production until RECSYS_METRICS_TOKEN is set\n');
    }
    if (access.token !== null) {
      const header = req.headers.authorization ?? '';
      if (!header.startsWith('Bearer ') || !sameToken(header.slice(7).trim(), access.token)) {
        return void res
          .status(401)
          .set('www-authenticate', 'Bearer realm="metrics"')
          .type('text/plain')
          .send('a bearer token (RECSYS_METRICS_TOKEN) is required\n');
      }
    }
    try {
      const body = await registry.metrics();
      res.setHeader('content-type', registry.contentType);
      res.send(body);
    } catch (err) {
      res.status(500).type('text/plain').send('metrics collection failed\n');
    }
  });
}
