import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BulkOperationResult, CosmosClient, Items, OperationInput } from '@azure/cosmos';
import { ConfigurationError, isConfigurationError } from '../../src/errors';
import { StoredDocument } from '../../src/ports/snapshot-store';
import { cosmosClientOptions, CosmosSnapshotStore, CosmosSnapshotStoreOptions, openCosmosStore } from '../../src/store/cosmos-store';
import { isLocalDataFileError, LocalCosmos, LOCAL_COSMOS_KEY, startLocalCosmos } from '../../src/store/local-cosmos';
import { buildDocument, describeSnapshotStoreContract } from '../contract/snapshot-store.contract';

// One local server for the whole file; every test gets its own database, dropped afterwards.
let local: LocalCosmos;
let databaseCounter = 0;

beforeAll(async () => {
  local = await startLocalCosmos({ port: 0 });
});

afterAll(async () => {
  await local.close();
});

async function openFreshStore(options: CosmosSnapshotStoreOptions = {}): Promise<CosmosSnapshotStore> {
  databaseCounter++;
  // A page size below the contract's 250 documents, so queries cross pages.
  return openCosmosStore({
    endpoint: local.endpoint,
    key: LOCAL_COSMOS_KEY,
    databaseName: `contract-${databaseCounter}`,
    queryPageSize: 100,
    ...options,
  });
}

describeSnapshotStoreContract('CosmosSnapshotStore on the local Cosmos server', async () => {
  const store = await openFreshStore();
  return {
    store,
    close: async () => {
      await store.dropDatabase();
      store.dispose();
    },
  };
});

describe('CosmosSnapshotStore createMany through executeBulkOperations', () => {
  let store: CosmosSnapshotStore;

  beforeEach(async () => {
    store = await openFreshStore({ bulkThreshold: 1 });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.dropDatabase();
    store.dispose();
  });

  test('when the bulk batch holds duplicates and already-stored ids, then each id is stored once with its first content', async () => {
    await store.create('objects', buildDocument({ id: 'd0', body: 'stored before' }));
    const batch = Array.from({ length: 150 }, (_, index) => buildDocument({ id: `d${index}`, body: `batch ${index}` }));

    await store.createMany('objects', [...batch, buildDocument({ id: 'd7', body: 'duplicate' })]);

    const stored = await store.readMany<StoredDocument & { body: string }>('objects', batch);
    expect(stored.map((document) => document?.body)).toEqual(['stored before', ...batch.slice(1).map((document) => document.body)]);
  });

  test('when some bulk operations are throttled (429), then they are retried after retryAfterInMs and every document is stored', async () => {
    const original = Items.prototype.executeBulkOperations;
    const calls: OperationInput[][] = [];
    jest.spyOn(Items.prototype, 'executeBulkOperations').mockImplementation(async function (this: Items, operations: OperationInput[]) {
      calls.push(operations);
      if (calls.length > 1) return original.call(this, operations);
      const [throttled, ...rest] = operations;
      const results = await original.call(this, rest);
      const throttledResult = { operationInput: throttled, error: Object.assign(new Error('throttled'), { code: 429, retryAfterInMs: 20 }) };
      return [throttledResult as BulkOperationResult, ...results];
    });
    const documents = [buildDocument({ id: 'throttled' }), buildDocument({ id: 'ok-1' }), buildDocument({ id: 'ok-2' })];

    await store.createMany('objects', documents);

    expect(calls.map((operations) => operations.length)).toEqual([3, 1]);
    expect((await store.readMany('objects', documents)).map((document) => document?.id)).toEqual(['throttled', 'ok-1', 'ok-2']);
  });

  test('when a bulk operation fails permanently (400), then createMany rejects naming the document', async () => {
    jest.spyOn(Items.prototype, 'executeBulkOperations').mockImplementation(async (operations: OperationInput[]) =>
      operations.map((operationInput) => ({ operationInput, error: Object.assign(new Error('bad request'), { code: 400 }) }) as BulkOperationResult),
    );

    await expect(store.createMany('objects', [buildDocument({ id: 'rejected-doc' })])).rejects.toThrow(/rejected-doc \(400: bad request\)/);
  });
});

describe('Local Cosmos persistence', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'rewind-local-cosmos-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('when a server with a data file is closed and another starts on that file, then every document is back and the note says so', async () => {
    const dataFile = join(directory, 'nested', 'local-cosmos.json');
    const first = await startLocalCosmos({ dataFile });
    const nested = buildDocument({ id: 'v1', body: { members: [{ id: 'u1' }], deep: { x: [1, 2, { y: null }] } } });
    await first.store.createMany('objects', [nested, ...Array.from({ length: 120 }, (_, index) => buildDocument({ id: `bulk-${index}` }))]);
    await first.store.insert('catalog', buildDocument({ id: 'lease', pk: 'tenant-a|leases', type: 'lease' }));
    await first.store.create('snapshots', buildDocument({ id: 's1', pk: 'tenant-b|snapshots', tenantId: 'tenant-b', type: 'manifest' }));
    await first.close();

    const second = await startLocalCosmos({ dataFile });
    try {
      expect(second.imported?.documentCount).toBe(123);
      expect(second.persistenceNote).toContain(`loaded 123 documents from ${dataFile}`);
      expect((await second.store.read('objects', nested))?.document).toEqual(nested);
      expect(await second.store.read('catalog', { pk: 'tenant-a|leases', id: 'lease' })).toBeDefined();
      expect(await second.store.read('snapshots', { pk: 'tenant-b|snapshots', id: 's1' })).toBeDefined();
    } finally {
      await second.close();
    }
  });

  test('when export is called, then the file is complete JSON and no temporary file is left behind', async () => {
    const file = join(directory, 'export.json');
    const server = await startLocalCosmos();
    try {
      await server.store.create('objects', buildDocument({ id: 'v1' }));

      const summary = await server.export(file);

      const exported = JSON.parse(await readFile(file, 'utf8')) as { databases: Record<string, { collections: Record<string, unknown[]> }> };
      expect(summary.documentCount).toBe(1);
      expect(exported.databases.rewind.collections).toEqual({ snapshots: [], objects: [buildDocument({ id: 'v1' })], catalog: [] });
      expect(await readdir(directory)).toEqual(['export.json']);
    } finally {
      await server.close();
    }
  });

  test('when no data file is given, then the note says the store is in memory only', async () => {
    const server = await startLocalCosmos();
    await server.close();

    expect(server.persistenceNote).toMatch(/in memory only/);
  });

  test('when the data file is corrupt, then start fails naming the file and the fix, and the file is left untouched', async () => {
    const dataFile = join(directory, 'local-cosmos.json');
    await writeFile(dataFile, '{"format":"rewind-local-cosmos-export","version":1,"collections":{"snap');

    const error = await startLocalCosmos({ dataFile }).catch((e: unknown) => e);

    expect(isLocalDataFileError(error)).toBe(true);
    expect((error as Error).message).toContain(dataFile);
    expect((error as Error).message).toMatch(/Move it away/);
    expect(await readFile(dataFile, 'utf8')).toBe('{"format":"rewind-local-cosmos-export","version":1,"collections":{"snap');
  });

  test('when the data file is JSON but not an export, then start fails with LocalDataFileError', async () => {
    const dataFile = join(directory, 'local-cosmos.json');
    await writeFile(dataFile, '{"hello":"world"}');

    await expect(startLocalCosmos({ dataFile })).rejects.toThrow(/is not a Rewind local Cosmos export/);
  });
});

describe('cosmosClientOptions', () => {
  const credential = { getToken: async () => ({ token: 'not-a-real-token', expiresOnTimestamp: 0 }) };

  test('when a credential is given, then Entra ID auth is used and no key is sent', () => {
    const options = cosmosClientOptions({ endpoint: 'https://acct.documents.azure.com:443/', credential, key: 'ignored' });

    expect(options.aadCredentials).toBe(credential);
    expect(options.key).toBeUndefined();
    expect(options.connectionPolicy).toBeUndefined();
  });

  test('when the endpoint is plain http (the local server), then endpoint discovery is off and no agent is set', () => {
    const options = cosmosClientOptions({ endpoint: 'http://127.0.0.1:8081', key: 'any' });

    expect(options).toEqual({ endpoint: 'http://127.0.0.1:8081', key: 'any', connectionPolicy: { enableEndpointDiscovery: false } });
  });

  test('when neither key nor credential is given, then a ConfigurationError names the fix', () => {
    const error = (() => {
      try {
        return cosmosClientOptions({ endpoint: 'https://acct.documents.azure.com:443/' });
      } catch (e) {
        return e;
      }
    })();

    expect(isConfigurationError(error)).toBe(true);
    expect((error as Error).message).toMatch(/COSMOS_KEY/);
  });
});

describe('when the identity may not create the database or its containers (Entra ID data-plane RBAC)', () => {
  it('then open() fails with a configuration error that names them and the fix, not a bare 403', async () => {
    const forbidden = Object.assign(new Error('Request blocked by Auth rewind: the given request cannot be authorized by AAD token in data plane'), { code: 403 });
    const client = { databases: { createIfNotExists: async () => { throw forbidden; } }, dispose: () => undefined } as unknown as CosmosClient;
    const store = new CosmosSnapshotStore(client, { databaseName: 'rewind' });
    const opening = store.open();
    await expect(opening).rejects.toBeInstanceOf(ConfigurationError);
    await expect(store.open()).rejects.toThrow(/snapshots, objects, catalog.*infra\/azure\.bicep/);
  });
});
