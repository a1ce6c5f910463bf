/**
 * A simulator tenant, the real Graph adapter pointed at it, and an in-memory snapshot store: what the backup and
 * query tests drive. The simulator is reached only through `GraphDirectoryGateway` (style practice 2).
 */
import { GraphSimulator, GraphSimulatorOptions, createGraphSimulator } from '../../../graph-simulator/src';
import { BackupOptions, BackupResult, runBackup } from '../../src/backup/run-backup';
import { GraphDirectoryGateway } from '../../src/graph';
import { SnapshotStore } from '../../src/ports/snapshot-store';
import { SnapshotQueries } from '../../src/query/snapshot-queries';
import { MemorySnapshotStore } from '../../src/store/memory-store';

export interface EngineFixture {
  simulator: GraphSimulator;
  gateway: GraphDirectoryGateway;
  store: SnapshotStore;
  tenantId: string;
  backup(options?: BackupOptions): Promise<BackupResult>;
  queries(): SnapshotQueries;
  close(): Promise<void>;
}

export async function startEngine(options: GraphSimulatorOptions & { store?: SnapshotStore } = {}): Promise<EngineFixture> {
  const { store: givenStore, ...simulatorOptions } = options;
  const simulator = createGraphSimulator({ tenant: 'demo', throttle: false, ...simulatorOptions });
  const baseUrl = await simulator.listen(0);
  const gateway = new GraphDirectoryGateway({ baseUrl, backoff: { baseDelayInMs: 5, maxDelayInMs: 50 } });
  const store = givenStore ?? new MemorySnapshotStore();
  const tenantId = simulator.directory.tenantId;
  return {
    simulator, gateway, store, tenantId,
    backup: (backupOptions) => runBackup(gateway, store, { leaseTtlMs: 60_000, ...backupOptions }),
    queries: () => new SnapshotQueries(store, tenantId),
    close: () => simulator.close(),
  };
}
