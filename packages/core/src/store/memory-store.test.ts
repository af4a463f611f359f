import { describeStoreConformance } from '../testing/store-conformance';
import { MemoryStore } from './memory-store';

describeStoreConformance('memory', async () => {
  const store = new MemoryStore();
  return { store, rawText: async () => store.dump(), close: () => store.close() };
});
