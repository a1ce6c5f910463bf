/**
 * Requests over the Graph client chain (graph-client.ts), shared by the gateway (reads) and the writer (restore):
 * one request read raw, a collection followed through `@odata.nextLink`, and `$batch` with per-item retries.
 *
 * - Responses are read raw (`ResponseType.RAW`) so errors are built once, from Graph's envelope and headers
 *   (`GraphRequestError`, contract §7). A request body never goes into an error or a log line.
 * - `idempotent` attaches `IdempotentRequestOption`: the retry policy may then repeat a non-GET after a 5xx or a
 *   dropped connection. Callers set it only when a repeated request cannot change the outcome.
 * - `$batch` (contract §1.5): ≤ 20 requests per batch. Graph answers the batch 200 and throttles its items one by
 *   one; the SDK does not retry items, so `batch` retries them itself, waiting the longest `Retry-After` among the
 *   retried items (our back-off when none is given). An item is retried on 429/503 always, on 408/500/502/504 only
 *   when marked idempotent — the same table as the retry policy (`retryDecision`). Batches of one call run in
 *   parallel; the adaptive concurrency limiter in the chain bounds what is in flight.
 * - Correlation: `send` gives each request its `client-request-id` (kept across the retry policy's attempts), so a
 *   `GraphRequestError` carries it even when no response arrived; with a response it also carries Graph's
 *   `request-id`. The chain's LoggingPolicy logs each HTTP attempt; a failed `$batch` item, which the policy only
 *   sees inside a 200, is logged here with its own ids (`batchItem`).
 */
import { randomUUID } from 'node:crypto';
import pLimit from 'p-limit';
import { GraphRequest, ResponseType } from '@microsoft/microsoft-graph-client';
import { GraphRequestError, isAbortError, isConfigurationError, isGraphRequestError } from '../errors';
import { GraphClient, relativeGraphPath } from './graph-client';
import { IdempotentRequestOption } from './policies/context';
import { unwrapClientError } from './policies/error-passthrough-policy';
import { redactUrl } from './policies/logging-policy';
import { delay, retryAfterInMs } from './policies/retry-after';
import { retryDecision } from './policies/throttling-retry-policy';
import type { WritePacer } from './policies/write-pacer';
import { Json, asArray, asRecord } from './wire-format';

/** Graph accepts at most 20 requests per `$batch` (contract §1.5). */
export const MAX_BATCH_REQUESTS = 20;
/** `$batch` requests one `batchAll` keeps in flight. */
export const BATCHES_IN_FLIGHT = 4;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface SendOptions {
  body?: unknown;
  signal?: AbortSignal;
  /** Safe to repeat after a 5xx or a dropped connection (see the module comment). GETs always are. */
  idempotent?: boolean;
}

export interface BatchRequest {
  method: HttpMethod;
  /** Path and query below `/v1.0`, e.g. `/groups/{id}/members/$ref`. */
  url: string;
  body?: unknown;
  /** Whether the item may be repeated after a 408/500/502/504 (429 and 503 are always retried). */
  idempotent: boolean;
}

export interface BatchResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

interface WireBatchResponse {
  id?: unknown;
  status?: unknown;
  headers?: Record<string, string>;
  body?: unknown;
}

export class GraphHttp {
  /**
   * `writePacer`: every non-GET request (a `$batch`: each non-GET item, on every attempt of `batch`) waits for room
   * in the write quota before it is sent; a retry of a single request inside the chain after a 429 is not counted
   * again (Graph refused it). The writer passes one; the read-only gateway does not.
   */
  constructor(readonly graph: GraphClient, private readonly writePacer?: WritePacer) {}

  async getJson(path: string, options: Omit<SendOptions, 'body'> = {}): Promise<Json> {
    return this.send('GET', path, options);
  }

  async postJson(path: string, body: unknown, options: Omit<SendOptions, 'body'> = {}): Promise<Json> {
    return this.send('POST', path, { ...options, body });
  }

  /** One request; a non-2xx answer (after the retry policy) throws `GraphRequestError`. Empty bodies give `{}`. */
  async send(method: HttpMethod, path: string, options: SendOptions = {}): Promise<Json> {
    if (method !== 'GET' && path !== '/$batch') await this.writePacer?.take(1);
    const clientRequestId = randomUUID();
    let request: GraphRequest = this.graph.client.api(path).responseType(ResponseType.RAW).header('client-request-id', clientRequestId);
    if (options.signal) request = request.option('signal', options.signal);
    if (options.idempotent) request = request.middlewareOptions([new IdempotentRequestOption()]);
    let response: Response;
    try {
      response = (await dispatch(request, method, options.body)) as Response;
    } catch (error) {
      throw classifyTransportError(unwrapClientError(error), clientRequestId);
    }
    if (!response.ok) throw await errorFromResponse(response, clientRequestId);
    const text = await response.text();
    return text === '' ? {} : asRecord(JSON.parse(text));
  }

  /** Every item of a collection, following `@odata.nextLink` (checked against the base URL). */
  async listAll(path: string, signal?: AbortSignal): Promise<Json[]> {
    const values: Json[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const body = await this.getJson(next, { signal });
      values.push(...asArray(body.value).map(asRecord));
      const nextLink = body['@odata.nextLink'];
      next = typeof nextLink === 'string' ? relativeGraphPath(nextLink, this.graph.baseUrl) : undefined;
    }
    return values;
  }

  /**
   * Any number of requests through `$batch`: 20 per batch, batches in parallel. Returns each request's final
   * response, in order: success, a permanent failure, or the last retryable failure once `maxRetries` is spent.
   * Only the batch request itself failing (after the retry policy) throws.
   */
  async batchAll(requests: BatchRequest[], signal?: AbortSignal): Promise<BatchResponse[]> {
    // A batch never carries more writes than the write quota allows in one window (a lowered quota): it is sent whole.
    const size = this.writePacer ? Math.max(1, Math.min(MAX_BATCH_REQUESTS, this.writePacer.writesPerWindow)) : MAX_BATCH_REQUESTS;
    const chunks: BatchRequest[][] = [];
    for (let i = 0; i < requests.length; i += size) chunks.push(requests.slice(i, i + size));
    // A few batches at a time: each item is charged resource units even when it is throttled, so firing every batch
    // at once can keep a tenant's budget spent for as long as the retries last.
    const gate = pLimit(BATCHES_IN_FLIGHT);
    const results = await Promise.all(chunks.map((chunk) => gate(() => this.batch(chunk, signal))));
    return results.flat();
  }

  /** One `$batch` of ≤ 20 requests, retrying throttled (and, when idempotent, failed) items (module comment). */
  async batch(requests: BatchRequest[], signal?: AbortSignal): Promise<BatchResponse[]> {
    if (requests.length > MAX_BATCH_REQUESTS) throw new RangeError(`A $batch holds at most ${MAX_BATCH_REQUESTS} requests.`);
    const results = new Map<string, BatchResponse>();
    let pending = requests.map((request, i) => ({ id: String(i + 1), request }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      const writes = pending.filter((p) => p.request.method !== 'GET').length;
      if (writes > 0) await this.writePacer?.take(writes);
      const started = performance.now();
      const body = await this.postJson(
        '/$batch',
        { requests: pending.map((p) => toWireRequest(p.id, p.request)) },
        // Repeating the whole batch is safe exactly when repeating each item is.
        { signal, idempotent: pending.every((p) => p.request.idempotent) },
      );
      const responses = asArray(body.responses).map((r) => asRecord(r) as WireBatchResponse);
      const retry: typeof pending = [];
      let waitInMs = 0;
      for (const item of pending) {
        const wire = responses.find((r) => String(r.id) === item.id);
        if (!wire) throw new GraphRequestError({ statusCode: 502, code: 'MissingBatchResponse', message: `The $batch answer had no response for request ${item.id}.` });
        const response: BatchResponse = { status: Number(wire.status), headers: new Headers(wire.headers ?? {}), body: wire.body };
        if (response.status >= 400) this.logBatchItem(item.id, item.request, response, performance.now() - started);
        if (response.status === 429) {
          this.graph.stats.throttled++;
          this.graph.limiter.onThrottled();
        }
        const decision = response.status >= 200 && response.status < 300
          ? { retry: false as const }
          : retryDecision({ status: response.status, headers: response.headers, idempotent: item.request.idempotent, attempt });
        if (!decision.retry || attempt > this.graph.maxRetries) {
          results.set(item.id, response);
          continue;
        }
        retry.push(item);
        waitInMs = Math.max(waitInMs, decision.waitInMs);
      }
      if (retry.length > 0) {
        this.graph.stats.retries += retry.length;
        await delay(waitInMs, signal);
      }
      pending = retry;
    }
    return requests.map((_, i) => results.get(String(i + 1))!);
  }

  /** One line per failed `$batch` item, with the ids Graph gave it (item headers, else its error envelope). */
  private logBatchItem(id: string, request: BatchRequest, response: BatchResponse, durationInMs: number): void {
    const error = errorFromBatchResponse(response);
    try {
      this.graph.logger({
        method: request.method,
        url: redactUrl(`${this.graph.baseUrl}/v1.0${request.url.startsWith('/') ? '' : '/'}${request.url}`),
        status: response.status,
        ...(error.requestId ? { requestId: error.requestId } : {}),
        ...(error.clientRequestId ? { clientRequestId: error.clientRequestId } : {}),
        ...(response.headers.get('retry-after') ? { retryAfter: response.headers.get('retry-after')! } : {}),
        durationInMs: Math.round(durationInMs),
        batchItem: id,
      });
    } catch {
      // A failing logger must not fail the request.
    }
  }
}

function dispatch(request: GraphRequest, method: HttpMethod, body: unknown): Promise<unknown> {
  switch (method) {
    case 'GET':
      return request.get();
    case 'POST':
      return request.post(body);
    case 'PUT':
      return request.put(body);
    case 'PATCH':
      return request.patch(body);
    case 'DELETE':
      return request.delete();
  }
}

function toWireRequest(id: string, request: BatchRequest): Json {
  const wire: Json = { id, method: request.method, url: request.url };
  if (request.body !== undefined) {
    wire.body = request.body;
    wire.headers = { 'Content-Type': 'application/json' };
  }
  return wire;
}

/** The error of a failed `$batch` item, built like a top-level one (contract §7). */
export function errorFromBatchResponse(response: BatchResponse): GraphRequestError {
  return GraphRequestError.fromEnvelope(response.status, response.body, {
    requestId: response.headers.get('request-id') ?? undefined,
    clientRequestId: response.headers.get('client-request-id') ?? undefined,
    retryAfterInMs: retryAfterInMs(response.headers),
  });
}

/** `sentClientRequestId`: the `client-request-id` the request carried. */
export async function errorFromResponse(response: Response, sentClientRequestId?: string): Promise<GraphRequestError> {
  const body: unknown = await response.json().catch(() => undefined);
  return GraphRequestError.fromEnvelope(response.status, body, {
    requestId: response.headers.get('request-id') ?? undefined,
    // Graph echoes the id it was sent; the sent one stands in when a proxy or a simulator drops the header.
    clientRequestId: response.headers.get('client-request-id') ?? sentClientRequestId,
    retryAfterInMs: retryAfterInMs(response),
  });
}

/**
 * Errors with no response: cancellation and configuration pass through; anything else is a network failure, which
 * carries the `client-request-id` the request was sent with (there is no `request-id` without a response).
 */
export function classifyTransportError(error: unknown, clientRequestId?: string): unknown {
  if (isAbortError(error) || isConfigurationError(error) || isGraphRequestError(error)) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new GraphRequestError({ statusCode: 0, code: name === 'TypeError' ? 'NetworkError' : name, message: `No response from Graph: ${message}`, clientRequestId, cause: error });
}
