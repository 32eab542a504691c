import { clientContract } from '../../contract/client.contract';
import { realStackEnv } from '../../helpers/gateway';

jest.setTimeout(90_000);

clientContract('real Kafka, Redis and ZooKeeper', { env: () => realStackEnv() });
