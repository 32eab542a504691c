// The live loop on a Redis Cluster: one gateway through the live-loop contract, then two gateways
// sharing the cluster (pushes across gateways through sharded pub/sub, flag changes, out-of-stock),
// and pushes that say why and how fast.
import { liveLoopContract } from '../../contract/liveLoop.contract';
import { liveListsContract } from '../../contract/liveLists.contract';
import { pushOriginContract } from '../../contract/pushOrigin.contract';
import { loggedEventCount } from '../../helpers/kafkaRead';
import { clusterStackEnv } from '../../helpers/redisCluster';

jest.setTimeout(120_000);

const env = clusterStackEnv();

liveLoopContract('real Kafka, Redis Cluster and ZooKeeper', { env: () => env, loggedEvents: () => loggedEventCount(env) });

liveListsContract('Redis Cluster', clusterStackEnv);

// causedBy travels through the cluster's PUT_RECS script and sharded pub/sub.
pushOriginContract('real Kafka, Redis Cluster and ZooKeeper', { env: clusterStackEnv });
