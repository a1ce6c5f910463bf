/**
 * bot/src/observability.ts: the two settings, the JSON logger and its levels, redaction (secrets, personal
 * attributes, tokens inside text; ids kept), Graph's request ids in error lines, and the OpenTelemetry distro
 * started only with a connection string.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGraphSimulator } from '../../graph-simulator/src';
import { GraphRequestError, isConfigurationError } from '../../backup-engine/src/errors';
import { GraphDirectoryGateway } from '../../backup-engine/src/graph';
import {
  AzureMonitorDistro, LogLevel, REDACTED, captureConsole, createLogger, errorFields, graphLogger, lineLogger, readObservabilitySettings, redact, redactText, startTelemetry,
} from '../src/observability';

const CONNECTION_STRING = 'InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/';
const JWT = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.c2lnbmF0dXJlLXBhcnQ';
const OBJECT_ID = '8f3c2b1a-4d5e-4f60-9a7b-1c2d3e4f5a6b';
const REQUEST_ID = '0d5d7a8e-3f0b-4c55-8b1e-2f9a6c4d1e22';
const SNAPSHOT_ID = 'snap-2025-02-13T07-00-00Z-1a2b3c';
const NOW = new Date('2025-02-13T07:00:00.000Z');

function capture(level: LogLevel = 'debug', component = 'test') {
  const lines: string[] = [];
  const logger = createLogger({ level, component, write: (line) => lines.push(line), now: () => NOW });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('readObservabilitySettings', () => {
  it('When nothing is set, then the level is info and no telemetry is exported', () => {
    expect(readObservabilitySettings({})).toEqual({ applicationInsightsConnectionString: undefined, logLevel: 'info' });
  });

  it.each(['error', 'warn', 'info', 'debug', 'DEBUG', ' Warn '])('When REWIND_LOG_LEVEL is %p, then it is accepted in any case', (value) => {
    expect(readObservabilitySettings({ REWIND_LOG_LEVEL: value }).logLevel).toBe(value.trim().toLowerCase());
  });

  it('When REWIND_LOG_LEVEL is not a level, then a ConfigurationError names the setting, the allowed values and the settings table', () => {
    const error = (() => {
      try {
        return readObservabilitySettings({ REWIND_LOG_LEVEL: 'verbose' });
      } catch (e) {
        return e;
      }
    })();

    expect(isConfigurationError(error)).toBe(true);
    expect(String(error)).toContain('REWIND_LOG_LEVEL "verbose" is not one of error, warn, info, debug');
    expect(String(error)).toContain('infra/README.md#settings');
  });

  it('When an Application Insights connection string is set, then it is kept', () => {
    expect(readObservabilitySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: ` ${CONNECTION_STRING} ` }).applicationInsightsConnectionString).toBe(CONNECTION_STRING);
  });

  it.each([
    ['not-a-connection-string', 'is not a list of key=value pairs'],
    ['IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/', 'has no InstrumentationKey'],
    ['InstrumentationKey=abc;IngestionEndpoint=https://x.example/', 'has an InstrumentationKey that is not a GUID'],
    ['InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://x.example/', 'has an IngestionEndpoint that is not an https URL'],
  ])('When the connection string is %p, then a ConfigurationError names the setting and the fix without echoing it', (value, problem) => {
    expect(() => readObservabilitySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: value })).toThrow(`APPLICATIONINSIGHTS_CONNECTION_STRING ${problem}`);
    expect(() => readObservabilitySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: value })).toThrow(/Overview page.*unset it.*infra\/README\.md#settings/);
    expect(() => readObservabilitySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: value })).not.toThrow(value);
  });

  it('When the settings are read, then exactly APPLICATIONINSIGHTS_CONNECTION_STRING and REWIND_LOG_LEVEL are read', () => {
    const read: string[] = [];
    readObservabilitySettings(new Proxy({}, { get: (_t, key) => (read.push(String(key)), undefined) }));

    expect(read.sort()).toEqual(['APPLICATIONINSIGHTS_CONNECTION_STRING', 'REWIND_LOG_LEVEL']);
  });
});

describe('createLogger', () => {
  it('When a line is logged, then it is one JSON object with time, level, msg, component and the fields', () => {
    const { logger, lines } = capture('info', 'bot');

    logger.info('backup done', { snapshotId: SNAPSHOT_ID, objects: 42 });

    expect(lines).toEqual([JSON.stringify({ time: '2025-02-13T07:00:00.000Z', level: 'info', msg: 'backup done', component: 'bot', snapshotId: SNAPSHOT_ID, objects: 42 })]);
  });

  it('When the level is warn, then info and debug lines are dropped and warn and error lines are written', () => {
    const { logger, records } = capture('warn');

    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');

    expect(records().map((r) => r.level)).toEqual(['warn', 'error']);
  });

  it('When the level is error, then only error lines are written; at debug every level is', () => {
    const quiet = capture('error');
    const chatty = capture('debug');
    for (const { logger } of [quiet, chatty]) (['debug', 'info', 'warn', 'error'] as const).forEach((level) => logger.log(level, level));

    expect(quiet.records().map((r) => r.msg)).toEqual(['error']);
    expect(chatty.records().map((r) => r.msg)).toEqual(['debug', 'info', 'warn', 'error']);
  });

  it('When a child logger is used, then its component and bound fields are on its lines, and fields cannot overwrite time, level or msg', () => {
    const { logger, records } = capture();

    logger.child('graph', { tenantId: OBJECT_ID }).info('x', { level: 'fake', time: 'fake', msg: 'fake' });

    expect(records()).toEqual([{ time: '2025-02-13T07:00:00.000Z', level: 'info', msg: 'x', component: 'graph', tenantId: OBJECT_ID }]);
  });

  it('When the text format is chosen, then a line reads time, LEVEL, component and message, fields after', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'text', component: 'bot', write: (line) => lines.push(line), now: () => NOW });

    logger.warn('slow', { durationInMs: 12 });

    expect(lines).toEqual(['2025-02-13T07:00:00.000Z WARN bot: slow {"durationInMs":12}']);
  });

  it('When the sink throws, then logging does not throw', () => {
    const logger = createLogger({ write: () => { throw new Error('disk full'); } });

    expect(() => logger.error('x')).not.toThrow();
  });
});

describe('redaction', () => {
  it.each([
    'authorization', 'Authorization', 'token', 'access_token', 'accessToken', 'refresh_token', 'id_token', 'password', 'passwordProfile',
    'secret', 'client_secret', 'clientSecret', 'temporaryAccessPass', 'credential', 'cookie', 'set-cookie', 'Set-Cookie', 'botPassword', 'x-api-key', 'connectionString',
  ])('When a field is named %p, then its value is REDACTED', (key) => {
    expect(redact({ [key]: 'Sup3r-Secret-Value' })).toEqual({ [key]: REDACTED });
  });

  it.each([
    'mail', 'userPrincipalName', 'displayName', 'givenName', 'surname', 'mobilePhone', 'businessPhones', 'otherMails', 'employeeId',
    'streetAddress', 'city', 'postalCode', 'proxyAddresses', 'mailNickname', 'jobTitle', 'onPremisesSamAccountName', 'identities',
  ])('When a personal attribute %p is logged, then its value is REDACTED', (key) => {
    expect(redact({ [key]: ['Bob Contoso', '+1 555 0100'] })).toEqual({ [key]: REDACTED });
  });

  it('When secrets and personal attributes are nested in objects and arrays, then they are REDACTED at every depth and ids are kept', () => {
    const user = {
      id: OBJECT_ID, requestId: REQUEST_ID, clientRequestId: REQUEST_ID, snapshotId: SNAPSHOT_ID, restoreId: 'r-20250213-0001', status: 403, state: 'pending',
      passwordProfile: { password: 'Initial-Pa55!', forceChangePasswordNextSignIn: true },
      changes: [{ property: 'mail', before: { mail: 'bob@contoso.com' }, after: { displayName: 'Bob B' } }],
      request: { headers: { Authorization: `Bearer ${JWT}`, 'Set-Cookie': 'session=abc' } },
      tap: [{ temporaryAccessPass: 'TAP-1234' }],
    };

    const out = redact({ user });

    expect(out).toEqual({
      user: {
        id: OBJECT_ID, requestId: REQUEST_ID, clientRequestId: REQUEST_ID, snapshotId: SNAPSHOT_ID, restoreId: 'r-20250213-0001', status: 403, state: 'pending',
        passwordProfile: REDACTED,
        changes: [{ property: 'mail', before: { mail: REDACTED }, after: { displayName: REDACTED } }],
        request: { headers: { Authorization: REDACTED, 'Set-Cookie': REDACTED } },
        tap: [{ temporaryAccessPass: REDACTED }],
      },
    });
    expect(JSON.stringify(out)).not.toMatch(/Pa55|bob@|Bob B|eyJ|abc|TAP-1234/);
  });

  it('When Headers and a Map are logged, then their secret entries are REDACTED too', () => {
    const headers = new Headers({ authorization: 'Bearer abcdefghijklmnop', 'request-id': REQUEST_ID });

    expect(redact({ headers, map: new Map([['refresh_token', 'r'], ['id', OBJECT_ID]]) })).toEqual({
      headers: { authorization: REDACTED, 'request-id': REQUEST_ID },
      map: { refresh_token: REDACTED, id: OBJECT_ID },
    });
  });

  it('When free text holds a bearer token, a bare JWT, key=value secrets, JSON secrets or a UPN, then each is masked and ids stay', () => {
    const text = `call failed: Authorization: Bearer ${JWT} token ${JWT} url ?client_secret=s3cr3t&access_token=abc123&$skiptoken=X1 ` +
      `body {"password":"Pa55!","accessToken":"t0k"} user bob.smith@contoso.com object ${OBJECT_ID} request-id ${REQUEST_ID}`;

    const masked = redactText(text);

    expect(masked).toBe(
      `call failed: Authorization: Bearer ${REDACTED} token ${REDACTED} url ?client_secret=${REDACTED}&access_token=${REDACTED}&$skiptoken=${REDACTED} ` +
        `body {"password":"${REDACTED}","accessToken":"${REDACTED}"} user ${REDACTED}@contoso.com object ${OBJECT_ID} request-id ${REQUEST_ID}`,
    );
  });

  it('When text holds Teams conversation ids, then they are kept although they contain @', () => {
    const ids = '19:d8a3f6c1b2e44f0a9c7d@thread.tacv2 19:meeting_abc@thread.v2 19:5e8f@thread.skype 19:aa_bb@unq.gbl.spaces';

    expect(redactText(ids)).toBe(ids);
  });

  it('When ordinary prose mentions bearer tokens, then it is left alone', () => {
    expect(redactText('Bearer tokens are cached for an hour')).toBe('Bearer tokens are cached for an hour');
  });

  it('When a message and a field carry a token and a mail address, then the written line has neither', () => {
    const { logger, lines } = capture();

    logger.error(`Graph said: Bearer ${JWT} for alice@contoso.com`, { detail: `see ${JWT}`, target: 'alice@contoso.com', objectId: OBJECT_ID });

    expect(lines[0]).not.toMatch(/eyJ|alice@/);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: `Graph said: Bearer ${REDACTED} for ${REDACTED}@contoso.com`, objectId: OBJECT_ID });
  });

  it('When a value is circular or deeply nested, then it is cut, not looped over', () => {
    const loop: Record<string, unknown> = { id: OBJECT_ID };
    loop.self = loop;
    let deep: Record<string, unknown> = { id: 'bottom' };
    for (let i = 0; i < 12; i++) deep = { next: deep };

    expect(redact(loop)).toEqual({ id: OBJECT_ID, self: '[Circular]' });
    expect(JSON.stringify(redact(deep))).toContain('[Truncated]');
  });
});

describe('errors in log lines', () => {
  const graphError = new GraphRequestError({
    statusCode: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation for bob@contoso.com.',
    requestId: REQUEST_ID, clientRequestId: 'c1d2e3f4-0000-4000-8000-000000000001', cause: { error: { message: 'body with bob@contoso.com' } },
  });

  it('When a Graph error is logged, then the line has its status, code, request-id and client-request-id (also at the top level) and not its body', () => {
    const { logger, records } = capture();

    logger.error('restore step failed', { error: graphError, stepId: 's1' });

    const [record] = records();
    expect(record).toMatchObject({
      level: 'error', msg: 'restore step failed', stepId: 's1', requestId: REQUEST_ID, clientRequestId: 'c1d2e3f4-0000-4000-8000-000000000001',
      error: { name: 'GraphRequestError', statusCode: 403, code: 'Authorization_RequestDenied', requestId: REQUEST_ID, message: `Insufficient privileges to complete the operation for ${REDACTED}@contoso.com.` },
    });
    expect(JSON.stringify(record)).not.toMatch(/bob@|body with/);
  });

  it('When an ordinary error with an Error cause is logged, then name, message, stack and cause are kept, masked', () => {
    const error = new Error(`token=${JWT}`, { cause: new TypeError('fetch failed') });

    expect(errorFields(error)).toMatchObject({ name: 'Error', message: `token=${REDACTED}`, stack: expect.stringContaining('Error: token=REDACTED'), cause: { name: 'TypeError', message: 'fetch failed' } });
  });

  it.each([
    ['warning: no identity', 'warn', 'no identity'],
    ['error: turn failed: boom', 'error', 'turn failed: boom'],
    ['rewind bot: background work failed: x', 'error', 'rewind bot: background work failed: x'],
    ['rewind bot: could not record the user: x', 'error', 'rewind bot: could not record the user: x'],
    ['rewind bot: TypeError: x is undefined', 'error', 'rewind bot: TypeError: x is undefined'],
    ['Rewind bot listening on http://0.0.0.0:8080/api/messages', 'info', 'Rewind bot listening on http://0.0.0.0:8080/api/messages'],
  ])('When the text line %p goes through lineLogger, then it is a %s line', (text, level, msg) => {
    const { logger, records } = capture();

    lineLogger(logger)(text);

    expect(records()).toEqual([expect.objectContaining({ level, msg })]);
  });

  it('When lineLogger is given the error too, then the line carries its Graph request ids', () => {
    const { logger, records } = capture();

    lineLogger(logger)('rewind bot: the daily backup failed: Insufficient privileges', graphError);

    expect(records()).toEqual([expect.objectContaining({ level: 'error', requestId: REQUEST_ID, error: expect.objectContaining({ code: 'Authorization_RequestDenied' }) })]);
  });
});

describe('captureConsole', () => {
  function fakeConsole() {
    return { log: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn(), trace: jest.fn() } as unknown as Console;
  }

  it('When libraries write through console, then each call is a JSON line at its level, redacted, and restore puts the console back', () => {
    const { logger, records } = capture();
    const target = fakeConsole();
    const original = target.error;

    const restore = captureConsole(logger.child('console'), target);
    target.log('ready on %d', 8080);
    target.warn('deprecated');
    target.error('token refresh failed for alice@contoso.com', new GraphRequestError({ statusCode: 401, code: 'InvalidAuthenticationToken', message: 'expired', requestId: REQUEST_ID }));
    target.log('azure:RequestHandler:warning 404 https://rewind.documents.azure.com/dbs/rewind');
    target.debug(`Bearer ${JWT}`);
    target.error("(node:8691) [DEP0111] DeprecationWarning: Access to process.binding('http_parser') is deprecated.");
    restore();
    target.error('after restore');

    expect(records().map((r) => [r.level, r.component, r.msg])).toEqual([
      ['info', 'console', 'ready on 8080'],
      ['warn', 'console', 'deprecated'],
      ['error', 'console', expect.stringContaining(`token refresh failed for ${REDACTED}@contoso.com`)],
      ['warn', 'console', 'azure:RequestHandler:warning 404 https://rewind.documents.azure.com/dbs/rewind'],
      ['debug', 'console', `Bearer ${REDACTED}`],
      ['warn', 'console', expect.stringContaining('DeprecationWarning')],
    ]);
    expect(records()[2]).toMatchObject({ requestId: REQUEST_ID, error: { code: 'InvalidAuthenticationToken' } });
    expect(target.error).toBe(original);
    expect(original).toHaveBeenCalledWith('after restore');
  });
});

describe('Graph calls through graphLogger', () => {
  it('When a Graph call fails against the simulator, then the warn line and the error line carry the request-id the thrown error carries', async () => {
    const simulator = createGraphSimulator({ tenant: 'demo', throttle: false, latencyMs: 0 });
    const baseUrl = await simulator.listen(0);
    try {
      simulator.setFaults([{ path: '^/organization', status: 403 }]);
      const { logger, lines, records } = capture('info');
      const gateway = new GraphDirectoryGateway({ baseUrl, logger: graphLogger(logger.child('graph')) });

      const error = (await gateway.getTenant().catch((e: unknown) => e)) as GraphRequestError;
      logger.error('start-up failed', { error });

      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(records()).toEqual([
        expect.objectContaining({ level: 'warn', component: 'graph', msg: 'graph GET /v1.0/organization?$select=id,displayName,verifiedDomains → 403', status: 403, requestId: error.requestId, clientRequestId: error.clientRequestId }),
        expect.objectContaining({ level: 'error', component: 'test', requestId: error.requestId, clientRequestId: error.clientRequestId }),
      ]);
      expect(lines.every((line) => line.includes(error.requestId!))).toBe(true);
    } finally {
      await simulator.close();
    }
  });

  it('When Graph calls succeed, then their lines are debug (hidden at info)', () => {
    const quiet = capture('info');
    const chatty = capture('debug');
    const entry = { method: 'GET', url: '/v1.0/users', status: 200, requestId: REQUEST_ID, durationInMs: 3 };

    graphLogger(quiet.logger)(entry);
    graphLogger(chatty.logger)(entry);
    graphLogger(chatty.logger)({ ...entry, status: 404 });

    expect(quiet.lines).toEqual([]);
    expect(chatty.records().map((r) => [r.level, r.status])).toEqual([['debug', 200], ['debug', 404]]);
  });
});

describe('startTelemetry', () => {
  function fakeDistro() {
    return { useAzureMonitor: jest.fn(), shutdownAzureMonitor: jest.fn(async () => undefined) } satisfies AzureMonitorDistro;
  }

  it('When no connection string is set, then nothing is loaded or started and shutdown does nothing', async () => {
    const loadDistro = jest.fn(fakeDistro);

    const telemetry = startTelemetry({ applicationInsightsConnectionString: undefined }, { loadDistro });
    await telemetry.shutdown();

    expect(telemetry.enabled).toBe(false);
    expect(loadDistro).not.toHaveBeenCalled();
  });

  it('When a connection string is set, then useAzureMonitor is called once with it, and shutdown stops the distro once', async () => {
    const distro = fakeDistro();

    const telemetry = startTelemetry({ applicationInsightsConnectionString: CONNECTION_STRING }, { loadDistro: () => distro });
    await Promise.all([telemetry.shutdown(), telemetry.shutdown()]);

    expect(telemetry.enabled).toBe(true);
    expect(distro.useAzureMonitor.mock.calls).toEqual([[{ azureMonitorExporterOptions: { connectionString: CONNECTION_STRING } }]]);
    expect(distro.shutdownAzureMonitor).toHaveBeenCalledTimes(1);
  });

  it('When the distro never finishes shutting down, then shutdown resolves after its timeout', async () => {
    const distro = { useAzureMonitor: jest.fn(), shutdownAzureMonitor: () => new Promise<void>(() => undefined) };

    const telemetry = startTelemetry({ applicationInsightsConnectionString: CONNECTION_STRING }, { loadDistro: () => distro, shutdownTimeoutInMs: 10 });

    await expect(telemetry.shutdown()).resolves.toBeUndefined();
  });

  it('When the default loader is used without a connection string, then @azure/monitor-opentelemetry is never required; with one, it is', () => {
    let required = 0;
    const useAzureMonitor = jest.fn();
    jest.isolateModules(() => {
      jest.doMock('@azure/monitor-opentelemetry', () => {
        required++;
        return { useAzureMonitor, shutdownAzureMonitor: async () => undefined };
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../src/observability') as typeof import('../src/observability');

      isolated.startTelemetry(isolated.readObservabilitySettings({}));
      expect(required).toBe(0);

      isolated.startTelemetry(isolated.readObservabilitySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION_STRING }));
      expect(required).toBe(1);
      expect(useAzureMonitor).toHaveBeenCalledWith({ azureMonitorExporterOptions: { connectionString: CONNECTION_STRING } });
    });
    jest.dontMock('@azure/monitor-opentelemetry');
  });
});

describe('the deployed host (bot/src/main.ts)', () => {
  const source = (file: string) => readFileSync(join(__dirname, '..', 'src', file), 'utf8');
  const staticImports = (text: string) => [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);

  it('When main.ts is read, then its only static import is ./observability, so the distro starts before the engine, botbuilder and restify load', () => {
    expect(staticImports(source('main.ts'))).toEqual(['./observability']);
    expect(source('main.ts').indexOf('startTelemetry(')).toBeLessThan(source('main.ts').indexOf("import('../../backup-engine/src')"));
  });

  it('When observability.ts is read, then it loads only node:util and the engine errors (the logging-policy import is types only)', () => {
    const text = source('observability.ts');

    expect(staticImports(text).filter((from) => !new RegExp(`^import type [^;]*'${from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`, 'm').test(text))).toEqual(['node:util', '../../backup-engine/src/errors']);
  });

  it('When main.ts is read, then SIGTERM stops the bot, the engine and then the telemetry', () => {
    const text = source('main.ts');

    expect(text).toContain("process.once('SIGTERM'");
    expect(text).toMatch(/bot\s*\.close\(\)\s*\.then\(\(\) => engine\.close\(\)\)[\s\S]*shutdown\(\)/);
  });
});
