import { IdempotentRequestOption } from '../../src/graph/policies/context';
import { ThrottlingRetryPolicy, retryDecision } from '../../src/graph/policies/throttling-retry-policy';
import { GraphTrafficStats } from '../../src/graph/traffic-stats';
import { ScriptStep, ScriptedNext, graphContext } from './policy-harness';

const THROTTLED = (retryAfter?: string): ScriptStep => ({ status: 429, headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } });
const OK: ScriptStep = { status: 200, body: { value: [] } };

function setup(steps: ScriptStep[], options: { maxRetries?: number; random?: () => number } = {}) {
  const stats = new GraphTrafficStats();
  const listener = { onThrottled: jest.fn(), onSuccess: jest.fn() };
  const policy = new ThrottlingRetryPolicy({ maxRetries: options.maxRetries, stats, listener, backoff: { baseDelayInMs: 1000, random: options.random ?? (() => 0) } });
  const next = new ScriptedNext(steps);
  policy.setNext(next);
  return { policy, next, stats, listener };
}

beforeEach(() => {
  jest.useFakeTimers();
  jest.setSystemTime(new Date('2026-03-01T12:00:00Z'));
});
afterEach(() => jest.useRealTimers());

describe('ThrottlingRetryPolicy', () => {
  it('when a GET is answered 429 with Retry-After: 2, then it retries after exactly 2000 ms', async () => {
    const { policy, next, stats, listener } = setup([THROTTLED('2'), OK]);
    const context = graphContext('GET');

    const done = policy.execute(context);
    await jest.advanceTimersByTimeAsync(1999);
    const callsBeforeTheWaitEnds = next.calls;
    await jest.advanceTimersByTimeAsync(1);
    await done;

    expect(callsBeforeTheWaitEnds).toBe(1);
    expect(next.calls).toBe(2);
    expect(context.response?.status).toBe(200);
    expect(stats).toMatchObject({ throttled: 1, retries: 1 });
    expect(listener.onThrottled).toHaveBeenCalledTimes(1);
    expect(listener.onSuccess).toHaveBeenCalledTimes(1);
  });

  it('when Retry-After is fractional (2.128 s), then the wait is 2128 ms', async () => {
    const { policy, next } = setup([THROTTLED('2.128'), OK]);

    const done = policy.execute(graphContext('GET'));
    await jest.advanceTimersByTimeAsync(2127);
    const before = next.calls;
    await jest.advanceTimersByTimeAsync(1);
    await done;

    expect([before, next.calls]).toEqual([1, 2]);
  });

  it('when Retry-After is an HTTP-date 3 s ahead, then it retries after exactly 3000 ms', async () => {
    const { policy, next } = setup([THROTTLED(new Date(Date.now() + 3000).toUTCString()), OK]);

    const done = policy.execute(graphContext('GET'));
    await jest.advanceTimersByTimeAsync(2999);
    const before = next.calls;
    await jest.advanceTimersByTimeAsync(1);
    await done;

    expect([before, next.calls]).toEqual([1, 2]);
  });

  it('when a 503 has no Retry-After, then it waits our own back-off (500 ms for the first retry with random 0)', async () => {
    const { policy, next } = setup([{ status: 503 }, OK]);

    const done = policy.execute(graphContext('GET'));
    await jest.advanceTimersByTimeAsync(499);
    const before = next.calls;
    await jest.advanceTimersByTimeAsync(1);
    await done;

    expect([before, next.calls]).toEqual([1, 2]);
  });

  it('when every attempt is throttled, then it stops after maxRetries and hands back the last 429', async () => {
    const { policy, next, stats } = setup([THROTTLED('1')], { maxRetries: 2 });
    const context = graphContext('GET');

    const done = policy.execute(context);
    await jest.advanceTimersByTimeAsync(10_000);
    await done;

    expect(next.calls).toBe(3);
    expect(context.response?.status).toBe(429);
    expect(stats).toMatchObject({ throttled: 3, retries: 2 });
  });

  it('when the request is aborted during the wait, then it rejects with AbortError and sends nothing more', async () => {
    const { policy, next } = setup([THROTTLED('30'), OK]);
    const controller = new AbortController();

    const outcome = policy.execute(graphContext('GET', undefined, { signal: controller.signal })).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1000);
    controller.abort();
    const error = await outcome;
    await jest.advanceTimersByTimeAsync(60_000);

    expect(error).toMatchObject({ name: 'AbortError' });
    expect(next.calls).toBe(1);
  });

  it('when a POST is answered 504, then it is not retried (the write may have happened)', async () => {
    const { policy, next } = setup([{ status: 504 }, OK]);
    const context = graphContext('POST', 'https://graph.microsoft.com/v1.0/groups', { body: '{}' });

    await policy.execute(context);

    expect(next.calls).toBe(1);
    expect(context.response?.status).toBe(504);
  });

  it('when a POST marked idempotent is answered 504, then it is retried', async () => {
    const { policy, next } = setup([{ status: 504 }, OK]);
    const context = graphContext('POST', 'https://graph.microsoft.com/v1.0/$batch', { middlewareOptions: [new IdempotentRequestOption()] });

    const done = policy.execute(context);
    await jest.advanceTimersByTimeAsync(500);
    await done;

    expect(next.calls).toBe(2);
    expect(context.response?.status).toBe(200);
  });

  it('when a POST is answered 429, then it is retried after Retry-After (nothing was done)', async () => {
    const { policy, next } = setup([THROTTLED('1'), { status: 201 }]);
    const context = graphContext('POST', 'https://graph.microsoft.com/v1.0/groups', { body: '{}' });

    const done = policy.execute(context);
    await jest.advanceTimersByTimeAsync(1000);
    await done;

    expect(next.calls).toBe(2);
    expect(context.response?.status).toBe(201);
  });

  it('when a GET loses its connection, then it is retried; a POST rethrows the network error', async () => {
    const get = setup([{ networkError: 'socket hang up' }, OK]);
    const post = setup([{ networkError: 'socket hang up' }, OK]);

    const done = get.policy.execute(graphContext('GET'));
    await jest.advanceTimersByTimeAsync(500);
    await done;
    const postError = await post.policy.execute(graphContext('POST')).catch((e: unknown) => e);

    expect(get.next.calls).toBe(2);
    expect(post.next.calls).toBe(1);
    expect(postError).toBeInstanceOf(TypeError);
  });

  it('when a response is a permanent 4xx, then it is handed back at once', async () => {
    const { policy, next } = setup([{ status: 404 }]);

    await policy.execute(graphContext('GET'));

    expect(next.calls).toBe(1);
  });
});

describe('retryDecision', () => {
  it.each([
    [429, false, true],
    [503, false, true],
    [504, false, false],
    [504, true, true],
    [500, true, true],
    [408, true, true],
    [400, true, false],
    [404, true, false],
    [501, true, false],
  ])('when the status is %i and idempotent is %s, then retry is %s', (status, idempotent, retry) => {
    expect(retryDecision({ status, headers: new Headers(), idempotent, attempt: 1 }).retry).toBe(retry);
  });
});
