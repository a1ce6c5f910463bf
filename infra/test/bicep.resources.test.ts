/**
 * The resources in infra/azure.bicep have the settings infra/README.md describes and the code relies on: the Cosmos
 * DB containers, partition key and indexing policy of backup-engine's store (which cannot create them under
 * data-plane RBAC), the data-plane role, the web app's runtime and start command, the Azure Bot's managed identity,
 * and the outputs and parameters the Toolkit files use.
 */
import {
  COLLECTION_NAMES,
  CONTAINER_INDEXING_POLICY,
  DEFAULT_DATABASE_NAME,
} from '../../backup-engine/src/store/cosmos-store';
import { STARTUP_FILE } from '../../scripts/stage-deploy';
import { BicepValue, at, readOutputNames, readParams, readResource, readResources, readVar } from './support/bicep';
import { readText } from './support/toolkit';

const bicep = readText('infra/azure.bicep');
const body = (symbol: string): BicepValue => readResource(bicep, symbol).body;
const expr = (text: string) => ({ expr: text });

describe('infra/azure.bicep: Cosmos DB', () => {
  test('When the containers are declared, then they are the store COLLECTION_NAMES, one resource per name', () => {
    const containers = readResource(bicep, 'cosmosContainers');

    expect(readVar(bicep, 'containerNames')).toEqual([...COLLECTION_NAMES]);
    expect(containers.type).toBe('Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers');
    expect(at(containers.body, 'forEach', 'source')).toBe('containerNames');
    expect(at(containers.body, 'forEach', 'item')).toBe('containerName');
    expect(at(containers.body, 'forEach', 'body', 'name')).toEqual(expr('containerName'));
    expect(at(containers.body, 'forEach', 'body', 'properties', 'resource', 'id')).toEqual(expr('containerName'));
  });

  test('When the partition key is declared, then it is the single /pk hash path the store creates its containers with', () => {
    // cosmos-store.ts does not export the path; it is read from createContainer's `partitionKey: { paths: [...] }`.
    const store = readText('backup-engine/src/store/cosmos-store.ts');
    const storePaths = [...store.matchAll(/partitionKey: \{ paths: \[([^\]]*)\] \}/g)].map((m) => m[1]);
    const resource = at(body('cosmosContainers'), 'forEach', 'body', 'properties', 'resource');

    expect(storePaths).toEqual(["'/pk'"]);
    expect(readVar(bicep, 'containerPartitionKeyPath')).toBe('/pk');
    expect(at(resource, 'partitionKey')).toEqual({ paths: [expr('containerPartitionKeyPath')], kind: 'Hash' });
  });

  test('When the indexing policy is declared, then it equals CONTAINER_INDEXING_POLICY and every container uses it', () => {
    const resource = at(body('cosmosContainers'), 'forEach', 'body', 'properties', 'resource');

    expect(readVar(bicep, 'containerIndexingPolicy')).toEqual(CONTAINER_INDEXING_POLICY);
    expect(at(resource, 'indexingPolicy')).toEqual(expr('containerIndexingPolicy'));
  });

  test('When the indexing policy differs by one path, then the comparison fails', () => {
    const changed = bicep.replace("path: '/ids/*'", "path: '/id/*'");

    expect(readVar(changed, 'containerIndexingPolicy')).not.toEqual(CONTAINER_INDEXING_POLICY);
  });

  test('When the database is declared, then it is the store default database, named by COSMOS_DATABASE', () => {
    expect(readVar(bicep, 'cosmosDatabaseName')).toBe(DEFAULT_DATABASE_NAME);
    expect(at(body('cosmosDatabase'), 'properties', 'resource', 'id')).toEqual(expr('cosmosDatabaseName'));
    expect(bicep).toMatch(/name: 'COSMOS_DATABASE'\s+value: cosmosDatabaseName/);
  });

  test('When the account is declared, then it is serverless NoSQL with Session consistency and Entra ID auth only', () => {
    const account = body('cosmos');

    expect(at(account, 'kind')).toBe('GlobalDocumentDB');
    expect(at(account, 'properties', 'capabilities')).toEqual([{ name: 'EnableServerless' }]);
    expect(at(account, 'properties', 'disableLocalAuth')).toBe(true);
    expect(at(account, 'properties', 'consistencyPolicy')).toEqual({ defaultConsistencyLevel: 'Session' });
    // Serverless accounts take no throughput: neither the database nor the containers set options.
    expect(at(body('cosmosDatabase'), 'properties', 'options')).toBeUndefined();
    expect(at(body('cosmosContainers'), 'forEach', 'body', 'properties', 'options')).toBeUndefined();
  });

  test('When the data-plane role is assigned, then it is the built-in Data Contributor for the identity at account scope', () => {
    const assignment = body('cosmosDataContributor');

    expect(readVar(bicep, 'cosmosDataContributorRoleId')).toBe('00000000-0000-0000-0000-000000000002');
    expect(at(assignment, 'parent')).toEqual(expr('cosmos'));
    expect(at(assignment, 'properties')).toEqual({
      roleDefinitionId: expr("'${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'"),
      principalId: expr('identity.properties.principalId'),
      scope: expr('cosmos.id'),
    });
  });
});

describe('infra/azure.bicep: web app and bot', () => {
  test('When the plan and the web app are declared, then they are Linux Node 22 LTS, always on, HTTPS only, TLS 1.2, FTP off', () => {
    const site = body('webApp');

    expect(at(body('plan'), 'properties', 'reserved')).toBe(true);
    expect(at(site, 'kind')).toBe('app,linux');
    expect(at(site, 'properties', 'httpsOnly')).toBe(true);
    expect(at(site, 'properties', 'siteConfig', 'linuxFxVersion')).toBe('NODE|22-lts');
    expect(at(site, 'properties', 'siteConfig', 'alwaysOn')).toBe(true);
    expect(['Disabled', 'FtpsOnly']).toContain(at(site, 'properties', 'siteConfig', 'ftpsState'));
    expect(at(site, 'properties', 'siteConfig', 'minTlsVersion')).toBe('1.2');
  });

  test('When the start command is declared, then it runs the staged startup file, the same command as npm run serve', () => {
    const packageJson = JSON.parse(readText('package.json')) as { scripts: Record<string, string> };

    expect(at(body('webApp'), 'properties', 'siteConfig', 'appCommandLine')).toBe(`node ${STARTUP_FILE}`);
    expect(packageJson.scripts.serve).toBe(`node ${STARTUP_FILE}`);
  });

  test('When the web app identity is declared, then it is the user-assigned identity only', () => {
    expect(at(body('webApp'), 'identity')).toEqual({ type: 'UserAssigned', userAssignedIdentities: { "'${identity.id}'": {} } });
    expect(readResource(bicep, 'identity').type).toBe('Microsoft.ManagedIdentity/userAssignedIdentities');
  });

  test('When the Azure Bot is declared, then it is a global azurebot on the managed identity with the Teams channel', () => {
    const bot = body('bot');
    const channel = body('botTeamsChannel');

    expect(at(bot, 'kind')).toBe('azurebot');
    expect(at(bot, 'location')).toBe('global');
    expect(at(bot, 'properties', 'msaAppType')).toBe('UserAssignedMSI');
    expect(at(bot, 'properties', 'msaAppId')).toEqual(expr('identity.properties.clientId'));
    expect(at(bot, 'properties', 'msaAppMSIResourceId')).toEqual(expr('identity.id'));
    expect(at(bot, 'properties', 'msaAppTenantId')).toEqual(expr('identity.properties.tenantId'));
    expect(at(bot, 'properties', 'endpoint')).toEqual(expr("'https://${webApp.properties.defaultHostName}/api/messages'"));
    expect(at(channel, 'parent')).toEqual(expr('bot'));
    expect(at(channel, 'name')).toBe('MsTeamsChannel');
    expect(at(channel, 'properties', 'channelName')).toBe('MsTeamsChannel');
  });

  test('When monitoring is declared, then Application Insights is workspace-based and its connection string is an app setting', () => {
    expect(readResource(bicep, 'logAnalytics').type).toBe('Microsoft.OperationalInsights/workspaces');
    expect(at(body('appInsights'), 'properties', 'WorkspaceResourceId')).toEqual(expr('logAnalytics.id'));
    expect(bicep).toMatch(/name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'\s+value: appInsights\.properties\.ConnectionString/);
  });

  test('When API versions are read, then none is a preview except diagnosticSettings (which has no GA version)', () => {
    const previews = readResources(bicep)
      .filter((r) => r.apiVersion.includes('preview') && r.type !== 'Microsoft.Insights/diagnosticSettings')
      .map((r) => `${r.type}@${r.apiVersion}`);

    expect(previews).toEqual([]);
  });
});

describe('infra/azure.bicep: outputs and parameters', () => {
  test('When provision writes the outputs, then the names the Toolkit files, the app package and the grant script use are there', () => {
    expect(readOutputNames(bicep).sort()).toEqual([
      'APPLICATIONINSIGHTS_RESOURCE_ID',
      'BOT_AZURE_APP_SERVICE_RESOURCE_ID',
      'BOT_DOMAIN',
      'BOT_ID',
      'BOT_TENANT_ID',
      'COSMOS_ENDPOINT',
      'MANAGED_IDENTITY_PRINCIPAL_ID',
    ]);
  });

  test('When azure.parameters.json is read, then it gives every parameter without a default and nothing the Bicep does not declare', () => {
    const file = JSON.parse(readText('infra/azure.parameters.json')) as { parameters: Record<string, { value: unknown }> };
    const params = readParams(bicep);
    const given = Object.keys(file.parameters);

    expect(params.filter((p) => p.default === undefined && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
    expect(given.filter((name) => !params.some((p) => p.name === name))).toEqual([]);
  });

  test('When the parameters are read, then they are the ones infra/README.md describes, with B1 as the default SKU', () => {
    const params = readParams(bicep);

    expect(params.map((p) => p.name).sort()).toEqual(
      ['approvalTtlHours', 'botDisplayName', 'helpdeskGroupId', 'location', 'massDeletionThreshold', 'resourceBaseName', 'securityLeadsGroupId', 'summaryTime', 'webAppSku'].sort(),
    );
    expect(params.find((p) => p.name === 'webAppSku')?.default).toBe('B1');
  });
});
