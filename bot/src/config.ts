/**
 * The bot's settings, read from the environment and validated once at start-up, before the server listens. A
 * missing or malformed setting throws a ConfigurationError that names the setting and the fix.
 *
 * | setting | default | meaning |
 * |---|---|---|
 * | REWIND_MODE | local | `local` (Agents Playground, simulator) or `production` |
 * | BOT_ID | unset | the bot's Microsoft App ID (botbuilder `MicrosoftAppId`); a managed identity's client id |
 * | BOT_PASSWORD | unset | client secret (`MicrosoftAppPassword`); never with UserAssignedMsi |
 * | BOT_TYPE | MultiTenant | `MicrosoftAppType`: MultiTenant, SingleTenant or UserAssignedMsi (any case) |
 * | BOT_TENANT_ID | unset | `MicrosoftAppTenantId`, and the one tenant the bot serves; required in production (local: the Graph connection's tenant) |
 * | PORT | 3978 | HTTP port of `POST /api/messages` |
 * | HELPDESK_GROUP_ID | required (`npm start`: the demo tenant's Helpdesk) | group whose members may request restores |
 * | SECURITY_LEADS_GROUP_ID | required (`npm start`: the demo tenant's Security Leads) | group whose members may approve |
 * | READERS_GROUP_ID | unset | optional group whose members may browse the backups (helpdesk and security leads always may) |
 * | APPROVAL_TTL_HOURS | 24 | hours an approval request stays open (1–168) |
 * | MASS_DELETION_THRESHOLD | 20 | deletions between two backups that raise an alert |
 * | SUMMARY_TIME | 07:00 | when the daily summary is posted, HH:MM in UTC |
 * | APPROVAL_CARD_REFRESH | on in production, off in local mode | `on`: the shared approval card uses Universal Actions `refresh` so only eligible approvers see Approve / Reject; `off`: the buttons are on the card for everyone (the Agents Playground never sends the refresh invoke) |
 * | GRAPH_BASE_URL, COSMOS_* , REWIND_DATA_FILE | see backup-engine runtime.ts | the engine's settings |
 *
 * Without a bot identity the Bot Framework token check is off (anyone who can reach the port can post activities),
 * so the bot then listens on loopback only and says so; outside local mode it refuses to start without one.
 */
import { ConfigurationError, EngineSettings, readEngineSettings } from '../../backup-engine/src';

export const SETTINGS_HELP = 'see infra/README.md#settings';
export const DEFAULT_PORT = 3978;
export const DEFAULT_APPROVAL_TTL_HOURS = 24;
export const DEFAULT_MASS_DELETION_THRESHOLD = 20;
export const DEFAULT_SUMMARY_TIME = '07:00';
export const LOOPBACK_HOST = '127.0.0.1';
export const ALL_INTERFACES_HOST = '0.0.0.0';

export const REWIND_MODES = ['local', 'production'] as const;
const ON_OFF = ['on', 'off'] as const;
export type RewindMode = (typeof REWIND_MODES)[number];

/** botbuilder's `MicrosoftAppType` values (ConfigurationServiceClientCredentialFactory). */
export const BOT_APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMsi'] as const;
export type BotAppType = (typeof BOT_APP_TYPES)[number];

/**
 * The bot's identity under botbuilder's option names, ready for
 * `new TeamsAdapter({}, new ConfigurationServiceClientCredentialFactory(identity))`.
 */
export interface BotIdentity {
  MicrosoftAppId: string;
  MicrosoftAppType: BotAppType;
  MicrosoftAppPassword?: string;
  MicrosoftAppTenantId?: string;
}

export interface BotConfig {
  mode: RewindMode;
  /** Undefined: no identity, the token check is off, and `listenHost` is loopback. */
  identity: BotIdentity | undefined;
  port: number;
  listenHost: typeof LOOPBACK_HOST | typeof ALL_INTERFACES_HOST;
  helpdeskGroupId: string;
  securityLeadsGroupId: string;
  readersGroupId: string | undefined;
  /**
   * The one tenant whose Teams activities the bot answers (BOT_TENANT_ID). Undefined in local mode without it: the
   * tenant of the Graph connection is used (`startBot`).
   */
  tenantId: string | undefined;
  approvalTtlInMs: number;
  massDeletionThreshold: number;
  summaryTimeUtc: { hour: number; minute: number; text: string };
  /** Whether shared approval cards refresh per approver (Teams) or carry the buttons for everyone (clients without refresh). */
  approvalCardRefresh: boolean;
  engine: EngineSettings;
  /** Sentences for the operator, printed at start-up. */
  warnings: readonly string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HH_MM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

export const NO_IDENTITY_WARNING =
  'No bot identity is set (BOT_ID and BOT_PASSWORD, or a managed identity): the Bot Framework token check is off, ' +
  `so the bot listens on ${LOOPBACK_HOST} (loopback) only. This is for local runs with the Agents Playground; set the identity to take traffic from Teams.`;

function setting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function fail(message: string): never {
  throw new ConfigurationError(`${message}; ${SETTINGS_HELP}`);
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  return found ?? fail(`${name} "${value}" is not one of ${allowed.join(', ')}`);
}

function guid(name: string, value: string, what: string): string {
  if (!GUID.test(value)) fail(`${name} "${value}" is not a GUID (${what})`);
  return value.toLowerCase();
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, what: string): number {
  const raw = setting(env, name);
  if (raw === undefined) return fallback;
  const value = /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) fail(`${name} "${raw}" must be ${what} from ${min} to ${max}`);
  return value;
}

function readIdentity(env: NodeJS.ProcessEnv, mode: RewindMode): BotIdentity | undefined {
  const appId = setting(env, 'BOT_ID');
  const password = setting(env, 'BOT_PASSWORD');
  const tenantId = setting(env, 'BOT_TENANT_ID');
  const rawType = setting(env, 'BOT_TYPE');
  const type = rawType === undefined ? undefined : oneOf('BOT_TYPE', rawType, BOT_APP_TYPES);
  if (!appId) {
    if (password) fail('BOT_PASSWORD is set but BOT_ID (MicrosoftAppId) is not: set both, or neither for a local run without a bot identity');
    if (type) fail(`BOT_ID (MicrosoftAppId) is not set; BOT_TYPE ${type} needs the app's or the managed identity's client id`);
    if (mode === 'production') fail('BOT_ID (MicrosoftAppId) is not set; in production the bot needs its identity');
    return undefined;
  }
  const MicrosoftAppId = guid('BOT_ID', appId, "the bot's Microsoft App ID");
  const MicrosoftAppType = type ?? 'MultiTenant';
  const MicrosoftAppTenantId = tenantId === undefined ? undefined : guid('BOT_TENANT_ID', tenantId, 'a Microsoft Entra tenant id');
  if (MicrosoftAppType === 'UserAssignedMsi') {
    if (password) fail('BOT_PASSWORD (MicrosoftAppPassword) must not be set with BOT_TYPE UserAssignedMsi: a managed identity has no secret; unset it');
    if (!MicrosoftAppTenantId) fail('BOT_TENANT_ID (MicrosoftAppTenantId) is not set; BOT_TYPE UserAssignedMsi needs the tenant id');
    return { MicrosoftAppId, MicrosoftAppType, MicrosoftAppTenantId };
  }
  if (!password) fail(`BOT_PASSWORD (MicrosoftAppPassword) is not set; BOT_TYPE ${MicrosoftAppType} needs the app's client secret (or use BOT_TYPE UserAssignedMsi)`);
  if (MicrosoftAppType === 'SingleTenant' && !MicrosoftAppTenantId) fail('BOT_TENANT_ID (MicrosoftAppTenantId) is not set; BOT_TYPE SingleTenant needs the tenant id');
  return { MicrosoftAppId, MicrosoftAppType, MicrosoftAppPassword: password, ...(MicrosoftAppTenantId ? { MicrosoftAppTenantId } : {}) };
}

/**
 * A group id, required in every mode. The demo tenant's ids reach a local run through `npm start`'s settings
 * (scripts/start.ts), never through an import: the bot carries no simulator code.
 */
function readGroup(env: NodeJS.ProcessEnv, name: string, mode: RewindMode, role: string): string {
  const value = setting(env, name);
  if (value !== undefined) return guid(name, value, "a group's object id");
  if (mode === 'production') fail(`${name} is not set; in production the bot needs the object id of the group whose members ${role}`);
  return fail(`${name} is not set; the bot needs the object id of the group whose members ${role} (\`npm start\` sets the demo tenant's)`);
}

/** Reads and validates every setting once. Throws ConfigurationError (naming the setting and the fix). */
export function readBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const rawMode = setting(env, 'REWIND_MODE');
  const mode: RewindMode = rawMode === undefined ? 'local' : oneOf('REWIND_MODE', rawMode, REWIND_MODES);
  const warnings: string[] = [];

  const identity = readIdentity(env, mode);
  if (!identity) warnings.push(NO_IDENTITY_WARNING);

  const port = integer(env, 'PORT', DEFAULT_PORT, 1, 65535, 'a port number');
  const helpdeskGroupId = readGroup(env, 'HELPDESK_GROUP_ID', mode, 'may request restores');
  const securityLeadsGroupId = readGroup(env, 'SECURITY_LEADS_GROUP_ID', mode, 'may approve restores');
  if (helpdeskGroupId === securityLeadsGroupId) {
    warnings.push('HELPDESK_GROUP_ID and SECURITY_LEADS_GROUP_ID are the same group: every requester is also an approver (a requester still never approves their own request).');
  }
  const readers = setting(env, 'READERS_GROUP_ID');
  const readersGroupId = readers === undefined ? undefined : guid('READERS_GROUP_ID', readers, "a group's object id");
  const rawTenant = setting(env, 'BOT_TENANT_ID');
  const tenantId = identity?.MicrosoftAppTenantId ?? (rawTenant === undefined ? undefined : guid('BOT_TENANT_ID', rawTenant, 'a Microsoft Entra tenant id'));
  if (mode === 'production' && !tenantId) fail('BOT_TENANT_ID is not set; in production the bot answers only the tenant it protects and needs its id');
  const approvalTtlHours = integer(env, 'APPROVAL_TTL_HOURS', DEFAULT_APPROVAL_TTL_HOURS, 1, 168, 'a whole number of hours');
  const massDeletionThreshold = integer(env, 'MASS_DELETION_THRESHOLD', DEFAULT_MASS_DELETION_THRESHOLD, 1, 1_000_000, 'a whole number of deletions');

  const summaryText = setting(env, 'SUMMARY_TIME') ?? DEFAULT_SUMMARY_TIME;
  const hhmm = HH_MM.exec(summaryText);
  if (!hhmm) fail(`SUMMARY_TIME "${summaryText}" must be HH:MM in UTC (00:00 to 23:59), for example 07:00`);

  const rawRefresh = setting(env, 'APPROVAL_CARD_REFRESH');
  const approvalCardRefresh = rawRefresh === undefined ? mode === 'production' : oneOf('APPROVAL_CARD_REFRESH', rawRefresh, ON_OFF) === 'on';

  const engine = readEngineSettings(env);
  if (mode === 'production' && !engine.graphNeedsCredential) {
    warnings.push(`REWIND_MODE is production but GRAPH_BASE_URL is a loopback address (${engine.graphBaseUrl}): the bot talks to a simulator, not to Microsoft Graph.`);
  }

  return Object.freeze({
    mode,
    identity: identity ? Object.freeze(identity) : undefined,
    port,
    listenHost: identity ? ALL_INTERFACES_HOST : LOOPBACK_HOST,
    helpdeskGroupId,
    securityLeadsGroupId,
    readersGroupId,
    tenantId,
    approvalTtlInMs: approvalTtlHours * 3_600_000,
    massDeletionThreshold,
    summaryTimeUtc: Object.freeze({ hour: Number(hhmm[1]), minute: Number(hhmm[2]), text: summaryText }),
    approvalCardRefresh,
    engine,
    warnings: Object.freeze(warnings),
  });
}
