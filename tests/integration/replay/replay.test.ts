// npm run replay against the real stack: events go through a gateway, which scores them; the
// replay rebuilds them into another prefix with the same scorer, and the two dumps are equal.
import { seededRandom } from '../../../src/util/seededRandom';
import Redis from 'ioredis';
import type { Gateway } from '../../../src/app';
import { defaultFlags } from '../../../src/flags/definitions';
import { diffDumps, dumpPrefix } from '../../../src/replay/dump';
import { Recommender } from '../../../src/recommender/recommender';
import { RedisStore } from '../../../src/store/redisStore';
import { realStackEnv, startTestGateway } from '../../helpers/gateway';
import { dropGroup, dropPrefix, groupPosition, startReplay, track, upsertCatalog, waitScored } from './replayKit';

jest.setTimeout(180_000);

const SEED = Number(process.env.TEST_SEED ?? Date.now() % 100_000);
const env = realStackEnv();
const prefix = env.REDIS_KEY_PREFIX!;
let gateway: Gateway;
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(env.REDIS_URL!);
  gateway = await startTestGateway(env);
  await upsertCatalog(gateway.url);
  // Rounds: every user sends one event of a random type, then the gateway scores the round, so
  // the live order of each user's events is the order they were accepted in (what a replay follows).
  const random = seededRandom(SEED);
  const users = Array.from({ length: 25 }, (_, i) => `u${i}`);
  for (let round = 0; round < 6; round++) {
    await Promise.all(users.map((u) => track(gateway.url, u, random, `${prefix}-${u}-${round}`)));
    await waitScored(env, env.KAFKA_GROUP_ID!);
  }
});

afterAll(async () => {
  await gateway?.stop();
  for (const target of [`${prefix}-r`, `${prefix}-k`]) {
    await dropPrefix(redis, target);
    await dropGroup(env, `${env.KAFKA_GROUP_ID}-replay-${target}`);
  }
  await redis?.quit();
});

async function listsOf(p: string, userIds: string[]) {
  const store = new RedisStore(redis, p);
  const recommender = new Recommender({ store, flags: defaultFlags, now: () => 1_800_000_000_000 });
  const states = await store.loadUsers(userIds);
  return Promise.all(userIds.map(async (u) => (await recommender.compute(u, states.get(u)!)).items.map((i) => `${i.productId}:${i.reason}`)));
}

test(`a replay into another prefix rebuilds statistics, user states and lists equal to the live ones (seed ${SEED})`, async () => {
  const run = startReplay(env, ['--from', 'earliest', '--to-prefix', `${prefix}-r`]);
  expect(await run.done).toBe(0);
  // The producer retries a request it is not sure of, so Kafka may hold an event twice: its copy is
  // "already there" (the same eventId), and exactly the 150 accepted ones are learned.
  const summary = /replay: (\d+) events .* \(150 learned, (\d+) already there, 0 not events\)/.exec(run.output());
  expect(summary).not.toBeNull();
  expect(Number(summary![1])).toBe(150 + Number(summary![2]));
  expect(run.output()).toContain(`KAFKA_GROUP_ID=${env.KAFKA_GROUP_ID}-replay-${prefix}-r REDIS_KEY_PREFIX=${prefix}-r`);

  const live = await dumpPrefix(redis, prefix);
  const replayed = await dumpPrefix(redis, `${prefix}-r`);
  // Not an empty comparison: every user's state, category trending, neighbour lists.
  expect([...live.keys()].filter((k) => k.endsWith(':state'))).toHaveLength(25);
  expect(live.has('{trending}:cat:c0')).toBe(true);
  expect([...live.keys()].filter((k) => k.endsWith(':covis')).length).toBeGreaterThan(5);
  expect(diffDumps(live, replayed)).toEqual([]);

  const users = Array.from({ length: 25 }, (_, i) => `u${i}`);
  const [liveLists, replayedLists] = await Promise.all([listsOf(prefix, users), listsOf(`${prefix}-r`, users)]);
  expect(liveLists.every((l) => l.length > 0)).toBe(true);
  expect(replayedLists).toEqual(liveLists);
});

test(`a replay killed mid-way and run again resumes from its checkpoint and ends equal to the live store (seed ${SEED})`, async () => {
  const target = `${prefix}-k`;
  const group = `${env.KAFKA_GROUP_ID}-replay-${target}`;
  const first = startReplay(env, ['--to-prefix', target, '--max-rate', '10']); // 15 s for 150 events: time to see a partial commit on a loaded machine
  // Killed once the group has committed part of the work, not all of it.
  const at = await waitForPartial(group);
  first.child.kill('SIGKILL');
  await first.done;
  expect(at.committed).toBeLessThan(at.total);

  const second = startReplay(env, ['--to-prefix', target]);
  expect(await second.done).toBe(0);
  expect(second.output()).toContain(`resuming group ${group}`);
  expect(second.output()).not.toMatch(/replay: 150 events/); // it did not start over
  expect(diffDumps(await dumpPrefix(redis, prefix), await dumpPrefix(redis, target))).toEqual([]);
});

async function waitForPartial(group: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pos = await groupPosition(env, group);
    if (pos.committed > 0) return pos;
    if (Date.now() > deadline) throw new Error(`the replay committed nothing within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
