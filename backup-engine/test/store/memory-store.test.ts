import { MemorySnapshotStore } from '../../src/store/memory-store';
import { describeSnapshotStoreContract } from '../contract/snapshot-store.contract';

describeSnapshotStoreContract('MemorySnapshotStore', async () => ({ store: new MemorySnapshotStore(), close: async () => undefined }));
