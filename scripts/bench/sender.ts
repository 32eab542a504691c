// An open-loop sender: calls `send(i)` at a steady rate for a number of events, never more than
// `maxInFlight` at once (a call that would exceed it is skipped and counted), bounded in time.
import http from 'node:http';
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

/**
 * Keep-alive connections for trackView. node:http rather than fetch: on this machine fetch (undici)
 * cost the bench ~300-540 µs of CPU per call against node:http's 60-130 µs (3,000 calls each to a
 * bare server, 2026-11-30), and the bench shares the cores with the gateway it measures.
 */
const agent = new http.Agent({ keepAlive: true });

/** One trackView over HTTP (keep-alive) with the shopper's `authorization` ("Bearer ..."); true when accepted. */
export function trackView(url: string, userId: string, productId: string, authorization: string): Promise<boolean> {
  const body = JSON.stringify({ query: TRACK, variables: { i: { userId, productId } } });
  return post(url, body, authorization).catch((err: NodeJS.ErrnoException & { reused?: boolean }) => {
    // A kept-alive socket the server closed as idle just as we reused it: sent again once, on a
    // fresh socket (node's documented pattern; fetch does the same).
    if (err.reused && err.code === 'ECONNRESET') return post(url, body, authorization);
    throw err;
  });
}

function post(url: string, body: string, authorization: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          try {
            const answer = JSON.parse(text) as { data?: { trackView?: { accepted?: boolean } } };
            resolve(answer.data?.trackView?.accepted === true);
          } catch {
            resolve(false); // not JSON (a proxy's error page): refused
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(Object.assign(err, { reused: req.reusedSocket })));
    req.end(body);
  });
}
