import { MemoryLog } from '../../../src/log/memoryLog';
import { TOPIC_OF } from '../../../src/events/envelope';
import { liveLoopContract } from '../../contract/liveLoop.contract';

liveLoopContract('embedded stand-ins', {
  env: () => ({}),
  loggedEvents: async (gateway) => {
    const log = gateway.services.publisher as MemoryLog;
    let total = 0;
    for (const topic of Object.values(TOPIC_OF)) for (let p = 0; p < 3; p++) total += log.read(`${topic}/${p}`).length;
    return total;
  },
});
