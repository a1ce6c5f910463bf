/**
 * A local Cosmos DB for development and tests: @vercel/cosmosdb-server run in-process over plain HTTP with
 * keep-alive on loopback, and an opened CosmosSnapshotStore on it (see docs in ../shared/reference/cosmos-local.md).
 *
 * The server keeps everything in memory. Persistence is explicit and coarse: `export(file)` reads every document of
 * Rewind's containers (`snapshots`, `objects`, `catalog`) in every database on the server — not only the one the
 * store was opened on: a CLI run with another COSMOS_DATABASE against the running server writes there — and writes
 * one JSON file (temp file + rename, so a crash never leaves a half file); `import(file)` bulk-creates the documents,
 * each database back under its name. Other containers are not Rewind's and are not exported. With `dataFile`, the
 * file is imported at start (if it exists) and exported on `close()`: a process that dies without `close()` loses
 * everything since the last export. A data file that cannot be read as an export is never deleted or overwritten:
 * start fails with `LocalDataFileError` naming the file and the fix. Format version 2 holds every database; a
 * version 1 file (one database, named in `databaseName`) is still imported.
 *
 * The data file is a copy of the whole directory, so it is owner-only: created 0600 in a folder created 0700. At
 * start, an existing file or folder open to others is tightened (chmod) and `permissionNotes` says so; a folder that
 * is shared (sticky, e.g. /tmp), not ours, the home directory or a root is never changed, only reported.
 *
 * Before the server starts, a shim rewrites the query engine's generated code from `[...$, row]` (O(N²) per query)
 * to `($.push(row), $)`; it is applied once per process (module instance), and changes no query result.
 */
import { once } from 'node:events';
import { existsSync, type Stats } from 'node:fs';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, parse, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CosmosClient, type JSONObject } from '@azure/cosmos';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { CollectionName, StoredDocument } from '../ports/snapshot-store';
import {
  COLLECTION_NAMES, CosmosSnapshotStore, CosmosSnapshotStoreOptions, DEFAULT_QUERY_PAGE_SIZE, cosmosClientOptions, openCosmosStore, withoutSystemProperties,
} from './cosmos-store';

export const LOCAL_COSMOS_KEY = 'local-cosmos-accepts-any-key';
export const EXPORT_FORMAT = 'rewind-local-cosmos-export';
/** 2: every database on the server (`databases`). 1: one database (`databaseName`, `collections`), still imported. */
export const EXPORT_VERSION = 2;
const SUPPORTED_VERSIONS: readonly number[] = [1, 2];
/** Owner read/write only: the data file holds the whole directory. */
export const DATA_FILE_MODE = 0o600;
export const DATA_FOLDER_MODE = 0o700;
const EXPORT_WRITE_SIZE = 1 << 20;

export interface LocalCosmosOptions extends CosmosSnapshotStoreOptions {
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Loopback only: the server has no authentication. */
  host?: '127.0.0.1';
  /** JSON export to import at start (if present) and to write on close. */
  dataFile?: string;
}

export interface LocalCosmosTransferSummary {
  file: string;
  /** The databases written or read, by name. */
  databases: string[];
  documentCount: number;
  durationInMs: number;
}

export interface LocalCosmos {
  endpoint: string;
  /** Opened on `databaseName`. */
  store: CosmosSnapshotStore;
  /** One sentence for the log: where data lives and when it is saved. */
  persistenceNote: string;
  /** Sentences for the log about the data file's permissions: what was tightened at start, or is open and was left. */
  permissionNotes: string[];
  /** What was imported at start, if a data file existed. */
  imported: LocalCosmosTransferSummary | undefined;
  /** Exports to `dataFile` (if given), then stops the client and the server. Safe to call twice. */
  close(): Promise<void>;
  export(file: string): Promise<LocalCosmosTransferSummary>;
  import(file: string): Promise<LocalCosmosTransferSummary>;
}

type Collections = Record<CollectionName, StoredDocument[]>;

interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** Every database on the server, by name, sorted. */
  databases: Record<string, { collections: Collections }>;
}

/** Version 1: the one database the server was opened on. */
interface ExportFileV1 {
  format: typeof EXPORT_FORMAT;
  version: 1;
  databaseName: string;
  exportedAt: string;
  collections: Collections;
}

export const LOCAL_DATA_FILE_ERROR_NAME = 'LocalDataFileError';

export class LocalDataFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Local Cosmos data file ${file} cannot be imported: ${reason}. The file was left untouched. ` +
        `Move it away (e.g. mv '${file}' '${file}.corrupt') to start with an empty local store, or replace it with a good export.`,
      options,
    );
    this.name = LOCAL_DATA_FILE_ERROR_NAME;
  }
}

export function isLocalDataFileError(e: unknown): e is LocalDataFileError {
  return e instanceof Error && e.name === LOCAL_DATA_FILE_ERROR_NAME;
}

export async function startLocalCosmos(options: LocalCosmosOptions = {}): Promise<LocalCosmos> {
  applyQueryShim();
  const host = options.host ?? '127.0.0.1';
  const server = createHttpServer({ keepAlive: true });
  server.listen(options.port ?? 0, host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error))]);
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;

  let store: CosmosSnapshotStore | undefined;
  let imported: LocalCosmosTransferSummary | undefined;
  let permissionNotes: string[] = [];
  const dataFile = options.dataFile === undefined ? undefined : resolve(options.dataFile);
  const { port: _port, host: _host, dataFile: _dataFile, ...storeOptions } = options;
  const serverAccess: LocalServer = { endpoint, storeOptions };
  try {
    store = await openCosmosStore({ ...storeOptions, endpoint, key: LOCAL_COSMOS_KEY });
    if (dataFile !== undefined) permissionNotes = await tightenPermissions(dataFile);
    if (dataFile !== undefined && existsSync(dataFile)) imported = await importFile(serverAccess, store, dataFile);
  } catch (error) {
    store?.dispose();
    await stopServer(server);
    throw error;
  }
  const openedStore = store;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        if (dataFile !== undefined) await exportFile(serverAccess, dataFile);
      } finally {
        openedStore.dispose();
        await stopServer(server);
      }
    })();
    return closing;
  };

  return {
    endpoint,
    store: openedStore,
    persistenceNote: persistenceNoteFor(dataFile, imported),
    permissionNotes,
    imported,
    close,
    export: (file) => exportFile(serverAccess, resolve(file)),
    import: (file) => importFile(serverAccess, openedStore, resolve(file)),
  };
}

/** What export and import need to reach every database of the server. */
interface LocalServer {
  endpoint: string;
  storeOptions: CosmosSnapshotStoreOptions;
}

async function withClient<T>(server: LocalServer, work: (client: CosmosClient) => Promise<T>): Promise<T> {
  const client = new CosmosClient(cosmosClientOptions({ endpoint: server.endpoint, key: LOCAL_COSMOS_KEY }));
  try {
    return await work(client);
  } finally {
    client.dispose();
  }
}

function persistenceNoteFor(dataFile: string | undefined, imported: LocalCosmosTransferSummary | undefined): string {
  if (dataFile === undefined) {
    return 'Local Cosmos DB is in memory only: every snapshot is lost when this process stops.';
  }
  const loaded = imported === undefined
    ? `${dataFile} did not exist, so the store starts empty`
    : `loaded ${imported.documentCount} documents from ${dataFile} (${imported.databases.length === 1 ? 'database' : 'databases'} ${imported.databases.join(', ') || '(none)'})`;
  return (
    `Local Cosmos DB is in memory; ${loaded}. Everything is written back to ${dataFile} on a clean shutdown (Ctrl+C); ` +
    'if the process is killed, changes since start are lost.'
  );
}

async function exportFile(server: LocalServer, file: string): Promise<LocalCosmosTransferSummary> {
  const startedAt = Date.now();
  await mkdir(dirname(file), { recursive: true, mode: DATA_FOLDER_MODE });
  const temporaryFile = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temporaryFile, 'w', DATA_FILE_MODE);
  let documentCount = 0;
  let databases: string[] = [];
  try {
    await withClient(server, async (client) => {
      databases = (await client.databases.readAll().fetchAll()).resources.map((d) => d.id).sort();
      // Streamed by hand, one document per line, in writes of about 1 MB: memory holds one buffer, not the store.
      const header: Omit<ExportFile, 'databases'> = { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date().toISOString() };
      let buffer = `${JSON.stringify(header).slice(0, -1)},"databases":{`;
      for (const [databaseIndex, databaseName] of databases.entries()) {
        const database = client.database(databaseName);
        const present = new Set((await database.containers.readAll().fetchAll()).resources.map((c) => c.id));
        buffer += `${databaseIndex === 0 ? '' : ','}\n${JSON.stringify(databaseName)}:{"collections":{`;
        for (const [collectionIndex, collection] of COLLECTION_NAMES.entries()) {
          buffer += `${collectionIndex === 0 ? '' : ','}\n${JSON.stringify(collection)}:[`;
          let first = true;
          const documents = present.has(collection) ? scanContainer(client, databaseName, collection, server.storeOptions.queryPageSize) : [];
          for await (const document of documents) {
            buffer += `${first ? '' : ','}\n${JSON.stringify(document)}`;
            first = false;
            documentCount++;
            if (buffer.length >= EXPORT_WRITE_SIZE) {
              await handle.write(buffer);
              buffer = '';
            }
          }
          buffer += ']';
        }
        buffer += '}}';
      }
      await handle.write(buffer);
    });
    await handle.write('\n}}\n');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporaryFile, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporaryFile, file);
  return { file, databases, documentCount, durationInMs: Date.now() - startedAt };
}

/** Every document of one container, page by page, without Cosmos system properties. */
async function* scanContainer(client: CosmosClient, databaseName: string, collection: CollectionName, pageSize = DEFAULT_QUERY_PAGE_SIZE): AsyncIterable<StoredDocument> {
  const iterator = client.database(databaseName).container(collection).items.query<JSONObject>('SELECT * FROM c', { maxItemCount: pageSize });
  while (iterator.hasMoreResults()) {
    const { resources } = await iterator.fetchNext();
    for (const resource of resources ?? []) yield withoutSystemProperties(resource);
  }
}

/** Each database of the file back under its name; the opened store's database through `opened`, others opened here. */
async function importFile(server: LocalServer, opened: CosmosSnapshotStore, file: string): Promise<LocalCosmosTransferSummary> {
  const startedAt = Date.now();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LocalDataFileError(file, `it cannot be read (${(error as Error).message})`, { cause: error });
  }
  const databases = parseExport(file, text);
  let documentCount = 0;
  for (const [databaseName, { collections }] of Object.entries(databases)) {
    const store = databaseName === opened.databaseName
      ? opened
      : await openCosmosStore({ ...server.storeOptions, endpoint: server.endpoint, key: LOCAL_COSMOS_KEY, databaseName });
    try {
      for (const collection of COLLECTION_NAMES) {
        const documents = collections[collection];
        await store.createMany(collection, documents);
        documentCount += documents.length;
      }
    } finally {
      if (store !== opened) store.dispose();
    }
  }
  return { file, databases: Object.keys(databases), documentCount, durationInMs: Date.now() - startedAt };
}

/** The file's databases by name: version 2 as written, version 1 as its one database. */
function parseExport(file: string, text: string): ExportFile['databases'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LocalDataFileError(file, `it is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isRecord(parsed) || parsed.format !== EXPORT_FORMAT) {
    throw new LocalDataFileError(file, `it is not a Rewind local Cosmos export (expected "format": "${EXPORT_FORMAT}")`);
  }
  if (typeof parsed.version !== 'number' || !SUPPORTED_VERSIONS.includes(parsed.version)) {
    throw new LocalDataFileError(file, `its version ${JSON.stringify(parsed.version)} is not supported (expected ${SUPPORTED_VERSIONS.join(' or ')})`);
  }
  if (parsed.version === 1) {
    const v1 = parsed as unknown as ExportFileV1;
    if (typeof v1.databaseName !== 'string' || v1.databaseName === '') throw new LocalDataFileError(file, 'it has no "databaseName"');
    return { [v1.databaseName]: { collections: checkedCollections(file, parsed.collections, '') } };
  }
  const databases = parsed.databases;
  if (!isRecord(databases)) throw new LocalDataFileError(file, 'it has no "databases" object');
  return Object.fromEntries(Object.entries(databases).map(([name, database]) => {
    if (name === '') throw new LocalDataFileError(file, 'a database has an empty name');
    const prefix = `databases.${name}.`;
    if (!isRecord(database)) throw new LocalDataFileError(file, `"${prefix.slice(0, -1)}" is not an object`);
    return [name, { collections: checkedCollections(file, database.collections, prefix) }];
  }));
}

function checkedCollections(file: string, collections: unknown, prefix: string): Collections {
  if (!isRecord(collections)) throw new LocalDataFileError(file, `it has no "${prefix}collections" object`);
  for (const collection of COLLECTION_NAMES) {
    const documents = collections[collection];
    if (!Array.isArray(documents)) throw new LocalDataFileError(file, `"${prefix}collections.${collection}" is not an array`);
    const invalidIndex = documents.findIndex((document) => !isStoredDocument(document));
    if (invalidIndex >= 0) {
      throw new LocalDataFileError(file, `"${prefix}collections.${collection}[${invalidIndex}]" lacks a string id, pk, tenantId or type`);
    }
  }
  return collections as Collections;
}

/**
 * Owner-only access to the data file (0600) and its folder (0700), for files and folders made before this rule (or
 * by hand). A folder is changed only when it is this user's own: not shared (sticky, like /tmp), not another user's,
 * not the home directory or a filesystem root; otherwise it is only reported. Nothing to do on Windows (no modes).
 */
async function tightenPermissions(file: string): Promise<string[]> {
  if (process.platform === 'win32') return [];
  const notes: string[] = [];
  const folder = dirname(file);
  const folderStats = await stat(folder).catch(() => undefined);
  if (folderStats && (folderStats.mode & 0o077) !== 0) {
    const why = sharedFolderReason(folder, folderStats);
    if (why === undefined) {
      await chmod(folder, DATA_FOLDER_MODE);
      notes.push(`the data folder ${folder} was open to others (mode ${octal(folderStats.mode)}); it is now ${octal(DATA_FOLDER_MODE)} (owner only).`);
    } else {
      notes.push(`the data folder ${folder} is open to others (mode ${octal(folderStats.mode)}) and was left as it is (${why}); keep the data file in a private folder (REWIND_DATA_FILE).`);
    }
  }
  const fileStats = await stat(file).catch(() => undefined);
  if (fileStats && (fileStats.mode & 0o077) !== 0) {
    await chmod(file, DATA_FILE_MODE);
    notes.push(`the data file ${file} holds the whole directory and was open to others (mode ${octal(fileStats.mode)}); it is now ${octal(DATA_FILE_MODE)} (owner only).`);
  }
  return notes;
}

function sharedFolderReason(folder: string, stats: Stats): string | undefined {
  if ((stats.mode & 0o1000) !== 0) return 'it is shared (sticky bit)';
  if (process.getuid !== undefined && stats.uid !== process.getuid()) return 'it belongs to another user';
  if (folder === homedir()) return 'it is the home directory';
  if (folder === parse(folder).root) return 'it is a filesystem root';
  return undefined;
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStoredDocument(value: unknown): value is StoredDocument {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.pk === 'string' &&
    typeof value.tenantId === 'string' &&
    typeof value.type === 'string'
  );
}

async function stopServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolveClose, rejectClose) => server.close((error) => (error ? rejectClose(error) : resolveClose())));
  // Keep-alive sockets would hold close() open until they time out.
  server.closeAllConnections();
  await closed;
}

type QueryExecutor = (collection: unknown[], options: { code: string } & Record<string, unknown>) => unknown;
interface ExecutorModule {
  default: QueryExecutor & { rewindLinearShim?: true };
}

/**
 * Makes the local server's queries linear instead of quadratic in container size: the generated code collects rows
 * with `reduce(($, c) => [...$, { c }], [])`, copying the array on every row. Idempotent: the patched executor is
 * marked, so loading this module twice (e.g. per jest test file) does not wrap it again.
 */
export function applyQueryShim(): void {
  const requireFromServer = createRequire(require.resolve('@vercel/cosmosdb-server'));
  const executorModule = requireFromServer('@zeit/cosmosdb-query/lib/executor') as ExecutorModule;
  const original = executorModule.default;
  if (original.rewindLinearShim) return;
  const patched: ExecutorModule['default'] = (collection, executorOptions) =>
    original(collection, { ...executorOptions, code: executorOptions.code.replace(/\[\.\.\.\$, (\{[^{}]*\})\]/g, '($.push($1), $)') });
  patched.rewindLinearShim = true;
  executorModule.default = patched;
}
