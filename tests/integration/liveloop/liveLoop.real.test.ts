import { liveLoopContract } from '../../contract/liveLoop.contract';
import { realStackEnv } from '../../helpers/gateway';
import { loggedEventCount } from '../../helpers/kafkaRead';

jest.setTimeout(60_000);

const env = realStackEnv();

liveLoopContract('real Kafka, Redis and ZooKeeper', { env: () => env, loggedEvents: () => loggedEventCount(env) });
