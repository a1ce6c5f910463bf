/** Teams' rate limits for the bot's own sends: windows per conversation and per tenant, 429 retries honouring Retry-After. */
import { RestError } from '@azure/core-rest-pipeline';
import { SendPacer, failureOf } from '../../src/delivery/send-pacer';

/** A fake clock: `sleep` advances it, and records each wait. */
function fakeClock() {
  let now = 0;
  const waits: number[] = [];
  return { now: () => now, sleep: async (ms: number) => { waits.push(ms); now += ms; }, waits, advance: (ms: number) => (now += ms) };
}

function teamsError(status: number, retryAfter?: string): Error {
  const headers = new Map<string, string>(retryAfter ? [['retry-after', retryAfter]] : []);
  return Object.assign(new Error(`Teams answered ${status}`), { statusCode: status, response: { status, headers: { get: (n: string) => headers.get(n.toLowerCase()) } } });
}

describe('when more sends go to one conversation than Teams allows', () => {
  it('then the 8th send in a second waits for the 1-second window, and the 9th for the 2-second window', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, sleep: clock.sleep, random: () => 0 });
    const startedAt: number[] = [];
    for (let i = 0; i < 9; i++) await pacer.run('chat-1', async () => void startedAt.push(clock.now()));
    expect(startedAt.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(startedAt[7]).toBe(1000);
    expect(startedAt[8]).toBe(2000);
  });

  it('then other conversations are not held up, but the tenant-wide 30 per second is', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, sleep: clock.sleep });
    const startedAt: number[] = [];
    for (let i = 0; i < 31; i++) await pacer.run(`chat-${i}`, async () => void startedAt.push(clock.now()));
    expect(startedAt.slice(0, 30).every((t) => t === 0)).toBe(true);
    expect(startedAt[30]).toBe(1000);
  });

  it('then sends to one conversation start in the order they were made, even when made at once', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, sleep: clock.sleep });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => pacer.run('chat-1', async () => void order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('when Teams answers 429 or another retriable status', () => {
  it('then the send is retried after Retry-After when given, else with the engine\'s exponential back-off', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, sleep: clock.sleep, random: () => 0, baseDelayMs: 1000 });
    const failures = [teamsError(429, '3'), teamsError(502), teamsError(412)];
    let calls = 0;
    const result = await pacer.run('chat-1', async () => {
      calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'sent';
    });
    expect(result).toBe('sent');
    expect(calls).toBe(4);
    // Retry-After 3 s, then equal-jitter back-off with random 0: half of 2 s, half of 4 s.
    expect(clock.waits).toEqual([3000, 1000, 2000]);
  });

  it('then it gives up after maxAttempts with the last error, and never retries a 400 or 403', async () => {
    const clock = fakeClock();
    const pacer = new SendPacer({ now: clock.now, sleep: clock.sleep, maxAttempts: 3 });
    let calls = 0;
    await expect(pacer.run('chat-1', async () => { calls++; throw teamsError(429); })).rejects.toThrow(/429/);
    expect(calls).toBe(3);
    calls = 0;
    await expect(pacer.run('chat-1', async () => { calls++; throw teamsError(403); })).rejects.toThrow(/403/);
    expect(calls).toBe(1);
  });

  it("then the status and Retry-After are read from botbuilder's RestError as well", () => {
    const rest = new RestError('Too Many Requests', { statusCode: 429 });
    expect(failureOf(rest).status).toBe(429);
    expect(failureOf(teamsError(429, '1.5'))).toEqual({ status: 429, retryAfterMs: 1500 });
    expect(failureOf(teamsError(503, 'Wed, 25 Nov 2026 10:00:05 GMT'), () => Date.parse('2026-11-25T10:00:00Z'))).toEqual({ status: 503, retryAfterMs: 5000 });
    expect(failureOf('nonsense')).toEqual({});
  });
});
