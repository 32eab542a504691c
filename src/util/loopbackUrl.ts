// The one check of a --url that load tools (simulate, eval --served) accept: loopback only.

export class LoopbackUrlError extends Error {
  override readonly name = 'LoopbackUrlError';
}

const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

/** Only a gateway on this machine: the simulator and the served evaluation are load sources, never pointed elsewhere. */
export function loopbackUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoopbackUrlError(`--url: "${raw}" is not a URL (e.g. http://127.0.0.1:4000/graphql)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoopbackUrlError(`--url: expected http(s)://, got "${url.protocol}"`);
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) throw new LoopbackUrlError(`--url: only loopback gateways are allowed (127.0.0.1, localhost, ::1), got "${url.hostname}"`);
  if (url.username || url.password) throw new LoopbackUrlError('--url: credentials in the URL are not allowed');
  return url;
}

/** The gateway `npm start` runs on this machine when it listens on `port`. */
export function localGatewayUrl(port: number): string {
  return `http://127.0.0.1:${port}/graphql`;
}
