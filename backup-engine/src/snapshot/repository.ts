/**
 * Typed access to the stored documents, on top of the `SnapshotStore` port. Write order (restic's "Read and Write
 * Ordering"): versions and chunks first, then histories, then manifest tree nodes, then the snapshot header. A
 * reader lists committed snapshot headers first and ignores anything they do not reach, so a crash at any point
 * leaves no half snapshot.
 */
import pLimit from 'p-limit';
import { CollectionName, DocumentKey, SnapshotStore, StoredDocument } from '../ports/snapshot-store';
import { canonicalJson, contentHash, sha256Hex } from './canonical';
import {
  ChunkDocument,
  HistoryDocument,
  HistoryEvent,
  EntryLabel,
  LeaseDocument,
  NameIndexDocument,
  SnapshotDocument,
  VersionDocument,
} from './documents';
import { entryPartition, parseEntryKey } from './keys';

/**
 * Sets larger than this are split into chunk documents (Cosmos DB items are limited to 2 MB). A link goes to the
 * chunk chosen by the hash of its id (the number of chunks is a power of two for about LINKS_PER_CHUNK / 2 links
 * each), so adding or removing one member rewrites one chunk, not the whole set.
 */
export const LINKS_PER_CHUNK = 4_000;
/** Versions written per store call: large enough for the store's bulk path. */
const WRITE_BATCH = 5_000;

export interface PendingVersion {
  key: string;
  hash: string;
  body: unknown;
}

export class SnapshotRepository {
  private bytesWritten = 0;
  /** Chunks known to be stored (read or written by this process): not counted again as new bytes. */
  private readonly knownChunks = new Set<string>();

  constructor(
    readonly store: SnapshotStore,
    readonly tenantId: string,
  ) {}

  get storedBytes(): number {
    return this.bytesWritten;
  }

  // ------------------------------------------------------------ versions

  static hashOf(body: unknown): string {
    return contentHash(body);
  }

  /** Writes versions (and chunks) that are not stored yet. Idempotent. */
  async writeVersions(versions: PendingVersion[]): Promise<void> {
    for (let i = 0; i < versions.length; i += WRITE_BATCH) {
      const documents: StoredDocument[] = [];
      for (const version of versions.slice(i, i + WRITE_BATCH)) documents.push(...this.versionDocuments(version));
      await this.store.createMany('objects', documents);
    }
  }

  private versionDocuments(version: PendingVersion): StoredDocument[] {
    const pk = entryPartition(this.tenantId, version.key);
    const body = version.body as { links?: { id: string }[] } | null;
    if (body && typeof body === 'object' && Array.isArray(body.links) && body.links.length > LINKS_PER_CHUNK) {
      const { links, ...head } = body;
      const buckets = 2 ** Math.ceil(Math.log2(links.length / (LINKS_PER_CHUNK / 2)));
      const slices: { id: string }[][] = Array.from({ length: buckets }, () => []);
      for (const link of links) slices[parseInt(sha256Hex(link.id).slice(0, 8), 16) % buckets].push(link);
      const chunks: ChunkDocument[] = slices.map((slice) => ({ id: contentHash(slice), pk, tenantId: this.tenantId, type: 'chunk', key: version.key, links: slice }));
      const document: VersionDocument = {
        id: version.hash, pk, tenantId: this.tenantId, type: 'version', key: version.key, head, chunks: chunks.map((c) => c.id), bytes: canonicalJson(body).length,
      };
      for (const chunk of chunks) {
        if (this.knownChunks.has(chunk.id)) continue;
        this.knownChunks.add(chunk.id);
        this.bytesWritten += Buffer.byteLength(JSON.stringify(chunk));
      }
      this.bytesWritten += Buffer.byteLength(JSON.stringify(document));
      return [...chunks, document];
    }
    const document: VersionDocument = { id: version.hash, pk, tenantId: this.tenantId, type: 'version', key: version.key, body: version.body, bytes: 0 };
    document.bytes = canonicalJson(version.body).length;
    this.bytesWritten += Buffer.byteLength(JSON.stringify(document));
    return [document];
  }

  async readVersion<T = unknown>(key: string, hash: string): Promise<T | undefined> {
    const [body] = await this.readVersions<T>([{ key, hash }]);
    return body;
  }

  /** Reads versions (reassembling chunked ones); aligned with the input, `undefined` where missing. */
  async readVersions<T = unknown>(refs: { key: string; hash: string }[]): Promise<(T | undefined)[]> {
    const documents = await this.store.readMany<VersionDocument>('objects', refs.map((r) => ({ pk: entryPartition(this.tenantId, r.key), id: r.hash })));
    return Promise.all(documents.map(async (document) => {
      if (!document) return undefined;
      if (!document.chunks) return document.body as T;
      const chunks = await this.store.readMany<ChunkDocument>('objects', document.chunks.map((id) => ({ pk: document.pk, id })));
      if (chunks.some((c) => !c)) throw new Error(`version ${document.id} of ${document.key} is missing a chunk`);
      document.chunks.forEach((id) => this.knownChunks.add(id));
      const links = (chunks.flatMap((c) => c!.links) as { id: string }[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return { ...document.head, links } as T;
    }));
  }

  // ------------------------------------------------------------ histories

  async readHistories(keys: string[]): Promise<(HistoryDocument | undefined)[]> {
    return this.store.readMany<HistoryDocument>('objects', keys.map((key) => this.historyKey(key)));
  }

  historyKey(key: string): DocumentKey {
    return { pk: entryPartition(this.tenantId, key), id: 'history' };
  }

  /**
   * Appends one event per key for `snapshotId` (replacing an event of the same snapshot: a resumed backup rewrites
   * the same facts). The lease makes the backup the only writer of histories.
   */
  async appendHistoryEvents(changes: { key: string; event: HistoryEvent; label?: EntryLabel }[], options: { firstBackup?: boolean } = {}): Promise<void> {
    for (let i = 0; i < changes.length; i += WRITE_BATCH) {
      const batch = changes.slice(i, i + WRITE_BATCH);
      // The first backup of a tenant has no history to append to: histories are created only by a backup, and an
      // interrupted first backup is resumed under the same snapshot id (its checkpoint lives until the commit), so
      // a history that exists already holds this very event. Skip the reads and create in bulk.
      const existing = options.firstBackup ? batch.map(() => undefined) : await this.readHistories(batch.map((c) => c.key));
      const fresh: HistoryDocument[] = [];
      const updates: HistoryDocument[] = [];
      batch.forEach((change, index) => {
        const current = existing[index];
        const document: HistoryDocument = current ?? {
          id: 'history', pk: entryPartition(this.tenantId, change.key), tenantId: this.tenantId, type: 'history',
          key: change.key, kind: parseEntryKey(change.key).kind, events: [],
        };
        const events = document.events.filter((e) => e.snapshotId !== change.event.snapshotId);
        events.push(change.event);
        events.sort((a, b) => (a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : 0));
        document.events = events;
        if (change.label) document.label = change.label;
        (current ? updates : fresh).push(document);
      });
      if (fresh.length) await this.store.createMany('objects', fresh);
      await runLimited(updates, 32, (document) => this.store.upsert('objects', document).then(() => undefined));
    }
  }

  async writeHistory(document: HistoryDocument): Promise<void> {
    await this.store.upsert('objects', document);
  }

  // ------------------------------------------------------------ snapshots

  async listSnapshots(): Promise<SnapshotDocument[]> {
    const snapshots: SnapshotDocument[] = [];
    for await (const document of this.store.queryPartition<SnapshotDocument>('snapshots', this.tenantId, { type: 'snapshot' })) {
      snapshots.push(document);
    }
    return snapshots.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async commitSnapshot(snapshot: SnapshotDocument): Promise<void> {
    await this.store.upsert('snapshots', snapshot);
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.store.delete('snapshots', { pk: this.tenantId, id });
  }

  // ------------------------------------------------------------ generic

  async read<T extends StoredDocument>(collection: CollectionName, key: DocumentKey) {
    return this.store.read<T>(collection, key);
  }

  async readNameBuckets(prefixes: string[]): Promise<(NameIndexDocument | undefined)[]> {
    return this.store.readMany<NameIndexDocument>('catalog', prefixes.map((p) => ({ pk: `${this.tenantId}|names`, id: nameBucketId(p) })));
  }

  async writeNameBuckets(documents: NameIndexDocument[]): Promise<void> {
    await runLimited(documents, 16, (d) => this.store.upsert('catalog', d).then(() => undefined));
  }

  newNameBucket(prefix: string): NameIndexDocument {
    return { id: nameBucketId(prefix), pk: `${this.tenantId}|names`, tenantId: this.tenantId, type: 'names', entries: [] };
  }

  leaseKey(): DocumentKey {
    return { pk: this.tenantId, id: 'lease' };
  }

  newLease(owner: string, acquiredAt: Date, ttlMs: number): LeaseDocument {
    return {
      id: 'lease', pk: this.tenantId, tenantId: this.tenantId, type: 'lease', owner,
      acquiredAt: acquiredAt.toISOString(), expiresAt: new Date(acquiredAt.getTime() + ttlMs).toISOString(),
    };
  }
}

/** Cosmos ids may not contain '/', '\\', '?' or '#': name buckets are keyed by the hex of their prefix. */
export function nameBucketId(prefix: string): string {
  return `names-${Buffer.from(prefix, 'utf8').toString('hex')}`;
}

/** Runs `work` over `items` with at most `limit` in flight (p-limit). Rejects with the first failure after all settle. */
export async function runLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const gate = pLimit(Math.max(1, limit));
  const outcomes = await Promise.allSettled(items.map((item) => gate(() => work(item))));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}
