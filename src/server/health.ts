// /healthz: the process answers. /readyz: each dependency's probe says ok, degraded or down.
// Only "down" (the gateway cannot do its job: Redis unreachable, Kafka cannot be written) answers
// 503; "degraded" (still serving, with something named in the body: flags stale, the consumer
// group still forming) answers 200, so a load balancer does not take a whole fleet out of service
// for an outage that leaves every gateway serving.
import type { Router } from 'express';

export type ProbeStatus = 'ok' | 'degraded' | 'down';

/** A probe's answer. `{ ok: boolean }` is read as ok / down (probes that know no middle state). */
export type ProbeResult = { status: ProbeStatus; detail?: unknown } | { ok: boolean; detail?: unknown };

export type Probe = () => Promise<ProbeResult>;

export interface CheckResult {
  status: ProbeStatus;
  /** Kept for clients that read the old shape: false only when down. */
  ok: boolean;
  detail?: unknown;
}

export interface Readiness {
  /** 'ready' (all ok), 'degraded' (serving, something named in `degraded`), 'not ready' (something in `down`). */
  status: 'ready' | 'degraded' | 'not ready';
  checks: Record<string, CheckResult>;
  degraded: string[];
  down: string[];
}

/** Encodes a probe status as a number for the readiness gauge. */
export const PROBE_STATUS_VALUE: Record<ProbeStatus, number> = { ok: 0, degraded: 1, down: 2 };

function normalise(result: ProbeResult): CheckResult {
  const status: ProbeStatus = 'status' in result ? result.status : result.ok ? 'ok' : 'down';
  return { status, ok: status !== 'down', ...(result.detail === undefined ? {} : { detail: result.detail }) };
}

/** Runs every probe at once; a probe that throws or does not answer within `timeoutMs` counts as down. */
export async function checkReadiness(probes: Record<string, Probe>, timeoutMs = 1500): Promise<Readiness> {
  const checks: Record<string, CheckResult> = {};
  await Promise.all(
    Object.entries(probes).map(async ([name, probe]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        checks[name] = normalise(
          await Promise.race([
            probe(),
            new Promise<ProbeResult>((resolve) => {
              timer = setTimeout(() => resolve({ status: 'down', detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
            }),
          ]),
        );
      } catch (err) {
        checks[name] = { status: 'down', ok: false, detail: (err as Error).message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const named = (status: ProbeStatus) =>
    Object.keys(checks)
      .filter((name) => checks[name]!.status === status)
      .sort();
  const down = named('down');
  const degraded = named('degraded');
  return { status: down.length > 0 ? 'not ready' : degraded.length > 0 ? 'degraded' : 'ready', checks, degraded, down };
}

export function mountHealth(router: Router, probes: Record<string, Probe>, timeoutMs = 1500): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(probes, timeoutMs);
    res.status(readiness.down.length > 0 ? 503 : 200).json(readiness);
  });
}
