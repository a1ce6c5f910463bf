/** The Graph adapter's public surface: the gateway, the client factory, and the pieces tests and tools reuse. */
export { GraphDirectoryGateway, MAX_BATCH_REQUESTS } from './graph-gateway';
export type { GraphDirectoryGatewayOptions } from './graph-gateway';
export { createGraphClient, relativeGraphPath, GRAPH_API_VERSION } from './graph-client';
export type { GraphClient, GraphClientOptions } from './graph-client';
export { GraphTrafficStats } from './traffic-stats';
export { AdaptiveConcurrencyLimiter, ConcurrencyPolicy, DEFAULT_CONCURRENCY } from './policies/concurrency-limiter';
export type { ConcurrencyLimits } from './policies/concurrency-limiter';
export { IdempotentRequestOption } from './policies/context';
export { LoggingPolicy, REDACTED, redactUrl } from './policies/logging-policy';
export type { GraphLogEntry, GraphLogger } from './policies/logging-policy';
export { MAX_RETRY_AFTER_IN_MS, exponentialBackoffInMs, retryAfterInMs } from './policies/retry-after';
export { DEFAULT_MAX_RETRIES, ThrottlingRetryPolicy, retryDecision } from './policies/throttling-retry-policy';
export type { ThrottleListener, ThrottlingRetryPolicyOptions } from './policies/throttling-retry-policy';
export {
  GraphDirectoryWriter,
  USER_NOT_WRITABLE,
  GROUP_NOT_WRITABLE,
  GROUP_CREATE_ONLY,
  ADMINISTRATIVE_UNIT_NOT_WRITABLE,
  writableAttributes,
} from './graph-writer';
export type { GraphDirectoryWriterOptions } from './graph-writer';
export { GraphHttp, errorFromBatchResponse } from './graph-http';
export type { BatchRequest, BatchResponse, HttpMethod } from './graph-http';
