/**
 * botbuilder's `Storage` (teams-ai turn state) on Rewind's `SnapshotStore`, so conversation state lives in Cosmos DB
 * with everything else and a restart loses nothing. Items go to the `catalog` container, partition `bot|state`,
 * id = the storage key hex-encoded (Cosmos ids may not contain '/', '\\', '?', '#').
 *
 * eTag semantics of the Storage contract: an item written with an `eTag` other than `*` is written only if the stored
 * item still has that eTag (else the write fails, as MemoryStorage does); without one (or with `*`) it overwrites.
 */
import type { Storage, StoreItems } from 'botbuilder';
import { SnapshotStore, StoredDocument, isPreconditionFailedError } from '../../../backup-engine/src/ports/snapshot-store';

const PARTITION = 'bot|state';

interface StateDocument extends StoredDocument {
  type: 'botState';
  key: string;
  item: Record<string, unknown>;
}

export class CosmosBotStorage implements Storage {
  constructor(private readonly store: SnapshotStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const results = await Promise.all(keys.map((key) => this.store.read<StateDocument>('catalog', { pk: PARTITION, id: idOf(key) })));
    const items: StoreItems = {};
    keys.forEach((key, i) => {
      const result = results[i];
      if (result) items[key] = { ...result.document.item, eTag: result.etag };
    });
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, value] of Object.entries(changes)) {
      const { eTag, ...item } = (value ?? {}) as Record<string, unknown> & { eTag?: string };
      const document: StateDocument = { id: idOf(key), pk: PARTITION, tenantId: 'bot', type: 'botState', key, item };
      try {
        await this.store.upsert('catalog', document, eTag && eTag !== '*' ? { ifMatch: eTag } : undefined);
      } catch (error) {
        if (isPreconditionFailedError(error)) throw new Error(`Storage: error writing "${key}" due to eTag conflict.`);
        throw error;
      }
    }
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.store.delete('catalog', { pk: PARTITION, id: idOf(key) })));
  }
}

function idOf(key: string): string {
  return `state-${Buffer.from(key, 'utf8').toString('hex')}`;
}
