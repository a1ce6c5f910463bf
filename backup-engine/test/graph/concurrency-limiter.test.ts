import { AdaptiveConcurrencyLimiter } from '../../src/graph/policies/concurrency-limiter';

describe('AdaptiveConcurrencyLimiter', () => {
  it('when throttled, then the limit halves, at most once per cooldown, never below min', () => {
    let now = 0;
    const limiter = new AdaptiveConcurrencyLimiter({ min: 2, max: 32, initial: 16, decreaseCooldownInMs: 1000, now: () => now });

    limiter.onThrottled();
    limiter.onThrottled();
    const afterOneBurst = limiter.limit;
    now += 1000;
    limiter.onThrottled();
    now += 1000;
    limiter.onThrottled();
    now += 1000;
    limiter.onThrottled();

    expect(afterOneBurst).toBe(8);
    expect(limiter.limit).toBe(2);
  });

  it('when requests succeed, then the limit grows by about one per window of successes, up to max', () => {
    const limiter = new AdaptiveConcurrencyLimiter({ min: 1, max: 6, initial: 4 });

    for (let i = 0; i < 4; i++) limiter.onSuccess();
    const afterOneWindow = limiter.limit;
    for (let i = 0; i < 100; i++) limiter.onSuccess();

    expect(afterOneWindow).toBe(5);
    expect(limiter.limit).toBe(6);
  });

  it('when more tasks than the limit run, then the extra ones wait for a free slot', async () => {
    const limiter = new AdaptiveConcurrencyLimiter({ min: 1, max: 2, initial: 2 });
    let running = 0;
    let peak = 0;
    const task = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    };

    await Promise.all(Array.from({ length: 6 }, () => limiter.run(task)));

    expect(peak).toBe(2);
    expect(limiter.inFlight).toBe(0);
  });

  it('when a queued acquire is aborted, then it rejects and leaves the queue', async () => {
    const limiter = new AdaptiveConcurrencyLimiter({ min: 1, max: 1, initial: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const queued = limiter.acquire(controller.signal);

    controller.abort();

    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(limiter.queued).toBe(0);
  });
});
