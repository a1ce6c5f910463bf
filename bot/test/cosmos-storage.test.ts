/** The bot's turn-state storage keeps botbuilder's Storage contract, eTags included, on the snapshot store. */
import { MemorySnapshotStore } from '../../backup-engine/src/store/memory-store';
import { CosmosBotStorage } from '../src/state/cosmos-storage';

describe('when turn state is stored', () => {
  it('then it reads back, honours eTags, and deletes', async () => {
    const storage = new CosmosBotStorage(new MemorySnapshotStore());
    const key = 'msteams/bot/conversations/19:abc?x#1';
    await storage.write({ [key]: { count: 1 } });
    const first = await storage.read([key, 'missing']);
    expect(first[key]).toMatchObject({ count: 1, eTag: expect.any(String) });
    expect(first.missing).toBeUndefined();
    await storage.write({ [key]: { count: 2, eTag: first[key].eTag } });
    await expect(storage.write({ [key]: { count: 3, eTag: first[key].eTag } })).rejects.toThrow(/eTag conflict/);
    await storage.write({ [key]: { count: 4, eTag: '*' } });
    expect((await storage.read([key]))[key].count).toBe(4);
    await storage.delete([key]);
    expect(await storage.read([key])).toEqual({});
  });
});
