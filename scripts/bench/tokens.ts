// The bench's credentials. Its gateways run as a shop runs them (NODE_ENV=production, so auth is
// on, graphql-js skips its development checks and /metrics wants its token), and the bench
// presents what a shop's clients would: each shopper's storefront token (sub = the shopper) on
// their trackView, query and websocket, and an admin token for calls that carry many shoppers'
// events (a server-side forwarder's trackEvents). Tokens are minted once per shopper and kept.
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface BenchAuth {
  /** What a gateway or GraphQL baseline child needs to check these tokens. */
  env: Record<string, string>;
  /** "Bearer <token>" for GET /metrics. */
  metrics: string;
  /** "Bearer <token>" acting for this shopper only. */
  shopper(userId: string): string;
  /** "Bearer <token>" with role admin. */
  admin(): string;
}

/** Tokens live `lifeSeconds` (production refuses tokens without `exp`); the gateway's default maximum is a day. */
export function createBenchAuth(secret: string = randomBytes(32).toString('hex'), lifeSeconds = 3600, now: () => number = Date.now): BenchAuth {
  const metricsToken = randomBytes(24).toString('hex');
  const minted = new Map<string, string>();
  const mint = (sub: string, role?: string) => {
    const iat = Math.floor(now() / 1000);
    return `Bearer ${jwt.sign({ sub, iat, exp: iat + lifeSeconds, ...(role ? { role } : {}) }, secret, { algorithm: 'HS256' })}`;
  };
  let admin: string | null = null;
  return {
    env: { NODE_ENV: 'production', RECSYS_JWT_SECRET: secret, RECSYS_METRICS_TOKEN: metricsToken },
    metrics: `Bearer ${metricsToken}`,
    shopper(userId) {
      let token = minted.get(userId);
      if (token === undefined) minted.set(userId, (token = mint(userId)));
      return token;
    },
    admin: () => (admin ??= mint('bench-admin', 'admin')),
  };
}
