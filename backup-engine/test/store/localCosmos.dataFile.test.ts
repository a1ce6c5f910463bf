/**
 * The local Cosmos server's data file: every database on the server is exported on close and imported at start
 * (a CLI run with COSMOS_DATABASE=other against the running server writes into `other`), a version 1 file (one
 * database) still imports, and the file — a copy of the whole directory — is owner-only.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCosmosStore } from '../../src/store/cosmos-store';
import { EXPORT_FORMAT, LOCAL_COSMOS_KEY, startLocalCosmos } from '../../src/store/local-cosmos';
import { buildDocument } from '../contract/snapshot-store.contract';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'rewind-data-file-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o7777;
}

describe('when another client wrote into a second database of the running server', () => {
  it('then close exports both databases, and a restart on the file brings both back', async () => {
    const dataFile = join(directory, 'local-cosmos.json');
    const first = await startLocalCosmos({ dataFile });
    await first.store.create('objects', buildDocument({ id: 'in-rewind' }));
    const other = await openCosmosStore({ endpoint: first.endpoint, key: LOCAL_COSMOS_KEY, databaseName: 'other' });
    await other.create('snapshots', buildDocument({ id: 'in-other', pk: 'tenant-b', tenantId: 'tenant-b', type: 'snapshot' }));
    other.dispose();

    await first.close();
    const second = await startLocalCosmos({ dataFile });
    const reopened = await openCosmosStore({ endpoint: second.endpoint, key: LOCAL_COSMOS_KEY, databaseName: 'other' });
    const found = [await second.store.read('objects', { pk: 'tenant-a|objects', id: 'in-rewind' }), await reopened.read('snapshots', { pk: 'tenant-b', id: 'in-other' })];
    reopened.dispose();
    await second.close();

    expect(found.map((f) => f?.document.id)).toEqual(['in-rewind', 'in-other']);
    expect(second.imported).toMatchObject({ databases: ['other', 'rewind'], documentCount: 2 });
    expect(second.persistenceNote).toContain('(databases other, rewind)');
  });

  it('then the file is format version 2 with every database by name', async () => {
    const file = join(directory, 'export.json');
    const server = await startLocalCosmos({ databaseName: 'rewind' });
    const other = await openCosmosStore({ endpoint: server.endpoint, key: LOCAL_COSMOS_KEY, databaseName: 'other' });
    await other.create('catalog', buildDocument({ id: 'c1', pk: 'tenant-a|names' }));
    other.dispose();

    const summary = await server.export(file);
    await server.close();

    const exported = JSON.parse(await readFile(file, 'utf8')) as { version: number; databases: Record<string, { collections: Record<string, unknown[]> }> };
    expect(summary).toMatchObject({ databases: ['other', 'rewind'], documentCount: 1 });
    expect(exported.version).toBe(2);
    expect(exported.databases).toEqual({
      other: { collections: { snapshots: [], objects: [], catalog: [buildDocument({ id: 'c1', pk: 'tenant-a|names' })] } },
      rewind: { collections: { snapshots: [], objects: [], catalog: [] } },
    });
  });
});

describe('when the data file is a version 1 export (one database)', () => {
  it('then its documents are imported into the database it names, and the next export is version 2', async () => {
    const dataFile = join(directory, 'local-cosmos.json');
    const v1 = { format: EXPORT_FORMAT, version: 1, databaseName: 'rewind', exportedAt: '2026-11-25T12:17:40.000Z', collections: { snapshots: [], objects: [buildDocument({ id: 'old' })], catalog: [] } };
    await writeFile(dataFile, JSON.stringify(v1), { mode: 0o600 });

    const server = await startLocalCosmos({ dataFile, databaseName: 'other' });
    const rewind = await openCosmosStore({ endpoint: server.endpoint, key: LOCAL_COSMOS_KEY, databaseName: 'rewind' });
    const found = await rewind.read('objects', { pk: 'tenant-a|objects', id: 'old' });
    rewind.dispose();
    await server.close();

    expect(server.imported).toMatchObject({ databases: ['rewind'], documentCount: 1 });
    expect(found?.document).toEqual(buildDocument({ id: 'old' }));
    const exported = JSON.parse(await readFile(dataFile, 'utf8')) as { version: number; databases: Record<string, { collections: { objects: unknown[] } }> };
    expect(exported.version).toBe(2);
    expect(exported.databases.rewind.collections.objects).toEqual([buildDocument({ id: 'old' })]);
  });
});

describe('when a data file is written for the first time', () => {
  it('then the file is 0600 and the folder made for it 0700', async () => {
    const dataFile = join(directory, 'new-folder', 'local-cosmos.json');
    const server = await startLocalCosmos({ dataFile });

    await server.close();

    expect(await modeOf(dataFile)).toBe(0o600);
    expect(await modeOf(join(directory, 'new-folder'))).toBe(0o700);
  });
});

describe('when an existing data file and its folder are open to others', () => {
  it('then start tightens the file to 0600 and the folder to 0700, and notes say so', async () => {
    const folder = join(directory, 'data');
    const dataFile = join(folder, 'local-cosmos.json');
    const seed = await startLocalCosmos({ dataFile });
    await seed.close();
    await chmod(dataFile, 0o644);
    await chmod(folder, 0o755);

    const server = await startLocalCosmos({ dataFile });
    const [fileMode, folderMode] = [await modeOf(dataFile), await modeOf(folder)];
    await server.close();

    expect([fileMode, folderMode]).toEqual([0o600, 0o700]);
    expect(server.permissionNotes).toEqual([
      expect.stringMatching(new RegExp(`data folder ${folder} was open to others \\(mode 0755\\); it is now 0700`)),
      expect.stringMatching(new RegExp(`data file ${dataFile} holds the whole directory and was open to others \\(mode 0644\\); it is now 0600`)),
    ]);
  });

  it('then a shared (sticky) folder is left as it is, with a note, and the file is still tightened', async () => {
    const folder = join(directory, 'shared');
    await mkdir(folder);
    await chmod(folder, 0o1777);
    const dataFile = join(folder, 'local-cosmos.json');
    await writeFile(dataFile, JSON.stringify({ format: EXPORT_FORMAT, version: 2, exportedAt: '2026-11-25T12:17:40.000Z', databases: {} }), { mode: 0o644 });
    await chmod(dataFile, 0o644);

    const server = await startLocalCosmos({ dataFile });
    const [fileMode, folderMode] = [await modeOf(dataFile), await modeOf(folder)];
    await server.close();

    expect([fileMode, folderMode]).toEqual([0o600, 0o1777]);
    expect(server.permissionNotes[0]).toMatch(/left as it is \(it is shared \(sticky bit\)\)/);
  });
});
