import { MemoryStore } from '../../../src/store/memoryStore';
import { storeContract } from '../../contract/store.contract';

storeContract(
  'memory',
  async () => ({ store: new MemoryStore(), close: async () => {} }),
  async (retentionMs) => {
    let clock = Date.UTC(2031, 0, 1);
    const now = () => clock;
    const store = new MemoryStore({ now, retentionMs: () => retentionMs });
    return { store, close: async () => {}, now, elapse: async (ms) => void (clock += ms) };
  },
);
