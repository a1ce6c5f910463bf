/**
 * Where snapshots live. A deliberately small document-store contract, so that the Cosmos DB adapter and the
 * in-memory adapter (unit tests only) can be held to one conformance suite (test/contract/snapshot-store.contract.ts).
 *
 * Every document has `id`, `pk` (its partition key value), `tenantId` and `type`. Reads and queries are always
 * scoped by partition key, or by `tenantId` for the few tenant-wide scans (integrity check, prune): the local Cosmos
 * server ignores the partition-key option, so scoping is always in the WHERE clause (cosmos-local.md).
 *
 * - `create` is for content-addressed documents: creating an id that exists is not an error (`'exists'`).
 * - `replace` with `ifMatch` fails with `PreconditionFailedError` when the stored etag differs (optimistic
 *   concurrency); `insert` fails with `ConflictError` when the id exists (leases).
 * - Etags are opaque strings.
 */
export type CollectionName = 'snapshots' | 'objects' | 'catalog';

export interface StoredDocument {
  id: string;
  pk: string;
  tenantId: string;
  type: string;
}

export interface ReadResult<T> {
  document: T;
  etag: string;
}

export interface DocumentKey {
  pk: string;
  id: string;
}

export interface QueryOptions {
  /** Only documents of this `type`. */
  type?: string;
}

export interface SnapshotStore {
  read<T extends StoredDocument>(collection: CollectionName, key: DocumentKey): Promise<ReadResult<T> | undefined>;
  /** Point reads of many documents; the result is aligned with `keys` (`undefined` where missing). */
  readMany<T extends StoredDocument>(collection: CollectionName, keys: DocumentKey[]): Promise<(T | undefined)[]>;
  /** Idempotent create of an immutable document. */
  create<T extends StoredDocument>(collection: CollectionName, document: T): Promise<'created' | 'exists'>;
  /** Idempotent create of many immutable documents (bulk). */
  createMany<T extends StoredDocument>(collection: CollectionName, documents: T[]): Promise<void>;
  /** Create, failing with `ConflictError` if the id exists. Returns the new etag. */
  insert<T extends StoredDocument>(collection: CollectionName, document: T): Promise<string>;
  /** Create or overwrite; with `ifMatch`, only if the stored etag matches. Returns the new etag. */
  upsert<T extends StoredDocument>(collection: CollectionName, document: T, options?: { ifMatch?: string }): Promise<string>;
  /** Returns false when there was nothing to delete. With `ifMatch`, only if the stored etag matches. */
  delete(collection: CollectionName, key: DocumentKey, options?: { ifMatch?: string }): Promise<boolean>;
  /** Every document of one partition, in no particular order. */
  queryPartition<T extends StoredDocument>(collection: CollectionName, pk: string, options?: QueryOptions): AsyncIterable<T>;
  /** Every document of one tenant across partitions (integrity check, prune, export). */
  queryTenant<T extends StoredDocument>(collection: CollectionName, tenantId: string, options?: QueryOptions): AsyncIterable<T>;
}

export const PRECONDITION_FAILED_ERROR_NAME = 'PreconditionFailedError';
export const CONFLICT_ERROR_NAME = 'ConflictError';

export class PreconditionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = PRECONDITION_FAILED_ERROR_NAME;
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = CONFLICT_ERROR_NAME;
  }
}

export function isPreconditionFailedError(e: unknown): e is PreconditionFailedError {
  return e instanceof Error && e.name === PRECONDITION_FAILED_ERROR_NAME;
}

export function isConflictError(e: unknown): e is ConflictError {
  return e instanceof Error && e.name === CONFLICT_ERROR_NAME;
}
