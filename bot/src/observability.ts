/**
 * What the deployed host tells its operators (docs/observability.md): structured logs, redacted, and OpenTelemetry
 * export to Application Insights.
 *
 * | setting | default | meaning |
 * |---|---|---|
 * | APPLICATIONINSIGHTS_CONNECTION_STRING | unset: no telemetry export | Application Insights connection string; the Azure Monitor OpenTelemetry distro starts only when it is set |
 * | REWIND_LOG_LEVEL | info | `error`, `warn`, `info` or `debug` (any case); lines below it are not written |
 *
 * - Logs: one JSON object per line on stdout, `{ time, level, msg, component, ...fields }`. Every field and the
 *   message pass through `redact` first: values under secret keys (tokens, passwords, cookies, …) and personal
 *   attributes (mail, userPrincipalName, displayName, phones, addresses, …) become `REDACTED`, at any depth; bearer
 *   tokens, JWTs, `password=…`-style pairs and the local part of mail addresses are masked inside free text. Ids
 *   (object, request, snapshot, restore ids) are kept. Errors become `{ name, message, code, statusCode, requestId,
 *   clientRequestId, stack }`; a Graph error's ids are also copied to the line's top level.
 * - Graph: `graphLogger` turns the Graph client's per-attempt entries (backup-engine logging-policy.ts) into lines:
 *   a success or a 404 at debug, any other failure at warn with Graph's `request-id` and `client-request-id`.
 * - Libraries' `console` output: `captureConsole` turns it into lines of the same logger (main.ts), so in Azure
 *   every line is JSON.
 * - Telemetry: `startTelemetry` loads `@azure/monitor-opentelemetry` only when a connection string is set.
 *
 * This module imports nothing but node:util and the engine's error classes (and types), so main.ts can start the distro before
 * botbuilder, restify and the Azure SDKs are loaded, as the distro asks.
 */
import { format } from 'node:util';
import { ConfigurationError, isGraphRequestError } from '../../backup-engine/src/errors';
import type { GraphLogEntry, GraphLogger } from '../../backup-engine/src/graph/policies/logging-policy';

/** Same pointer as bot/src/config.ts (not imported: config.ts loads the whole engine). */
const SETTINGS_HELP = 'see infra/README.md#settings';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

export interface ObservabilitySettings {
  /** Undefined: no telemetry export. */
  applicationInsightsConnectionString: string | undefined;
  logLevel: LogLevel;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads and validates both settings. Throws ConfigurationError naming the setting and the fix. */
export function readObservabilitySettings(env: NodeJS.ProcessEnv = process.env): ObservabilitySettings {
  const rawLevel = env.REWIND_LOG_LEVEL?.trim();
  let logLevel: LogLevel = DEFAULT_LOG_LEVEL;
  if (rawLevel) {
    const found = LOG_LEVELS.find((level) => level === rawLevel.toLowerCase());
    if (!found) throw new ConfigurationError(`REWIND_LOG_LEVEL "${rawLevel}" is not one of ${LOG_LEVELS.join(', ')}; unset it for ${DEFAULT_LOG_LEVEL}; ${SETTINGS_HELP}`);
    logLevel = found;
  }
  const connectionString = env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim() || undefined;
  if (connectionString !== undefined) checkConnectionString(connectionString);
  return { applicationInsightsConnectionString: connectionString, logLevel };
}

/** `InstrumentationKey=<guid>;IngestionEndpoint=https://…;…`. The value is never echoed in the error. */
function checkConnectionString(value: string): void {
  function fail(problem: string): never {
    throw new ConfigurationError(
      `APPLICATIONINSIGHTS_CONNECTION_STRING ${problem}; copy the connection string from the Application Insights resource's Overview page (InstrumentationKey=<guid>;IngestionEndpoint=https://…), or unset it to export no telemetry; ${SETTINGS_HELP}`,
    );
  }
  const pairs = new Map<string, string>();
  for (const part of value.split(';')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0) fail('is not a list of key=value pairs separated by ";"');
    pairs.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  const key = pairs.get('instrumentationkey');
  if (key === undefined) fail('has no InstrumentationKey');
  if (!GUID.test(key)) fail('has an InstrumentationKey that is not a GUID');
  const endpoint = pairs.get('ingestionendpoint');
  if (endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:') fail('has an IngestionEndpoint that is not an https URL');
  }
}

// ---------------------------------------------------------------------------------------------------- redaction

export const REDACTED = 'REDACTED';

/** Compared after lower-casing and dropping `-` and `_`: `access_token`, `accessToken` and `Access-Token` match alike. */
const SECRET_KEYS = new Set([
  'authorization', 'proxyauthorization', 'token', 'password', 'passwordprofile', 'secret', 'temporaryaccesspass',
  'credential', 'credentials', 'cookie', 'setcookie', 'sig', 'signature', 'assertion', 'clientassertion',
]);
/** A key ending in one of these is secret too (`accessToken`, `refresh_token`, `client_secret`, `botPassword`, `xApiKey`). */
const SECRET_SUFFIXES = ['token', 'secret', 'password', 'passwd', 'credential', 'credentials', 'cookie', 'apikey', 'accountkey', 'masterkey', 'privatekey', 'connectionstring'];
/** Personal attributes of users and contacts (Graph property names and the usual synonyms). */
const PERSONAL_KEYS = new Set([
  'mail', 'email', 'emailaddress', 'emailaddresses', 'othermails', 'proxyaddresses', 'imaddresses', 'mailnickname',
  'userprincipalname', 'upn', 'onpremisesuserprincipalname', 'onpremisessamaccountname', 'onpremisesdistinguishedname',
  'displayname', 'givenname', 'surname', 'preferredname', 'nickname', 'identities',
  'mobilephone', 'businessphones', 'homephone', 'phone', 'phonenumber', 'faxnumber',
  'employeeid', 'employeehiredate', 'employeeleavedatetime', 'employeeorgdata', 'birthday', 'aboutme', 'mysite',
  // `state` (a postal address's) is left out: restore records and cards use `state` for their own status.
  'streetaddress', 'city', 'postalcode', 'country', 'officelocation', 'jobtitle', 'department', 'companyname',
]);

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Whether a field named `key` is dropped to `REDACTED` whatever its value (a secret or a personal attribute). */
export function isRedactedKey(key: string): boolean {
  const k = normalizeKey(key);
  return SECRET_KEYS.has(k) || PERSONAL_KEYS.has(k) || SECRET_SUFFIXES.some((suffix) => k.endsWith(suffix));
}

const TEXT_RULES: [RegExp, string][] = [
  // Authorization header values written into text (8+ characters, so "bearer tokens" in prose stays).
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi, `$1 ${REDACTED}`],
  // JWTs (a base64url JSON header, `{"` → `eyJ`), with or without their other two parts.
  [/\beyJ[A-Za-z0-9_-]{6,}(?:\.[A-Za-z0-9_-]*){0,2}/g, REDACTED],
  // key=value pairs of query strings, connection strings and form bodies.
  [/\b([A-Za-z]*_?(?:token|secret|password|passwd|pwd|sig|assertion|AccountKey|SharedAccessKey))=([^\s&;,"']+)/gi, `$1=${REDACTED}`],
  // "key": "value" pairs of JSON written into text.
  [/("(?:[A-Za-z]+_?)?(?:token|secret|password|passwordProfile|temporaryAccessPass|authorization|cookie)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  // The local part of mail addresses and UPNs (the domain stays: it names the tenant, not a person). Teams
  // conversation ids (`19:…@thread.tacv2`, `…@thread.skype`, `…@unq.gbl.spaces`) are ids and stay.
  [/[A-Za-z0-9._%+'-]+@(?!thread\.|unq\.gbl\.spaces\b)([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g, `${REDACTED}@$1`],
];

/** Masks bearer tokens, JWTs, secret key=value pairs and mail addresses inside free text. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_RULES) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 8;

/**
 * A copy of `value` that is safe to log: secret and personal keys replaced by `REDACTED` at any depth (in objects,
 * arrays, Maps and `Headers`), every string passed through `redactText`, errors turned into `errorFields`.
 */
export function redact(value: unknown): unknown {
  return sanitize(value, 0, new WeakSet());
}

function sanitize(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined; // undefined, functions, symbols
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof URL) return redactText(value.toString());
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return errorFieldsAt(value, depth, seen);
    if (Array.isArray(value) || value instanceof Set) return [...value].map((item) => sanitize(item, depth + 1, seen));
    const entries: [string, unknown][] =
      value instanceof Map ? [...value].map(([k, v]) => [String(k), v]) : value instanceof Headers ? [...value.entries()] : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      if (item === undefined) continue;
      out[key] = isRedactedKey(key) ? REDACTED : sanitize(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** The loggable shape of an error: name, message, Graph's status, code and ids, the stack, and an Error cause. */
export function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) {
    const plain = sanitize(error, 0, new WeakSet());
    return typeof plain === 'object' && plain !== null && !Array.isArray(plain) ? (plain as Record<string, unknown>) : { message: String(plain) };
  }
  return errorFieldsAt(error, 0, new WeakSet([error]));
}

function errorFieldsAt(error: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const e = error as Error & { code?: unknown; statusCode?: unknown; requestId?: unknown; clientRequestId?: unknown; retryAfterInMs?: unknown };
  const out: Record<string, unknown> = { name: error.name, message: redactText(error.message) };
  for (const key of ['code', 'statusCode', 'requestId', 'clientRequestId', 'retryAfterInMs'] as const) {
    const v = e[key];
    if (typeof v === 'string' || typeof v === 'number') out[key] = typeof v === 'string' ? redactText(v) : v;
  }
  if (error.stack) out.stack = redactText(error.stack);
  // A Graph error's cause is the response body: never logged (message, code and ids above are what it held).
  if (error.cause instanceof Error && !isGraphRequestError(error)) out.cause = sanitize(error.cause, depth + 1, seen);
  return out;
}

// ------------------------------------------------------------------------------------------------------- logger

export type LogFields = Record<string, unknown>;

export interface Logger {
  readonly level: LogLevel;
  /** Whether a line at `level` would be written. */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  /** The same sink and level, another component (and fields added to every line). */
  child(component: string, fields?: LogFields): Logger;
}

export interface LoggerOptions {
  /** Default `info`. */
  level?: LogLevel;
  /** Default `rewind`. */
  component?: string;
  /** `json` (default): one JSON object per line; `text`: `time LEVEL component: msg {fields}` for a terminal. */
  format?: 'json' | 'text';
  /** Receives each line without its newline. Default: stdout. */
  write?: (line: string) => void;
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const CORE_KEYS = new Set(['time', 'level', 'msg', 'component']);

export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = {
    level: options.level ?? DEFAULT_LOG_LEVEL,
    format: options.format ?? 'json',
    write: options.write ?? ((line: string) => void process.stdout.write(`${line}\n`)),
    now: options.now ?? (() => new Date()),
  };
  return new StructuredLogger(sink, options.component ?? 'rewind', {});
}

interface Sink {
  level: LogLevel;
  format: 'json' | 'text';
  write: (line: string) => void;
  now: () => Date;
}

class StructuredLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    private readonly component: string,
    private readonly bound: LogFields,
  ) {}

  get level(): LogLevel {
    return this.sink.level;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] <= RANK[this.sink.level];
  }

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    const line = this.format(level, msg, { ...this.bound, ...fields });
    try {
      this.sink.write(line);
    } catch {
      // A failing sink must not fail the caller.
    }
  }

  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }

  child(component: string, fields: LogFields = {}): Logger {
    return new StructuredLogger(this.sink, component, { ...this.bound, ...fields });
  }

  private format(level: LogLevel, msg: string, fields: LogFields): string {
    const record: Record<string, unknown> = { time: this.sink.now().toISOString(), level, msg: redactText(msg), component: this.component };
    const safe = redact(fields) as Record<string, unknown>;
    for (const [key, value] of Object.entries(safe)) {
      if (!CORE_KEYS.has(key)) record[key] = value;
    }
    // A Graph error's ids at the top level, where a query finds them without knowing the field's name.
    const error = safe.error as Record<string, unknown> | undefined;
    if (error && typeof error === 'object') {
      if (record.requestId === undefined && typeof error.requestId === 'string') record.requestId = error.requestId;
      if (record.clientRequestId === undefined && typeof error.clientRequestId === 'string') record.clientRequestId = error.clientRequestId;
    }
    if (this.sink.format === 'json') return safeStringify(record);
    const { time, level: _level, msg: text, component, ...rest } = record;
    const extra = Object.keys(rest).length > 0 ? ` ${safeStringify(rest)}` : '';
    return `${String(time)} ${level.toUpperCase()} ${String(component)}: ${String(text)}${extra}`;
  }
}

function safeStringify(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ time: record.time, level: record.level, msg: record.msg, component: record.component, logError: 'fields could not be serialised' });
  }
}

/** The Graph client's per-attempt entries as log lines: success and 404 at debug, other failures at warn. */
export function graphLogger(logger: Logger): GraphLogger {
  return (entry: GraphLogEntry) => {
    const level = graphEntryLevel(entry);
    if (!logger.enabled(level)) return;
    const outcome = entry.status === 0 ? `no response${entry.error ? ` (${entry.error})` : ''}` : String(entry.status);
    logger.log(level, `graph ${entry.method} ${entry.url} → ${outcome}`, { ...entry });
  };
}

export function graphEntryLevel(entry: GraphLogEntry): LogLevel {
  if ((entry.status >= 200 && entry.status < 400) || entry.status === 404) return 'debug';
  return 'warn';
}

/**
 * The `(message) => void` log that startBot, createBotApp and scheduleDaily take, onto a structured logger. The
 * level comes from the text (`warning:` → warn; `error:`, "failed", "could not", "unhandled" or an error's name
 * such as `TypeError` → error; else info); an error
 * passed as the second argument goes into the line's `error` field with its Graph ids.
 */
export function lineLogger(logger: Logger): (message: string, error?: unknown) => void {
  return (message: string, error?: unknown) => {
    const fields = error === undefined ? undefined : { error: errorFields(error) };
    const warning = /^warning:\s*/i.exec(message);
    if (warning) return logger.warn(message.slice(warning[0].length), fields);
    const failure = /^error:\s*/i.exec(message);
    if (failure) return logger.error(message.slice(failure[0].length), fields);
    const failed = error !== undefined || /\b(failed|could not|unhandled)\b/i.test(message) || /Error\b/.test(message);
    const level: LogLevel = failed ? 'error' : 'info';
    logger.log(level, message, fields);
  };
}

type ConsoleMethod = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'trace';
const CONSOLE_LEVELS: Record<ConsoleMethod, LogLevel> = { log: 'info', info: 'info', warn: 'warn', error: 'error', debug: 'debug', trace: 'debug' };

/**
 * Sends what libraries write through `console` (botbuilder, teams-ai, the distro's diagnostics and the Azure SDK
 * warnings it routes to `console.log`, Node's warnings) to `logger`, so every line on stdout is JSON and redacted.
 * `console.error` is an error line, `console.warn` a warn line, `console.log` an info line; an Azure SDK
 * `azure:…:warning` / `:error` line and a Node `(node:PID) …Warning:` take those levels instead. Returns a function
 * that puts the console back.
 */
export function captureConsole(logger: Logger, target: Console = console): () => void {
  const saved = new Map<ConsoleMethod, Console[ConsoleMethod]>();
  for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
    saved.set(method, target[method]);
    target[method] = (...args: unknown[]) => {
      const text = format(...args);
      const azure = /^azure:\S*:(warning|error)\b/.exec(text);
      const nodeWarning = /^\(node:\d+\) (\[\w+\] )?\w*Warning:/.test(text);
      const level: LogLevel = azure ? (azure[1] === 'error' ? 'error' : 'warn') : nodeWarning ? 'warn' : CONSOLE_LEVELS[method];
      const error = args.find((arg) => arg instanceof Error);
      logger.log(level, text, error === undefined ? undefined : { error: errorFields(error) });
    };
  }
  return () => {
    for (const [method, original] of saved) target[method] = original;
  };
}

// -------------------------------------------------------------------------------------------------- telemetry

/** The two functions of `@azure/monitor-opentelemetry` Rewind calls. */
export type AzureMonitorDistro = Pick<typeof import('@azure/monitor-opentelemetry'), 'useAzureMonitor' | 'shutdownAzureMonitor'>;

export interface Telemetry {
  readonly enabled: boolean;
  /** Flushes and stops the distro (at most `shutdownTimeoutInMs`); nothing when it was not started. Never rejects. */
  shutdown(): Promise<void>;
}

export interface StartTelemetryOptions {
  /** Default: `require('@azure/monitor-opentelemetry')`, called only when a connection string is set. */
  loadDistro?: () => AzureMonitorDistro;
  /** Default 5000. */
  shutdownTimeoutInMs?: number;
}

/**
 * Starts the Azure Monitor OpenTelemetry distro when a connection string is set (requests, dependencies over
 * Node's http/https and the Azure SDKs, exceptions and metrics go to Application Insights); otherwise loads nothing.
 * Call it before the modules it should instrument are loaded.
 */
export function startTelemetry(settings: Pick<ObservabilitySettings, 'applicationInsightsConnectionString'>, options: StartTelemetryOptions = {}): Telemetry {
  const connectionString = settings.applicationInsightsConnectionString;
  if (!connectionString) return { enabled: false, shutdown: async () => undefined };
  const distro = (options.loadDistro ?? loadAzureMonitorDistro)();
  distro.useAzureMonitor({ azureMonitorExporterOptions: { connectionString } });
  const timeoutInMs = options.shutdownTimeoutInMs ?? 5000;
  let stopped: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown: () =>
      (stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutInMs);
        timer.unref?.();
        distro.shutdownAzureMonitor().then(
          () => {
            clearTimeout(timer);
            resolve();
          },
          () => {
            clearTimeout(timer);
            resolve();
          },
        );
      })),
  };
}

function loadAzureMonitorDistro(): AzureMonitorDistro {
  // Loaded lazily: without a connection string the distro (and OpenTelemetry's require hooks) never loads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@azure/monitor-opentelemetry') as AzureMonitorDistro;
}
