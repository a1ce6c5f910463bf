/**
 * The few named errors the engine branches on, classified once (style practice 10).
 *
 * Each class sets `this.name`, exports that name as a constant, and has an `isX(e)` guard that checks the name
 * (not `instanceof`, so errors survive module duplication and structured cloning). `isPermanentError(e)` is the one
 * place that decides "retry later" versus "give up".
 */

export const GraphRequestErrorName = 'GraphRequestError';
export const DeltaTokenExpiredErrorName = 'DeltaTokenExpiredError';
export const ConfigurationErrorName = 'ConfigurationError';

export interface GraphRequestErrorOptions {
  /** HTTP status; 0 when no response arrived (connection dropped, DNS, TLS). */
  statusCode: number;
  /** Graph's `error.code` (contract §7): branch on this, never on the message. */
  code: string;
  message: string;
  requestId?: string;
  clientRequestId?: string;
  /** The server's `Retry-After`, when the response carried one. */
  retryAfterInMs?: number;
  cause?: unknown;
}

/** A Graph request that failed after the retry policy gave up, built from Graph's error envelope (contract §7). */
export class GraphRequestError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly retryAfterInMs?: number;

  constructor(options: GraphRequestErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = GraphRequestErrorName;
    this.statusCode = options.statusCode;
    this.code = options.code;
    this.requestId = options.requestId;
    this.clientRequestId = options.clientRequestId;
    this.retryAfterInMs = options.retryAfterInMs;
  }

  /**
   * From Graph's envelope `{ "error": { "code", "message", "innerError": { "date", "request-id",
   * "client-request-id" } } }` (contract §7, E1). The `request-id` / `client-request-id` response headers win over
   * the envelope's copies; a body that is not an envelope still yields an error named after the status.
   */
  static fromEnvelope(
    statusCode: number,
    body: unknown,
    headers: { requestId?: string; clientRequestId?: string; retryAfterInMs?: number } = {},
  ): GraphRequestError {
    const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
    const inner = error && isRecord(error.innerError) ? error.innerError : undefined;
    const code = typeof error?.code === 'string' && error.code !== '' ? error.code : `Http${statusCode}`;
    const message = typeof error?.message === 'string' ? error.message : `Graph answered HTTP ${statusCode}`;
    return new GraphRequestError({
      statusCode,
      code,
      message,
      requestId: headers.requestId ?? stringOrUndefined(inner?.['request-id']),
      clientRequestId: headers.clientRequestId ?? stringOrUndefined(inner?.['client-request-id']),
      retryAfterInMs: headers.retryAfterInMs,
      cause: body,
    });
  }
}

/**
 * A delta link can no longer be used: `400 syncStateNotFound` / `resyncRequired` (token older than 7 days) or
 * `410 Gone` (sync reset) (contract §3.1, D1). The caller starts a full round.
 */
export class DeltaTokenExpiredError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = DeltaTokenExpiredErrorName;
  }
}

/** A setting is missing or wrong; the message names the fix (style practice 14). Never retried. */
export class ConfigurationError extends Error {
  /**
   * The Graph link the adapter refused to follow (another origin than GRAPH_BASE_URL, or outside `/v1.0`), when
   * that is the error: nothing was sent to it. A backup given such a stored deltaLink discards it for a full round.
   */
  readonly refusedLink?: string;

  constructor(message: string, options: { cause?: unknown; refusedLink?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = ConfigurationErrorName;
    this.refusedLink = options.refusedLink;
  }
}

export function isGraphRequestError(e: unknown): e is GraphRequestError {
  return hasName(e, GraphRequestErrorName);
}

export function isDeltaTokenExpiredError(e: unknown): e is DeltaTokenExpiredError {
  return hasName(e, DeltaTokenExpiredErrorName);
}

export function isConfigurationError(e: unknown): e is ConfigurationError {
  return hasName(e, ConfigurationErrorName);
}

/** Cancellation through an `AbortSignal` (fetch and our own waits reject with a DOMException named `AbortError`). */
export function isAbortError(e: unknown): boolean {
  return hasName(e, 'AbortError');
}

/** The delta-expiry answers of contract §3.1: `410 Gone`, or 400 with `syncStateNotFound` / `resyncRequired`. */
export function isDeltaExpiryResponse(statusCode: number, code: string | undefined): boolean {
  return statusCode === 410 || (statusCode === 400 && (code === 'syncStateNotFound' || code === 'resyncRequired'));
}

/**
 * Whether retrying later cannot help. 4xx other than 408/429 is permanent; so are cancellation, configuration
 * errors and an expired delta token. 5xx, 408, 429 and failures without a response are transient.
 */
export function isPermanentError(e: unknown): boolean {
  if (isAbortError(e) || isConfigurationError(e) || isDeltaTokenExpiredError(e)) return true;
  if (isGraphRequestError(e)) {
    const status = e.statusCode;
    return status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
  return false;
}

function hasName(e: unknown, name: string): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === name;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
