/** A manifest lookup reads only the nodes the asked keys live in, and agrees with loading the whole manifest. */
import { ManifestLookup, buildManifest, loadManifest } from '../../src/snapshot/manifest';
import { SnapshotRepository } from '../../src/snapshot/repository';
import { MemorySnapshotStore } from '../../src/store/memory-store';

describe('when a few keys are looked up in a large manifest', () => {
  it('then each hash equals the whole manifest\'s, absent keys are left out, and far fewer nodes are read', async () => {
    const store = new MemorySnapshotStore();
    const repository = new SnapshotRepository(store, 'tenant');
    const entries = new Map(Array.from({ length: 20_000 }, (_, i) => [`user:${i}`, `hash-${i}`] as [string, string]));
    const { manifest, newNodes } = buildManifest('tenant', entries);
    await store.createMany('objects', newNodes);
    const whole = await loadManifest(repository, manifest.rootHash);

    const reads: number[] = [];
    const readMany = store.readMany.bind(store);
    store.readMany = (async (collection, keys) => {
      reads.push(keys.length);
      return readMany(collection, keys);
    }) as typeof store.readMany;
    const lookup = new ManifestLookup(repository, manifest.rootHash);
    const asked = ['user:7', 'user:19999', 'user:12345', 'group:absent'];
    const found = await lookup.get(asked);

    expect([...found]).toEqual(asked.filter((k) => whole.entries.has(k)).map((k) => [k, whole.entries.get(k)]));
    const nodesRead = reads.reduce((a, b) => a + b, 0);
    expect(nodesRead).toBeLessThanOrEqual(1 + 4 + 4);
    expect(whole.leafHashes.size).toBeGreaterThan(1000);

    // A second lookup of the same keys reads nothing more; a new key reads at most its inner node and leaf.
    reads.length = 0;
    expect(await lookup.get(['user:7'])).toEqual(new Map([['user:7', 'hash-7']]));
    expect(reads).toEqual([]);
    expect((await lookup.get(['user:8'])).get('user:8')).toBe('hash-8');
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2);
  });
});

describe('when the store fails while a lookup reads manifest nodes', () => {
  it('then get rejects with the store error, nothing is left as an unhandled rejection, and a later get can succeed', async () => {
    const store = new MemorySnapshotStore();
    const repository = new SnapshotRepository(store, 'tenant');
    const { manifest, newNodes } = buildManifest('tenant', new Map(Array.from({ length: 5_000 }, (_, i) => [`user:${i}`, `hash-${i}`] as [string, string])));
    await store.createMany('objects', newNodes);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const readMany = store.readMany.bind(store);
      let calls = 0;
      store.readMany = (async (collection, keys) => {
        if (++calls === 3) throw new Error('503 from Cosmos');
        return readMany(collection, keys);
      }) as typeof store.readMany;
      const lookup = new ManifestLookup(repository, manifest.rootHash);
      await expect(lookup.get(['user:1', 'user:2', 'user:3', 'user:4'])).rejects.toThrow(/503/);
      expect((await lookup.get(['user:1', 'user:4'])).get('user:4')).toBe('hash-4');
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
