/**
 * In-memory SnapshotStore, for unit tests only. It follows the same contract as the Cosmos adapter
 * (test/contract/snapshot-store.contract.ts): documents are deep-copied on every write and read, so a caller that
 * mutates an object it passed in or got back never changes what is stored; etags are fresh UUIDs on every write.
 */
import { randomUUID } from 'node:crypto';
import {
  CollectionName,
  ConflictError,
  DocumentKey,
  PreconditionFailedError,
  QueryOptions,
  ReadResult,
  SnapshotStore,
  StoredDocument,
} from '../ports/snapshot-store';

interface StoredEntry {
  document: StoredDocument;
  etag: string;
}

function keyOf(pk: string, id: string): string {
  return JSON.stringify([pk, id]);
}

function copyOf<T>(value: T): T {
  return structuredClone(value);
}

export class MemorySnapshotStore implements SnapshotStore {
  private readonly collections: Record<CollectionName, Map<string, StoredEntry>> = {
    snapshots: new Map(),
    objects: new Map(),
    catalog: new Map(),
  };

  async read<T extends StoredDocument>(collection: CollectionName, key: DocumentKey): Promise<ReadResult<T> | undefined> {
    const entry = this.collections[collection].get(keyOf(key.pk, key.id));
    return entry === undefined ? undefined : { document: copyOf(entry.document) as T, etag: entry.etag };
  }

  async readMany<T extends StoredDocument>(collection: CollectionName, keys: DocumentKey[]): Promise<(T | undefined)[]> {
    const entries = this.collections[collection];
    return keys.map((key) => {
      const entry = entries.get(keyOf(key.pk, key.id));
      return entry === undefined ? undefined : (copyOf(entry.document) as T);
    });
  }

  async create(collection: CollectionName, document: StoredDocument): Promise<'created' | 'exists'> {
    const entries = this.collections[collection];
    const key = keyOf(document.pk, document.id);
    if (entries.has(key)) return 'exists';
    entries.set(key, { document: copyOf(document), etag: randomUUID() });
    return 'created';
  }

  async createMany(collection: CollectionName, documents: StoredDocument[]): Promise<void> {
    for (const document of documents) await this.create(collection, document);
  }

  async insert(collection: CollectionName, document: StoredDocument): Promise<string> {
    const entries = this.collections[collection];
    const key = keyOf(document.pk, document.id);
    if (entries.has(key)) {
      throw new ConflictError(`${collection}: a document with pk '${document.pk}' and id '${document.id}' already exists`);
    }
    const etag = randomUUID();
    entries.set(key, { document: copyOf(document), etag });
    return etag;
  }

  async upsert(collection: CollectionName, document: StoredDocument, options?: { ifMatch?: string }): Promise<string> {
    const entries = this.collections[collection];
    const key = keyOf(document.pk, document.id);
    if (options?.ifMatch !== undefined) {
      // A missing document has no etag, so no etag can match it (the Cosmos adapter replaces, which 404s).
      const stored = entries.get(key);
      if (stored === undefined || stored.etag !== options.ifMatch) {
        throw new PreconditionFailedError(`${collection}: etag of pk '${document.pk}' id '${document.id}' does not match`);
      }
    }
    const etag = randomUUID();
    entries.set(key, { document: copyOf(document), etag });
    return etag;
  }

  async delete(collection: CollectionName, key: DocumentKey, options?: { ifMatch?: string }): Promise<boolean> {
    const entries = this.collections[collection];
    const mapKey = keyOf(key.pk, key.id);
    const stored = entries.get(mapKey);
    if (stored === undefined) return false;
    if (options?.ifMatch !== undefined && stored.etag !== options.ifMatch) {
      throw new PreconditionFailedError(`${collection}: etag of pk '${key.pk}' id '${key.id}' does not match`);
    }
    entries.delete(mapKey);
    return true;
  }

  async *queryPartition<T extends StoredDocument>(collection: CollectionName, pk: string, options?: QueryOptions): AsyncIterable<T> {
    yield* this.matching<T>(collection, (document) => document.pk === pk && matchesType(document, options));
  }

  async *queryTenant<T extends StoredDocument>(collection: CollectionName, tenantId: string, options?: QueryOptions): AsyncIterable<T> {
    yield* this.matching<T>(collection, (document) => document.tenantId === tenantId && matchesType(document, options));
  }

  private *matching<T extends StoredDocument>(collection: CollectionName, predicate: (document: StoredDocument) => boolean): Iterable<T> {
    // Snapshot the matches first, so writes made while the caller iterates do not disturb the iteration.
    const matches = [...this.collections[collection].values()].filter((entry) => predicate(entry.document));
    for (const entry of matches) yield copyOf(entry.document) as T;
  }
}

function matchesType(document: StoredDocument, options: QueryOptions | undefined): boolean {
  return options?.type === undefined || document.type === options.type;
}
