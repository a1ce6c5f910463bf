/**
 * `npm start`: Rewind's local stack on the embedded defaults, all on loopback.
 *
 * 1. The Graph simulator, serving the seeded demo tenant (SIMULATOR_PORT, default 4010).
 * 2. The local Cosmos-compatible server, through the real @azure/cosmos SDK (COSMOS_PORT, default 8081), opened on
 *    COSMOS_DATABASE (default rewind); every database on it is imported from REWIND_DATA_FILE (default
 *    .rewind/local-cosmos.json, owner-only) at start and exported there on Ctrl+C.
 * 3. A backup of the demo tenant into it, whose summary is printed.
 * 4. The Teams bot on http://127.0.0.1:3978/api/messages (PORT), in local mode: without a bot identity the Bot
 *    Framework token check is off, so it listens on loopback only and says so. Talk to it with the Microsoft 365
 *    Agents Playground (`.m365agentsplayground.yml` holds demo-tenant users) or any HTTP client (expectReplies).
 * Then it keeps serving, so `npm run rewind -- <command>` can browse, diff and back up against the same stack.
 */
import { DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID, createGraphSimulator } from '../graph-simulator/src';
import { GraphDirectoryGateway, GraphDirectoryWriter, runBackup, startLocalCosmos } from '../backup-engine/src';
import { readBotConfig } from '../bot/src/config';
import { startBot } from '../bot/src/server';
import { DEFAULT_DATA_FILE, readCosmosDatabaseName } from '../backup-engine/src/runtime';

function port(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`${name} must be a port number (1–65535), got "${process.env[name]}"`);
  return value;
}

async function main(): Promise<void> {
  const tenant = process.env.SIMULATOR_TENANT ?? 'demo';
  if (tenant !== 'demo' && tenant !== 'large' && tenant !== 'empty') throw new Error(`SIMULATOR_TENANT must be demo, large or empty, got "${tenant}"`);
  const simulator = createGraphSimulator({ tenant });
  const graphUrl = await simulator.listen(port('SIMULATOR_PORT', 4010), '127.0.0.1');
  const d = simulator.directory;
  console.log(`rewind: Graph simulator (tenant "${tenant}", ${d.userCount} users, ${d.groupCount} groups) at ${graphUrl}/v1.0; control at ${graphUrl}/_sim`);

  const dataFile = process.env.REWIND_DATA_FILE ?? DEFAULT_DATA_FILE;
  const cosmos = await startLocalCosmos({ port: port('COSMOS_PORT', 8081), dataFile, databaseName: readCosmosDatabaseName(process.env) });
  console.log(`rewind: local Cosmos DB at ${cosmos.endpoint} (database "${cosmos.store.databaseName}"). ${cosmos.persistenceNote}`);
  for (const note of cosmos.permissionNotes) console.log(`rewind: note: ${note}`);

  let stopping = false;
  let stopBot: () => Promise<void> = async () => undefined;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('rewind: stopping; saving the local store…');
    void stopBot().then(() => cosmos.close()).then(() => simulator.close()).then(() => {
      console.log(`rewind: saved to ${dataFile}; stopped.`);
      process.exit(0);
    }, (error: unknown) => {
      console.error(`rewind: could not save the local store: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const gateway = new GraphDirectoryGateway({ baseUrl: graphUrl });
  const { snapshot } = await runBackup(gateway, cosmos.store, { leaseOwner: 'npm-start' });
  const changed = (counts: Record<string, number | undefined>) => Object.values(counts).reduce<number>((sum, n) => sum + (n ?? 0), 0);
  console.log(
    `rewind: backup ${snapshot.id} (${snapshot.mode}) done in ${snapshot.stats.durationMs} ms: ${snapshot.counts.user ?? 0} users, ${snapshot.counts.group ?? 0} groups; ` +
      `${changed(snapshot.changes.created)} created, ${changed(snapshot.changes.changed)} changed, ${changed(snapshot.changes.deleted)} deleted entries; ` +
      `${snapshot.stats.requests} Graph requests, ${snapshot.stats.resourceUnits} resource units, ${snapshot.stats.throttled} throttled.`,
  );
  for (const note of snapshot.notes) console.log(`rewind: note: ${note}`);

  // The demo tenant's Helpdesk and Security Leads groups, unless the environment names others.
  const botConfig = readBotConfig({
    HELPDESK_GROUP_ID: DEMO_HELPDESK_GROUP_ID, SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID,
    ...process.env, GRAPH_BASE_URL: graphUrl, REWIND_MODE: process.env.REWIND_MODE ?? 'local',
  });
  const bot = await startBot(botConfig, { gateway, writer: new GraphDirectoryWriter({ baseUrl: graphUrl }), store: cosmos.store }, { tenantId: d.tenantId });
  stopBot = () => bot.close();
  console.log(`rewind: Teams bot at ${bot.url}/api/messages`);
  console.log('rewind: running. In another terminal: `npm run playground` (Microsoft 365 Agents Playground), or');
  console.log('rewind:   `npm run rewind -- find bob`, `npm run rewind -- diff tenant`. Ctrl+C stops and saves.');
}

main().catch((error: unknown) => {
  console.error(`rewind: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
