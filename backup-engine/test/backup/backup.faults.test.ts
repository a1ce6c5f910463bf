/**
 * Backups under failure: throttling storms and server errors change nothing in the result; a backup that dies
 * mid-way leaves no snapshot behind and the next run resumes it; two workers never back up one tenant at once.
 */
import { SnapshotStore, StoredDocument, CollectionName } from '../../src/ports/snapshot-store';
import { isLeaseHeldError } from '../../src/backup/lease';
import { MemorySnapshotStore } from '../../src/store/memory-store';
import { SimClock } from '../../../graph-simulator/src';
import { startEngine } from '../support/engine-fixture';

/** Seeds place recycle-bin dates relative to the clock: a frozen clock makes two simulators' tenants identical. */
const frozenClock = () => new SimClock(() => Date.UTC(2026, 10, 20, 8, 0, 0));

async function faultFreeManifest(): Promise<string> {
  const fx = await startEngine({ clock: frozenClock() });
  try {
    return (await fx.backup()).snapshot.manifestHash;
  } finally {
    await fx.close();
  }
}

describe('when 30% of requests are throttled and 5% fail with 5xx', () => {
  it('then the snapshot is identical to a fault-free one, and the retries are counted', async () => {
    const expected = await faultFreeManifest();
    const fx = await startEngine({
      clock: frozenClock(),
      faultSeed: 42,
      faults: [
        { method: 'GET', path: '.', status: 429, retryAfterSeconds: 0, probability: 0.3 },
        { method: 'POST', path: '^/\\$batch$', status: 429, retryAfterSeconds: 0, probability: 0.3 },
        { method: 'GET', path: '.', status: 503, probability: 0.05 },
      ],
    });
    try {
      const { snapshot } = await fx.backup();
      expect(snapshot.manifestHash).toBe(expected);
      expect(snapshot.stats.throttled).toBeGreaterThan(0);
      expect(snapshot.stats.retries).toBeGreaterThanOrEqual(snapshot.stats.throttled);
      expect(fx.simulator.stats().faultsInjected).toBeGreaterThan(0);
    } finally {
      await fx.close();
    }
  });
});

/** A store that fails every write after `budget` successful `createMany` calls: a crash mid-backup. */
class CrashingStore extends MemorySnapshotStore {
  constructor(private budget: number) {
    super();
  }
  crashAfter(writes: number): void {
    this.budget = writes;
  }
  override async createMany(collection: CollectionName, documents: StoredDocument[]): Promise<void> {
    if (this.budget-- <= 0) throw new Error('simulated crash: the process died while writing');
    return super.createMany(collection, documents);
  }
}

describe('when a backup dies mid-way', () => {
  it('then no snapshot is committed, and the next run resumes the same snapshot to the same result', async () => {
    const expected = await faultFreeManifest();
    const store = new CrashingStore(1);
    const fx = await startEngine({ store, clock: frozenClock() });
    try {
      await expect(fx.backup()).rejects.toThrow('simulated crash');
      expect(await fx.queries().listSnapshots()).toEqual([]);
      store.crashAfter(Number.POSITIVE_INFINITY);
      const { snapshot, resumed } = await fx.backup();
      expect(resumed).toBe(true);
      expect(snapshot.manifestHash).toBe(expected);
      expect(await fx.queries().listSnapshots()).toHaveLength(1);
    } finally {
      await fx.close();
    }
  });

  it('then a Graph failure that outlasts the retries also leaves no snapshot, and the retry completes', async () => {
    const expected = await faultFreeManifest();
    const fx = await startEngine({ clock: frozenClock(), faults: [{ method: 'GET', path: '^/groups/delta', status: 500 }] });
    try {
      await expect(fx.backup()).rejects.toThrow('An internal server error occurred.');
      expect(await fx.queries().listSnapshots()).toEqual([]);
      fx.simulator.setFaults([]);
      const { snapshot, resumed } = await fx.backup();
      expect(resumed).toBe(true);
      expect(snapshot.manifestHash).toBe(expected);
    } finally {
      await fx.close();
    }
  });
});

describe('when two workers back up the same tenant at once', () => {
  it('then exactly one runs and the other is refused with the holder named', async () => {
    const store: SnapshotStore = new MemorySnapshotStore();
    const fx = await startEngine({ store });
    try {
      const outcomes = await Promise.allSettled([fx.backup({ leaseOwner: 'worker-a' }), fx.backup({ leaseOwner: 'worker-b' })]);
      const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(isLeaseHeldError(rejected[0].reason)).toBe(true);
      expect(String((rejected[0].reason as Error).message)).toMatch(/worker-(a|b)/);
      await expect(fx.backup({ leaseOwner: 'worker-c' })).resolves.toBeDefined();
    } finally {
      await fx.close();
    }
  });
});
