// The flag mutations against the real ZooKeeper: the contract both modes share, a write reaching
// another gateway's flags through ZooKeeper, and ZOOKEEPER_AUTH's digest ACL on the flag znodes.
import { createClient } from 'node-zookeeper-client';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { print } from 'graphql';
import type { ZooKeeperAuth } from '../../../src/config';
import { create, getAcl, getData, isNoAuth, remove, removeRecursive, setData, type Client } from '../../../src/coordination/zk';
import { presentCredentials, writeProtectedAcl } from '../../../src/coordination/zkAcl';
import { ZooKeeperSession } from '../../../src/coordination/zkSession';
import { FlagCommandError, runFlagsCommand } from '../../../src/flags/flagsCommand';
import { ZooKeeperFlagWriter, warnWhenUnprotected } from '../../../src/flags/zookeeperFlagWriter';
import { startZooKeeperFlags } from '../../../src/flags/zookeeperFlags';
import { SetFlagDocument } from '../../../src/generated/graphql';
import { flagsApiContract } from '../../contract/flagsApi.contract';
import { gql, realStackEnv, startTestGateway } from '../../helpers/gateway';
import { Disposer, ZK_CONNECT, captureLog, freePort, closeClient, connectedClient, openSession, scratchRoot, waitFor, writeFlag } from './zkTestKit';

jest.setTimeout(90_000);

flagsApiContract('real Kafka, Redis and ZooKeeper', { env: () => realStackEnv(), setSource: 'ZOOKEEPER' });

const OPS_AUTH: ZooKeeperAuth = { user: 'recsys-ops', password: 'a-long-test-password' };
const ZOOKEEPER_AUTH = `${OPS_AUTH.user}:${OPS_AUTH.password}`;

const d = new Disposer();
afterEach(() => d.dispose());

/** A client presenting `auth` (or nothing), closed by the disposer. */
async function clientWith(auth: ZooKeeperAuth | null): Promise<Client> {
  const client = await connectedClient();
  presentCredentials(client, auth);
  d.add(() => closeClient(client));
  return client;
}

const zkCode = async (write: Promise<unknown>) =>
  write.then(
    () => 'written',
    (err: unknown) => (isNoAuth(err) ? 'NoAuth' : String(err)),
  );

async function cli(root: string, client: Client, auth: ZooKeeperAuth | null, ...args: string[]) {
  const out: string[] = [];
  const code = await runFlagsCommand(args, { client, root, auth, print: (line) => out.push(line) });
  return { code, out: out.join('\n') };
}

/** The warnings of a gateway's start-up check of the flags znode's ACL (a session with the credentials). */
async function gatewayProtectionCheck(root: string): Promise<string[]> {
  const log = captureLog();
  const session = new ZooKeeperSession({ clientFactory: createClient, connect: ZK_CONNECT, sessionTimeoutMs: 6000, logger: log.logger, auth: OPS_AUTH });
  const off = warnWhenUnprotected({ session, root, auth: OPS_AUTH, logger: log.logger });
  try {
    session.start();
    expect(await session.waitConnected(10_000)).toBe(true);
    const checked = () => log.lines.filter((l) => /flags znode/.test(l.msg));
    await waitFor('the check of the flags znode', () => checked().length > 0, 10_000);
    return log.warnings().map((l) => l.msg);
  } finally {
    off();
    await session.close();
  }
}

describe('setFlag through ZooKeeper', () => {
  test('a setFlag on one gateway changes the flags in force on another gateway watching the same root', async () => {
    const env = realStackEnv({ RECSYS_ROLES: 'api,push' });
    const gateway = await startTestGateway(env);
    d.add(() => gateway.stop());
    // The other gateway's flag provider, on a session of its own.
    const log = captureLog();
    const other = await startZooKeeperFlags({ session: openSession(d, log.logger), root: env.ZOOKEEPER_ROOT!, logger: log.logger });
    d.add(() => other.stop());

    const started = Date.now();
    const res = await gql(gateway.url, print(SetFlagDocument), { key: 'weights.purchase', value: 9 });
    expect(res.errors).toBeUndefined();
    await waitFor('the other gateway to have weights.purchase = 9', () => other.current()['weights.purchase'] === 9, 10_000);
    // Printed, not asserted: a loaded machine may take longer.
    console.log(`setFlag answered and applied on the other gateway after ${Date.now() - started} ms`);
    expect(other.entries().find((e) => e.key === 'weights.purchase')?.source).toBe('ZOOKEEPER');
  });
});

describe('ZOOKEEPER_AUTH: the flag znodes writable only with the credentials', () => {
  test('the gateway with the credentials writes flags that a client without them can read but not change', async () => {
    const env = realStackEnv({ RECSYS_ROLES: 'api,push', ZOOKEEPER_AUTH });
    const root = env.ZOOKEEPER_ROOT!;
    const gateway = await startTestGateway(env);
    d.add(() => gateway.stop());
    const setFlag = (key: string, value: unknown) => gql(gateway.url, print(SetFlagDocument), { key, value });

    expect((await setFlag('recs.size', 12)).errors).toBeUndefined();
    expect((await setFlag('recs.size', 13)).errors).toBeUndefined(); // the second write passes the ACL's digest check
    const stranger = await clientWith(null);
    const ops = await clientWith(OPS_AUTH);
    expect((await getData(stranger, `${root}/flags/recs.size`)).text).toBe('13');
    // ZooKeeper shows the digest only to a client with ADMIN permission (others see "user:x").
    expect(await getAcl(ops, `${root}/flags/recs.size`)).toEqual(writeProtectedAcl(OPS_AUTH));
    expect(await getAcl(ops, `${root}/flags`)).toEqual(writeProtectedAcl(OPS_AUTH));

    expect(await zkCode(setData(stranger, `${root}/flags/recs.size`, '1'))).toBe('NoAuth');
    expect(await zkCode(remove(stranger, `${root}/flags/recs.size`))).toBe('NoAuth');
    expect(await zkCode(create(stranger, `${root}/flags/recs.strategy`, '"trending"'))).toBe('NoAuth');
    // Wrong credentials are no better than none.
    const impostor = await clientWith({ user: OPS_AUTH.user, password: 'not-the-password' });
    expect(await zkCode(setData(impostor, `${root}/flags/recs.size`, '1'))).toBe('NoAuth');
    expect((await getData(stranger, `${root}/flags/recs.size`)).text).toBe('13');

    // The operator CLI with the same credentials writes; without them it names the cause.
    expect((await cli(root, ops, OPS_AUTH, 'set', 'recs.size', '14')).code).toBe(0);
    expect((await getData(stranger, `${root}/flags/recs.size`)).text).toBe('14');
    const refused = cli(root, stranger, null, 'set', 'recs.size', '15');
    await expect(refused).rejects.toBeInstanceOf(FlagCommandError);
    await expect(refused).rejects.toThrow(/NoAuth.*write-protected and ZOOKEEPER_AUTH is not set/);
    expect((await cli(root, ops, OPS_AUTH, 'list')).out).toContain(`${root}/flags: writable by "${OPS_AUTH.user}" only`);
    await waitFor('the gateway to apply the CLI write', async () =>
      (await gql(gateway.url, '{ featureFlags { key value } }')).data?.featureFlags.some(
        (f: { key: string; value: unknown }) => f.key === 'recs.size' && f.value === 14,
      ),
    );
  });

  test('a gateway without the credentials answers setFlag with FORBIDDEN naming ZOOKEEPER_AUTH, and writes nothing', async () => {
    const { root } = await scratchRoot(d);
    const ops = await clientWith(OPS_AUTH);
    expect((await cli(root, ops, OPS_AUTH, 'set', 'recs.size', '14')).code).toBe(0);
    d.add(() => removeRecursive(ops, root)); // runs before scratchRoot's own clean-up, which has no credentials
    const session = openSession(d, captureLog().logger);
    expect(await session.waitConnected(10_000)).toBe(true);
    const writer = new ZooKeeperFlagWriter({ session, root, auth: null });
    await expect(writer.set('recs.size', 3)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/NoAuth.*has no ZOOKEEPER_AUTH/) });
    await expect(writer.remove('recs.size')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await getData(ops, `${root}/flags/recs.size`)).text).toBe('14');
  });

  test('a gateway whose ZooKeeper is not connected answers setFlag with UNAVAILABLE at once', async () => {
    const session = openSession(d, captureLog().logger, `127.0.0.1:${await freePort()}`);
    const writer = new ZooKeeperFlagWriter({ session, root: '/nowhere', auth: OPS_AUTH });
    await expect(writer.set('recs.size', 3)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/zookeeper unavailable: not connected; the flag was not changed/),
    });
  });

  test('protect gives flag znodes made without an ACL the digest ACL; without ZOOKEEPER_AUTH it refuses to run', async () => {
    const { root, admin } = await scratchRoot(d);
    await writeFlag(admin, root, 'recs.size', '9'); // open ACL, as before ZOOKEEPER_AUTH
    await writeFlag(admin, root, 'legacy.flag', 'true');
    const ops = await clientWith(OPS_AUTH);
    d.add(() => removeRecursive(ops, root));
    expect((await cli(root, ops, OPS_AUTH, 'list')).out).toContain('NOT protected: run protect');
    // A gateway started with ZOOKEEPER_AUTH says so in its log.
    const unprotected = await gatewayProtectionCheck(root);
    expect(unprotected).toEqual([expect.stringMatching(/flags znode is writable by others: run npm run flags -- protect/)]);
    await expect(cli(root, ops, null, 'protect')).rejects.toThrow(/protect needs ZOOKEEPER_AUTH=user:password/);

    const { code, out } = await cli(root, ops, OPS_AUTH, 'protect');
    expect(code).toBe(0);
    expect(out).toContain(`protected ${root}/flags/recs.size`);
    expect(out).toContain('(3 ACLs changed)');
    for (const node of ['', '/recs.size', '/legacy.flag']) expect(await getAcl(ops, `${root}/flags${node}`)).toEqual(writeProtectedAcl(OPS_AUTH));
    expect(await zkCode(setData(admin, `${root}/flags/recs.size`, '1'))).toBe('NoAuth');
    expect((await cli(root, ops, OPS_AUTH, 'protect')).out).toContain('(0 ACLs changed)');
    expect(await gatewayProtectionCheck(root)).toEqual([]);
  });

  test('npm run flags reads ZOOKEEPER_AUTH: with it set writes a protected flag, without it exits 1 naming NoAuth', async () => {
    const { root } = await scratchRoot(d);
    const ops = await clientWith(OPS_AUTH);
    d.add(() => removeRecursive(ops, root));
    const run = (env: Record<string, string>, ...args: string[]) =>
      promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), path.resolve(__dirname, '../../../scripts/flags.ts'), ...args], {
        env: { ...process.env, ZOOKEEPER_CONNECT: ZK_CONNECT, ZOOKEEPER_ROOT: root, ...env },
      });
    expect((await run({ ZOOKEEPER_AUTH }, 'set', 'recs.strategy', '"trending"')).stdout).toContain('recs.strategy = "trending"');
    await expect(run({ ZOOKEEPER_AUTH: '' }, 'set', 'recs.strategy', '"personalized"')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/flags: ZooKeeper refused the write \(NoAuth\)/),
    });
    const stranger = await clientWith(null);
    expect((await getData(stranger, `${root}/flags/recs.strategy`)).text).toBe('"trending"');
  });
});
