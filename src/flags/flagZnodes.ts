// Writing the flag znodes, shared by `npm run flags` and the setFlag / deleteFlag mutations so both
// create them with the same ACL. The root itself stays open (instances and the leader election
// live there); only `<root>/flags` and its children carry the ACL.
import { CreateMode, create, getAcl, getChildren, isNoNode, isNodeExists, mkdirp, remove, setAcl, setData, type ACL, type Client } from '../coordination/zk';
import { sameAcl } from '../coordination/zkAcl';

export const flagsDir = (root: string): string => `${root}/flags`;
export const flagPath = (root: string, key: string): string => `${root}/flags/${key}`;

/** Creates `<root>/flags` with `acl` (the root, if missing, with the open ACL); an existing one is left as it is. */
export async function ensureFlagsDir(client: Client, root: string, acl: ACL[], timeoutMs?: number): Promise<void> {
  await mkdirp(client, root, timeoutMs);
  try {
    await create(client, flagsDir(root), null, CreateMode.PERSISTENT, timeoutMs, acl);
  } catch (err) {
    if (!isNodeExists(err)) throw err;
  }
}

/** Writes the flag's JSON text: a new znode gets `acl`, an existing one keeps its own (see protectFlagZnodes). */
export async function writeFlagZnode(client: Client, root: string, key: string, text: string, acl: ACL[], timeoutMs?: number): Promise<void> {
  await ensureFlagsDir(client, root, acl, timeoutMs);
  const path = flagPath(root, key);
  try {
    await create(client, path, text, CreateMode.PERSISTENT, timeoutMs, acl);
  } catch (err) {
    if (!isNodeExists(err)) throw err;
    await setData(client, path, text, timeoutMs);
  }
}

/** Removes the flag's znode; false when there was none. */
export async function removeFlagZnode(client: Client, root: string, key: string, timeoutMs?: number): Promise<boolean> {
  try {
    await remove(client, flagPath(root, key), timeoutMs);
    return true;
  } catch (err) {
    if (isNoNode(err)) return false;
    throw err;
  }
}

/**
 * Gives `<root>/flags` (created if missing) and every znode in it the ACL `acl`. Returns the paths
 * whose ACL changed; those that already had it are left untouched.
 */
export async function protectFlagZnodes(client: Client, root: string, acl: ACL[], timeoutMs?: number): Promise<string[]> {
  await ensureFlagsDir(client, root, acl, timeoutMs);
  const dir = flagsDir(root);
  const children = await getChildren(client, dir, { timeoutMs });
  const changed: string[] = [];
  for (const path of [dir, ...children.sort().map((name) => `${dir}/${name}`)]) {
    let current: ACL[];
    try {
      current = await getAcl(client, path, timeoutMs);
    } catch (err) {
      if (isNoNode(err)) continue; // deleted meanwhile
      throw err;
    }
    if (sameAcl(current, acl)) continue;
    await setAcl(client, path, acl, timeoutMs);
    changed.push(path);
  }
  return changed;
}

/** Whether `<root>/flags` carries `acl` (null: there is no flags znode yet). */
export async function flagsDirHasAcl(client: Client, root: string, acl: ACL[], timeoutMs?: number): Promise<boolean | null> {
  try {
    return sameAcl(await getAcl(client, flagsDir(root), timeoutMs), acl);
  } catch (err) {
    if (isNoNode(err)) return null;
    throw err;
  }
}
