/**
 * Paces writes to Graph's write quota (graph-contract §1.2: 3,000 writes per 150 s per app and tenant) instead of
 * running into 429s: a token bucket that holds at most `burst` writes and refills at quota ÷ window. `take(n)`
 * waits until n tokens are available. The clock and the sleep are injectable for tests and benchmarks.
 */
export interface WritePacerOptions {
  writesPerWindow?: number;
  windowMs?: number;
  burst?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class WritePacer {
  readonly ratePerMs: number;
  readonly burst: number;
  private tokens: number;
  private last: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private queue: Promise<void> = Promise.resolve();
  waitedMs = 0;

  constructor(options: WritePacerOptions = {}) {
    const writes = options.writesPerWindow ?? 3000;
    const windowMs = options.windowMs ?? 150_000;
    if (!(writes > 0) || !(windowMs > 0)) throw new RangeError('the write quota needs positive writes and window');
    this.ratePerMs = writes / windowMs;
    this.burst = Math.max(1, options.burst ?? Math.min(writes, 200));
    this.tokens = this.burst;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.last = this.now();
  }

  take(count: number): Promise<void> {
    const turn = this.queue.then(() => this.acquire(count));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async acquire(count: number): Promise<void> {
    let remaining = count;
    while (remaining > 0) {
      this.refill();
      const portion = Math.min(remaining, this.burst);
      if (this.tokens >= portion) {
        this.tokens -= portion;
        remaining -= portion;
        continue;
      }
      const waitMs = Math.ceil((portion - this.tokens) / this.ratePerMs);
      this.waitedMs += waitMs;
      await this.sleep(waitMs);
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.ratePerMs);
    this.last = now;
  }
}
