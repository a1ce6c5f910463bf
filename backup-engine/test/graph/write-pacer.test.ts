/**
 * The write pacer the Graph writer holds: a request's writes (a whole `$batch`) are granted together, only once all
 * of them fit in the window, and each write counts for the window plus a margin (Graph counts it a little after it
 * is granted).
 */
import { WritePacer } from '../../src/graph/policies/write-pacer';

function pacerAt(options: { writesPerWindow: number; windowMs: number; marginMs: number }) {
  let now = 0;
  const sleeps: number[] = [];
  const pacer = new WritePacer({ ...options, now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; } });
  return { pacer, sleeps, now: () => now };
}

describe('when four batches of 20 writes ask at once and 28 fit in a window', () => {
  it('then each batch goes only when all its 20 fit, never part-granted', async () => {
    const { pacer, sleeps } = pacerAt({ writesPerWindow: 28, windowMs: 3000, marginMs: 500 });
    await Promise.all([pacer.take(20), pacer.take(20), pacer.take(20), pacer.take(20)]);
    // 20 at 0; the next 20 need the first 20 gone (3,500 ms); and so on: one batch per window.
    expect(sleeps).toEqual([3500, 3500, 3500]);
  });
});

describe('when a single request carries more writes than the whole window', () => {
  it('then it is granted in window-sized portions', async () => {
    const { pacer, sleeps } = pacerAt({ writesPerWindow: 10, windowMs: 1000, marginMs: 0 });
    await pacer.take(25);
    expect(sleeps).toEqual([1000, 1000]);
  });
});

describe('when writes would exceed the write quota', () => {
  it('then the pacer lets a full window through at once, then waits exactly until the oldest writes leave the window', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const pacer = new WritePacer({ writesPerWindow: 3000, windowMs: 150_000, marginMs: 0, now: () => now, sleep: async (ms: number) => { sleeps.push(ms); now += ms; } });
    await pacer.take(2000);
    now = 10_000;
    await pacer.take(1000);
    expect(sleeps).toEqual([]);
    await pacer.take(1500);
    expect(sleeps).toEqual([140_000]);
    expect(now).toBe(150_000);
    await pacer.take(600);
    expect(sleeps).toEqual([140_000, 10_000]);
    expect(pacer.waitedMs).toBe(150_000);
    expect(new WritePacer().writesPerWindow).toBe(2850);
    expect(() => new WritePacer({ writesPerWindow: 0 })).toThrow(/positive/);
  });
});
