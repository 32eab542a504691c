// An open-loop sender: calls `send(i)` at a steady rate for a number of events, never more than
// `maxInFlight` at once (a call that would exceed it is skipped and counted), bounded in time.
import { sleep } from './stats';

export interface SendResult {
  sent: number;
  skipped: number;
  failed: number;
  seconds: number;
}

export async function sendAtRate(
  count: number,
  rate: number,
  maxInFlight: number,
  send: (i: number) => Promise<boolean>,
  progress: (i: number) => void,
): Promise<SendResult> {
  const gap = 1000 / rate;
  const started = performance.now();
  let inFlight = 0;
  let skipped = 0;
  let failed = 0;
  const pending = new Set<Promise<void>>();
  for (let i = 0; i < count; i++) {
    const due = started + i * gap;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    if (inFlight >= maxInFlight) {
      skipped++;
      continue;
    }
    inFlight++;
    const p: Promise<void> = send(i)
      .then(
        (ok) => void (ok || failed++),
        () => void failed++,
      )
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
    if (i % 50 === 0) progress(i);
  }
  await Promise.all(pending);
  return { sent: count - skipped, skipped, failed, seconds: (performance.now() - started) / 1000 };
}

const TRACK = 'mutation($i: TrackViewInput!) { trackView(input: $i) { accepted } }';

/** One trackView over HTTP (keep-alive); true when accepted. */
export async function trackView(url: string, userId: string, productId: string): Promise<boolean> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: TRACK, variables: { i: { userId, productId } } }),
  });
  const body = (await res.json()) as { data?: { trackView?: { accepted?: boolean } } };
  return body.data?.trackView?.accepted === true;
}
