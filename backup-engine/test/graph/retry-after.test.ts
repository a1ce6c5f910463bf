import { MAX_RETRY_AFTER_IN_MS, delay, exponentialBackoffInMs, retryAfterInMs } from '../../src/graph/policies/retry-after';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const now = () => NOW;

describe('retryAfterInMs', () => {
  it.each([
    ['2', 2000],
    ['0', 0],
    ['2.128', 2128],
    ['120', 120_000],
  ])('when Retry-After is %s seconds, then the wait is %i ms', (value, expected) => {
    expect(retryAfterInMs(new Headers({ 'Retry-After': value }), { now })).toBe(expected);
  });

  it('when Retry-After is an HTTP-date 7 s ahead, then the wait is exactly 7000 ms', () => {
    const date = new Date(NOW + 7000).toUTCString();

    expect(retryAfterInMs(new Headers({ 'Retry-After': date }), { now })).toBe(7000);
  });

  it('when Retry-After is an HTTP-date in the past, then the wait is 0', () => {
    const date = new Date(NOW - 60_000).toUTCString();

    expect(retryAfterInMs(new Response(null, { headers: { 'Retry-After': date } }), { now })).toBe(0);
  });

  it('when Retry-After exceeds the cap, then the wait is the cap', () => {
    expect(retryAfterInMs(new Headers({ 'Retry-After': '86400' }))).toBe(MAX_RETRY_AFTER_IN_MS);
    expect(retryAfterInMs(new Headers({ 'Retry-After': '10' }), { maxInMs: 5000 })).toBe(5000);
  });

  it.each([[{}], [{ 'Retry-After': 'soon' }], [{ 'Retry-After': '-1' }], [{ 'Retry-After': '' }]])(
    'when the header is %j, then there is no server wait',
    (headers) => {
      expect(retryAfterInMs(new Headers(headers), { now })).toBeUndefined();
    },
  );

  it('when headers are a plain object with any casing (a $batch item), then Retry-After is found', () => {
    expect(retryAfterInMs({ 'retry-AFTER': '3' })).toBe(3000);
  });
});

describe('exponentialBackoffInMs', () => {
  it('when the random source is 0, then waits are half the doubling ceiling', () => {
    const waits = [1, 2, 3, 4].map((attempt) => exponentialBackoffInMs(attempt, { baseDelayInMs: 1000, random: () => 0 }));

    expect(waits).toEqual([500, 1000, 2000, 4000]);
  });

  it('when the random source is near 1, then waits approach the ceiling and stop at the maximum', () => {
    const waits = [1, 6, 20].map((attempt) => exponentialBackoffInMs(attempt, { baseDelayInMs: 1000, maxDelayInMs: 8000, random: () => 0.999 }));

    expect(waits).toEqual([1000, 7996, 7996]);
  });
});

describe('delay', () => {
  afterEach(() => jest.useRealTimers());

  it('when the signal aborts during the wait, then it rejects with AbortError at once', async () => {
    jest.useFakeTimers();
    const controller = new AbortController();
    const waiting = delay(10_000, controller.signal);

    controller.abort();

    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
  });
});
