import { pushOriginContract } from '../../contract/pushOrigin.contract';
import { realStackEnv } from '../../helpers/gateway';

jest.setTimeout(60_000);

pushOriginContract('real Kafka, Redis and ZooKeeper', { env: () => realStackEnv() });
