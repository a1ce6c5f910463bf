/**
 * The one factory that builds Rewind's Graph client: the Microsoft Graph SDK's `Client` over our own middleware
 * chain (style practice 3), in this order:
 *
 *   error passthrough → client-request-id → throttling/retry → bearer token (origin-checked) → adaptive
 *   concurrency → sanitized logging → fetch transport
 *
 * The token is taken per attempt (inside the retry loop) so a long `Retry-After` wait never sends an expired one;
 * the concurrency slot is held per attempt, so waiting for a retry frees it.
 *
 * The SDK builds URLs as `baseUrl + '/v1.0' + path`. It treats only `https://` paths as absolute, so links that
 * Graph returns (`@odata.nextLink`, `@odata.deltaLink`) are turned back into paths by `relativeGraphPath`, which
 * refuses any link outside the configured base URL.
 */
import type { TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { ConfigurationError } from '../errors';
import { BearerTokenPolicy } from './policies/bearer-token-policy';
import { ClientRequestIdPolicy } from './policies/client-request-id-policy';
import { AdaptiveConcurrencyLimiter, ConcurrencyLimits, ConcurrencyPolicy } from './policies/concurrency-limiter';
import { ErrorPassthroughPolicy } from './policies/error-passthrough-policy';
import { GraphLogger, LoggingPolicy } from './policies/logging-policy';
import { BackoffOptions } from './policies/retry-after';
import { DEFAULT_MAX_RETRIES, ThrottlingRetryPolicy } from './policies/throttling-retry-policy';
import { FetchFunction, FetchTransport } from './policies/transport';
import { GraphTrafficStats } from './traffic-stats';

export const GRAPH_API_VERSION = 'v1.0';

export interface GraphClientOptions {
  /** Graph's origin, e.g. `https://graph.microsoft.com` or the simulator's `http://127.0.0.1:PORT`. */
  baseUrl: string;
  /** Absent: no `Authorization` header (the local simulator). */
  credential?: TokenCredential;
  /** Default: `<baseUrl>/.default`. */
  scopes?: string[];
  logger?: GraphLogger;
  maxRetries?: number;
  concurrency?: ConcurrencyLimits;
  backoff?: BackoffOptions;
  /** Replaces global `fetch` (tests). */
  fetch?: FetchFunction;
}

export interface GraphClient {
  client: Client;
  /** The normalized base URL (an origin, no trailing slash). */
  baseUrl: string;
  stats: GraphTrafficStats;
  limiter: AdaptiveConcurrencyLimiter;
  maxRetries: number;
  /** The logger the chain's LoggingPolicy writes to; `GraphHttp.batch` writes failed `$batch` items to it too. */
  logger: GraphLogger;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  if (options.credential && baseUrl.startsWith('http:') && !isLoopback(new URL(baseUrl).hostname)) {
    throw new ConfigurationError(`GRAPH_BASE_URL ${baseUrl} is plain http: a token is only sent over https (or to a loopback simulator).`);
  }
  const stats = new GraphTrafficStats();
  const limiter = new AdaptiveConcurrencyLimiter(options.concurrency);
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const logger = options.logger ?? noLog;
  const chain = [
    new ErrorPassthroughPolicy(),
    new ClientRequestIdPolicy(),
    new ThrottlingRetryPolicy({ maxRetries, stats, listener: limiter, backoff: options.backoff }),
    new BearerTokenPolicy(baseUrl, options.credential, options.scopes ?? [`${baseUrl}/.default`]),
    new ConcurrencyPolicy(limiter),
    new LoggingPolicy(logger),
    new FetchTransport(stats, options.fetch),
  ];
  for (let i = 0; i < chain.length - 1; i++) chain[i].setNext(chain[i + 1]);
  const client = Client.initWithMiddleware({ middleware: chain[0], baseUrl, defaultVersion: GRAPH_API_VERSION });
  return { client, baseUrl, stats, limiter, maxRetries, logger };
}

/**
 * The path and query of a Graph-returned link below `/v1.0`, for `client.api(...)`. Refuses (ConfigurationError
 * with `refusedLink`) a link on another origin or outside `/v1.0/`, before any request: following it would send our
 * token to a host we did not configure.
 */
export function relativeGraphPath(link: string, baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw new ConfigurationError(`Refusing to follow an invalid Graph link (it is not an absolute URL).`, { refusedLink: link });
  }
  const prefix = `/${GRAPH_API_VERSION}/`;
  if (url.origin !== new URL(baseUrl).origin || !url.pathname.startsWith(prefix)) {
    throw new ConfigurationError(
      `Refusing to follow a Graph link to ${url.origin}${url.pathname.startsWith(prefix) ? '' : ' outside /v1.0'}: only ${baseUrl}/${GRAPH_API_VERSION} is trusted (GRAPH_BASE_URL). A stored deltaLink from another environment must be discarded.`,
      { refusedLink: link },
    );
  }
  return url.pathname.slice(prefix.length - 1) + url.search;
}

function normalizeBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`GRAPH_BASE_URL "${value}" is not a URL; use e.g. https://graph.microsoft.com`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigurationError(`GRAPH_BASE_URL "${value}" must be an http(s) origin without path or query, e.g. https://graph.microsoft.com`);
  }
  return url.origin;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function noLog(): void {
  // Logging is off unless a logger is injected.
}
