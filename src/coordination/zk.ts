// Promise wrappers over node-zookeeper-client, each bounded in time.
//
// Why the bound: node-zookeeper-client queues a request made while it is disconnected until it
// reconnects, and never answers a request queued on a client whose session expired. A caller
// that awaits ZooKeeper must therefore give up on its own; the late answer, if any, is ignored.
import { ACL, CreateMode, Exception, Id, Permission, type Client, type Event, type Stat } from 'node-zookeeper-client';
import { UnavailableError } from '../errors';

export { ACL, CreateMode, Exception, Id, Permission };
export type { Client, Event, Stat };

export type Watcher = (event: Event) => void;

/** Anyone may do anything (ZooKeeper's OPEN_ACL_UNSAFE; node-zookeeper-client's typings lack it). */
export const OPEN_ACL: ACL[] = [new ACL(Permission.ALL, new Id('world', 'anyone'))];

/** How long one ZooKeeper request may take before the caller gives up (ms). */
export const DEFAULT_OP_TIMEOUT_MS = 5_000;

/** The ZooKeeper error code of `err` (Exception.NO_NODE, ...), or null for anything else. */
export function zkCode(err: unknown): number | null {
  return err instanceof Exception ? err.getCode() : null;
}

export const isNoNode = (err: unknown): boolean => zkCode(err) === Exception.NO_NODE;
export const isNodeExists = (err: unknown): boolean => zkCode(err) === Exception.NODE_EXISTS;
/** The node's ACL does not let this session's credentials do that. */
export const isNoAuth = (err: unknown): boolean => zkCode(err) === Exception.NO_AUTH;

function bounded<T>(what: string, timeoutMs: number, run: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new UnavailableError('zookeeper', `${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      run((err, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- ZooKeeper's Exception (no Error subclass in its types), read by callers with zkCode()
        if (err) reject(err);
        else resolve(value as T);
      });
    } catch (err) {
      settled = true;
      clearTimeout(timer);
      reject(err);
    }
  });
}

export interface OpOptions {
  watcher?: Watcher;
  timeoutMs?: number;
}

/** The node's data as UTF-8 (empty string for no data); rejects with NO_NODE when it is missing. */
export function getData(client: Client, path: string, { watcher, timeoutMs = DEFAULT_OP_TIMEOUT_MS }: OpOptions = {}) {
  return bounded<{ text: string; stat: Stat }>(`getData ${path}`, timeoutMs, (done) => {
    const cb = (err: Error | Exception | null, data: Buffer | null, stat: Stat) => done(err, { text: data ? data.toString('utf8') : '', stat });
    if (watcher) client.getData(path, watcher, cb as never);
    else client.getData(path, cb as never);
  });
}

export function getChildren(client: Client, path: string, { watcher, timeoutMs = DEFAULT_OP_TIMEOUT_MS }: OpOptions = {}) {
  return bounded<string[]>(`getChildren ${path}`, timeoutMs, (done) => {
    const cb = (err: Error | Exception | null, children: string[]) => done(err, children);
    if (watcher) client.getChildren(path, watcher, cb);
    else client.getChildren(path, cb);
  });
}

/** The node's stat, or null when it does not exist. A watcher fires on create, delete or data change. */
export function exists(client: Client, path: string, { watcher, timeoutMs = DEFAULT_OP_TIMEOUT_MS }: OpOptions = {}) {
  return bounded<Stat | null>(`exists ${path}`, timeoutMs, (done) => {
    const cb = (err: Error | Exception | null, stat: Stat) => done(err, stat ?? null);
    if (watcher) client.exists(path, watcher, cb);
    else client.exists(path, cb);
  });
}

/** Creates the node; returns the created path (with the sequence suffix for sequential modes). */
export function create(
  client: Client,
  path: string,
  data: string | null,
  mode: number = CreateMode.PERSISTENT,
  timeoutMs = DEFAULT_OP_TIMEOUT_MS,
  acls: ACL[] = OPEN_ACL,
): Promise<string> {
  return bounded<string>(`create ${path}`, timeoutMs, (done) => {
    const payload = data === null ? null : Buffer.from(data, 'utf8');
    client.create(path, payload as Buffer, acls, mode, (err, created) => done(err, created));
  });
}

export function getAcl(client: Client, path: string, timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<ACL[]> {
  return bounded<ACL[]>(`getACL ${path}`, timeoutMs, (done) => client.getACL(path, (err, acls) => done(err, acls)));
}

/** Replaces the node's ACL whatever its version (needs ADMIN permission on the node). */
export function setAcl(client: Client, path: string, acls: ACL[], timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<Stat> {
  return bounded<Stat>(`setACL ${path}`, timeoutMs, (done) => client.setACL(path, acls, -1, (err, stat) => done(err, stat)));
}

export function setData(client: Client, path: string, data: string, timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<Stat> {
  return bounded<Stat>(`setData ${path}`, timeoutMs, (done) => {
    client.setData(path, Buffer.from(data, 'utf8'), (err, stat) => done(err, stat));
  });
}

export function remove(client: Client, path: string, timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<void> {
  return bounded<void>(`remove ${path}`, timeoutMs, (done) => client.remove(path, (err) => done(err)));
}

/** Creates the path and any missing parents (persistent, no data); existing nodes are left alone. */
export function mkdirp(client: Client, path: string, timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<string> {
  return bounded<string>(`mkdirp ${path}`, timeoutMs, (done) => client.mkdirp(path, (err, made) => done(err, made)));
}

/** Creates the node with `data`, or overwrites its data when it exists. */
export async function upsert(client: Client, path: string, data: string, timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<void> {
  const parent = path.slice(0, path.lastIndexOf('/'));
  if (parent) await mkdirp(client, parent, timeoutMs);
  try {
    await create(client, path, data, CreateMode.PERSISTENT, timeoutMs);
  } catch (err) {
    if (!isNodeExists(err)) throw err;
    await setData(client, path, data, timeoutMs);
  }
}

/** Deletes the node and everything below it; a missing node is not an error. */
export async function removeRecursive(client: Client, path: string, timeoutMs = DEFAULT_OP_TIMEOUT_MS): Promise<void> {
  let children: string[];
  try {
    children = await getChildren(client, path, { timeoutMs });
  } catch (err) {
    if (isNoNode(err)) return;
    throw err;
  }
  for (const child of children) await removeRecursive(client, `${path}/${child}`, timeoutMs);
  try {
    await remove(client, path, timeoutMs);
  } catch (err) {
    if (!isNoNode(err)) throw err;
  }
}

/** Path segments we accept as flag keys / node names: no slashes, no control characters. */
export function isValidNodeName(name: string): boolean {
  return /^[A-Za-z0-9._-]{1,200}$/.test(name) && name !== '.' && name !== '..';
}

/**
 * Stops a client that never reached SYNC_CONNECTED, without `close()`.
 *
 * node-zookeeper-client's `close()` on a client still waiting for its first connect response
 * sends CLOSE_SESSION with xid 0; when the server's connect response then arrives it is parsed as
 * the reply to xid 0 and the client throws "Unknown code: <session id bytes>" from its socket
 * handler, an uncaught exception (alexguan/node-zookeeper-client#23, #70). Putting the connection
 * manager in its terminal "session expired" state instead makes it drop the socket and stop
 * retrying, with nothing sent. Falls back to `close()` if the internals are not there.
 */
export function discardClient(client: Client): void {
  const manager = (client as unknown as { connectionManager?: { setState?: (s: number) => void; socket?: { destroy(): void } } }).connectionManager;
  const SESSION_EXPIRED = -3; // ConnectionManager.STATES.SESSION_EXPIRED in node-zookeeper-client 1.1.x
  if (!manager || typeof manager.setState !== 'function') {
    client.close();
    return;
  }
  manager.setState(SESSION_EXPIRED);
  manager.socket?.destroy();
}
