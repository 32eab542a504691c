import { MemoryExperimentStore } from '../../../src/experiments/store';
import { experimentStoreContract } from '../../contract/experimentStore.contract';

experimentStoreContract('memory', async () => ({ store: new MemoryExperimentStore(), close: async () => {} }));
