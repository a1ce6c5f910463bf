/**
 * The simulator's clock: wall time plus an offset that tests move forward. Recycle-bin expiry (30 days) and
 * delta-token expiry (7 days) read this clock; throttling reads real time, because clients really wait.
 */
export class SimClock {
  private offsetInMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetInMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward (got ${ms} ms)`);
    this.offsetInMs += ms;
  }
}

export const DAY_IN_MS = 24 * 60 * 60 * 1000;
