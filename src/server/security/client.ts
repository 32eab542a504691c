// Who is on the other end of a request: the client address (for per-address rate limits) and
// whether a browser page's Origin may use the gateway.
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client address: the socket's peer, or with `trustedHops` proxies in front, the entry that
 * many hops back in X-Forwarded-For (express's numeric "trust proxy"). Never trusts more entries
 * than configured, so a client cannot pick its own address by sending the header.
 */
export function clientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustedHops: number): string {
  const chain = [socketAddress ?? 'unknown'];
  if (trustedHops > 0) {
    const forwarded = headers['x-forwarded-for'];
    const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    chain.unshift(...entries);
  }
  const address = chain[Math.max(0, chain.length - 1 - trustedHops)] ?? 'unknown';
  return address.replace(/^::ffff:/, '').slice(0, 64);
}

/**
 * A request may go on when it has no Origin (not a browser), or its Origin is listed; `allowed`
 * null lets every origin in (development). With `trustHost` (development only) the gateway's own
 * origin as the Host header names it passes too; production never trusts Host, which the client
 * controls (DNS rebinding: evil.example pointed at the gateway sends Host evil.example).
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | null, trustHost = true): boolean {
  if (origin === undefined || origin === '') return true;
  if (allowed === null) return true;
  const normalised = origin.toLowerCase();
  if (allowed.includes(normalised)) return true;
  if (!trustHost) return false;
  try {
    return new URL(normalised).host === (host ?? '').toLowerCase();
  } catch {
    return false; // "null" (sandboxed frames, file://) and garbage
  }
}
