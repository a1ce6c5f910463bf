/**
 * Logs one line per HTTP attempt, redacted by allowlist (style practice 11): method, path, status, `request-id`,
 * `client-request-id`, `Retry-After` and duration. Query keys are kept; values are replaced by `REDACTED` except
 * `$top` and `$select` (shape, not data). `$filter` keeps its key only: its literals are UPNs and mail addresses.
 * Path segments that look like a UPN or mail address are redacted too. Never logged: the `Authorization` header or
 * any other request header, request and response bodies, and object attributes.
 */
import { Context } from '@microsoft/microsoft-graph-client';
import { Policy, getRequestHeader, requestMethod, requestUrl } from './context';

export interface GraphLogEntry {
  method: string;
  /** Path and query below the origin, redacted. */
  url: string;
  /** 0 when no response arrived. */
  status: number;
  requestId?: string;
  clientRequestId?: string;
  /** The raw `Retry-After` header value. */
  retryAfter?: string;
  durationInMs: number;
  /** The error's name when no response arrived (`TypeError`, `AbortError`); never its message. */
  error?: string;
  /** Set on the line of a failed `$batch` item (its id in the batch); logged by `GraphHttp.batch`, not by this policy. */
  batchItem?: string;
}

export type GraphLogger = (entry: GraphLogEntry) => void;

export const REDACTED = 'REDACTED';
const QUERY_VALUES_KEPT = new Set(['$top', '$select']);

/** The path and query of `url`, safe to log. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  const path = parsed.pathname
    .split('/')
    .map((segment) => (decodeSafely(segment).includes('@') ? REDACTED : segment))
    .join('/');
  const query: string[] = [];
  for (const [key, value] of parsed.searchParams) {
    query.push(QUERY_VALUES_KEPT.has(key) ? `${key}=${value}` : `${key}=${REDACTED}`);
  }
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

export class LoggingPolicy extends Policy {
  constructor(
    private readonly logger: GraphLogger,
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
  }

  async execute(context: Context): Promise<void> {
    const started = this.now();
    const base = {
      method: requestMethod(context),
      url: redactUrl(requestUrl(context)),
    };
    try {
      await this.next.execute(context);
    } catch (error) {
      this.emit({
        ...base,
        status: 0,
        clientRequestId: getRequestHeader(context, 'client-request-id'),
        durationInMs: Math.round(this.now() - started),
        error: errorName(error),
      });
      throw error;
    }
    const response = context.response as Response | undefined;
    const headers = response?.headers;
    this.emit({
      ...base,
      status: response?.status ?? 0,
      requestId: headers?.get('request-id') ?? undefined,
      clientRequestId: headers?.get('client-request-id') ?? getRequestHeader(context, 'client-request-id'),
      retryAfter: headers?.get('retry-after') ?? undefined,
      durationInMs: Math.round(this.now() - started),
    });
  }

  private emit(entry: GraphLogEntry): void {
    try {
      this.logger(entry);
    } catch {
      // A failing logger must not fail the request.
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function decodeSafely(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
