/**
 * A fixed clock and seeded randomness for the preview process, so the cards the real bot sends (times, snapshot and
 * restore ids, the issued password) come out the same on every run and the committed PNGs only change when a card
 * does. Both patch process-wide state (`globalThis.Date`, the `node:crypto` module object) and are for this script
 * only: install them before the simulator and the bot are created, uninstall when done.
 */
import crypto from 'node:crypto';

export interface FixedClock {
  /** Moves the clock to `iso` (never backwards). */
  set(iso: string): void;
  /** Puts the real `Date` back. */
  uninstall(): void;
}

/**
 * Replaces `globalThis.Date` with a subclass whose `now()` and argument-less constructor read a clock that `set`
 * moves, and that moves `msPerReading` forward on each reading (so a duration measured between two readings is
 * `msPerReading` times the readings in between: the same on every run, and not 0). Every other use of `Date` behaves
 * as before, except calling `Date()` without `new`, which throws (a class cannot be called).
 */
export function installFixedClock(startIso: string, options: { msPerReading?: number } = {}): FixedClock {
  const RealDate = globalThis.Date;
  const step = options.msPerReading ?? 0;
  if (!(step >= 0)) throw new RangeError(`msPerReading must be 0 or more (got ${step})`);
  let current = parseIso(RealDate, startIso);
  const read = (): number => {
    const value = current;
    current += step;
    return value;
  };
  class FixedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(read());
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return read();
    }
  }
  globalThis.Date = FixedDate as DateConstructor;
  return {
    set(iso) {
      const next = parseIso(RealDate, iso);
      if (next < current) throw new RangeError(`the clock only moves forward: ${iso} is before ${new RealDate(current).toISOString()}`);
      current = next;
    },
    uninstall() {
      globalThis.Date = RealDate;
    },
  };
}

function parseIso(RealDate: DateConstructor, iso: string): number {
  const ms = RealDate.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${iso}`);
  return ms;
}

type RandomBytes = typeof crypto.randomBytes;
type RandomInt = typeof crypto.randomInt;
type RandomUUID = typeof crypto.randomUUID;

/**
 * Makes the synchronous forms of `crypto.randomBytes`, `randomInt` and `randomUUID` draw from SHA-256 in counter mode
 * over `seed` (callback forms keep the real generator). Modules that `import { randomBytes } from 'node:crypto'` are
 * compiled to property reads on the module object at call time, so they see the patch. Returns the uninstaller.
 */
export function seedRandomness(seed: string): () => void {
  const real = { randomBytes: crypto.randomBytes, randomInt: crypto.randomInt, randomUUID: crypto.randomUUID };
  let counter = 0;
  let pool = Buffer.alloc(0);
  const take = (size: number): Buffer => {
    while (pool.length < size) pool = Buffer.concat([pool, crypto.createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    const out = pool.subarray(0, size);
    pool = pool.subarray(size);
    return Buffer.from(out);
  };

  const randomBytes = ((size: number, callback?: unknown) => {
    if (callback !== undefined) return (real.randomBytes as (size: number, cb: unknown) => void)(size, callback);
    return take(size);
  }) as RandomBytes;

  const randomInt = ((minOrMax: number, maxOrCallback?: unknown, callback?: unknown) => {
    if (typeof maxOrCallback === 'function' || callback !== undefined) return (real.randomInt as (...args: unknown[]) => void)(minOrMax, maxOrCallback, callback);
    const [min, max] = typeof maxOrCallback === 'number' ? [minOrMax, maxOrCallback] : [0, minOrMax];
    const range = max - min;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || range <= 0 || range > 2 ** 48) throw new RangeError(`randomInt: bad range [${min}, ${max})`);
    // Rejection sampling over 48-bit draws keeps the result uniform.
    const limit = 2 ** 48 - (2 ** 48 % range);
    for (;;) {
      const draw = take(6).readUIntBE(0, 6);
      if (draw < limit) return min + (draw % range);
    }
  }) as RandomInt;

  const randomUUID = (() => {
    const bytes = take(16);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }) as RandomUUID;

  Object.assign(crypto, { randomBytes, randomInt, randomUUID });
  return () => {
    Object.assign(crypto, real);
  };
}
