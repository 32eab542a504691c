// What `npm run stack:up -- --redis-cluster` promises: six nodes formed into one cluster, three
// primaries serving every slot, each with one replica.
import { primaries } from '../../../src/store/redisClient';
import { clusterClient, clusterNodes } from '../../helpers/redisCluster';

jest.setTimeout(60_000);

test('the test cluster has three primaries serving all 16384 slots, each with one replica', async () => {
  expect(clusterNodes()).toHaveLength(6);
  const redis = clusterClient();
  try {
    await redis.ping(); // connected, with the slot map
    const info = (await primaries(redis)[0]!.call('CLUSTER', 'INFO')) as string;
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
    expect(info).toMatch(/cluster_known_nodes:6/);
    expect(info).toMatch(/cluster_size:3/);
    const nodes = ((await primaries(redis)[0]!.call('CLUSTER', 'NODES')) as string)
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    const masters = nodes.filter((n) => n[2]!.includes('master')).map((n) => n[0]);
    const replicasOf = nodes.filter((n) => n[2]!.includes('slave')).map((n) => n[3]);
    expect(masters).toHaveLength(3);
    expect([...replicasOf].sort()).toEqual([...masters].sort());
    expect(primaries(redis)).toHaveLength(3);
  } finally {
    await redis.quit();
  }
});
