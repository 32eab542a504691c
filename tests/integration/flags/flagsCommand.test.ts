// `npm run flags -- ...` against the real ZooKeeper, under a random root.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { exists, getData } from '../../../src/coordination/zk';
import { FlagCommandError, runFlagsCommand } from '../../../src/flags/flagsCommand';
import { Disposer, ZK_CONNECT, scratchRoot, writeFlag } from './zkTestKit';

jest.setTimeout(60_000);

const d = new Disposer();
afterEach(() => d.dispose());

async function cli(root: string, admin: Parameters<typeof runFlagsCommand>[1]['client'], ...args: string[]) {
  const out: string[] = [];
  const code = await runFlagsCommand(args, { client: admin, root, print: (line) => out.push(line) });
  return { code, out: out.join('\n') };
}

describe('npm run flags', () => {
  it('writes a valid value as the znode <root>/flags/<key> holding its JSON, and reads it back', async () => {
    const { root, admin } = await scratchRoot(d);
    const set = await cli(root, admin, 'set', 'recs.strategy', '"trending"');
    expect(set.code).toBe(0);
    expect(set.out).toContain('recs.strategy = "trending"');
    expect((await getData(admin, `${root}/flags/recs.strategy`)).text).toBe('"trending"');

    const get = await cli(root, admin, 'get', 'recs.strategy');
    expect(get.out).toMatch(/recs\.strategy\s+"trending"\s+ZOOKEEPER/);
  });

  it.each([
    ['recs.strategy', '"random"', /recs\.strategy: expected one of "personalized", "trending"/],
    ['weights.view', '500', /weights\.view: expected 0 to 100, got 500/],
    ['recs.size', 'twenty', /recs\.size: not JSON/],
    ['experiment.recs', '{"arms":[{"name":"a","strategy":"trending","share":0.5}]}', /shares must add up to 1/],
  ])('refuses set %s %s with an error naming the flag and the problem, writing nothing', async (key, json, message) => {
    const { root, admin } = await scratchRoot(d);
    await expect(cli(root, admin, 'set', key, json)).rejects.toThrow(message);
    expect(await exists(admin, `${root}/flags/${key}`)).toBeNull();
  });

  it('refuses an unknown flag, listing the known ones', async () => {
    const { root, admin } = await scratchRoot(d);
    const attempt = cli(root, admin, 'set', 'recs.strategyy', '"trending"');
    await expect(attempt).rejects.toBeInstanceOf(FlagCommandError);
    await expect(attempt).rejects.toThrow(/unknown flag "recs.strategyy"; known flags: recs.strategy, /);
  });

  it('lists every flag with its source, and marks invalid and unknown znodes', async () => {
    const { root, admin } = await scratchRoot(d);
    await writeFlag(admin, root, 'weights.view', '2');
    await writeFlag(admin, root, 'recs.size', '"big"');
    await writeFlag(admin, root, 'legacy.flag', 'true');
    const { code, out } = await cli(root, admin, 'list');
    expect(code).toBe(0);
    expect(out).toMatch(/weights\.view\s+2\s+ZOOKEEPER/);
    expect(out).toMatch(/weights\.purchase\s+5\s+DEFAULT/);
    expect(out).toMatch(/recs\.size\s+"big"\s+ZOOKEEPER\s+INVALID \(recs\.size: expected a whole number/);
    expect(out).toMatch(/legacy\.flag\s+true\s+ZOOKEEPER\s+unknown flag: ignored by the gateway/);
  });

  it('deletes a flag so its default applies again', async () => {
    const { root, admin } = await scratchRoot(d);
    await writeFlag(admin, root, 'filters.excludeInCart', 'false');
    const del = await cli(root, admin, 'delete', 'filters.excludeInCart');
    expect(del.out).toContain('the default true applies');
    expect(await exists(admin, `${root}/flags/filters.excludeInCart`)).toBeNull();
    expect((await cli(root, admin, 'delete', 'filters.excludeInCart')).out).toContain('was not set');
  });

  it('runs as a script: exit 0 on a valid set, exit 1 with the reason on stderr for an invalid one', async () => {
    const { root, admin } = await scratchRoot(d);
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), path.resolve(__dirname, '../../../scripts/flags.ts'), ...args], {
        env: { ...process.env, ZOOKEEPER_CONNECT: ZK_CONNECT, ZOOKEEPER_ROOT: root },
      });
    const ok = await run('set', 'recs.strategy', '"trending"');
    expect(ok.stdout).toContain('recs.strategy = "trending"');
    expect((await getData(admin, `${root}/flags/recs.strategy`)).text).toBe('"trending"');

    const bad = await run('set', 'recs.strategy', '"nope"').catch((err: { code: number; stderr: string }) => err);
    expect(bad).toMatchObject({ code: 1 });
    expect((bad as { stderr: string }).stderr).toContain('flags: refused, nothing written: recs.strategy: expected one of');
    expect((await getData(admin, `${root}/flags/recs.strategy`)).text).toBe('"trending"');
  });
});
