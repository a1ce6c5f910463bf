/**
 * Adaptive concurrency (AIMD, as TCP congestion control): the number of requests in flight may grow by about one
 * per window of successes (additive increase, +1/limit per success) and halves on a throttle (multiplicative
 * decrease), always between `min` and `max`. Graph's budgets are resource units per 10 s window (contract §1.2), so
 * several 429s from the same burst count as one decrease: after a decrease, further throttles are ignored for
 * `decreaseCooldownInMs`.
 *
 * `ConcurrencyPolicy` puts the limiter in the middleware chain below the retry policy, so each HTTP attempt holds a
 * slot and a retry's wait does not.
 */
import { Context } from '@microsoft/microsoft-graph-client';
import { Policy, requestSignal } from './context';
import { abortReason } from './retry-after';
import type { ThrottleListener } from './throttling-retry-policy';

export interface ConcurrencyLimits {
  min?: number;
  max?: number;
  initial?: number;
  decreaseCooldownInMs?: number;
  now?: () => number;
}

export const DEFAULT_CONCURRENCY = { min: 1, max: 16, initial: 4, decreaseCooldownInMs: 1000 } as const;

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class AdaptiveConcurrencyLimiter implements ThrottleListener {
  readonly min: number;
  readonly max: number;
  private limitValue: number;
  private inFlightCount = 0;
  private readonly waiters: Waiter[] = [];
  private readonly cooldownInMs: number;
  private readonly now: () => number;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;

  constructor(limits: ConcurrencyLimits = {}) {
    this.min = Math.max(1, Math.floor(limits.min ?? DEFAULT_CONCURRENCY.min));
    this.max = Math.max(this.min, Math.floor(limits.max ?? DEFAULT_CONCURRENCY.max));
    this.limitValue = clamp(limits.initial ?? DEFAULT_CONCURRENCY.initial, this.min, this.max);
    this.cooldownInMs = limits.decreaseCooldownInMs ?? DEFAULT_CONCURRENCY.decreaseCooldownInMs;
    this.now = limits.now ?? Date.now;
  }

  /** Requests currently allowed in flight. */
  get limit(): number {
    return Math.floor(this.limitValue);
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  get queued(): number {
    return this.waiters.length;
  }

  onThrottled(): void {
    const now = this.now();
    if (now - this.lastDecreaseAt < this.cooldownInMs) return;
    this.lastDecreaseAt = now;
    this.limitValue = Math.max(this.min, Math.floor(this.limitValue / 2));
  }

  onSuccess(): void {
    this.limitValue = Math.min(this.max, this.limitValue + 1 / Math.floor(this.limitValue));
    this.drain();
  }

  /** Resolves when a slot is free; the caller must `release()` it. Rejects if the signal aborts while queued. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.inFlightCount < this.limit && this.waiters.length === 0) {
      this.inFlightCount++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.inFlightCount = Math.max(0, this.inFlightCount - 1);
    this.drain();
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private drain(): void {
    while (this.waiters.length > 0 && this.inFlightCount < this.limit) {
      const waiter = this.waiters.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.inFlightCount++;
      waiter.resolve();
    }
  }
}

export class ConcurrencyPolicy extends Policy {
  constructor(private readonly limiter: AdaptiveConcurrencyLimiter) {
    super();
  }

  async execute(context: Context): Promise<void> {
    await this.limiter.run(() => this.next.execute(context), requestSignal(context));
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
