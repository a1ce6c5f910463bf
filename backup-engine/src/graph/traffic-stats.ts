/**
 * Counters shared by the policies and the gateway, read through `DirectoryGateway.stats()` (port GatewayStats).
 * Each counter has one writer: the transport counts requests, operations and resource units; the retry policy
 * counts throttled responses and retries; the gateway's `$batch` retry counts throttled and retried items.
 */
import type { GatewayStats } from '../ports/directory-gateway';

export class GraphTrafficStats {
  requests = 0;
  operations = 0;
  resourceUnits = 0;
  throttled = 0;
  retries = 0;

  snapshot(): GatewayStats {
    return {
      requests: this.requests,
      operations: this.operations,
      resourceUnits: this.resourceUnits,
      throttled: this.throttled,
      retries: this.retries,
    };
  }
}
