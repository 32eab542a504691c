import { MemoryStore } from '../../../src/store/memoryStore';
import { storeContract } from '../../contract/store.contract';

storeContract('memory', async () => ({ store: new MemoryStore(), close: async () => {} }));
