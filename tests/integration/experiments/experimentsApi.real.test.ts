// Attribution through the real Kafka (events), Redis (counters) and ZooKeeper (the experiment flag).
import { experimentsApiContract } from '../../contract/experimentsApi.contract';
import { realStackEnv } from '../../helpers/gateway';

jest.setTimeout(90_000);

experimentsApiContract('real stack', () => realStackEnv());
