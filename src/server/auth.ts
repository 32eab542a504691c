// Bearer tokens (JWT HS256): `sub` is the user id, `role: "admin"` may write the catalogue and flags.
import jwt from 'jsonwebtoken';
import { UnauthenticatedError } from '../errors';
import type { Viewer } from '../resolvers/context';

export function createAuthenticator(secret: string | null) {
  return function viewerFrom(authorization: unknown): Viewer {
    if (!secret) return { userId: null, admin: false, authEnabled: false };
    if (authorization === undefined || authorization === null || authorization === '') {
      return { userId: null, admin: false, authEnabled: true };
    }
    if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) {
      throw new UnauthenticatedError('authorization must be "Bearer <token>"');
    }
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(authorization.slice(7).trim(), secret, { algorithms: ['HS256'] });
    } catch (err) {
      const reason = err instanceof jwt.TokenExpiredError ? 'the token has expired' : 'the token is malformed or its signature is wrong';
      throw new UnauthenticatedError(reason);
    }
    if (typeof claims === 'string' || typeof claims.sub !== 'string' || claims.sub === '') {
      throw new UnauthenticatedError('the token has no subject (sub)');
    }
    return { userId: claims.sub, admin: claims.role === 'admin', authEnabled: true };
  };
}
export type Authenticator = ReturnType<typeof createAuthenticator>;
