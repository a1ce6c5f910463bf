/**
 * Retries what the service refused or lost, honouring `Retry-After` exactly (contract §1.4, T2; style practice 4).
 *
 * - 429 and 503: retried for any method — the service refused the request, so nothing was done.
 * - 408, 500, 502, 504 and network failures: retried only for idempotent requests (GET/HEAD/OPTIONS, or a request
 *   carrying `IdempotentRequestOption`), because the write may have happened.
 * - The wait is the response's `Retry-After` when present (seconds, fractional or HTTP-date), otherwise our
 *   exponential back-off with jitter. Graph keeps charging throttled requests, so retrying sooner only costs more.
 * - At most `maxRetries` retries; then the last response is handed back (or the last network error rethrown).
 * - The request's `AbortSignal` cancels the wait at once.
 */
import { Context } from '@microsoft/microsoft-graph-client';
import { GraphTrafficStats } from '../traffic-stats';
import { Policy, isIdempotentRequest, requestSignal } from './context';
import { BackoffOptions, delay, exponentialBackoffInMs, retryAfterInMs } from './retry-after';

export const DEFAULT_MAX_RETRIES = 5;

const RETRY_ANY_METHOD = new Set([429, 503]);
const RETRY_IDEMPOTENT_ONLY = new Set([408, 500, 502, 504]);

/** Told about every attempt's outcome; the adaptive concurrency limiter listens. */
export interface ThrottleListener {
  onThrottled(): void;
  onSuccess(): void;
}

export interface ThrottlingRetryPolicyOptions {
  maxRetries?: number;
  stats?: GraphTrafficStats;
  listener?: ThrottleListener;
  backoff?: BackoffOptions;
  /** For the HTTP-date form of `Retry-After`. */
  now?: () => number;
  /** Waits between attempts; injectable for tests, defaults to an abortable `setTimeout`. */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RetryDecision = { retry: false } | { retry: true; waitInMs: number };

/** The decision for one response, pure: exposed so tests state the policy as a table. */
export function retryDecision(
  input: { status: number; headers: Headers; idempotent: boolean; attempt: number },
  options: Pick<ThrottlingRetryPolicyOptions, 'backoff' | 'now'> = {},
): RetryDecision {
  const retryable = RETRY_ANY_METHOD.has(input.status) || (input.idempotent && RETRY_IDEMPOTENT_ONLY.has(input.status));
  if (!retryable) return { retry: false };
  const serverWait = retryAfterInMs(input.headers, { now: options.now });
  return { retry: true, waitInMs: serverWait ?? exponentialBackoffInMs(input.attempt, options.backoff) };
}

export class ThrottlingRetryPolicy extends Policy {
  private readonly maxRetries: number;
  private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(private readonly options: ThrottlingRetryPolicyOptions = {}) {
    super();
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.wait = options.wait ?? delay;
  }

  async execute(context: Context): Promise<void> {
    const signal = requestSignal(context);
    const idempotent = isIdempotentRequest(context);
    for (let attempt = 1; ; attempt++) {
      let failure: unknown;
      let failed = false;
      context.response = undefined;
      try {
        await this.next.execute(context);
      } catch (error) {
        if (signal?.aborted) throw error;
        failure = error;
        failed = true;
      }
      const response = context.response as Response | undefined;
      let waitInMs: number;
      if (failed || !response) {
        if (!idempotent || attempt > this.maxRetries) throw failure;
        waitInMs = exponentialBackoffInMs(attempt, this.options.backoff);
      } else {
        if (response.status === 429) {
          if (this.options.stats) this.options.stats.throttled++;
          this.options.listener?.onThrottled();
        } else if (response.status === 503) {
          this.options.listener?.onThrottled();
        } else if (response.ok) {
          this.options.listener?.onSuccess();
        }
        const decision = retryDecision(
          { status: response.status, headers: response.headers, idempotent, attempt },
          this.options,
        );
        if (!decision.retry || attempt > this.maxRetries) return;
        waitInMs = decision.waitInMs;
        // Free the connection before waiting; the body of a response we retry is never read.
        await response.body?.cancel().catch(() => undefined);
      }
      if (this.options.stats) this.options.stats.retries++;
      await this.wait(waitInMs, signal);
    }
  }
}
