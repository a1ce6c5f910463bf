/**
 * Paces writes to Graph's write quota (graph-contract §1.2: 3,000 writes per 150 s per app and tenant) instead of
 * running into 429s. The Graph writer holds one and every write request it sends (and every write item of a
 * `$batch`, on every attempt) takes from it first (graph-http.ts), so no restore, undo or break-glass run can write
 * unpaced. The quota is a sliding window, so the pacer is one too: it remembers when each write was sent
 * and lets a write go only while fewer than `writesPerWindow` were sent in the last `windowMs`. The default keeps
 * 5 % of the quota free for the app's other work (and the service's own accounting). A write is granted a little
 * before Graph counts it (it may wait for a connection slot or a token), so the pacer counts each write for
 * `marginMs` longer than the window (default 1 s): it never frees room before Graph does. The clock and the sleep
 * are injectable for tests and benchmarks.
 */
export interface WriteQuota {
  writesPerWindow: number;
  windowMs: number;
}

export interface WritePacerOptions {
  writesPerWindow?: number;
  windowMs?: number;
  /** How much longer than the window a granted write is counted (default 1,000 ms). */
  marginMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const GRAPH_WRITE_QUOTA = { writes: 3000, windowMs: 150_000 } as const;

export class WritePacer {
  readonly writesPerWindow: number;
  readonly windowMs: number;
  readonly marginMs: number;
  /** Send times of the writes still inside the window, oldest first (one entry per write). */
  private sent: number[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  waitedMs = 0;

  constructor(options: WritePacerOptions = {}) {
    this.writesPerWindow = options.writesPerWindow ?? Math.floor(GRAPH_WRITE_QUOTA.writes * 0.95);
    this.windowMs = options.windowMs ?? GRAPH_WRITE_QUOTA.windowMs;
    this.marginMs = options.marginMs ?? 1000;
    if (!(this.writesPerWindow >= 1) || !(this.windowMs > 0)) throw new RangeError('the write quota needs positive writes and window');
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Resolves when `count` more writes fit in the window; calls are served in order. */
  take(count: number): Promise<void> {
    const turn = this.queue.then(() => this.acquire(count));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * A request that carries `count` writes (a `$batch` of them) is sent all at once, so all of them are granted at
   * the same instant: the pacer waits until the whole count fits, then records it. Only a count larger than the
   * whole window (a quota lowered below one batch) is granted in window-sized portions.
   */
  private async acquire(count: number): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      const now = this.now();
      while (this.sent.length && this.sent[0] <= now - this.windowMs - this.marginMs) this.sent.shift();
      const portion = Math.min(remaining, this.writesPerWindow);
      const room = this.writesPerWindow - this.sent.length;
      if (room >= portion) {
        for (let i = 0; i < portion; i++) this.sent.push(now);
        remaining -= portion;
        continue;
      }
      // Wait until enough of the oldest writes have left the window for the whole portion to fit.
      const waitMs = this.sent[portion - room - 1] + this.windowMs + this.marginMs - now;
      this.waitedMs += waitMs;
      await this.sleep(waitMs);
    }
  }
}
