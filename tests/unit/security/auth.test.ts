// Token lifetimes: at most RECSYS_JWT_MAX_AGE_SECONDS, and `exp` required in production.
import jwt from 'jsonwebtoken';
import { loadConfig } from '../../../src/config';
import { createAuthenticator } from '../../../src/server/auth';

const SECRET = 'unit-secret';
const NOW = 1_800_000_000;
const sign = (claims: Record<string, unknown>) => `Bearer ${jwt.sign(claims, SECRET, { algorithm: 'HS256', noTimestamp: !('iat' in claims) })}`;
const authenticator = (env: Record<string, string>) => createAuthenticator(loadConfig({ RECSYS_JWT_SECRET: SECRET, ...env }).auth, () => NOW * 1000);

describe('token lifetimes', () => {
  const production = authenticator({ NODE_ENV: 'production' });
  const development = authenticator({});

  test('production refuses a token without exp; development accepts it', () => {
    expect(() => production(sign({ sub: 'alice', iat: NOW }))).toThrow(/no expiry \(exp\)/);
    expect(development(sign({ sub: 'alice', iat: NOW })).userId).toBe('alice');
  });

  test('a token living exactly the maximum (24 h by default) passes, one second more is refused everywhere', () => {
    for (const authenticate of [production, development]) {
      expect(authenticate(sign({ sub: 'alice', iat: NOW, exp: NOW + 86_400 })).userId).toBe('alice');
      expect(() => authenticate(sign({ sub: 'alice', iat: NOW, exp: NOW + 86_401 }))).toThrow(/longer than the 86400 s allowed/);
      // Without iat the remaining life counts.
      expect(() => authenticate(sign({ sub: 'alice', exp: NOW + 86_401 }))).toThrow(/longer than/);
    }
  });

  test('RECSYS_JWT_MAX_AGE_SECONDS sets the maximum', () => {
    const short = authenticator({ NODE_ENV: 'production', RECSYS_JWT_MAX_AGE_SECONDS: '600' });
    expect(short(sign({ sub: 'alice', iat: NOW, exp: NOW + 600 })).userId).toBe('alice');
    expect(() => short(sign({ sub: 'alice', iat: NOW, exp: NOW + 601 }))).toThrow(/600 s/);
  });
});
