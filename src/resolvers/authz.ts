import { ForbiddenError, UnauthenticatedError } from '../errors';
import type { Viewer } from './context';

/** Where auth is on, a request without a token may do nothing that needs one. */
export function assertSignedIn(viewer: Viewer): void {
  if (viewer.authEnabled && !viewer.admin && !viewer.userId) throw new UnauthenticatedError('a bearer token is required');
}

/** A user acts only for themselves; admin for anyone; everyone when auth is off. */
export function assertActsFor(viewer: Viewer, userId: string): void {
  if (!viewer.authEnabled || viewer.admin) return;
  assertSignedIn(viewer);
  if (viewer.userId !== userId) throw new ForbiddenError(`the token's user may not act for userId "${userId}"`);
}

export function assertAdmin(viewer: Viewer): void {
  if (!viewer.authEnabled || viewer.admin) return;
  assertSignedIn(viewer);
  throw new ForbiddenError('this operation needs the admin role');
}
