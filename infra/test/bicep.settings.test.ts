/**
 * The web app's settings in infra/azure.bicep agree with the code that reads them.
 *
 * The names each reader uses are recorded, not listed by hand: readBotConfig (which calls readEngineSettings) and
 * readObservabilitySettings run against a Proxy environment that records every property read. A setting renamed on
 * either side, a required one dropped from the Bicep, or a production value the code rejects fails here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { readBotConfig } from '../../bot/src/config';
import { AppSetting, isExpression, readAppSettings, readParams, readVar } from './support/bicep';
import { ROOT, readText } from './support/toolkit';

const bicep = readText('infra/azure.bicep');
const settings: AppSetting[] = readAppSettings(bicep);
const bicepNames = settings.map((s) => s.name);

/** Names read by libraries or the platform, not by Rewind's code (infra/README.md#settings, second table). */
const PLATFORM_SETTINGS: Record<string, string> = {
  AZURE_CLIENT_ID: '@azure/identity DefaultAzureCredential: the user-assigned identity to use',
  WEBSITE_RUN_FROM_PACKAGE: 'App Service: mount the deployed zip as wwwroot',
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'App Service (Kudu): no build on deployment',
};
const isPlatformSetting = (name: string) => name in PLATFORM_SETTINGS || name.startsWith('WEBSITE_') || name.startsWith('SCM_');

/**
 * Production-like values for the Bicep expressions the settings use. Literals, `var`s with a literal value and
 * `param` defaults resolve by themselves; an expression missing here fails the test that needs it.
 */
const SAMPLE_VALUES: Record<string, string> = {
  'identity.properties.clientId': '6a4bd1a2-6bd2-4a64-a2e3-4b9f1f0c7a11',
  'identity.properties.tenantId': '51a9bed4-4908-47c2-b8c7-867c6542a0d8',
  helpdeskGroupId: 'f3c1d0b2-98a1-4f7e-9a61-0d3b8e5c2a10',
  securityLeadsGroupId: 'a7e2c9d4-1b3f-4c58-8e0a-6f2d9b4c1e77',
  'cosmos.properties.documentEndpoint': 'https://rewindabc123.documents.azure.com:443/',
  'appInsights.properties.ConnectionString':
    'InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
};

function sampleValue(setting: AppSetting, source: string): string {
  if (typeof setting.value === 'string') return setting.value;
  const expr = setting.value.expr;
  if (expr in SAMPLE_VALUES) return SAMPLE_VALUES[expr];
  if (/^\w+$/.test(expr)) {
    const param = readParams(source).find((p) => p.name === expr);
    if (param && typeof param.default === 'string') return param.default;
    if (!param && new RegExp(`^var ${expr} =`, 'm').test(source)) {
      const value = readVar(source, expr);
      if (typeof value === 'string') return value;
    }
  }
  throw new Error(`no sample value for the Bicep expression "${expr}" of ${setting.name}; add one to SAMPLE_VALUES`);
}

/** The environment App Service gives the process: the Bicep settings plus PORT. */
function productionEnv(source = bicep): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(readAppSettings(source).map((s) => [s.name, sampleValue(s, source)])), PORT: '8080' };
}

/** Calls `read` with a copy of `env` that records every name read or tested. */
function namesReadBy(read: (env: NodeJS.ProcessEnv) => unknown, env: NodeJS.ProcessEnv): Set<string> {
  const names = new Set<string>();
  const recording = new Proxy(
    { ...env },
    {
      get(target, key) {
        if (typeof key === 'string') names.add(key);
        return Reflect.get(target, key);
      },
      has(target, key) {
        if (typeof key === 'string') names.add(key);
        return Reflect.has(target, key);
      },
    },
  );
  read(recording);
  return names;
}

/**
 * bot/src/observability.ts (`readObservabilitySettings`) reads APPLICATIONINSIGHTS_CONNECTION_STRING and
 * REWIND_LOG_LEVEL. Until that module exists those two names stand in for it.
 */
const OBSERVABILITY_MODULE = join(ROOT, 'bot/src/observability.ts');
const OBSERVABILITY_NAMES = ['APPLICATIONINSIGHTS_CONNECTION_STRING', 'REWIND_LOG_LEVEL'];
type EnvReader = (env: NodeJS.ProcessEnv) => unknown;

async function observabilityReader(): Promise<EnvReader> {
  if (!existsSync(OBSERVABILITY_MODULE)) {
    return (env) => OBSERVABILITY_NAMES.map((name) => env[name]);
  }
  const module = (await import(OBSERVABILITY_MODULE)) as { readObservabilitySettings?: EnvReader };
  if (typeof module.readObservabilitySettings !== 'function') throw new Error(`${OBSERVABILITY_MODULE} does not export readObservabilitySettings(env)`);
  return module.readObservabilitySettings;
}

/** A local run's environment as `npm start` makes it: the two group ids (any GUIDs), nothing else. */
const LOCAL_ENV: NodeJS.ProcessEnv = { HELPDESK_GROUP_ID: '6fc10f0c-6c85-42a3-ae96-c76d29d43f1e', SECURITY_LEADS_GROUP_ID: 'fd0e2713-96d5-4a67-8f5a-119c1e7559f8' };

async function namesReadByCode(env: NodeJS.ProcessEnv): Promise<Set<string>> {
  const observability = await observabilityReader();
  return new Set([...namesReadBy(readBotConfig, env), ...namesReadBy(observability, env)]);
}

/** Bicep app setting names that the code does not read and that are not platform names. */
async function unreadBicepNames(source: string): Promise<string[]> {
  const read = await namesReadByCode(productionEnv(source));
  return readAppSettings(source)
    .map((s) => s.name)
    .filter((name) => !read.has(name) && !isPlatformSetting(name));
}

/** The `## Settings` section of infra/README.md. */
function settingsSection(): string {
  const readme = readText('infra/README.md');
  const start = readme.indexOf('\n## Settings\n');
  if (start === -1) throw new Error('infra/README.md has no "## Settings" section');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

/** The backticked names in the first column of the section's tables. */
function documentedSettings(section: string): string[] {
  return [...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
}

describe('infra/azure.bicep app settings', () => {
  test('When the app settings are read, then no name repeats and every value is a literal or an expression', () => {
    expect(bicepNames.length).toBeGreaterThan(10);
    expect(new Set(bicepNames).size).toBe(bicepNames.length);
    expect(settings.every((s) => typeof s.value === 'string' || isExpression(s.value))).toBe(true);
  });

  test('When the production settings are read by the code, then every Bicep name is read by it or is a documented platform name', async () => {
    expect(await unreadBicepNames(bicep)).toEqual([]);
  });

  test('When a platform name is on the allowlist, then the Bicep sets it and AZURE_CLIENT_ID is really read by DefaultAzureCredential', () => {
    const realEnv = process.env;
    const read = namesReadBy((env) => {
      process.env = env;
      try {
        return new DefaultAzureCredential();
      } finally {
        process.env = realEnv;
      }
    }, productionEnv());

    expect(Object.keys(PLATFORM_SETTINGS).filter((name) => !bicepNames.includes(name))).toEqual([]);
    expect(read.has('AZURE_CLIENT_ID')).toBe(true);
    expect(settings.find((s) => s.name === 'AZURE_CLIENT_ID')?.value).toEqual({ expr: 'identity.properties.clientId' });
  });

  test('When readBotConfig reads the Bicep settings, then the bot starts in production with the managed identity, Microsoft Graph and Azure Cosmos DB', () => {
    const config = readBotConfig(productionEnv());

    expect(config.mode).toBe('production');
    expect(config.identity).toEqual({
      MicrosoftAppId: SAMPLE_VALUES['identity.properties.clientId'],
      MicrosoftAppType: 'UserAssignedMsi',
      MicrosoftAppTenantId: SAMPLE_VALUES['identity.properties.tenantId'],
    });
    expect(config.listenHost).toBe('0.0.0.0');
    expect(config.helpdeskGroupId).toBe(SAMPLE_VALUES.helpdeskGroupId);
    expect(config.securityLeadsGroupId).toBe(SAMPLE_VALUES.securityLeadsGroupId);
    expect(config.engine).toEqual({
      graphBaseUrl: 'https://graph.microsoft.com',
      graphNeedsCredential: true,
      cosmos: { kind: 'azure', endpoint: SAMPLE_VALUES['cosmos.properties.documentEndpoint'], key: undefined, databaseName: 'rewind' },
    });
    expect(config.warnings).toEqual([]);
  });

  test('When any one setting production requires is missing, then readBotConfig refuses to start naming it, and the Bicep sets each of them', async () => {
    const env = productionEnv();
    const candidates = [...(await namesReadByCode(env))].filter((name) => name in env);

    const required = candidates.filter((name) => {
      const { [name]: _removed, ...rest } = env;
      try {
        readBotConfig(rest);
        return false;
      } catch (error) {
        expect(String(error)).toContain(name);
        return true;
      }
    });

    // BOT_TYPE: without it the type is MultiTenant, which needs a password a managed identity does not have.
    expect(required.sort()).toEqual(['BOT_ID', 'BOT_TENANT_ID', 'BOT_TYPE', 'HELPDESK_GROUP_ID', 'SECURITY_LEADS_GROUP_ID']);
    expect(required.filter((name) => !bicepNames.includes(name))).toEqual([]);
  });

  test('When the Bicep is read, then it sets no secret: no bot password and no Cosmos DB key', () => {
    expect(bicepNames.filter((name) => name === 'BOT_PASSWORD' || name === 'COSMOS_KEY')).toEqual([]);
  });

  test('When an optional setting is renamed in the Bicep, then the name check reports it although the bot would still start', async () => {
    // The required-settings check cannot see this: SUMMARY_TIME has a default, so the bot would silently use 07:00.
    const renamed = bicep.replace("name: 'SUMMARY_TIME'", "name: 'SUMMARY_TIME_UTC'");

    expect(await unreadBicepNames(renamed)).toEqual(['SUMMARY_TIME_UTC']);
    expect(readBotConfig(productionEnv(renamed)).summaryTimeUtc.text).toBe('07:00');
  });

  test('When a required setting is dropped from the Bicep, then readBotConfig refuses the production settings', () => {
    const dropped = bicep.replace(/\{\s*name: 'HELPDESK_GROUP_ID'\s*value: helpdeskGroupId\s*\}/, '');

    expect(readAppSettings(dropped).map((s) => s.name)).not.toContain('HELPDESK_GROUP_ID');
    expect(() => readBotConfig(productionEnv(dropped))).toThrow(/HELPDESK_GROUP_ID is not set/);
  });

  test('When infra/README.md#settings is read, then it lists every setting the code reads (local and production) and every Bicep setting', async () => {
    const documented = new Set(documentedSettings(settingsSection()));
    const read = new Set([...(await namesReadByCode(productionEnv())), ...(await namesReadByCode(LOCAL_ENV))]);

    const undocumented = [...read, ...bicepNames].filter((name) => !documented.has(name));

    expect([...new Set(undocumented)]).toEqual([]);
  });

  test('When infra/README.md#settings is read, then every setting it lists is read by the code or is a platform name', async () => {
    const documented = documentedSettings(settingsSection());
    const read = new Set([...(await namesReadByCode(productionEnv())), ...(await namesReadByCode(LOCAL_ENV))]);

    expect(documented.filter((name) => !read.has(name) && !isPlatformSetting(name))).toEqual([]);
  });
});
