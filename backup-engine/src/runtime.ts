/**
 * Composition: settings from the environment, read and validated once, into a gateway and a store. The CLI, the
 * bot host and the benchmarks start here; nothing else reads these variables.
 *
 * | setting | default | meaning |
 * |---|---|---|
 * | GRAPH_BASE_URL | http://127.0.0.1:4010 (the local simulator `npm start` runs) | Graph's origin; https://graph.microsoft.com in production |
 * | COSMOS_ENDPOINT | unset: the local Cosmos-compatible server | Azure Cosmos DB account endpoint |
 * | COSMOS_KEY | unset: Entra ID (DefaultAzureCredential) | account key, when local auth is allowed |
 * | COSMOS_DATABASE | rewind | database name |
 * | COSMOS_PORT | 8081 | port of the local server (`npm run cosmos`, `npm start`) |
 * | REWIND_DATA_FILE | .rewind/local-cosmos.json | where the local server's data is exported and imported |
 *
 * Against a non-loopback Graph, requests are authenticated with DefaultAzureCredential (a managed identity in
 * Azure; AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET elsewhere).
 */
import { DefaultAzureCredential, TokenCredential } from '@azure/identity';
import { ConfigurationError } from './errors';
import { GraphDirectoryGateway } from './graph';
import { GraphDirectoryWriter } from './graph/graph-writer';
import { GraphLogger } from './graph/policies/logging-policy';
import { SnapshotStore } from './ports/snapshot-store';
import { DEFAULT_DATABASE_NAME, openCosmosStore } from './store/cosmos-store';
import { LocalCosmos, startLocalCosmos } from './store/local-cosmos';

export const DEFAULT_GRAPH_BASE_URL = 'http://127.0.0.1:4010';
export const DEFAULT_COSMOS_PORT = 8081;
export const DEFAULT_DATA_FILE = '.rewind/local-cosmos.json';

export type CosmosSettings =
  | { kind: 'azure'; endpoint: string; key?: string; databaseName: string }
  | { kind: 'local'; port: number; dataFile: string; databaseName: string };

export interface EngineSettings {
  graphBaseUrl: string;
  /** Loopback Graph (the simulator) gets no token. */
  graphNeedsCredential: boolean;
  cosmos: CosmosSettings;
}

export function readEngineSettings(env: NodeJS.ProcessEnv = process.env): EngineSettings {
  const graphBaseUrl = (env.GRAPH_BASE_URL ?? DEFAULT_GRAPH_BASE_URL).trim();
  let graphUrl: URL;
  try {
    graphUrl = new URL(graphBaseUrl);
  } catch {
    throw new ConfigurationError(`GRAPH_BASE_URL "${graphBaseUrl}" is not a URL; use https://graph.microsoft.com, or unset it for the local simulator`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(graphUrl.hostname);
  if (!loopback && graphUrl.protocol !== 'https:') {
    throw new ConfigurationError(`GRAPH_BASE_URL "${graphBaseUrl}" must be https unless it is a loopback simulator`);
  }
  const databaseName = readCosmosDatabaseName(env);
  let cosmos: CosmosSettings;
  if (env.COSMOS_ENDPOINT?.trim()) {
    cosmos = { kind: 'azure', endpoint: env.COSMOS_ENDPOINT.trim(), key: env.COSMOS_KEY?.trim() || undefined, databaseName };
  } else {
    const port = Number(env.COSMOS_PORT ?? DEFAULT_COSMOS_PORT);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigurationError(`COSMOS_PORT "${env.COSMOS_PORT}" must be a port number (1–65535)`);
    cosmos = { kind: 'local', port, dataFile: env.REWIND_DATA_FILE?.trim() || DEFAULT_DATA_FILE, databaseName };
  }
  return { graphBaseUrl: graphUrl.origin, graphNeedsCredential: !loopback, cosmos };
}

/** COSMOS_DATABASE, default `rewind`: the database the CLI, `npm start` and `npm run cosmos` open. */
export function readCosmosDatabaseName(env: NodeJS.ProcessEnv = process.env): string {
  return env.COSMOS_DATABASE?.trim() || DEFAULT_DATABASE_NAME;
}

export interface OpenedEngine {
  gateway: GraphDirectoryGateway;
  /** The restore side: the same Graph origin and credential as the gateway (one identity holds both permission sets; infra/README.md). */
  writer: GraphDirectoryWriter;
  store: SnapshotStore;
  /** Plain sentences about what was connected or started (for the operator, never secrets). */
  notes: string[];
  close(): Promise<void>;
}

export async function openEngine(settings: EngineSettings, options: { logger?: GraphLogger; credential?: TokenCredential } = {}): Promise<OpenedEngine> {
  const credential = options.credential ?? (settings.graphNeedsCredential || (settings.cosmos.kind === 'azure' && !settings.cosmos.key) ? new DefaultAzureCredential() : undefined);
  const gateway = new GraphDirectoryGateway({ baseUrl: settings.graphBaseUrl, credential: settings.graphNeedsCredential ? credential : undefined, logger: options.logger });
  const writer = new GraphDirectoryWriter({ baseUrl: settings.graphBaseUrl, credential: settings.graphNeedsCredential ? credential : undefined, logger: options.logger });
  const notes: string[] = [`Graph: ${settings.graphBaseUrl}${settings.graphNeedsCredential ? ' (Entra ID token)' : ' (local simulator, no token)'}`];
  if (settings.cosmos.kind === 'azure') {
    const store = await openCosmosStore({ endpoint: settings.cosmos.endpoint, key: settings.cosmos.key, credential: settings.cosmos.key ? undefined : credential, databaseName: settings.cosmos.databaseName });
    notes.push(`Cosmos DB: ${settings.cosmos.endpoint}, database ${settings.cosmos.databaseName}`);
    return { gateway, writer, store, notes, close: async () => store.dispose() };
  }
  const endpoint = `http://127.0.0.1:${settings.cosmos.port}`;
  if (await isListening(endpoint)) {
    const store = await openCosmosStore({ endpoint, key: 'local', databaseName: settings.cosmos.databaseName });
    notes.push(`Cosmos DB: the local server already running at ${endpoint}`);
    return { gateway, writer, store, notes, close: async () => store.dispose() };
  }
  const local: LocalCosmos = await startLocalCosmos({ port: 0, dataFile: settings.cosmos.dataFile, databaseName: settings.cosmos.databaseName });
  notes.push(`Cosmos DB: an in-process local server for this command; ${local.persistenceNote}`, ...local.permissionNotes.map((note) => `Cosmos DB: ${note}`));
  return { gateway, writer, store: local.store, notes, close: () => local.close() };
}

async function isListening(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}
