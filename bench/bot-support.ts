/**
 * Helpers of `bench/bot.ts` (`npm run bench:bot`): a stand-in for the Bot Connector service the bot's proactive sends
 * and in-turn replies go to, a trace of every store call and Graph request the bot makes (to say what one card
 * costs and where its time goes), and percentiles.
 *
 * Nothing here changes what the bot does: the store is wrapped (same calls, same results) and the Graph client is
 * given a `fetch` that forwards to the global one and records when each request started and when its response
 * headers arrived.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CollectionName, DocumentKey, QueryOptions, ReadResult, SnapshotStore, StoredDocument } from '../backup-engine/src/ports/snapshot-store';

// ------------------------------------------------------------------ the Bot Connector stand-in

/** An activity the bot sent to the connector (`POST …/activities[/{replyToId}]`) or edited (`PUT …/activities/{id}`). */
export interface ConnectorRecord {
  /** performance.now() when the request body had arrived. */
  at: number;
  method: 'send' | 'reply' | 'update';
  conversationId: string;
  /** The id the connector gave it (send, reply) or the id edited (update). */
  activityId: string;
  activity: { type?: string; text?: string; replyToId?: string; attachments?: { contentType?: string; content?: unknown }[] };
}

/** A member as the Teams roster lists it (`TeamsInfo.getPagedMembers`). */
export interface RosterMember {
  id: string;
  name: string;
  aadObjectId: string;
}

/**
 * The Bot Connector REST API as far as the bot uses it: send to a conversation, reply to an activity, update an
 * activity (answered at once with an activity id; every record kept with its arrival time), and a conversation's
 * members (the roster the bench sets in `rosters`; an unknown conversation has none).
 */
export class FakeConnector {
  readonly records: ConnectorRecord[] = [];
  readonly rosters = new Map<string, RosterMember[]>();
  rosterReads = 0;
  /** Requests the stand-in does not serve (answered 404). */
  readonly unknown: string[] = [];
  private readonly server: Server;
  private nextId = 1;
  private waiters: { predicate: (r: ConnectorRecord) => boolean; resolve: (r: ConnectorRecord) => void }[] = [];
  url = '';

  constructor() {
    this.server = createServer((request, response) => this.handle(request, response));
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The first record (already received, at or after `since`, or still to come) that satisfies `predicate`. */
  waitFor(predicate: (r: ConnectorRecord) => boolean, since: number, timeoutMs: number): Promise<ConnectorRecord> {
    const seen = this.records.find((r) => r.at >= since && predicate(r));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { predicate: (r: ConnectorRecord) => r.at >= since && predicate(r), resolve: (r: ConnectorRecord) => { clearTimeout(timer); resolve(r); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`the connector received no matching activity within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const url = request.url ?? '';
      const members = /^\/v3\/conversations\/([^/]+)\/(pagedmembers|members)(?:\?|$)/.exec(url);
      if (members && request.method === 'GET') {
        const roster = this.rosters.get(decodeURIComponent(members[1])) ?? [];
        this.rosterReads++;
        if (members[2] === 'pagedmembers') reply(response, 200, { members: roster });
        else reply(response, 200, roster.map((m) => ({ ...m, objectId: m.aadObjectId })));
        return;
      }
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/?]+))?/.exec(url);
      if (!match || (request.method !== 'POST' && request.method !== 'PUT')) {
        this.unknown.push(`${request.method} ${url}`);
        reply(response, 404, { error: { code: 'NotFound', message: `${request.method} ${url}` } });
        return;
      }
      let activity: ConnectorRecord['activity'] = {};
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ConnectorRecord['activity'];
      } catch {
        // recorded without a body
      }
      const method: ConnectorRecord['method'] = request.method === 'PUT' ? 'update' : match[2] ? 'reply' : 'send';
      const activityId = method === 'update' ? decodeURIComponent(match[2]) : `connector-${this.nextId++}`;
      const record: ConnectorRecord = { at, method, conversationId: decodeURIComponent(match[1]), activityId, activity };
      this.records.push(record);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(record)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(record);
        }
      }
      reply(response, 200, { id: activityId });
    });
  }
}

/** restify (loaded by the bot) patches ServerResponse: its writeHead does not return the response, so no chaining. */
function reply(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
}

// ------------------------------------------------------------------ traces

export interface Span {
  kind: 'graph' | 'store';
  /** e.g. `GET /users/{id}/memberOf` or `readMany objects {T}|user:{id}/history ×3`. */
  name: string;
  start: number;
  end: number;
  /** `$batch`: the items' names. */
  items?: string[];
}

/** Every span since the bench started; a measurement takes the spans that began inside its window. */
export class Tracer {
  readonly spans: Span[] = [];

  async time<T>(kind: Span['kind'], name: string, work: () => Promise<T>, items?: string[]): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.spans.push({ kind, name, start, end: performance.now(), ...(items ? { items } : {}) });
    }
  }

  between(from: number, to: number): Span[] {
    return this.spans.filter((s) => s.start >= from && s.start <= to);
  }

  /** Drops spans that ended before `before` (keeps memory flat over a long run). */
  forget(before: number): void {
    let keep = 0;
    for (const span of this.spans) if (span.end >= before) this.spans[keep++] = span;
    this.spans.length = keep;
  }
}

const GUID_ANYWHERE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Graph paths and store keys with ids replaced, so calls of the same shape group together. */
export function shapeOf(text: string, tenantId: string): string {
  return text
    .split(tenantId).join('{T}')
    .replace(GUID_ANYWHERE, '{id}')
    .replace(/\b[0-9a-f]{64}\b/g, '{hash}')
    .replace(/\br-\d{8}-\d{6}-[0-9a-f]{6}\b/g, '{restoreId}')
    .replace(/\b\d{8}T\d{9}Z-[0-9a-f]{6}\b/g, '{snapshotId}')
    .replace(/\bstate-([0-9a-f]+)/g, (_all, hex: string) => `state-{${/\/conversations\//.test(Buffer.from(hex, 'hex').toString('utf8')) ? 'conversation' : 'user'}}`)
    .replace(/\bnames-[0-9a-f]+/g, 'names-{prefix}');
}

/** A `fetch` for the Graph client that records each request (until its response headers) in the tracer. */
export function tracedFetch(tracer: Tracer, tenantId: () => string): (input: string | Request, init?: RequestInit) => Promise<Response> {
  return (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    const method = (init?.method ?? (typeof input === 'string' ? 'GET' : input.method)).toUpperCase();
    const path = url.pathname.replace(/^\/(v1\.0|beta)/, '');
    let items: string[] | undefined;
    if (path === '/$batch' && typeof init?.body === 'string') {
      try {
        const body = JSON.parse(init.body) as { requests?: { method?: string; url?: string }[] };
        items = (body.requests ?? []).map((r) => `${r.method ?? 'GET'} ${shapeOf((r.url ?? '').split('?')[0], tenantId())}`);
      } catch {
        items = undefined;
      }
    }
    return tracer.time('graph', `${method} ${shapeOf(path, tenantId())}`, () => fetch(input, init), items);
  };
}

/** The store, with every call recorded in the tracer (same calls, same results). */
export function tracingStore(store: SnapshotStore, tracer: Tracer, tenantId: () => string): SnapshotStore {
  const keyShape = (collection: CollectionName, keys: DocumentKey[]) => {
    const shapes = [...new Set(keys.map((k) => shapeOf(`${k.pk}/${k.id}`, tenantId())))];
    return `${collection} ${shapes.slice(0, 3).join(', ')}${shapes.length > 3 ? ', …' : ''}`;
  };
  const query = <T>(name: string, iterable: () => AsyncIterable<T>): AsyncIterable<T> => ({
    [Symbol.asyncIterator]: () => {
      const iterator = iterable()[Symbol.asyncIterator]();
      const start = performance.now();
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        tracer.spans.push({ kind: 'store', name, start, end: performance.now() });
      };
      return {
        next: async () => {
          const result = await iterator.next();
          if (result.done) finish();
          return result;
        },
        return: async (value?: unknown) => {
          finish();
          return iterator.return ? iterator.return(value) : { done: true as const, value: undefined as unknown as T };
        },
      };
    },
  });
  return {
    read: <T extends StoredDocument>(collection: CollectionName, key: DocumentKey): Promise<ReadResult<T> | undefined> =>
      tracer.time('store', `read ${keyShape(collection, [key])}`, () => store.read<T>(collection, key)),
    readMany: <T extends StoredDocument>(collection: CollectionName, keys: DocumentKey[]): Promise<(T | undefined)[]> =>
      tracer.time('store', `readMany ×${keys.length} ${keyShape(collection, keys)}`, () => store.readMany<T>(collection, keys)),
    create: <T extends StoredDocument>(collection: CollectionName, document: T) =>
      tracer.time('store', `create ${keyShape(collection, [document])}`, () => store.create(collection, document)),
    createMany: <T extends StoredDocument>(collection: CollectionName, documents: T[]) =>
      tracer.time('store', `createMany ×${documents.length} ${keyShape(collection, documents)}`, () => store.createMany(collection, documents)),
    insert: <T extends StoredDocument>(collection: CollectionName, document: T) =>
      tracer.time('store', `insert ${keyShape(collection, [document])}`, () => store.insert(collection, document)),
    upsert: <T extends StoredDocument>(collection: CollectionName, document: T, options?: { ifMatch?: string }) =>
      tracer.time('store', `upsert ${keyShape(collection, [document])}`, () => store.upsert(collection, document, options)),
    delete: (collection: CollectionName, key: DocumentKey, options?: { ifMatch?: string }) =>
      tracer.time('store', `delete ${keyShape(collection, [key])}`, () => store.delete(collection, key, options)),
    queryPartition: <T extends StoredDocument>(collection: CollectionName, pk: string, options?: QueryOptions) =>
      query(`queryPartition ${collection} ${shapeOf(pk, tenantId())}${options?.type ? ` type=${options.type}` : ''}`, () => store.queryPartition<T>(collection, pk, options)),
    queryTenant: <T extends StoredDocument>(collection: CollectionName, tenant: string, options?: QueryOptions) =>
      query(`queryTenant ${collection} ${shapeOf(tenant, tenantId())}${options?.type ? ` type=${options.type}` : ''}`, () => store.queryTenant<T>(collection, tenant, options)),
  };
}

/** Milliseconds covered by at least one of the spans (overlaps counted once), clipped to [from, to]. */
export function busyMs(spans: Span[], from: number, to: number): number {
  const intervals = spans.map((s) => [Math.max(s.start, from), Math.min(s.end, to)] as const).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let [curStart, curEnd] = [Number.NaN, Number.NaN];
  for (const [a, b] of intervals) {
    if (Number.isNaN(curStart) || a > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      [curStart, curEnd] = [a, b];
    } else curEnd = Math.max(curEnd, b);
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

/** Groups of overlapping spans, in time order: how many round trips one after another the work needed. */
export function waves(spans: Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let count = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const span of sorted) {
    if (span.start > end) count++;
    end = Math.max(end, span.end);
  }
  return count;
}

// ------------------------------------------------------------------ statistics

export interface Distribution {
  n: number;
  p50: number;
  p95: number;
  max: number;
  min: number;
  mean: number;
}

/** Nearest-rank percentiles, in whole milliseconds (1 decimal below 10 ms). */
export function distribution(values: number[]): Distribution {
  if (!values.length) return { n: 0, p50: Number.NaN, p95: Number.NaN, max: Number.NaN, min: Number.NaN, mean: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (q: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
  return { n: sorted.length, p50: ms(rank(0.5)), p95: ms(rank(0.95)), max: ms(sorted[sorted.length - 1]), min: ms(sorted[0]), mean: ms(values.reduce((a, b) => a + b, 0) / values.length) };
}

export function median(values: number[]): number {
  return distribution(values).p50;
}

export function ms(value: number): number {
  return Math.abs(value) < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

export function ratio(a: number, b: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round((a / b) * f) / f;
}
