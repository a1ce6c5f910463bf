/**
 * SnapshotStore on Azure Cosmos DB for NoSQL (@azure/cosmos), also used against the in-process local server
 * (local-cosmos.ts, @vercel/cosmosdb-server).
 *
 * Layout: one database (default `rewind`) with the containers `snapshots`, `objects` and `catalog`, each partitioned
 * on the single path `/pk` (no hierarchical keys: the local server honours only the first path). `open()` creates
 * them if they do not exist; their settings are fixed at creation (the local server's `container.replace()` wipes
 * every document, so this adapter never changes a container).
 *
 * Protocol facts this adapter relies on:
 * - Every query names its scope in the WHERE clause (`c.pk = @pk` or `c.tenantId = @tenantId`); the `partitionKey`
 *   option is passed too, for routing on real Cosmos, but the local server ignores it.
 * - Paging uses `maxItemCount` and the SDK's continuation tokens; never OFFSET/LIMIT (the local parser rejects it).
 * - Create → 409 means the id exists; replace/delete with `IfMatch` → 412 means the etag is stale; 404 on read does
 *   not throw (resource is undefined).
 * - Etags are opaque strings (the local server returns a bare UUID, real Cosmos a quoted string).
 * - Documents come back with the system properties `_rid`, `_self`, `_etag`, `_attachments`, `_ts`; they are removed
 *   before a document leaves this adapter.
 */
import {
  Container,
  CosmosClient,
  CosmosClientOptions,
  Database,
  ErrorResponse,
  IndexingPolicy,
  JSONObject,
  OperationInput,
  SqlQuerySpec,
} from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';
import { ConfigurationError } from '../errors';
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

export const COLLECTION_NAMES: readonly CollectionName[] = ['snapshots', 'objects', 'catalog'];
export const DEFAULT_DATABASE_NAME = 'rewind';
export const DEFAULT_QUERY_PAGE_SIZE = 1000;
export const DEFAULT_POINT_CONCURRENCY = 32;
export const DEFAULT_BULK_THRESHOLD = 1000;
export const DEFAULT_BULK_CHUNK_SIZE = 50_000;
export const DEFAULT_MAX_BULK_ATTEMPTS = 10;

const SYSTEM_PROPERTIES = ['_rid', '_self', '_etag', '_attachments', '_ts'] as const;

/** Per-operation status codes that mean "try this operation again later" (throttled, write conflict, unavailable). */
const RETRIABLE_STATUS_CODES: ReadonlySet<number> = new Set([429, 449, 503]);

/**
 * Indexing policy of every container, chosen for the adapter's only queries:
 *   WHERE c.pk = @pk [AND c.type = @type]   and   WHERE c.tenantId = @tenantId [AND c.type = @type]
 * Everything is range-indexed (consistent, automatic) so that later queries on small metadata fields (timestamps,
 * status) keep working, except the large payload subtrees, which are never filtered on: `/body/*` (object versions),
 * `/entries/*` (manifest maps), `/ids/*` (id lists). Excluding them makes each write cost far fewer RU on real Cosmos
 * (indexing cost grows with the number of indexed paths) and keeps the index small. `/"_etag"/?` is excluded as in
 * the service default.
 */
export const CONTAINER_INDEXING_POLICY: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/body/*' }, { path: '/entries/*' }, { path: '/ids/*' }, { path: '/"_etag"/?' }],
};

export interface CosmosSnapshotStoreOptions {
  /** Default `rewind`. */
  databaseName?: string;
  /** Documents per query page (`maxItemCount`). Default 1000. */
  queryPageSize?: number;
  /** Point operations in flight at once in `readMany` and small `createMany` calls. Default 32. */
  pointConcurrency?: number;
  /** `createMany` of at least this many documents uses `executeBulkOperations`; fewer use point creates. Default 1000. */
  bulkThreshold?: number;
  /** Operations per `executeBulkOperations` call (bounds the SDK's bookkeeping memory). Default 50,000. */
  bulkChunkSize?: number;
  /** Rounds of retrying throttled bulk operations before `createMany` gives up. Default 10. */
  maxBulkAttempts?: number;
}

export interface OpenCosmosStoreOptions extends CosmosSnapshotStoreOptions {
  endpoint: string;
  /** Account key. For the local server any non-empty string works. */
  key?: string;
  /** Entra ID credential (e.g. DefaultAzureCredential); takes precedence over `key`. */
  credential?: TokenCredential;
}

/** Builds a client and an opened store. Entra ID auth when `credential` is given, account key otherwise. */
export async function openCosmosStore(options: OpenCosmosStoreOptions): Promise<CosmosSnapshotStore> {
  const store = new CosmosSnapshotStore(new CosmosClient(cosmosClientOptions(options)), options);
  try {
    await store.open();
  } catch (error) {
    store.dispose();
    throw error;
  }
  return store;
}

export function cosmosClientOptions(options: Pick<OpenCosmosStoreOptions, 'endpoint' | 'key' | 'credential'>): CosmosClientOptions {
  let endpointUrl: URL;
  try {
    endpointUrl = new URL(options.endpoint);
  } catch {
    throw new ConfigurationError(`Cosmos endpoint '${options.endpoint}' is not a URL; expected e.g. https://<account>.documents.azure.com:443/`);
  }
  if (options.credential === undefined && (options.key === undefined || options.key === '')) {
    throw new ConfigurationError('Cosmos DB needs a credential or an account key; set COSMOS_KEY, or use Entra ID auth (a TokenCredential)');
  }
  const auth: Pick<CosmosClientOptions, 'aadCredentials' | 'key'> =
    options.credential !== undefined ? { aadCredentials: options.credential } : { key: options.key };
  if (endpointUrl.protocol === 'http:') {
    // The local server over plain HTTP: pass no `agent` (a custom agent makes the SDK refuse the insecure
    // connection); the SDK then uses its own keep-alive agent. The account document points at the same host, so
    // endpoint discovery only costs a request.
    return { endpoint: options.endpoint, ...auth, connectionPolicy: { enableEndpointDiscovery: false } };
  }
  return { endpoint: options.endpoint, ...auth };
}

export class CosmosSnapshotStore implements SnapshotStore {
  readonly databaseName: string;
  private readonly queryPageSize: number;
  private readonly pointConcurrency: number;
  private readonly bulkThreshold: number;
  private readonly bulkChunkSize: number;
  private readonly maxBulkAttempts: number;
  private containers: Record<CollectionName, Container> | undefined;

  constructor(
    private readonly client: CosmosClient,
    options: CosmosSnapshotStoreOptions = {},
  ) {
    this.databaseName = options.databaseName ?? DEFAULT_DATABASE_NAME;
    this.queryPageSize = positiveInteger('queryPageSize', options.queryPageSize ?? DEFAULT_QUERY_PAGE_SIZE);
    this.pointConcurrency = positiveInteger('pointConcurrency', options.pointConcurrency ?? DEFAULT_POINT_CONCURRENCY);
    this.bulkThreshold = positiveInteger('bulkThreshold', options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD);
    this.bulkChunkSize = positiveInteger('bulkChunkSize', options.bulkChunkSize ?? DEFAULT_BULK_CHUNK_SIZE);
    this.maxBulkAttempts = positiveInteger('maxBulkAttempts', options.maxBulkAttempts ?? DEFAULT_MAX_BULK_ATTEMPTS);
  }

  /**
   * Creates the database and the containers if they do not exist. Must be called before any other method.
   * `createIfNotExists` reads first, so with Entra ID data-plane RBAC (which cannot create databases or containers)
   * it works when infra/azure.bicep created them; a 403 becomes a ConfigurationError that says so.
   */
  async open(): Promise<void> {
    try {
      const { database } = await this.client.databases.createIfNotExists({ id: this.databaseName });
      const opened = await Promise.all(COLLECTION_NAMES.map((name) => createContainer(database, name)));
      this.containers = { snapshots: opened[0], objects: opened[1], catalog: opened[2] };
    } catch (error) {
      if ((error as { code?: unknown }).code === 403) {
        throw new ConfigurationError(
          `Cosmos DB refused to open database "${this.databaseName}" and its containers (${COLLECTION_NAMES.join(', ')}) (403): with Entra ID (data-plane RBAC) ` +
            'the identity cannot create them, and it needs the Cosmos DB Built-in Data Contributor role; deploy infra/azure.bicep, which creates both',
        );
      }
      throw error;
    }
  }

  /** Deletes the whole database (tests; never called by the engine). */
  async dropDatabase(): Promise<void> {
    await this.client.database(this.databaseName).delete();
    this.containers = undefined;
  }

  /** Releases the client's timers and sockets. */
  dispose(): void {
    this.client.dispose();
  }

  async read<T extends StoredDocument>(collection: CollectionName, key: DocumentKey): Promise<ReadResult<T> | undefined> {
    const { resource } = await retryOnConnectionFailure(() => this.container(collection).item(key.id, key.pk).read<JSONObject>());
    if (resource === undefined) return undefined;
    return { document: withoutSystemProperties(resource) as unknown as T, etag: String(resource._etag) };
  }

  async readMany<T extends StoredDocument>(collection: CollectionName, keys: DocumentKey[]): Promise<(T | undefined)[]> {
    const container = this.container(collection);
    return mapWithConcurrency(keys, this.pointConcurrency, async (key) => {
      const { resource } = await retryOnConnectionFailure(() => container.item(key.id, key.pk).read<JSONObject>());
      return resource === undefined ? undefined : (withoutSystemProperties(resource) as unknown as T);
    });
  }

  async create(collection: CollectionName, document: StoredDocument): Promise<'created' | 'exists'> {
    try {
      await retryOnConnectionFailure(() => this.container(collection).items.create(document));
      return 'created';
    } catch (error) {
      if (statusCodeOf(error) === 409) return 'exists';
      throw error;
    }
  }

  /**
   * Idempotent create of many documents. Duplicates of one (pk, id) in the input are reduced to their first
   * occurrence, so the stored content does not depend on request order.
   *
   * Below `bulkThreshold` documents: point creates, `pointConcurrency` in flight (409 = exists; the SDK retries 429
   * itself). From `bulkThreshold` up: one `executeBulkOperations` call per `bulkChunkSize` documents. The SDK's bulk
   * executor waits 1 s before it flushes a partial batch, so every bulk call costs at least 1 s whatever its size;
   * point creates are faster for the page-sized batches a backup writes.
   */
  async createMany(collection: CollectionName, documents: StoredDocument[]): Promise<void> {
    const container = this.container(collection);
    const unique = firstOfEachKey(documents);
    if (unique.length < this.bulkThreshold) {
      await mapWithConcurrency(unique, this.pointConcurrency, (document) => this.create(collection, document));
      return;
    }
    for (let start = 0; start < unique.length; start += this.bulkChunkSize) {
      await this.createChunk(container, collection, unique.slice(start, start + this.bulkChunkSize));
    }
  }

  async insert(collection: CollectionName, document: StoredDocument): Promise<string> {
    try {
      const { resource } = await this.container(collection).items.create(document);
      return etagOf(resource);
    } catch (error) {
      if (statusCodeOf(error) === 409) {
        throw new ConflictError(`${collection}: a document with pk '${document.pk}' and id '${document.id}' already exists`);
      }
      throw error;
    }
  }

  /**
   * Without `ifMatch`: upsert. With `ifMatch`: replace with an IfMatch access condition, so a missing document
   * (404) fails like a stale etag (412) — nothing stored can match the etag the caller holds.
   */
  async upsert(collection: CollectionName, document: StoredDocument, options?: { ifMatch?: string }): Promise<string> {
    const container = this.container(collection);
    if (options?.ifMatch === undefined) {
      const { resource } = await retryOnConnectionFailure(() => container.items.upsert(document));
      return etagOf(resource);
    }
    try {
      const { resource } = await container
        .item(document.id, document.pk)
        .replace(document, { accessCondition: { type: 'IfMatch', condition: options.ifMatch } });
      return etagOf(resource);
    } catch (error) {
      const statusCode = statusCodeOf(error);
      if (statusCode === 412 || statusCode === 404) {
        throw new PreconditionFailedError(`${collection}: etag of pk '${document.pk}' id '${document.id}' does not match (${statusCode})`);
      }
      throw error;
    }
  }

  async delete(collection: CollectionName, key: DocumentKey, options?: { ifMatch?: string }): Promise<boolean> {
    const accessCondition = options?.ifMatch === undefined ? undefined : { type: 'IfMatch', condition: options.ifMatch };
    try {
      await this.container(collection).item(key.id, key.pk).delete({ accessCondition });
      return true;
    } catch (error) {
      const statusCode = statusCodeOf(error);
      if (statusCode === 404) return false;
      if (statusCode === 412) {
        throw new PreconditionFailedError(`${collection}: etag of pk '${key.pk}' id '${key.id}' does not match`);
      }
      throw error;
    }
  }

  queryPartition<T extends StoredDocument>(collection: CollectionName, pk: string, options?: QueryOptions): AsyncIterable<T> {
    const query = scopedQuery('pk', pk, options);
    return this.queryPages<T>(collection, query, pk);
  }

  queryTenant<T extends StoredDocument>(collection: CollectionName, tenantId: string, options?: QueryOptions): AsyncIterable<T> {
    return this.queryPages<T>(collection, scopedQuery('tenantId', tenantId, options), undefined);
  }

  /** Every document of a collection, across tenants (local export only; not part of the port). */
  scanCollection(collection: CollectionName): AsyncIterable<StoredDocument> {
    return this.queryPages<StoredDocument>(collection, { query: 'SELECT * FROM c' }, undefined);
  }

  private async *queryPages<T extends StoredDocument>(
    collection: CollectionName,
    query: SqlQuerySpec,
    partitionKey: string | undefined,
  ): AsyncIterable<T> {
    const iterator = this.container(collection).items.query<JSONObject>(query, {
      maxItemCount: this.queryPageSize,
      ...(partitionKey === undefined ? {} : { partitionKey }),
    });
    // Each fetchNext sends the previous page's continuation token; a page may be empty while more remain.
    while (iterator.hasMoreResults()) {
      const { resources } = await iterator.fetchNext();
      for (const resource of resources ?? []) yield withoutSystemProperties(resource) as unknown as T;
    }
  }

  /**
   * One bulk call, `partitionKey` on every operation. Per operation: 2xx and 409 (already exists) are done;
   * 429/449/503 and connection failures are retried after the largest `retryAfterInMs` the SDK reports for that round
   * (at least 10 ms, growing with the attempt); anything else fails
   * the call after the round, naming the failed ids.
   */
  private async createChunk(container: Container, collection: CollectionName, documents: StoredDocument[]): Promise<void> {
    let pending: OperationInput[] = documents.map((document) => ({
      operationType: 'Create',
      partitionKey: document.pk,
      resourceBody: document as unknown as JSONObject,
    }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const results = await container.items.executeBulkOperations(pending);
      const retry: OperationInput[] = [];
      const failures: string[] = [];
      let retryAfterInMs = 0;
      for (const result of results) {
        const statusCode = result.response?.statusCode ?? statusCodeOf(result.error);
        if (statusCode !== undefined && ((statusCode >= 200 && statusCode < 300) || statusCode === 409)) continue;
        // No status: the connection failed (the local server resets connections under load). A create is safe to
        // repeat (a second one answers 409, counted as done), so it is retried like a throttled one.
        if (statusCode === undefined || RETRIABLE_STATUS_CODES.has(statusCode)) {
          retry.push(result.operationInput);
          retryAfterInMs = Math.max(retryAfterInMs, result.error?.retryAfterInMs ?? 0);
          continue;
        }
        failures.push(`${idOf(result.operationInput)} (${statusCode ?? 'no status'}: ${result.error?.message ?? 'no message'})`);
      }
      if (failures.length > 0) {
        throw new Error(`${collection}: bulk create failed for ${failures.length} document(s): ${failures.slice(0, 5).join('; ')}`);
      }
      if (retry.length > 0 && attempt >= this.maxBulkAttempts) {
        throw new Error(`${collection}: bulk create still throttled or failing to connect after ${attempt} attempts for ${retry.length} document(s)`);
      }
      if (retry.length > 0) await delay(Math.max(retryAfterInMs, 10 * 2 ** Math.min(attempt, 8)));
      pending = retry;
    }
  }

  private container(collection: CollectionName): Container {
    if (this.containers === undefined) throw new Error('CosmosSnapshotStore is not open; call open() first');
    return this.containers[collection];
  }
}

async function createContainer(database: Database, name: CollectionName): Promise<Container> {
  const { container } = await database.containers.createIfNotExists({
    id: name,
    partitionKey: { paths: ['/pk'] },
    indexingPolicy: CONTAINER_INDEXING_POLICY,
  });
  return container;
}

function firstOfEachKey(documents: StoredDocument[]): StoredDocument[] {
  const seen = new Set<string>();
  return documents.filter((document) => {
    const key = JSON.stringify([document.pk, document.id]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function scopedQuery(field: 'pk' | 'tenantId', value: string, options: QueryOptions | undefined): SqlQuerySpec {
  const parameters = [{ name: '@scope', value }];
  let query = `SELECT * FROM c WHERE c.${field} = @scope`;
  if (options?.type !== undefined) {
    query += ' AND c.type = @type';
    parameters.push({ name: '@type', value: options.type });
  }
  return { query, parameters };
}

export function withoutSystemProperties(resource: JSONObject): StoredDocument {
  const document: JSONObject = { ...resource };
  for (const property of SYSTEM_PROPERTIES) delete document[property];
  return document as unknown as StoredDocument;
}

function etagOf(resource: { _etag?: string } | undefined): string {
  if (resource?._etag === undefined) throw new Error('Cosmos DB returned no etag for a write');
  return resource._etag;
}

/**
 * Repeats an operation whose connection failed before an answer (the local server resets connections under load;
 * a real account can too). Only for operations that are safe to repeat: reads, creates (a repeat answers 409, which
 * callers count as "exists") and unconditional upserts. Conditional writes and inserts are not repeated: a repeat
 * could report a conflict for a write that did happen.
 */
export async function retryOnConnectionFailure<T>(operation: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || statusCodeOf(error) !== undefined || !isConnectionFailure(error)) throw error;
      await delay(20 * 2 ** attempt);
    }
  }
}

function isConnectionFailure(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ''} ${(error as { message?: unknown })?.message ?? ''}`;
  return /ECONNRESET|EPIPE|ECONNREFUSED|socket hang up|ETIMEDOUT/i.test(text);
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as Partial<ErrorResponse> & { statusCode?: unknown };
  if (typeof code === 'number') return code;
  if (typeof statusCode === 'number') return statusCode;
  return undefined;
}

function idOf(operation: OperationInput): string {
  return 'id' in operation ? operation.id : String(operation.resourceBody.id);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` over `items` with at most `concurrency` in flight; results keep the order of `items`. */
export async function mapWithConcurrency<I, O>(items: readonly I[], concurrency: number, work: (item: I) => Promise<O>): Promise<O[]> {
  const results = new Array<O>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, () => worker()));
  return results;
}
