/**
 * Object lineage: when Rewind recreates a permanently deleted user or group, the new object continues the old one.
 * Graph gives it a new id; Rewind records "new id continues old id" and from then on treats the two as one object
 * with a new id: histories, versions, name lookups, diffs and restore plans follow the chain to the current id.
 *
 * Stored in `catalog`, partition `<tenantId>|lineage`, one document per recreated object (id = the new object id),
 * written by the executor after Graph created the object and before the create step is journaled done (a crash in
 * between leaves the step `running`; the resumed run adopts the object it made and records it then). Documents are
 * immutable, tenant-scoped, and never removed by prune: a snapshot from before the recreate needs them for as long
 * as it is kept.
 *
 * A chain is linear (an object is recreated only when it is gone, and each recreate makes a fresh id). Should two
 * documents ever continue one id, the later recorded one is the successor.
 */
import { SnapshotStore, StoredDocument } from '../ports/snapshot-store';

export interface LineageDocument extends StoredDocument {
  type: 'lineage';
  kind: 'user' | 'group';
  /** The id Graph gave the recreated object. */
  objectId: string;
  /** The id of the object it continues (the one the restore recreated). */
  continues: string;
  restoreId: string;
  stepId: string;
  recordedAt: string;
}

/** One recreate along a chain, for "recreated on … as …" lines. */
export interface Recreation {
  kind: 'user' | 'group';
  from: string;
  to: string;
  restoreId: string;
  at: string;
}

export function lineagePartition(tenantId: string): string {
  return `${tenantId}|lineage`;
}

export class Lineage {
  private readonly successor = new Map<string, LineageDocument>();
  private readonly predecessor = new Map<string, LineageDocument>();

  constructor(documents: readonly LineageDocument[]) {
    const ordered = [...documents].sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : 0));
    for (const d of ordered) {
      this.successor.set(d.continues.toLowerCase(), d);
      this.predecessor.set(d.objectId.toLowerCase(), d);
    }
  }

  static empty(): Lineage {
    return new Lineage([]);
  }

  /** Every lineage record of the tenant: one partition query. */
  static async load(store: SnapshotStore, tenantId: string): Promise<Lineage> {
    const documents: LineageDocument[] = [];
    for await (const d of store.queryPartition<LineageDocument>('catalog', lineagePartition(tenantId), { type: 'lineage' })) documents.push(d);
    return new Lineage(documents);
  }

  /** Records that `objectId` continues `continues`. Idempotent: the same record again changes nothing. */
  static async record(store: SnapshotStore, tenantId: string, entry: Omit<LineageDocument, 'id' | 'pk' | 'tenantId' | 'type'>): Promise<void> {
    const objectId = entry.objectId.toLowerCase();
    await store.create<LineageDocument>('catalog', {
      ...entry, objectId, continues: entry.continues.toLowerCase(), id: objectId, pk: lineagePartition(tenantId), tenantId, type: 'lineage',
    });
  }

  get size(): number {
    return this.predecessor.size;
  }

  /** The id the object has now: `id` followed through every recreate. */
  current(id: string): string {
    let at = id.toLowerCase();
    for (let hops = 0; hops <= this.successor.size; hops++) {
      const next = this.successor.get(at);
      if (!next) return at;
      at = next.objectId;
    }
    return at;
  }

  /** Every id the object has had, oldest first, ending with its current id. `[id]` when it was never recreated. */
  chain(id: string): string[] {
    let first = id.toLowerCase();
    for (let hops = 0; hops <= this.predecessor.size; hops++) {
      const previous = this.predecessor.get(first);
      if (!previous) break;
      first = previous.continues;
    }
    const ids = [first];
    for (let hops = 0; hops <= this.successor.size; hops++) {
      const next = this.successor.get(ids.at(-1)!);
      if (!next) break;
      ids.push(next.objectId);
    }
    return ids;
  }

  /** The ids the object had after `id`, oldest first (empty when it was never recreated since). */
  laterIds(id: string): string[] {
    const chain = this.chain(id);
    return chain.slice(chain.indexOf(id.toLowerCase()) + 1);
  }

  /** Whether `id` was ever recreated or is a recreation. */
  has(id: string): boolean {
    const lower = id.toLowerCase();
    return this.successor.has(lower) || this.predecessor.has(lower);
  }

  /** The recreates along `id`'s chain, oldest first. */
  recreations(id: string): Recreation[] {
    return this.chain(id).slice(1).map((to) => {
      const d = this.predecessor.get(to)!;
      return { kind: d.kind, from: d.continues, to: d.objectId, restoreId: d.restoreId, at: d.recordedAt };
    });
  }
}
