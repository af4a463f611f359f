import { describeStoreConformance } from '../src/testing/store-conformance';
import { MemoryStore } from '../src/store/memory-store';

describeStoreConformance('memory', async (clock) => {
  const store = new MemoryStore({ clock });
  return { store, rawText: async () => store.dump(), close: () => store.close() };
});
