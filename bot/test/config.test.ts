import { ConfigurationError, isConfigurationError } from '../../backup-engine/src';
import { DEMO_HELPDESK_GROUP_ID, DEMO_SECURITY_LEADS_GROUP_ID } from '../../graph-simulator/src';
import { NO_IDENTITY_WARNING, readBotConfig } from '../src/config';

const APP_ID = '11111111-2222-4333-8444-555555555555';
const TENANT_ID = '51a9bed4-4908-47c2-b8c7-867c6542a0d8';
const HELPDESK = 'aaaaaaaa-0000-4000-8000-000000000001';
const LEADS = 'aaaaaaaa-0000-4000-8000-000000000002';

const production = { REWIND_MODE: 'production', BOT_ID: APP_ID, BOT_TENANT_ID: TENANT_ID, BOT_TYPE: 'UserAssignedMsi', HELPDESK_GROUP_ID: HELPDESK, SECURITY_LEADS_GROUP_ID: LEADS, GRAPH_BASE_URL: 'https://graph.microsoft.com', COSMOS_ENDPOINT: 'https://rewind.documents.azure.com:443/' };

function errorOf(env: NodeJS.ProcessEnv): ConfigurationError {
  try {
    readBotConfig(env);
  } catch (error) {
    if (isConfigurationError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

/** What `npm start` sets for a local run: the demo tenant's two groups. */
const LOCAL = { HELPDESK_GROUP_ID: DEMO_HELPDESK_GROUP_ID, SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID };

describe('config: local mode', () => {
  test('When only the groups are set (as npm start does), then local defaults apply and the bot listens on loopback with a warning', () => {
    const config = readBotConfig(LOCAL);
    expect(config).toMatchObject({
      mode: 'local', identity: undefined, port: 3978, listenHost: '127.0.0.1',
      helpdeskGroupId: DEMO_HELPDESK_GROUP_ID, securityLeadsGroupId: DEMO_SECURITY_LEADS_GROUP_ID,
      approvalTtlInMs: 24 * 3_600_000, massDeletionThreshold: 20, summaryTimeUtc: { hour: 7, minute: 0, text: '07:00' },
      engine: { graphBaseUrl: 'http://127.0.0.1:4010', graphNeedsCredential: false },
    });
    expect(config.warnings).toEqual([NO_IDENTITY_WARNING]);
  });

  test('When a local run names no groups, then start-up stops naming the setting and npm start', () => {
    expect(errorOf({ SECURITY_LEADS_GROUP_ID: DEMO_SECURITY_LEADS_GROUP_ID }).message).toBe(
      "HELPDESK_GROUP_ID is not set; the bot needs the object id of the group whose members may request restores (`npm start` sets the demo tenant's); see infra/README.md#settings",
    );
  });

  test('When there is no identity, then the warning says the token check is off and loopback only', () => {
    expect(NO_IDENTITY_WARNING).toBe(
      'No bot identity is set (BOT_ID and BOT_PASSWORD, or a managed identity): the Bot Framework token check is off, so the bot listens on 127.0.0.1 (loopback) only. This is for local runs with the Agents Playground; set the identity to take traffic from Teams.',
    );
  });

  test('When settings are blank strings, then they count as unset', () => {
    expect(readBotConfig({ ...LOCAL, BOT_ID: '  ', BOT_PASSWORD: '', PORT: ' ' })).toMatchObject({ identity: undefined, port: 3978, listenHost: '127.0.0.1' });
  });

  test('When a local run has a MultiTenant identity, then it listens on all interfaces without the warning', () => {
    const config = readBotConfig({ ...LOCAL, BOT_ID: APP_ID, BOT_PASSWORD: 'secret' });
    expect(config.identity).toEqual({ MicrosoftAppId: APP_ID, MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: 'secret' });
    expect(config.listenHost).toBe('0.0.0.0');
    expect(config.warnings).toEqual([]);
  });

  test('When every tunable is set, then each is parsed with its unit', () => {
    const config = readBotConfig({ PORT: '4000', APPROVAL_TTL_HOURS: '8', MASS_DELETION_THRESHOLD: '5', SUMMARY_TIME: '23:59', HELPDESK_GROUP_ID: HELPDESK.toUpperCase(), SECURITY_LEADS_GROUP_ID: LEADS });
    expect(config).toMatchObject({ port: 4000, approvalTtlInMs: 8 * 3_600_000, massDeletionThreshold: 5, summaryTimeUtc: { hour: 23, minute: 59 }, helpdeskGroupId: HELPDESK, securityLeadsGroupId: LEADS });
  });

  test('When the mode is written in upper case, then it is accepted', () => {
    expect(readBotConfig({ ...LOCAL, REWIND_MODE: 'LOCAL' }).mode).toBe('local');
  });

  test('When the config is read, then it is frozen', () => {
    const config = readBotConfig(LOCAL);
    expect(Object.isFrozen(config) && Object.isFrozen(config.warnings)).toBe(true);
  });

  test('When both groups are the same, then a warning says so', () => {
    expect(readBotConfig({ HELPDESK_GROUP_ID: LEADS, SECURITY_LEADS_GROUP_ID: LEADS }).warnings).toContain(
      'HELPDESK_GROUP_ID and SECURITY_LEADS_GROUP_ID are the same group: every requester is also an approver (a requester still never approves their own request).',
    );
  });
});

describe('config: production mode', () => {
  test('When a managed identity and the groups are set, then the config is valid and listens on all interfaces', () => {
    const config = readBotConfig(production);
    expect(config).toMatchObject({
      mode: 'production', listenHost: '0.0.0.0', helpdeskGroupId: HELPDESK, securityLeadsGroupId: LEADS,
      identity: { MicrosoftAppId: APP_ID, MicrosoftAppType: 'UserAssignedMsi', MicrosoftAppTenantId: TENANT_ID },
      engine: { graphNeedsCredential: true, cosmos: { kind: 'azure' } },
    });
    expect(config.identity).not.toHaveProperty('MicrosoftAppPassword');
    expect(config.warnings).toEqual([]);
  });

  test('When BOT_TYPE is written as UserAssignedMSI, then it maps to botbuilder\'s UserAssignedMsi', () => {
    expect(readBotConfig({ ...production, BOT_TYPE: 'UserAssignedMSI' }).identity?.MicrosoftAppType).toBe('UserAssignedMsi');
  });

  test('When a SingleTenant identity is complete, then it carries id, password and tenant', () => {
    expect(readBotConfig({ ...production, BOT_TYPE: 'SingleTenant', BOT_PASSWORD: 'pw' }).identity).toEqual({
      MicrosoftAppId: APP_ID, MicrosoftAppType: 'SingleTenant', MicrosoftAppPassword: 'pw', MicrosoftAppTenantId: TENANT_ID,
    });
  });

  test('When production has no identity, then start-up stops with the exact message', () => {
    const error = errorOf({ REWIND_MODE: 'production', HELPDESK_GROUP_ID: HELPDESK, SECURITY_LEADS_GROUP_ID: LEADS });
    expect(error.message).toBe('BOT_ID (MicrosoftAppId) is not set; in production the bot needs its identity; see infra/README.md#settings');
    expect(error).toBeInstanceOf(ConfigurationError);
  });

  test('When production has no helpdesk group, then start-up stops naming it', () => {
    expect(errorOf({ ...production, HELPDESK_GROUP_ID: '' }).message).toBe(
      'HELPDESK_GROUP_ID is not set; in production the bot needs the object id of the group whose members may request restores; see infra/README.md#settings',
    );
  });

  test('When production has no security-leads group, then start-up stops naming it', () => {
    expect(errorOf({ ...production, SECURITY_LEADS_GROUP_ID: undefined }).message).toBe(
      'SECURITY_LEADS_GROUP_ID is not set; in production the bot needs the object id of the group whose members may approve restores; see infra/README.md#settings',
    );
  });

  test('When a MultiTenant production bot has no BOT_TENANT_ID, then start-up stops: the bot must know the one tenant it serves', () => {
    expect(errorOf({ ...production, BOT_TYPE: 'MultiTenant', BOT_PASSWORD: 'pw', BOT_TENANT_ID: '' }).message).toBe(
      'BOT_TENANT_ID is not set; in production the bot answers only the tenant it protects and needs its id; see infra/README.md#settings',
    );
    expect(readBotConfig(production).tenantId).toBe(TENANT_ID.toLowerCase());
  });

  test('When READERS_GROUP_ID is set, then it must be a GUID', () => {
    expect(readBotConfig({ ...production, READERS_GROUP_ID: HELPDESK }).readersGroupId).toBe(HELPDESK.toLowerCase());
    expect(errorOf({ ...production, READERS_GROUP_ID: 'readers' }).message).toMatch(/^READERS_GROUP_ID "readers" is not a GUID/);
  });

  test('When production points Graph at a loopback simulator, then a warning says so', () => {
    expect(readBotConfig({ ...production, GRAPH_BASE_URL: 'http://127.0.0.1:4010' }).warnings).toEqual([
      'REWIND_MODE is production but GRAPH_BASE_URL is a loopback address (http://127.0.0.1:4010): the bot talks to a simulator, not to Microsoft Graph.',
    ]);
  });
});

describe('config: malformed settings name the setting and the fix', () => {
  test.each<[string, NodeJS.ProcessEnv, string]>([
    ['an unknown mode', { REWIND_MODE: 'prod' }, 'REWIND_MODE "prod" is not one of local, production; see infra/README.md#settings'],
    ['an unknown bot type', { BOT_ID: APP_ID, BOT_TYPE: 'Managed' }, 'BOT_TYPE "Managed" is not one of MultiTenant, SingleTenant, UserAssignedMsi; see infra/README.md#settings'],
    ['a bot id that is not a GUID', { BOT_ID: 'rewind-bot', BOT_PASSWORD: 'pw' }, 'BOT_ID "rewind-bot" is not a GUID (the bot\'s Microsoft App ID); see infra/README.md#settings'],
    ['a password without an id', { BOT_PASSWORD: 'pw' }, 'BOT_PASSWORD is set but BOT_ID (MicrosoftAppId) is not: set both, or neither for a local run without a bot identity; see infra/README.md#settings'],
    ['a bot type without an id', { BOT_TYPE: 'UserAssignedMsi' }, "BOT_ID (MicrosoftAppId) is not set; BOT_TYPE UserAssignedMsi needs the app's or the managed identity's client id; see infra/README.md#settings"],
    ['a MultiTenant id without a password', { BOT_ID: APP_ID }, "BOT_PASSWORD (MicrosoftAppPassword) is not set; BOT_TYPE MultiTenant needs the app's client secret (or use BOT_TYPE UserAssignedMsi); see infra/README.md#settings"],
    ['a SingleTenant identity without a tenant', { BOT_ID: APP_ID, BOT_PASSWORD: 'pw', BOT_TYPE: 'SingleTenant' }, 'BOT_TENANT_ID (MicrosoftAppTenantId) is not set; BOT_TYPE SingleTenant needs the tenant id; see infra/README.md#settings'],
    ['a managed identity without a tenant', { BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi' }, 'BOT_TENANT_ID (MicrosoftAppTenantId) is not set; BOT_TYPE UserAssignedMsi needs the tenant id; see infra/README.md#settings'],
    ['a managed identity with a password', { BOT_ID: APP_ID, BOT_TYPE: 'UserAssignedMsi', BOT_TENANT_ID: TENANT_ID, BOT_PASSWORD: 'pw' }, 'BOT_PASSWORD (MicrosoftAppPassword) must not be set with BOT_TYPE UserAssignedMsi: a managed identity has no secret; unset it; see infra/README.md#settings'],
    ['a tenant id that is not a GUID', { BOT_ID: APP_ID, BOT_PASSWORD: 'pw', BOT_TENANT_ID: 'contoso' }, 'BOT_TENANT_ID "contoso" is not a GUID (a Microsoft Entra tenant id); see infra/README.md#settings'],
    ['a port that is not a number', { PORT: 'http' }, 'PORT "http" must be a port number from 1 to 65535; see infra/README.md#settings'],
    ['a port out of range', { PORT: '70000' }, 'PORT "70000" must be a port number from 1 to 65535; see infra/README.md#settings'],
    ['a group id that is not a GUID', { HELPDESK_GROUP_ID: 'Helpdesk' }, 'HELPDESK_GROUP_ID "Helpdesk" is not a GUID (a group\'s object id); see infra/README.md#settings'],
    ['a zero approval window', { APPROVAL_TTL_HOURS: '0' }, 'APPROVAL_TTL_HOURS "0" must be a whole number of hours from 1 to 168; see infra/README.md#settings'],
    ['a fractional approval window', { APPROVAL_TTL_HOURS: '1.5' }, 'APPROVAL_TTL_HOURS "1.5" must be a whole number of hours from 1 to 168; see infra/README.md#settings'],
    ['a negative threshold', { MASS_DELETION_THRESHOLD: '-1' }, 'MASS_DELETION_THRESHOLD "-1" must be a whole number of deletions from 1 to 1000000; see infra/README.md#settings'],
    ['a summary time that is not HH:MM', { SUMMARY_TIME: '7am' }, 'SUMMARY_TIME "7am" must be HH:MM in UTC (00:00 to 23:59), for example 07:00; see infra/README.md#settings'],
    ['a summary hour of 24', { SUMMARY_TIME: '24:00' }, 'SUMMARY_TIME "24:00" must be HH:MM in UTC (00:00 to 23:59), for example 07:00; see infra/README.md#settings'],
  ])('When the environment has %s, then start-up stops with the exact message', (_label, env, message) => {
    expect(errorOf({ ...LOCAL, ...env }).message).toBe(message);
  });

  test('When an engine setting is malformed, then the engine\'s ConfigurationError passes through', () => {
    expect(errorOf({ ...LOCAL, GRAPH_BASE_URL: 'not a url' }).message).toBe('GRAPH_BASE_URL "not a url" is not a URL; use https://graph.microsoft.com, or unset it for the local simulator');
  });
});

describe('config: approval card refresh', () => {
  it('then refresh is on in production and off in local mode (the Agents Playground never sends the refresh invoke), and either can be overridden', () => {
    expect(readBotConfig(LOCAL).approvalCardRefresh).toBe(false);
    expect(readBotConfig(production).approvalCardRefresh).toBe(true);
    expect(readBotConfig({ ...LOCAL, APPROVAL_CARD_REFRESH: 'ON' }).approvalCardRefresh).toBe(true);
    expect(readBotConfig({ ...production, APPROVAL_CARD_REFRESH: 'off' }).approvalCardRefresh).toBe(false);
    expect(() => readBotConfig({ ...LOCAL, APPROVAL_CARD_REFRESH: 'sometimes' })).toThrow(/APPROVAL_CARD_REFRESH/);
  });
});
