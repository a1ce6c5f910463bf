/**
 * `npm run cosmos`: a local Cosmos DB for NoSQL (in-process @vercel/cosmosdb-server over HTTP on loopback) with the
 * Rewind database and containers created, for development against COSMOS_ENDPOINT without Azure or Docker.
 *
 * The server keeps data in memory. On start it imports the data file if it exists; on Ctrl+C / SIGTERM it writes
 * every document back (temp file + rename). A killed process (SIGKILL, crash) loses changes since start. A data
 * file that cannot be imported is left untouched and the script stops, saying how to move it away.
 *
 * The data file holds every database on the server (a CLI run with another COSMOS_DATABASE writes there too) and is
 * owner-only (0600, folder 0700); a more open one is tightened at start, and a note says so.
 *
 * Settings (environment): COSMOS_PORT (default 8081), REWIND_DATA_FILE (default .rewind/local-cosmos.json),
 * COSMOS_DATABASE (default rewind: the database created and opened at start).
 */
import { readCosmosDatabaseName } from '../backup-engine/src/runtime';
import { LOCAL_COSMOS_KEY, startLocalCosmos } from '../backup-engine/src/store/local-cosmos';

async function main(): Promise<void> {
  const port = Number(process.env.COSMOS_PORT ?? 8081);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`COSMOS_PORT must be an integer 0–65535, got "${process.env.COSMOS_PORT}"`);
  }
  const dataFile = process.env.REWIND_DATA_FILE ?? '.rewind/local-cosmos.json';
  if (dataFile.trim() === '') throw new Error('REWIND_DATA_FILE is set but empty; unset it to use .rewind/local-cosmos.json');

  const local = await startLocalCosmos({ port, host: '127.0.0.1', dataFile, databaseName: readCosmosDatabaseName(process.env) });
  console.log(`rewind: local Cosmos DB at ${local.endpoint} (database "${local.store.databaseName}"; any key works, e.g. COSMOS_KEY=${LOCAL_COSMOS_KEY})`);
  console.log(`rewind: ${local.persistenceNote}`);
  for (const note of local.permissionNotes) console.log(`rewind: note: ${note}`);
  console.log('rewind: running; Ctrl+C saves and stops.');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      console.error(`rewind: ${signal} again; exiting without saving`);
      process.exit(130);
    }
    stopping = true;
    console.log(`rewind: ${signal}; saving to ${dataFile}…`);
    local.close().then(
      () => {
        console.log('rewind: saved; stopped.');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`rewind: saving failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`rewind: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
