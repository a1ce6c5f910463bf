import { Admission, ApplicationLedger, ThrottleGovernor, tenantSize } from '../src/throttling/budget';

const TENANT = 'tenant-1';
const APP = 'app-1';
const SMALL = 10;
const MEDIUM = 200;
const LARGE = 1000;

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let nowInMs = 0;
  return { now: () => nowInMs, advance: (ms) => { nowInMs += ms; } };
}

function buildGovernor(overrides: { tenantId?: string; applicationLedger?: ApplicationLedger; now?: () => number } = {}) {
  const clock = fakeClock();
  const governor = new ThrottleGovernor({ now: overrides.now ?? clock.now, tenantId: overrides.tenantId ?? TENANT, applicationLedger: overrides.applicationLedger });
  return { governor, clock };
}

function read(resourceUnits: number, userCount = SMALL, appId = APP) {
  return { appId, resourceUnits, writes: 0, userCount };
}

function write(writes: number, userCount = LARGE, appId = APP) {
  return { appId, resourceUnits: 1, writes, userCount };
}

/** Admits `times` requests and returns how many were admitted. */
function admitMany(governor: ThrottleGovernor, request: Parameters<ThrottleGovernor['admit']>[0], times: number): number {
  let admitted = 0;
  for (let i = 0; i < times; i++) admitted += governor.admit(request).admitted ? 1 : 0;
  return admitted;
}

function throttled(admission: Admission): Extract<Admission, { admitted: false }> {
  expect(admission.admitted).toBe(false);
  return admission as Extract<Admission, { admitted: false }>;
}

describe('tenant size (contract §1.2)', () => {
  it.each([
    [0, 'S'],
    [49, 'S'],
    [50, 'M'],
    [500, 'M'],
    [501, 'L'],
  ])('When the tenant has %i users, then it is size %s', (users, size) => {
    expect(tenantSize(users)).toBe(size);
  });
});

describe('app + tenant resource-unit budget (contract §1.2)', () => {
  it.each([
    ['S', 49, 3_500],
    ['M', 50, 5_000],
    ['M', 500, 5_000],
    ['L', 501, 8_000],
  ])('When a size %s tenant (%i users) spends its budget, then exactly %i RU are admitted per 10 s', (_size, users, budget) => {
    const { governor } = buildGovernor();

    const admitted = admitMany(governor, read(100, users), budget / 100);
    const next = throttled(governor.admit(read(1, users)));

    expect(admitted).toBe(budget / 100);
    expect(next).toEqual({
      admitted: false,
      retryAfterInSeconds: 10,
      scope: `Tenant_Application/ReadWrite/${APP}/${TENANT}`,
      information: 'ResourceUnitLimitExceeded',
      limitPercentage: 1,
    });
  });

  it('When another app uses the same tenant, then it has a budget of its own', () => {
    const { governor } = buildGovernor();
    admitMany(governor, read(3_500), 1);

    expect(governor.admit(read(3_500, SMALL, 'app-2'))).toEqual({ admitted: true, limitPercentage: 1 });
  });
});

describe('sliding windows on the injected clock', () => {
  it('When a charge is 10 s old, then it no longer counts, and one ms earlier it still does', () => {
    const { governor, clock } = buildGovernor();
    governor.admit(read(3_500));

    clock.advance(9_999);
    const early = throttled(governor.admit(read(1)));
    clock.advance(1);
    const onTime = governor.admit(read(3_499));

    expect(early.retryAfterInSeconds).toBe(1);
    expect(onTime).toEqual({ admitted: true, limitPercentage: 1 });
  });

  it('When charges were made at different times, then only the expired ones free room', () => {
    const { governor, clock } = buildGovernor();
    governor.admit(read(2_000));
    clock.advance(5_000);
    governor.admit(read(1_500));
    clock.advance(5_000);

    const fits = governor.admit(read(2_000));
    const next = throttled(governor.admit(read(1)));

    expect(fits).toEqual({ admitted: true, limitPercentage: 1 });
    expect(next.retryAfterInSeconds).toBe(5);
  });

  it('When a throttled request is retried at once, then it is charged anyway and pushes the budget down', () => {
    const { governor, clock } = buildGovernor();
    governor.admit(read(3_500));
    clock.advance(5_000);
    throttled(governor.admit(read(1)));
    clock.advance(5_000);

    const full = throttled(governor.admit(read(3_500)));

    // The 1 RU attempt at t=5 s still counts, and this attempt's own 3,500 RU count until t=20 s.
    expect(full.retryAfterInSeconds).toBe(10);
  });
});

describe('Retry-After (contract §1.4)', () => {
  it('When a client waits exactly Retry-After and retries, then the retry is admitted', () => {
    const { governor, clock } = buildGovernor();
    governor.admit(read(1));
    clock.advance(1_000);
    governor.admit(read(3_499));
    clock.advance(1_000);

    const first = throttled(governor.admit(read(1)));
    clock.advance(first.retryAfterInSeconds * 1_000);
    const retry = governor.admit(read(1));

    // Counted before its own charge the wait would be 8 s (the 1 RU from t=0 expiring), and the retry at
    // t=10 s would meet 3,499 + 1 (the throttled attempt) + 1 > 3,500 and fail again.
    expect(first.retryAfterInSeconds).toBe(9);
    expect(retry).toEqual({ admitted: true });
  });

  it('When a client retries one second before Retry-After, then it is throttled again', () => {
    const { governor, clock } = buildGovernor();
    governor.admit(read(3_500));
    clock.advance(3_000);

    const first = throttled(governor.admit(read(1)));
    clock.advance(first.retryAfterInSeconds * 1_000 - 1_000);
    const early = throttled(governor.admit(read(1)));

    expect(first.retryAfterInSeconds).toBe(7);
    expect(early.retryAfterInSeconds).toBe(1);
  });

  it('When the wait is a fraction of a second, then Retry-After rounds up to whole seconds', () => {
    const { governor, clock } = buildGovernor();
    governor.admit(read(3_500));
    clock.advance(8_750);

    expect(throttled(governor.admit(read(1))).retryAfterInSeconds).toBe(2);
  });
});

describe('write quota (contract §1.2)', () => {
  it('When an app makes 3,000 writes in a tenant, then the next write is throttled on the write scope for 150 s', () => {
    const { governor } = buildGovernor();
    const admitted = admitMany(governor, write(1), 3_000);

    const next = throttled(governor.admit(write(1)));

    expect(admitted).toBe(3_000);
    expect(next).toEqual({
      admitted: false,
      retryAfterInSeconds: 150,
      scope: `Tenant_Application/Write/${APP}/${TENANT}`,
      information: 'WriteLimitExceeded',
      limitPercentage: 1,
    });
  });

  it('When the write quota is used up, then reads still pass on the resource-unit budget', () => {
    const { governor } = buildGovernor();
    admitMany(governor, write(1_000), 4);

    expect(governor.admit(read(1, LARGE))).toEqual({ admitted: true });
  });

  it('When the resource-unit budget is used up, then the write quota is not what throttles', () => {
    const { governor } = buildGovernor();
    governor.admit(read(8_000, LARGE));

    expect(throttled(governor.admit(write(1))).information).toBe('ResourceUnitLimitExceeded');
  });

  it('When six apps together make 18,000 writes in a tenant, then a seventh app is throttled on the tenant scope', () => {
    const { governor } = buildGovernor();
    const apps = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const admitted = apps.map((appId) => admitMany(governor, write(1_000, LARGE, appId), 3));

    const seventh = throttled(governor.admit(write(1, LARGE, 'a7')));

    expect(admitted).toEqual([3, 3, 3, 3, 3, 3]);
    expect(seventh).toEqual({
      admitted: false,
      retryAfterInSeconds: 300,
      scope: `Tenant/Write/a7/${TENANT}`,
      information: 'WriteLimitExceeded',
      limitPercentage: 1,
    });
  });
});

describe('application scopes across tenants (contract §1.2)', () => {
  it('When one app spends 150,000 RU in 20 s over many tenants, then it is throttled in the next tenant', () => {
    const clock = fakeClock();
    const applicationLedger = new ApplicationLedger();
    const tenants = Array.from({ length: 19 }, (_, i) => new ThrottleGovernor({ now: clock.now, tenantId: `t${i + 1}`, applicationLedger }));
    const spent = tenants.slice(0, 18).map((governor) => admitMany(governor, read(1_000, LARGE), 8));
    const lastAdmitted = admitMany(tenants[18], read(1_000, LARGE), 6);

    const next = throttled(tenants[18].admit(read(1_000, LARGE)));
    const otherApp = tenants[18].admit(read(1_000, LARGE, 'app-2'));

    expect(spent).toEqual(Array(18).fill(8));
    expect(lastAdmitted).toBe(6);
    expect(next).toEqual({
      admitted: false,
      retryAfterInSeconds: 20,
      scope: `Application/ReadWrite/${APP}/t19`,
      information: 'ResourceUnitLimitExceeded',
      limitPercentage: 1.01,
    });
    expect(otherApp).toEqual({ admitted: true });
  });

  it('When tenants share the ledger, then writes in every tenant count against the app-wide write quota', () => {
    const clock = fakeClock();
    const applicationLedger = new ApplicationLedger();
    const tenants = Array.from({ length: 12 }, (_, i) => new ThrottleGovernor({ now: clock.now, tenantId: `t${i + 1}`, applicationLedger }));
    const spent = tenants.slice(0, 11).map((governor) => admitMany(governor, write(1_000), 3));
    clock.advance(100_000);
    const lastAdmitted = admitMany(tenants[11], write(1_000), 2);

    const next = throttled(tenants[11].admit(write(1_000)));

    expect(spent).toEqual(Array(11).fill(3));
    expect(lastAdmitted).toBe(2);
    expect(next).toEqual({
      admitted: false,
      retryAfterInSeconds: 200,
      scope: `Application/Write/${APP}/t12`,
      information: 'WriteLimitExceeded',
      limitPercentage: 1.03,
    });
  });

  it('When governors do not share a ledger, then each tenant has its own app-wide budget', () => {
    const clock = fakeClock();
    const tenants = Array.from({ length: 19 }, (_, i) => new ThrottleGovernor({ now: clock.now, tenantId: `t${i + 1}` }));

    const spent = tenants.map((governor) => admitMany(governor, read(1_000, LARGE), 8));

    expect(spent).toEqual(Array(19).fill(8));
  });
});

describe('x-ms-throttle-limit-percentage (contract §1.4)', () => {
  it('When usage is at 80 % of the limit, then no percentage is returned', () => {
    const { governor } = buildGovernor();

    expect(governor.admit(read(4_000, MEDIUM))).toEqual({ admitted: true });
  });

  it('When usage passes 80 % of the limit, then the fraction is returned to two decimals', () => {
    const { governor } = buildGovernor();
    governor.admit(read(4_000, MEDIUM));

    expect(governor.admit(read(50, MEDIUM))).toEqual({ admitted: true, limitPercentage: 0.81 });
    expect(governor.admit(read(450, MEDIUM))).toEqual({ admitted: true, limitPercentage: 0.9 });
  });

  it('When a request is throttled, then the percentage includes its charge and stops at 1.8', () => {
    const { governor } = buildGovernor();
    governor.admit(read(5_000, MEDIUM));

    const once = throttled(governor.admit(read(1_000, MEDIUM)));
    admitMany(governor, read(5_000, MEDIUM), 1);
    const capped = throttled(governor.admit(read(1_000, MEDIUM)));

    expect(once.limitPercentage).toBe(1.2);
    expect(capped.limitPercentage).toBe(1.8);
  });

  it('When the write quota is above 80 % but resource units are not, then writes report it and reads do not', () => {
    const { governor } = buildGovernor();
    admitMany(governor, write(500), 5);

    expect(governor.admit(write(1))).toEqual({ admitted: true, limitPercentage: 0.83 });
    expect(governor.admit(read(1, LARGE))).toEqual({ admitted: true });
  });
});

describe('input checks', () => {
  it.each([
    ['resourceUnits', { resourceUnits: Number.NaN }, 'ThrottleGovernor.admit: resourceUnits must be a non-negative integer, got NaN'],
    ['resourceUnits', { resourceUnits: -1 }, 'ThrottleGovernor.admit: resourceUnits must be a non-negative integer, got -1'],
    ['resourceUnits', { resourceUnits: 1.5 }, 'ThrottleGovernor.admit: resourceUnits must be a non-negative integer, got 1.5'],
    ['resourceUnits', { resourceUnits: Number.POSITIVE_INFINITY }, 'ThrottleGovernor.admit: resourceUnits must be a non-negative integer, got Infinity'],
    ['writes', { writes: -2 }, 'ThrottleGovernor.admit: writes must be a non-negative integer, got -2'],
    ['userCount', { userCount: Number.NaN }, 'ThrottleGovernor.admit: userCount must be a non-negative integer, got NaN'],
    ['appId', { appId: '' }, 'ThrottleGovernor.admit: appId must be a non-empty string'],
  ])('When %s is invalid, then admit throws a RangeError that says so', (_field, override, message) => {
    const { governor } = buildGovernor();

    expect(() => governor.admit({ ...read(1), ...override })).toThrow(new RangeError(message));
  });

  it('When a request costs more than a whole budget, then admit throws instead of promising a retry', () => {
    const { governor } = buildGovernor();

    expect(() => governor.admit(read(3_501))).toThrow(
      `ThrottleGovernor.admit: a request charging 3501 to Tenant_Application/ReadWrite/${APP}/${TENANT} can never fit its limit of 3500`,
    );
  });

  it('When an invalid request is rejected, then nothing is charged', () => {
    const { governor } = buildGovernor();
    expect(() => governor.admit(read(-5))).toThrow(RangeError);

    expect(governor.admit(read(3_500))).toEqual({ admitted: true, limitPercentage: 1 });
  });

  it('When the tenant id is empty, then the constructor throws', () => {
    expect(() => new ThrottleGovernor({ now: () => 0, tenantId: '' })).toThrow('ThrottleGovernor: tenantId must be a non-empty string');
  });

  it('When the clock returns NaN, then admit throws', () => {
    const { governor } = buildGovernor({ now: () => Number.NaN });

    expect(() => governor.admit(read(1))).toThrow('ThrottleGovernor: now() must return a finite number of milliseconds, got NaN');
  });
});
