/**
 * A local Cosmos DB for development and tests: @vercel/cosmosdb-server run in-process over plain HTTP with
 * keep-alive on loopback, and an opened CosmosSnapshotStore on it (see docs in ../shared/reference/cosmos-local.md).
 *
 * The server keeps everything in memory. Persistence is explicit and coarse: `export(file)` reads every document of
 * every container through the SDK and writes one JSON file (temp file + rename, so a crash never leaves a half
 * file); `import(file)` bulk-creates the documents. With `dataFile`, the file is imported at start (if it exists)
 * and exported on `close()`: a process that dies without `close()` loses everything since the last export.
 * A data file that cannot be read as an export is never deleted or overwritten: start fails with
 * `LocalDataFileError` naming the file and the fix.
 *
 * Before the server starts, a shim rewrites the query engine's generated code from `[...$, row]` (O(N²) per query)
 * to `($.push(row), $)`; it is applied once per process (module instance), and changes no query result.
 */
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createHttpServer } from '@vercel/cosmosdb-server';
import { CollectionName, StoredDocument } from '../ports/snapshot-store';
import { COLLECTION_NAMES, CosmosSnapshotStore, CosmosSnapshotStoreOptions, openCosmosStore } from './cosmos-store';

export const LOCAL_COSMOS_KEY = 'local-cosmos-accepts-any-key';
export const EXPORT_FORMAT = 'rewind-local-cosmos-export';
export const EXPORT_VERSION = 1;
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
  documentCount: number;
  durationInMs: number;
}

export interface LocalCosmos {
  endpoint: string;
  /** Opened on `databaseName`. */
  store: CosmosSnapshotStore;
  /** One sentence for the log: where data lives and when it is saved. */
  persistenceNote: string;
  /** What was imported at start, if a data file existed. */
  imported: LocalCosmosTransferSummary | undefined;
  /** Exports to `dataFile` (if given), then stops the client and the server. Safe to call twice. */
  close(): Promise<void>;
  export(file: string): Promise<LocalCosmosTransferSummary>;
  import(file: string): Promise<LocalCosmosTransferSummary>;
}

interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  databaseName: string;
  exportedAt: string;
  collections: Record<CollectionName, StoredDocument[]>;
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
  const dataFile = options.dataFile === undefined ? undefined : resolve(options.dataFile);
  try {
    const { port: _port, host: _host, dataFile: _dataFile, ...storeOptions } = options;
    store = await openCosmosStore({ ...storeOptions, endpoint, key: LOCAL_COSMOS_KEY });
    if (dataFile !== undefined && existsSync(dataFile)) imported = await importFile(store, dataFile);
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
        if (dataFile !== undefined) await exportFile(openedStore, dataFile);
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
    imported,
    close,
    export: (file) => exportFile(openedStore, resolve(file)),
    import: (file) => importFile(openedStore, resolve(file)),
  };
}

function persistenceNoteFor(dataFile: string | undefined, imported: LocalCosmosTransferSummary | undefined): string {
  if (dataFile === undefined) {
    return 'Local Cosmos DB is in memory only: every snapshot is lost when this process stops.';
  }
  const loaded = imported === undefined ? `${dataFile} did not exist, so the store starts empty` : `loaded ${imported.documentCount} documents from ${dataFile}`;
  return (
    `Local Cosmos DB is in memory; ${loaded}. Everything is written back to ${dataFile} on a clean shutdown (Ctrl+C); ` +
    'if the process is killed, changes since start are lost.'
  );
}

async function exportFile(store: CosmosSnapshotStore, file: string): Promise<LocalCosmosTransferSummary> {
  const startedAt = Date.now();
  await mkdir(dirname(file), { recursive: true });
  const temporaryFile = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temporaryFile, 'w');
  let documentCount = 0;
  try {
    // Streamed by hand, one document per line, in writes of about 1 MB: memory holds one buffer, not the store.
    const header: Omit<ExportFile, 'collections'> = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      databaseName: store.databaseName,
      exportedAt: new Date().toISOString(),
    };
    let buffer = `${JSON.stringify(header).slice(0, -1)},"collections":{`;
    for (const [collectionIndex, collection] of COLLECTION_NAMES.entries()) {
      buffer += `${collectionIndex === 0 ? '' : ','}\n${JSON.stringify(collection)}:[`;
      let first = true;
      for await (const document of store.scanCollection(collection)) {
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
    await handle.write(buffer);
    await handle.write('\n}}\n');
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporaryFile, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temporaryFile, file);
  return { file, documentCount, durationInMs: Date.now() - startedAt };
}

async function importFile(store: CosmosSnapshotStore, file: string): Promise<LocalCosmosTransferSummary> {
  const startedAt = Date.now();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new LocalDataFileError(file, `it cannot be read (${(error as Error).message})`, { cause: error });
  }
  const exported = parseExport(file, text);
  let documentCount = 0;
  for (const collection of COLLECTION_NAMES) {
    const documents = exported.collections[collection];
    await store.createMany(collection, documents);
    documentCount += documents.length;
  }
  return { file, documentCount, durationInMs: Date.now() - startedAt };
}

function parseExport(file: string, text: string): ExportFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LocalDataFileError(file, `it is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isRecord(parsed) || parsed.format !== EXPORT_FORMAT) {
    throw new LocalDataFileError(file, `it is not a Rewind local Cosmos export (expected "format": "${EXPORT_FORMAT}")`);
  }
  if (parsed.version !== EXPORT_VERSION) {
    throw new LocalDataFileError(file, `its version ${JSON.stringify(parsed.version)} is not supported (expected ${EXPORT_VERSION})`);
  }
  const collections = parsed.collections;
  if (!isRecord(collections)) throw new LocalDataFileError(file, 'it has no "collections" object');
  for (const collection of COLLECTION_NAMES) {
    const documents = collections[collection];
    if (!Array.isArray(documents)) throw new LocalDataFileError(file, `"collections.${collection}" is not an array`);
    const invalidIndex = documents.findIndex((document) => !isStoredDocument(document));
    if (invalidIndex >= 0) {
      throw new LocalDataFileError(file, `"collections.${collection}[${invalidIndex}]" lacks a string id, pk, tenantId or type`);
    }
  }
  return parsed as unknown as ExportFile;
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
