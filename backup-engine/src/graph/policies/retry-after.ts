/**
 * How long to wait before a retry: the server's `Retry-After` exactly when it sent one, our own exponential back-off
 * with jitter only when it did not (contract §1.4, T2: "If absent, use exponential backoff"). Pure functions, so
 * the exact values are tested directly (style practice 4).
 */

/** Longest wait we accept from a `Retry-After` before giving up on the request instead. */
export const MAX_RETRY_AFTER_IN_MS = 5 * 60 * 1000;

export interface RetryAfterOptions {
  /** Clock for the HTTP-date form; defaults to `Date.now`. */
  now?: () => number;
  maxInMs?: number;
}

type HeaderSource = Response | Headers | Record<string, string | undefined>;

/**
 * The `Retry-After` of a response in milliseconds, or `undefined` when absent or unparseable. Accepts delta-seconds,
 * including Graph's fractional form (`2.128`, contract §1.4), and an HTTP-date (RFC 9110 §10.2.3); a date in the
 * past waits 0; the result is capped at `maxInMs`.
 */
export function retryAfterInMs(source: HeaderSource, options: RetryAfterOptions = {}): number | undefined {
  const raw = readHeader(source, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  const cap = options.maxInMs ?? MAX_RETRY_AFTER_IN_MS;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    return Math.min(cap, Math.round(Number(raw) * 1000));
  }
  const date = Date.parse(raw);
  if (Number.isNaN(date) || !/[a-z]/i.test(raw)) return undefined;
  const now = (options.now ?? Date.now)();
  return Math.min(cap, Math.max(0, date - now));
}

export interface BackoffOptions {
  /** First retry's ceiling. */
  baseDelayInMs?: number;
  maxDelayInMs?: number;
  /** Uniform in [0, 1); injected so tests assert exact values. */
  random?: () => number;
}

export const DEFAULT_BACKOFF = { baseDelayInMs: 1000, maxDelayInMs: 32_000 } as const;

/**
 * Our own back-off for retry number `attempt` (1-based): the ceiling doubles per attempt up to `maxDelayInMs`, and
 * the wait is drawn from the upper half of it ("equal jitter"), so retries spread out but never collapse to 0.
 */
export function exponentialBackoffInMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseDelayInMs ?? DEFAULT_BACKOFF.baseDelayInMs;
  const max = options.maxDelayInMs ?? DEFAULT_BACKOFF.maxDelayInMs;
  const random = options.random ?? Math.random;
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Waits `ms`, or rejects with the signal's reason (an `AbortError`) as soon as it aborts. */
export function delay(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function readHeader(source: HeaderSource, name: string): string | undefined {
  if (source instanceof Response) return source.headers.get(name) ?? undefined;
  if (source instanceof Headers) return source.get(name) ?? undefined;
  for (const [key, value] of Object.entries(source)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}
