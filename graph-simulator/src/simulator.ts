/**
 * The simulator: an HTTP server for one tenant's Graph v1.0 surface, plus a `/_sim` control surface for tests.
 *
 * Every Graph operation — a top-level request or an item of a `$batch` — goes through one pipeline:
 *   route → injected fault (before) → throttling (resource units, write quota) → operation → fault (after)
 * and leaves `request-id`, `client-request-id` and `x-ms-resource-unit` on its response. Latency is added once per
 * HTTP request (a batch is one round trip).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { FaultInjector, FaultRule, faultCode, validateRule } from './faults';
import { SimClock } from './model/clock';
import { Directory } from './model/directory';
import { DirectoryError, isDirectoryError } from './model/errors';
import { DeltaSessions } from './protocol/delta';
import { OperationRequest, OperationResult } from './protocol/operation';
import { matchRoute } from './router';
import { TenantName, buildTenant } from './seed';
import { resourceUnitCost } from './throttling/cost';
import { ThrottleGovernor } from './throttling/budget';

export interface GraphSimulatorOptions {
  /** Seeded tenant to load (default `demo`). */
  tenant?: TenantName;
  /** Overrides the seeded tenant's user count. */
  users?: number;
  /** Graph's throttling model; on by default. */
  throttle?: boolean;
  /** A lowered per-app-and-tenant write quota (default Graph's 3,000 writes per 150 s), for pacing tests. */
  writeQuota?: { limit: number; windowInMs: number };
  /** Added to every HTTP request, ± `latencyJitter` (a fraction, default 0.2). */
  latencyMs?: number;
  latencyJitter?: number;
  /** Refuse requests without `Authorization: Bearer …`; with `authToken`, only that token is accepted. */
  requireAuth?: boolean;
  authToken?: string;
  faults?: FaultRule[];
  /** Seed for the fault generator. */
  faultSeed?: number;
  clock?: SimClock;
  /** Use this directory instead of building a seeded one. */
  directory?: Directory;
}

export interface EndpointStats {
  requests: number;
  resourceUnits: number;
  writes: number;
  throttled: number;
  errors: number;
}

export interface SimulatorStats {
  /** HTTP requests to /v1.0 (a `$batch` counts once). */
  requests: number;
  /** Graph operations executed: top-level requests plus batch items. */
  operations: number;
  batchItems: number;
  resourceUnits: number;
  writes: number;
  throttled: number;
  faultsInjected: number;
  errors: number;
  perEndpoint: Record<string, EndpointStats>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_BATCH_REQUESTS = 20;
const JSON_CONTENT_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const DEFAULT_APP_ID = '00000000-0000-0000-0000-00000000a99e';

interface Identity {
  appId: string;
}

export class GraphSimulator {
  readonly server: http.Server;
  readonly clock: SimClock;
  private currentDirectory: Directory;
  private deltaSessions = new DeltaSessions();
  private governor: ThrottleGovernor;
  private readonly faults: FaultInjector;
  private throttleEnabled: boolean;
  private counters: SimulatorStats = emptyStats();
  private spec: { tenant: TenantName; users?: number };
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(private readonly options: GraphSimulatorOptions = {}) {
    this.clock = options.clock ?? new SimClock();
    this.spec = { tenant: options.tenant ?? 'demo', users: options.users };
    this.currentDirectory = options.directory ?? buildTenant(this.spec, this.clock);
    this.governor = this.newGovernor();
    this.faults = new FaultInjector(options.faultSeed);
    this.faults.set(options.faults ?? []);
    this.throttleEnabled = options.throttle ?? true;
    this.server = http.createServer({ keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          // A bug in the simulator still answers like Graph: envelope, request-id and client-request-id.
          const clientRequestId = lowerCaseHeaders(req.headers)['client-request-id'] ?? randomUUID();
          send(res, withIds(errorResult(new DirectoryError(500, 'generalException', String(error))), { requestId: randomUUID(), clientRequestId }));
        } else {
          res.destroy();
        }
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get directory(): Directory {
    return this.currentDirectory;
  }

  /** Starts listening; resolves with the base URL (`http://127.0.0.1:PORT`). Port 0 picks a free port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return this.url;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) throw new Error('the simulator is not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  stats(): SimulatorStats {
    return structuredClone(this.counters);
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  setFaults(rules: FaultRule[]): void {
    this.faults.set(rules);
  }

  setThrottling(enabled: boolean): void {
    this.throttleEnabled = enabled;
    this.governor = this.newGovernor();
  }

  /** Replaces the tenant with a freshly seeded one; older delta tokens then answer 410 (resync). */
  loadTenant(spec: { tenant: TenantName; users?: number }): void {
    this.spec = spec;
    this.currentDirectory = buildTenant(spec, this.clock);
    this.deltaSessions.clear();
    this.governor = this.newGovernor();
  }

  /** A freshly seeded tenant of the current spec (the last one loaded), with no faults and fresh counters and budgets. */
  reset(): void {
    this.currentDirectory = buildTenant(this.spec, this.clock);
    this.deltaSessions.clear();
    this.governor = this.newGovernor();
    this.faults.set([]);
    this.resetStats();
  }

  private newGovernor(): ThrottleGovernor {
    return new ThrottleGovernor({ now: () => performance.now(), tenantId: this.currentDirectory.tenantId, ...(this.options.writeQuota ? { tenantApplicationWrites: this.options.writeQuota } : {}) });
  }

  // ------------------------------------------------------------------ HTTP

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headers = lowerCaseHeaders(req.headers);
    const origin = publicOrigin(headers);
    const url = new URL(req.url ?? '/', origin);
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      return send(res, this.control(method, url.pathname, raw));
    }
    const requestId = randomUUID();
    const clientRequestId = headers['client-request-id'] ?? randomUUID();
    const ids = { requestId, clientRequestId };
    const identity = this.authenticate(headers);
    if (!identity) {
      return send(res, withIds(errorResult(new DirectoryError(401, 'InvalidAuthenticationToken', headers.authorization ? 'Access token validation failure.' : 'Access token is empty.')), ids));
    }
    await this.delay();
    if (!url.pathname.startsWith('/v1.0/')) {
      return send(res, withIds(errorResult(new DirectoryError(400, 'BadRequest', `Invalid version: ${url.pathname.split('/')[1] ?? ''}`)), ids));
    }
    this.counters.requests++;
    let body: unknown;
    try {
      body = parseJson(raw);
    } catch {
      return send(res, withIds(errorResult(new DirectoryError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.')), ids));
    }
    const path = url.pathname.slice('/v1.0'.length);
    if (path.toLowerCase() === '/$batch' && method === 'POST') {
      this.count('POST /$batch', 0, 0, false, false);
      return send(res, withIds(await this.batch(body, origin, headers, identity), ids));
    }
    const outcome = await this.execute({ method, path, query: url.searchParams, headers, body, origin }, identity);
    if (outcome === 'drop') {
      res.socket?.destroy();
      return;
    }
    return send(res, withIds(outcome, ids));
  }

  /** The shared pipeline for one Graph operation. */
  private async execute(
    request: Omit<OperationRequest, 'params'>,
    identity: Identity,
  ): Promise<OperationResult | 'drop'> {
    this.counters.operations++;
    const match = matchRoute(request.method, request.path);
    if (match.kind === 'notFound') {
      this.count(`${request.method} (unknown)`, 0, 0, false, true);
      return errorResult(new DirectoryError(400, 'BadRequest', `Resource not found for the segment '${match.segment}'.`));
    }
    if (match.kind === 'methodNotAllowed') {
      this.count(`${request.method} (unknown)`, 0, 0, false, true);
      return errorResult(new DirectoryError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'));
    }
    const endpoint = `${match.route.method} ${match.route.path}`;
    const fault = this.faults.decide(request.method, request.path);
    if (fault && (fault.rule.phase ?? 'before') === 'before') {
      this.counters.faultsInjected++;
      if (fault.rule.delayMs) await sleep(fault.rule.delayMs);
      this.count(endpoint, 0, 0, fault.rule.status === 429, true);
      return fault.rule.status === 0 ? 'drop' : faultResult(fault.rule);
    }
    const top = request.query.get('$top');
    const cost = resourceUnitCost({
      method: request.method,
      route: match.route.path.replace(/\{[^}]+\}/g, '{id}'),
      hasSelect: request.query.has('$select'),
      hasExpand: request.query.has('$expand'),
      top: top === null ? undefined : Number(top),
    });
    let limitPercentage: number | undefined;
    if (this.throttleEnabled) {
      const admission = this.governor.admit({
        appId: identity.appId,
        resourceUnits: cost.resourceUnits,
        writes: cost.writes,
        userCount: this.currentDirectory.userCount,
      });
      if (!admission.admitted) {
        this.counters.throttled++;
        this.count(endpoint, cost.resourceUnits, 0, true, true);
        const result = errorResult(new DirectoryError(429, 'TooManyRequests', 'Please retry again later.'));
        result.headers = {
          ...result.headers,
          'Retry-After': String(admission.retryAfterInSeconds),
          'x-ms-throttle-scope': admission.scope,
          'x-ms-throttle-information': admission.information,
          'x-ms-throttle-limit-percentage': String(admission.limitPercentage),
        };
        return result;
      }
      limitPercentage = admission.limitPercentage;
    }
    let result: OperationResult;
    try {
      this.currentDirectory.purgeExpired();
      result = match.route.operation({ ...request, params: match.params }, { directory: this.currentDirectory, deltaSessions: this.deltaSessions });
    } catch (error) {
      if (!isDirectoryError(error)) throw error;
      result = errorResult(error);
    }
    const failed = result.status >= 400;
    this.count(endpoint, cost.resourceUnits, failed ? 0 : cost.writes, false, failed);
    if (fault) {
      this.counters.faultsInjected++;
      if (fault.rule.delayMs) await sleep(fault.rule.delayMs);
      return fault.rule.status === 0 ? 'drop' : faultResult(fault.rule);
    }
    result.headers = { ...result.headers, 'x-ms-resource-unit': String(cost.resourceUnits) };
    if (limitPercentage !== undefined) result.headers['x-ms-throttle-limit-percentage'] = String(limitPercentage);
    return result;
  }

  /**
   * JSON batching (contract §1.5): ≤ 20 requests with unique ids, `dependsOn` ordering with 424 for dependents
   * of a failed request, each item throttled on its own, and an outer 200 whenever the batch itself parses.
   */
  private async batch(body: unknown, origin: string, outerHeaders: Record<string, string | undefined>, identity: Identity): Promise<OperationResult> {
    const requests = (body as { requests?: unknown } | undefined)?.requests;
    if (!Array.isArray(requests)) return errorResult(new DirectoryError(400, 'BadRequest', 'Invalid batch payload format.'));
    if (requests.length > MAX_BATCH_REQUESTS) {
      return errorResult(new DirectoryError(400, 'BadRequest', `The number of batch requests exceeded the limit of ${MAX_BATCH_REQUESTS}.`));
    }
    const items = requests as { id?: unknown; method?: unknown; url?: unknown; headers?: unknown; body?: unknown; dependsOn?: unknown }[];
    const ids = new Set<string>();
    for (const item of items) {
      if (typeof item?.id !== 'string' || typeof item.method !== 'string' || typeof item.url !== 'string') {
        return errorResult(new DirectoryError(400, 'BadRequest', 'Each batch request needs "id", "method" and "url".'));
      }
      const key = item.id.toLowerCase();
      if (ids.has(key)) return errorResult(new DirectoryError(400, 'BadRequest', `Batch request contains duplicate id '${item.id}'.`));
      ids.add(key);
    }
    for (const item of items) {
      for (const dep of Array.isArray(item.dependsOn) ? item.dependsOn : []) {
        if (typeof dep !== 'string' || !ids.has(dep.toLowerCase())) {
          return errorResult(new DirectoryError(400, 'BadRequest', `Request '${String(item.id)}' depends on an unknown request '${String(dep)}'.`));
        }
      }
    }
    const statusById = new Map<string, number>();
    const responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[] = [];
    const pending = [...items];
    while (pending.length) {
      const index = pending.findIndex((item) =>
        (Array.isArray(item.dependsOn) ? (item.dependsOn as string[]) : []).every((d) => statusById.has(d.toLowerCase())),
      );
      if (index < 0) return errorResult(new DirectoryError(400, 'BadRequest', 'The batch has a dependency cycle.'));
      const item = pending.splice(index, 1)[0];
      const id = item.id as string;
      const deps = Array.isArray(item.dependsOn) ? (item.dependsOn as string[]) : [];
      this.counters.batchItems++;
      let result: OperationResult;
      if (deps.some((d) => (statusById.get(d.toLowerCase()) ?? 0) >= 400)) {
        result = errorResult(new DirectoryError(424, 'FailedDependency', 'The request was not run because a request it depends on failed.'));
      } else {
        result = await this.executeBatchItem(item, origin, outerHeaders, identity);
      }
      statusById.set(id.toLowerCase(), result.status);
      const headers: Record<string, string> = { ...(result.headers ?? {}) };
      if (result.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = JSON_CONTENT_TYPE;
      responses.push({ id, status: result.status, headers, ...(result.body !== undefined ? { body: result.body } : {}) });
    }
    return { status: 200, body: { responses } };
  }

  private async executeBatchItem(
    item: { method?: unknown; url?: unknown; headers?: unknown; body?: unknown },
    origin: string,
    outerHeaders: Record<string, string | undefined>,
    identity: Identity,
  ): Promise<OperationResult> {
    const itemHeaders = lowerCaseHeaders((item.headers ?? {}) as Record<string, string>);
    if (item.body !== undefined && !itemHeaders['content-type']) {
      return errorResult(new DirectoryError(400, 'BadRequest', 'A batch request with a body needs a Content-Type header.'));
    }
    const relative = String(item.url).replace(/^\/?(v1\.0\/)?/i, '/');
    if (/^https?:/i.test(String(item.url)) || relative.toLowerCase().startsWith('/$batch')) {
      return errorResult(new DirectoryError(400, 'BadRequest', 'Batch request urls must be relative and must not be $batch.'));
    }
    const url = new URL(relative, origin);
    const outcome = await this.execute(
      {
        method: String(item.method).toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: { ...itemHeaders, authorization: outerHeaders.authorization },
        body: item.body,
        origin,
      },
      identity,
    );
    if (outcome === 'drop') return faultResult({ path: '', status: 504 });
    if (outcome.text !== undefined) return { ...outcome, body: outcome.text, text: undefined };
    return outcome;
  }

  private authenticate(headers: Record<string, string | undefined>): Identity | undefined {
    const authorization = headers.authorization;
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!this.options.requireAuth) return { appId: (token && appIdFromJwt(token)) || DEFAULT_APP_ID };
    if (!token) return undefined;
    if (this.options.authToken !== undefined && token !== this.options.authToken) return undefined;
    return { appId: appIdFromJwt(token) ?? DEFAULT_APP_ID };
  }

  private async delay(): Promise<void> {
    const base = this.options.latencyMs ?? 0;
    if (base <= 0) return;
    const jitter = this.options.latencyJitter ?? 0.2;
    await sleep(base * (1 + jitter * (2 * Math.random() - 1)));
  }

  private count(endpoint: string, resourceUnits: number, writes: number, throttled: boolean, failed: boolean): void {
    const c = this.counters;
    c.resourceUnits += resourceUnits;
    c.writes += writes;
    if (failed) c.errors++;
    const e = (c.perEndpoint[endpoint] ??= { requests: 0, resourceUnits: 0, writes: 0, throttled: 0, errors: 0 });
    e.requests++;
    e.resourceUnits += resourceUnits;
    e.writes += writes;
    if (throttled) e.throttled++;
    if (failed) e.errors++;
  }

  // ------------------------------------------------------------------ /_sim

  private control(method: string, path: string, raw: string): OperationResult {
    try {
      const body = parseJson(raw) as Record<string, unknown> | undefined;
      const route = `${method} ${path.replace(/\/+$/, '')}`;
      switch (route) {
        case 'GET /_sim/stats':
          return { status: 200, body: this.stats() };
        case 'POST /_sim/stats/reset':
          this.resetStats();
          return { status: 204 };
        case 'POST /_sim/reset':
          this.reset();
          return { status: 204 };
        case 'POST /_sim/seed': {
          const tenant = body?.tenant;
          if (tenant !== 'demo' && tenant !== 'large' && tenant !== 'empty') throw new TypeError('"tenant" must be "demo", "large" or "empty"');
          const users = body?.users;
          if (users !== undefined && (!Number.isInteger(users) || (users as number) < 0)) throw new TypeError('"users" must be a non-negative integer');
          this.loadTenant({ tenant, users: users as number | undefined });
          return { status: 200, body: this.tenantSummary() };
        }
        case 'GET /_sim/tenant':
          return { status: 200, body: this.tenantSummary() };
        case 'GET /_sim/clock':
          return { status: 200, body: { now: this.clock.nowIso() } };
        case 'POST /_sim/clock/advance': {
          const ms = Number(body?.ms ?? 0) + Number(body?.hours ?? 0) * 3_600_000 + Number(body?.days ?? 0) * 86_400_000;
          this.clock.advance(ms);
          this.currentDirectory.purgeExpired();
          return { status: 200, body: { now: this.clock.nowIso() } };
        }
        case 'GET /_sim/faults':
          return { status: 200, body: this.faults.list() };
        case 'PUT /_sim/faults': {
          const rules = Array.isArray(body) ? body : (body?.rules as unknown);
          if (!Array.isArray(rules)) throw new TypeError('send an array of fault rules (or {"rules": [...]})');
          rules.forEach((r) => validateRule(r as FaultRule));
          this.setFaults(rules as FaultRule[]);
          return { status: 200, body: this.faults.list() };
        }
        case 'DELETE /_sim/faults':
          this.setFaults([]);
          return { status: 204 };
        case 'PUT /_sim/throttle': {
          if (typeof body?.enabled !== 'boolean') throw new TypeError('"enabled" must be true or false');
          this.setThrottling(body.enabled);
          return { status: 200, body: { enabled: body.enabled } };
        }
        default:
          return { status: 404, body: { error: { code: 'NotFound', message: `No simulator control at ${route}. See graph-simulator/README.md.` } } };
      }
    } catch (error) {
      return { status: 400, body: { error: { code: 'BadRequest', message: error instanceof Error ? error.message : String(error) } } };
    }
  }

  private tenantSummary() {
    const d = this.currentDirectory;
    return {
      tenant: this.spec.tenant,
      tenantId: d.tenantId,
      domains: d.domains,
      users: d.userCount,
      groups: d.groupCount,
      membershipLinks: d.linkCount(),
      roleDefinitions: d.roleDefinitions.size,
      version: d.version,
    };
  }
}

export function createGraphSimulator(options: GraphSimulatorOptions = {}): GraphSimulator {
  return new GraphSimulator(options);
}

function emptyStats(): SimulatorStats {
  return { requests: 0, operations: 0, batchItems: 0, resourceUnits: 0, writes: 0, throttled: 0, faultsInjected: 0, errors: 0, perEndpoint: {} };
}

function errorResult(error: DirectoryError): OperationResult {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  if (error.details) body.details = error.details;
  return { status: error.status, headers: { ...(error.headers ?? {}) }, body: { error: body } };
}

function faultResult(rule: FaultRule): OperationResult {
  const [code, message] = faultCode(rule.status);
  const result = errorResult(new DirectoryError(rule.status, code, message));
  if (rule.retryAfterSeconds !== undefined) result.headers = { ...result.headers, 'Retry-After': String(rule.retryAfterSeconds) };
  return result;
}

/** Adds the correlation ids to the response headers and to an error envelope's `innerError` (contract §7). */
function withIds(result: OperationResult, ids: { requestId: string; clientRequestId: string }): OperationResult {
  const date = new Date().toISOString().replace(/\.\d{3}Z$/, '');
  const stamp = (r: { status: number; body?: unknown; headers?: Record<string, string> }) => {
    const error = (r.body as { error?: Record<string, unknown> } | undefined)?.error;
    if (r.status >= 400 && error && typeof error === 'object' && !error.innerError) {
      error.innerError = { date, 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId };
    }
  };
  stamp(result);
  const responses = (result.body as { responses?: { status: number; body?: unknown; headers?: Record<string, string> }[] } | undefined)?.responses;
  if (Array.isArray(responses)) {
    for (const item of responses) {
      const itemRequestId = randomUUID();
      const error = (item.body as { error?: Record<string, unknown> } | undefined)?.error;
      if (item.status >= 400 && error && !error.innerError) {
        error.innerError = { date, 'request-id': itemRequestId, 'client-request-id': ids.clientRequestId };
      }
    }
  }
  result.headers = {
    ...result.headers,
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
    'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Local Simulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'graph-simulator' } }),
  };
  return result;
}

function send(res: http.ServerResponse, result: OperationResult): void {
  const headers: Record<string, string> = { 'Cache-Control': 'no-cache', 'OData-Version': '4.0', ...(result.headers ?? {}) };
  let payload: string | undefined;
  if (result.text !== undefined) {
    payload = result.text;
    headers['Content-Type'] ??= 'text/plain';
  } else if (result.body !== undefined && result.status !== 204) {
    payload = JSON.stringify(result.body);
    headers['Content-Type'] ??= JSON_CONTENT_TYPE;
  }
  res.writeHead(result.status, headers);
  res.end(payload);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  return JSON.parse(raw);
}

function lowerCaseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The `appid` (v1) or `azp` (v2) claim of an access token, read without verification (the simulator trusts it). */
function appIdFromJwt(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { appid?: string; azp?: string };
    return payload.appid ?? payload.azp;
  } catch {
    return undefined;
  }
}

/**
 * The origin the client addressed, for nextLinks, deltaLinks, `@odata.context` and `Location`. Behind a reverse
 * proxy (or a test transport that maps `https://graph.microsoft.com` onto the loopback port) the
 * `X-Forwarded-Proto` / `X-Forwarded-Host` headers name it, so links come back in the form the client sent.
 */
function publicOrigin(headers: Record<string, string | undefined>): string {
  const proto = headers['x-forwarded-proto']?.split(',')[0].trim().toLowerCase() === 'https' ? 'https' : 'http';
  const host = headers['x-forwarded-host']?.split(',')[0].trim() || headers.host || '127.0.0.1';
  return `${proto}://${/^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : '127.0.0.1'}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
