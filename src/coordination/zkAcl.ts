// Digest credentials and the ACL that protects what only credential holders may write.
//
// ZooKeeper's digest scheme: a client presents `user:password` (addAuthInfo); an ACL names the
// user as `user:base64(sha1("user:password"))`, so the password itself is never stored in a znode.
import { createHash } from 'node:crypto';
import type { ZooKeeperAuth } from '../config';
import { ACL, Id, OPEN_ACL, Permission, type Client } from './zk';

/** The digest id ZooKeeper compares the presented credentials with. */
export function digestId({ user, password }: ZooKeeperAuth): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}

/**
 * With credentials: everyone may read, only their holder may write, create, delete or change the
 * ACL. Without: the open ACL (anyone who reaches ZooKeeper may write).
 */
export function writeProtectedAcl(auth: ZooKeeperAuth | null): ACL[] {
  if (!auth) return OPEN_ACL;
  return [new ACL(Permission.READ, new Id('world', 'anyone')), new ACL(Permission.ALL, new Id('digest', digestId(auth)))];
}

/**
 * Presents the credentials on this client's session. node-zookeeper-client keeps them and sends
 * them again after every reconnect; a client made for a new session needs this call again.
 */
export function presentCredentials(client: Client, auth: ZooKeeperAuth | null): void {
  if (auth) client.addAuthInfo('digest', Buffer.from(`${auth.user}:${auth.password}`, 'utf8'));
}

/** True when `acls` is exactly `expected` (order aside): used to tell a protected node from an open one. */
export function sameAcl(acls: readonly ACL[], expected: readonly ACL[]): boolean {
  const key = (a: ACL) => `${a.perms}|${a.id.scheme}|${a.id.id}`;
  const have = acls.map(key).sort();
  const want = expected.map(key).sort();
  return have.length === want.length && have.every((k, i) => k === want[i]);
}
