/**
 * Conformance suite for SnapshotStore (src/ports/snapshot-store.ts). Every adapter runs it: the in-memory store in
 * unit tests, the Cosmos adapter against the local server (and, wherever one is available, a real account).
 *
 * `makeStore` is called before each test and must return an empty store; `close` is called after each test.
 * Adapters that page should be configured with a page size below 250 so the paging tests cross pages.
 */
import {
  isConflictError,
  isPreconditionFailedError,
  SnapshotStore,
  StoredDocument,
} from '../../src/ports/snapshot-store';

export interface StoreUnderTest {
  store: SnapshotStore;
  close(): Promise<void>;
}

interface TestDocument extends StoredDocument {
  body?: unknown;
  note?: string;
}

export function buildDocument(overrides: Partial<TestDocument> & { id: string }): TestDocument {
  return { pk: 'tenant-a|objects', tenantId: 'tenant-a', type: 'objectVersion', ...overrides };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A copy with another `note`, typed as a document (the port's parameter type rejects extra literal properties). */
function withNote(document: TestDocument, note: string): TestDocument {
  return { ...document, note };
}

function idsOf(documents: StoredDocument[]): string[] {
  return documents.map((document) => document.id).sort();
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

export function describeSnapshotStoreContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    let underTest: StoreUnderTest;
    let store: SnapshotStore;

    beforeEach(async () => {
      underTest = await makeStore();
      store = underTest.store;
    });

    afterEach(async () => {
      await underTest.close();
    });

    describe('create', () => {
      test('when an id is created twice, then the first call reports created, the second exists, and the stored document is the first', async () => {
        const first = buildDocument({ id: 'v1', note: 'first' });

        const outcomes = [await store.create('objects', first), await store.create('objects', withNote(first, 'second'))];

        expect(outcomes).toEqual(['created', 'exists']);
        expect((await store.read<TestDocument>('objects', first))?.document).toEqual(first);
      });

      test('when the same id is created in two partitions, then both exist independently', async () => {
        const inA = buildDocument({ id: 'same', pk: 'p-a', note: 'a' });
        const inB = buildDocument({ id: 'same', pk: 'p-b', note: 'b' });

        await store.create('objects', inA);
        const outcome = await store.create('objects', inB);

        expect(outcome).toBe('created');
        expect((await store.read<TestDocument>('objects', inA))?.document.note).toBe('a');
        expect((await store.read<TestDocument>('objects', inB))?.document.note).toBe('b');
      });
    });

    describe('createMany', () => {
      test('when a batch of more than 100 documents has duplicates and already-stored ids, then every id is stored once with its first content', async () => {
        const existing = buildDocument({ id: 'doc-0', note: 'stored before' });
        await store.create('objects', existing);
        const batch = range(150).map((index) => buildDocument({ id: `doc-${index}`, note: `batch ${index}` }));
        const duplicates = [buildDocument({ id: 'doc-5', note: 'duplicate' }), buildDocument({ id: 'doc-149', note: 'duplicate' })];

        await store.createMany('objects', [...batch, ...duplicates]);

        const stored = await collect(store.queryPartition<TestDocument>('objects', existing.pk));
        expect(stored).toHaveLength(150);
        const notes = new Map(stored.map((document) => [document.id, document.note]));
        expect(notes.get('doc-0')).toBe('stored before');
        expect(notes.get('doc-5')).toBe('batch 5');
        expect(notes.get('doc-149')).toBe('batch 149');
      });

      test('when the batch spans partitions, then each document lands in its own partition', async () => {
        const documents = range(10).map((index) => buildDocument({ id: `d${index}`, pk: `p${index % 3}` }));

        await store.createMany('objects', documents);

        const partitionSizes = await Promise.all(['p0', 'p1', 'p2'].map(async (pk) => (await collect(store.queryPartition('objects', pk))).length));
        expect(partitionSizes).toEqual([4, 3, 3]);
      });

      test('when the batch is empty, then nothing happens', async () => {
        await store.createMany('objects', []);

        expect(await collect(store.queryTenant('objects', 'tenant-a'))).toEqual([]);
      });
    });

    describe('insert', () => {
      test('when the id is new, then it is stored and the returned etag is the one read back', async () => {
        const lease = buildDocument({ id: 'lease', pk: 'tenant-a|leases', type: 'lease' });

        const etag = await store.insert('catalog', lease);

        expect(await store.read('catalog', lease)).toEqual({ document: lease, etag });
      });

      test('when the id exists, then it fails with ConflictError and the stored document is unchanged', async () => {
        const lease = buildDocument({ id: 'lease', pk: 'tenant-a|leases', type: 'lease', note: 'holder 1' });
        await store.insert('catalog', lease);

        const error = await store.insert('catalog', withNote(lease, 'holder 2')).catch((e: unknown) => e);

        expect(isConflictError(error)).toBe(true);
        expect((await store.read<TestDocument>('catalog', lease))?.document.note).toBe('holder 1');
      });
    });

    describe('upsert', () => {
      test('when there is no ifMatch, then it creates and then overwrites, each time with a new etag', async () => {
        const entry = buildDocument({ id: 'c1', type: 'catalogEntry', note: 'v1' });

        const firstEtag = await store.upsert('catalog', entry);
        const secondEtag = await store.upsert('catalog', withNote(entry, 'v2'));

        expect(secondEtag).not.toBe(firstEtag);
        expect(await store.read('catalog', entry)).toEqual({ document: withNote(entry, 'v2'), etag: secondEtag });
      });

      test('when ifMatch is the current etag, then it overwrites and returns a new etag', async () => {
        const entry = buildDocument({ id: 'c1', type: 'catalogEntry', note: 'v1' });
        const etag = await store.upsert('catalog', entry);

        const newEtag = await store.upsert('catalog', withNote(entry, 'v2'), { ifMatch: etag });

        expect(newEtag).not.toBe(etag);
        expect((await store.read<TestDocument>('catalog', entry))?.document.note).toBe('v2');
      });

      test('when ifMatch is a stale etag, then it fails with PreconditionFailedError and the stored document is unchanged', async () => {
        const entry = buildDocument({ id: 'c1', type: 'catalogEntry', note: 'v1' });
        const staleEtag = await store.upsert('catalog', entry);
        await store.upsert('catalog', withNote(entry, 'v2'), { ifMatch: staleEtag });

        const error = await store.upsert('catalog', withNote(entry, 'v3'), { ifMatch: staleEtag }).catch((e: unknown) => e);

        expect(isPreconditionFailedError(error)).toBe(true);
        expect((await store.read<TestDocument>('catalog', entry))?.document.note).toBe('v2');
      });

      test('when ifMatch is given for a missing document, then it fails with PreconditionFailedError and nothing is stored', async () => {
        const entry = buildDocument({ id: 'never-written', type: 'catalogEntry' });

        const error = await store.upsert('catalog', entry, { ifMatch: 'an-etag-from-elsewhere' }).catch((e: unknown) => e);

        expect(isPreconditionFailedError(error)).toBe(true);
        expect(await store.read('catalog', entry)).toBeUndefined();
      });
    });

    describe('delete', () => {
      test('when the document exists and no ifMatch is given, then it is deleted and true is returned', async () => {
        const entry = buildDocument({ id: 'c1' });
        await store.create('catalog', entry);

        const deleted = await store.delete('catalog', entry);

        expect(deleted).toBe(true);
        expect(await store.read('catalog', entry)).toBeUndefined();
      });

      test('when the document is missing, then false is returned', async () => {
        expect(await store.delete('catalog', { pk: 'tenant-a|objects', id: 'missing' })).toBe(false);
      });

      test('when ifMatch is the current etag, then it is deleted', async () => {
        const entry = buildDocument({ id: 'c1' });
        const etag = await store.insert('catalog', entry);

        const deleted = await store.delete('catalog', entry, { ifMatch: etag });

        expect(deleted).toBe(true);
        expect(await store.read('catalog', entry)).toBeUndefined();
      });

      test('when ifMatch is stale, then it fails with PreconditionFailedError and the document stays', async () => {
        const entry = buildDocument({ id: 'c1' });
        const staleEtag = await store.insert('catalog', entry);
        await store.upsert('catalog', withNote(entry, 'changed'));

        const error = await store.delete('catalog', entry, { ifMatch: staleEtag }).catch((e: unknown) => e);

        expect(isPreconditionFailedError(error)).toBe(true);
        expect(await store.read('catalog', entry)).toBeDefined();
      });

      test('when the key names another partition, then nothing is deleted', async () => {
        const entry = buildDocument({ id: 'c1', pk: 'p-a' });
        await store.create('catalog', entry);

        const deleted = await store.delete('catalog', { pk: 'p-b', id: 'c1' });

        expect(deleted).toBe(false);
        expect(await store.read('catalog', entry)).toBeDefined();
      });
    });

    describe('read and readMany', () => {
      test('when the document is missing, then read returns undefined', async () => {
        expect(await store.read('objects', { pk: 'tenant-a|objects', id: 'missing' })).toBeUndefined();
      });

      test('when the id exists only in another partition, then read returns undefined', async () => {
        await store.create('objects', buildDocument({ id: 'v1', pk: 'p-a' }));

        expect(await store.read('objects', { pk: 'p-b', id: 'v1' })).toBeUndefined();
      });

      test('when the id exists in another collection only, then read returns undefined', async () => {
        await store.create('objects', buildDocument({ id: 'v1' }));

        expect(await store.read('snapshots', { pk: 'tenant-a|objects', id: 'v1' })).toBeUndefined();
      });

      test('when some keys are missing, then readMany returns a result aligned with the keys', async () => {
        const documents = range(40).map((index) => buildDocument({ id: `v${index}`, note: `n${index}` }));
        await store.createMany('objects', documents);
        const keys = [
          { pk: 'tenant-a|objects', id: 'v39' },
          { pk: 'tenant-a|objects', id: 'missing' },
          ...range(40).map((index) => ({ pk: 'tenant-a|objects', id: `v${index}` })),
          { pk: 'other-partition', id: 'v0' },
        ];

        const results = await store.readMany<TestDocument>('objects', keys);

        expect(results).toHaveLength(keys.length);
        expect(results[0]?.note).toBe('n39');
        expect(results[1]).toBeUndefined();
        expect(results.slice(2, 42).map((document) => document?.id)).toEqual(range(40).map((index) => `v${index}`));
        expect(results[42]).toBeUndefined();
      });

      test('when readMany is given no keys, then it returns an empty array', async () => {
        expect(await store.readMany('objects', [])).toEqual([]);
      });
    });

    describe('queries', () => {
      beforeEach(async () => {
        await store.createMany('snapshots', [
          buildDocument({ id: 'a1', pk: 'ta|snap', tenantId: 'ta', type: 'manifest' }),
          buildDocument({ id: 'a2', pk: 'ta|snap', tenantId: 'ta', type: 'summary' }),
          buildDocument({ id: 'a3', pk: 'ta|other', tenantId: 'ta', type: 'manifest' }),
          buildDocument({ id: 'b1', pk: 'tb|snap', tenantId: 'tb', type: 'manifest' }),
          buildDocument({ id: 'b2', pk: 'tb|snap', tenantId: 'tb', type: 'summary' }),
        ]);
      });

      test('when querying a partition, then only its documents are returned', async () => {
        expect(idsOf(await collect(store.queryPartition('snapshots', 'ta|snap')))).toEqual(['a1', 'a2']);
      });

      test('when querying a partition with a type, then only documents of that type in that partition are returned', async () => {
        expect(idsOf(await collect(store.queryPartition('snapshots', 'ta|snap', { type: 'manifest' })))).toEqual(['a1']);
      });

      test('when querying a tenant, then documents of all its partitions and none of another tenant are returned', async () => {
        expect(idsOf(await collect(store.queryTenant('snapshots', 'ta')))).toEqual(['a1', 'a2', 'a3']);
      });

      test('when querying a tenant with a type, then only that type across its partitions is returned', async () => {
        expect(idsOf(await collect(store.queryTenant('snapshots', 'ta', { type: 'manifest' })))).toEqual(['a1', 'a3']);
      });

      test('when querying an unknown partition or tenant, then nothing is returned', async () => {
        const results = [await collect(store.queryPartition('snapshots', 'nobody')), await collect(store.queryTenant('snapshots', 'nobody'))];

        expect(results).toEqual([[], []]);
      });

      test('when querying another collection, then documents of this one are not returned', async () => {
        expect(await collect(store.queryTenant('objects', 'ta'))).toEqual([]);
      });
    });

    describe('paging', () => {
      test('when a partition holds 250 documents, then queryPartition yields each exactly once', async () => {
        await store.createMany('objects', range(250).map((index) => buildDocument({ id: `v${String(index).padStart(3, '0')}` })));
        await store.create('objects', buildDocument({ id: 'elsewhere', pk: 'another-partition' }));

        const ids = idsOf(await collect(store.queryPartition('objects', 'tenant-a|objects')));

        expect(ids).toEqual(range(250).map((index) => `v${String(index).padStart(3, '0')}`));
      });

      test('when a tenant holds 250 documents across partitions, then queryTenant with a type yields each exactly once', async () => {
        await store.createMany(
          'objects',
          range(250).map((index) => buildDocument({ id: `v${index}`, pk: `tenant-a|p${index % 5}` })),
        );
        await store.createMany('objects', [
          buildDocument({ id: 'other-type', type: 'somethingElse' }),
          buildDocument({ id: 'other-tenant', tenantId: 'tenant-b', pk: 'tenant-b|p0' }),
        ]);

        const ids = await collect(store.queryTenant('objects', 'tenant-a', { type: 'objectVersion' }));

        expect(new Set(idsOf(ids)).size).toBe(250);
        expect(ids).toHaveLength(250);
      });
    });

    describe('document fidelity', () => {
      const nested = buildDocument({
        id: 'nested',
        body: {
          displayName: 'Zoë “quotes” \\ back\nslash',
          proxyAddresses: ['SMTP:a@contoso.com', 'smtp:b@contoso.com'],
          assignedLicenses: [{ skuId: 'x', disabledPlans: [] }],
          onPremisesExtensionAttributes: { extensionAttribute1: null, extensionAttribute2: 'v' },
          counts: { zero: 0, negative: -1.5, big: 9007199254740991 },
          flags: [true, false],
          empty: {},
          deep: { a: { b: { c: { d: ['e'] } } } },
        },
      });

      test('when a document with nested payloads is written and read, then read, readMany and queries return it exactly', async () => {
        await store.create('objects', nested);

        const viaRead = (await store.read('objects', nested))?.document;
        const [viaReadMany] = await store.readMany('objects', [nested]);
        const viaQuery = await collect(store.queryPartition('objects', nested.pk));

        expect(viaRead).toEqual(nested);
        expect(viaReadMany).toEqual(nested);
        expect(viaQuery).toEqual([nested]);
      });

      test('when a document is returned, then it carries no Cosmos system properties', async () => {
        await store.upsert('objects', nested);

        const returned = [
          (await store.read('objects', nested))?.document,
          ...(await store.readMany('objects', [nested])),
          ...(await collect(store.queryTenant('objects', nested.tenantId))),
        ];

        for (const document of returned) {
          expect(Object.keys(document ?? {}).filter((key) => key.startsWith('_'))).toEqual([]);
        }
        expect(returned).toHaveLength(3);
      });

      test('when the caller mutates a document after writing or reading it, then the stored document is unchanged', async () => {
        const written = structuredClone(nested);
        await store.create('objects', written);
        (written.body as { displayName: string }).displayName = 'mutated after write';
        const read = await store.read<TestDocument>('objects', nested);
        (read?.document.body as { displayName: string }).displayName = 'mutated after read';

        expect((await store.read('objects', nested))?.document).toEqual(nested);
      });
    });
  });
}
