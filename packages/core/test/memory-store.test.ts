import { describeStoreConformance } from '../src/testing/store-conformance';
import { MemoryStore } from '../src/store/memory-store';

describeStoreConformance('memory', async () => {
  const store = new MemoryStore();
  return { store, rawText: async () => store.dump(), close: () => store.close() };
});
