import { Kafka, logLevel } from 'kafkajs';
import { TOPIC_OF } from '../../../src/events/envelope';
import { liveLoopContract } from '../../contract/liveLoop.contract';
import { realStackEnv } from '../../helpers/gateway';

jest.setTimeout(60_000);

const env = realStackEnv();

liveLoopContract('real Kafka, Redis and ZooKeeper', {
  env: () => env,
  loggedEvents: async () => {
    const admin = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      let total = 0;
      for (const topic of Object.values(TOPIC_OF)) {
        for (const p of await admin.fetchTopicOffsets(env.KAFKA_TOPIC_PREFIX + topic)) total += Number(p.high) - Number(p.low);
      }
      return total;
    } finally {
      await admin.disconnect();
    }
  },
});
