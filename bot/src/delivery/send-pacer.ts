/**
 * Paces and retries the bot's outgoing Teams operations (proactive messages and card edits).
 *
 * Teams limits each bot per conversation (thread) to 7 operations per 1 s, 8 per 2 s, 60 per 30 s and 1800 per
 * 3600 s, and each app per tenant to 30 per second; over a limit it answers 429. It asks callers to retry 429 (and
 * 412, 502, 504) with exponential backoff and jitter (msteams-docs: bots/how-to/rate-limit.md).
 *
 * Contract: `run(conversationId, operation)` starts the operation only when every window of that conversation and
 * the tenant-wide window have room, and retries it on those statuses: after `Retry-After` when the answer has one
 * (seconds or an HTTP-date), otherwise after the engine's exponential back-off with jitter (the same functions as the
 * Graph adapter's retry policy), at most `maxAttempts` times in all; then the last error is thrown. Other errors are
 * thrown at once. Operations on one conversation start in the order they came.
 */
import { exponentialBackoffInMs, retryAfterInMs } from '../../../backup-engine/src';

export interface RateWindow {
  limit: number;
  windowMs: number;
}

/** Teams' per-bot, per-conversation limits. */
export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];
/** Teams' per-app, per-tenant limit. */
export const TEAMS_TENANT_WINDOW: RateWindow = { limit: 30, windowMs: 1_000 };

export const RETRIABLE_SEND_STATUSES: ReadonlySet<number> = new Set([412, 429, 502, 504]);

export interface SendPacerOptions {
  conversationWindows?: readonly RateWindow[];
  tenantWindow?: RateWindow;
  /** Attempts in all, first included. Default 6. */
  maxAttempts?: number;
  /** Default 1000 ms. */
  baseDelayMs?: number;
  /** Longest wait honoured from a Retry-After, or computed. Default 60 s. */
  maxDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The HTTP status and Retry-After (in ms) of a failed Bot Connector call, as botbuilder's RestError carries them. */
export function failureOf(error: unknown, now: () => number = Date.now): { status?: number; retryAfterMs?: number } {
  if (!error || typeof error !== 'object') return {};
  const e = error as { statusCode?: unknown; status?: unknown; response?: { status?: unknown; headers?: { get?: (name: string) => string | undefined | null } | Record<string, unknown> } };
  const raw = e.statusCode ?? e.status ?? e.response?.status;
  const status = typeof raw === 'number' ? raw : undefined;
  const headers = e.response?.headers;
  let header: unknown;
  if (headers && typeof (headers as { get?: unknown }).get === 'function') header = (headers as { get: (name: string) => unknown }).get('retry-after');
  else if (headers) header = (headers as Record<string, unknown>)['retry-after'] ?? (headers as Record<string, unknown>)['Retry-After'];
  const retryAfterMs = typeof header === 'string' || typeof header === 'number' ? retryAfterInMs({ 'retry-after': String(header) }, { now }) : undefined;
  return { ...(status !== undefined ? { status } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

class SlidingWindows {
  private readonly starts: number[] = [];
  constructor(private readonly windows: readonly RateWindow[]) {}

  /** Milliseconds until one more operation fits every window (0: now). */
  waitFor(now: number): number {
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    while (this.starts.length && this.starts[0] <= now - longest) this.starts.shift();
    let wait = 0;
    for (const w of this.windows) {
      const inWindow = this.starts.filter((t) => t > now - w.windowMs);
      if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.windowMs - now);
    }
    return wait;
  }

  record(now: number): void {
    this.starts.push(now);
  }
}

export class SendPacer {
  private readonly conversations = new Map<string, { windows: SlidingWindows; queue: Promise<void> }>();
  private readonly tenant: SlidingWindows;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: SendPacerOptions = {}) {
    this.tenant = new SlidingWindows([options.tenantWindow ?? TEAMS_TENANT_WINDOW]);
    this.maxAttempts = options.maxAttempts ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async run<T>(conversationId: string, operation: () => Promise<T>): Promise<T> {
    let lane = this.conversations.get(conversationId);
    if (!lane) {
      lane = { windows: new SlidingWindows(this.options.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS), queue: Promise.resolve() };
      this.conversations.set(conversationId, lane);
    }
    const { windows } = lane;
    // One conversation's operations take their slots in arrival order.
    const slot = lane.queue.then(() => this.takeSlot(windows));
    lane.queue = slot.catch(() => undefined);
    await slot;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        const { status, retryAfterMs } = failureOf(error, this.now);
        if (status === undefined || !RETRIABLE_SEND_STATUSES.has(status) || attempt >= this.maxAttempts) throw error;
        const backoff = retryAfterMs ?? exponentialBackoffInMs(attempt, { baseDelayInMs: this.baseDelayMs, maxDelayInMs: this.maxDelayMs, random: this.random });
        await this.sleep(Math.min(backoff, this.maxDelayMs));
        await this.takeSlot(windows);
      }
    }
  }

  private async takeSlot(windows: SlidingWindows): Promise<void> {
    for (;;) {
      const now = this.now();
      const wait = Math.max(windows.waitFor(now), this.tenant.waitFor(now));
      if (wait <= 0) {
        windows.record(now);
        this.tenant.record(now);
        return;
      }
      await this.sleep(wait);
    }
  }
}
