/**
 * Large relationship sets are stored in hash-bucketed chunks: they read back exactly, and one more member rewrites
 * one chunk, not the set.
 */
import { SnapshotRepository, LINKS_PER_CHUNK } from '../../src/snapshot/repository';
import { MemorySnapshotStore } from '../../src/store/memory-store';

const link = (n: number) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, type: 'user' });

describe('when a member set is larger than one chunk', () => {
  it('then it reads back identical, and adding one member stores one new chunk and the small head', async () => {
    const store = new MemorySnapshotStore();
    const repository = new SnapshotRepository(store, 'tenant');
    const links = Array.from({ length: LINKS_PER_CHUNK * 3 }, (_, i) => link(i)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const body = { links };
    const hash = SnapshotRepository.hashOf(body);
    await repository.writeVersions([{ key: 'members:g', hash, body }]);
    expect(await repository.readVersion('members:g', hash)).toEqual(body);
    const full = repository.storedBytes;

    const grown = { links: [...links, link(999_999)].sort((a, b) => (a.id < b.id ? -1 : 1)) };
    const grownHash = SnapshotRepository.hashOf(grown);
    await repository.writeVersions([{ key: 'members:g', hash: grownHash, body: grown }]);
    expect(await repository.readVersion('members:g', grownHash)).toEqual(grown);
    const added = repository.storedBytes - full;
    expect(added).toBeLessThan(full / 4);
    const chunkCount = [...(await store.readMany('objects', [{ pk: 'tenant|members:g', id: grownHash }]))].map((d) => (d as unknown as { chunks: string[] }).chunks.length)[0];
    expect(chunkCount).toBe(8);
  });
});
