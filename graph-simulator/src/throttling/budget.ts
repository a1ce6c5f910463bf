/**
 * Graph's identity & access throttling for one tenant (contract §1.1, §1.2, §1.4).
 *
 * Algorithm: each scope of contract §1.2 is a sliding window over a log of (time, amount) charges; its usage is
 * the sum of the charges younger than the window. A request is admitted when every scope it charges (amount > 0)
 * still has room for it: usage + amount ≤ limit. Admitted or not, the request is then charged to every scope,
 * because Graph "continues to log resource usage while a client is being throttled" (contract §1.4 [T2]).
 * Retry-After is computed after that charge: the time until enough charges leave their windows for every scope to
 * have room for the same request again. A client that waits exactly that long and retries the same request, with
 * no other traffic from the same app or tenant in between, is admitted.
 *
 * Scopes, in the order a throttled request reports them (the first exceeded wins):
 *   Tenant_Application RU  (S 3,500 / M 5,000 / L 8,000 RU per 10 s)   ResourceUnitLimitExceeded
 *   Tenant_Application write (3,000 requests per 150 s)                  WriteLimitExceeded
 *   Tenant write, all apps (18,000 requests per 300 s)                   WriteLimitExceeded
 *   Application RU, all tenants (150,000 RU per 20 s)                    ResourceUnitLimitExceeded
 *   Application write, all tenants (35,000 requests per 300 s)           WriteLimitExceeded
 * The two Application scopes span tenants, so they live in an `ApplicationLedger` that governors of different
 * tenants may share. The global limit of 130,000 requests per 10 s per app (contract §1.1) is not modelled: it
 * counts every Graph workload, and the Application RU scope is reached first by any identity-only traffic.
 */

export type TenantSize = 'S' | 'M' | 'L';

/** Tenant size by user count: S < 50, M 50–500, L > 500 (contract §1.2 [T1]). */
export function tenantSize(userCount: number): TenantSize {
  if (userCount < 50) return 'S';
  return userCount <= 500 ? 'M' : 'L';
}

/** Quotas of contract §1.2 [T1] (the current table; the older 70,000 app writes [T1h] is superseded). */
export const THROTTLE_LIMITS = {
  tenantApplicationResourceUnits: { S: 3_500, M: 5_000, L: 8_000, windowInMs: 10_000 },
  tenantApplicationWrites: { limit: 3_000, windowInMs: 150_000 },
  tenantWrites: { limit: 18_000, windowInMs: 300_000 },
  applicationResourceUnits: { limit: 150_000, windowInMs: 20_000 },
  applicationWrites: { limit: 35_000, windowInMs: 300_000 },
} as const;

/**
 * `x-ms-throttle-limit-percentage` is sent "only when > 0.8 of limit" and ranges 0.8–1.8 (contract §1.4 [T1]).
 * Values are fractions of the limit rounded to two decimals; the header is sent when the rounded value exceeds
 * 0.8, so it never reads 0.8, and a throttled request reports at most 1.8.
 */
const LIMIT_PERCENTAGE_THRESHOLD = 0.8;
const LIMIT_PERCENTAGE_MAXIMUM = 1.8;

export type ThrottleInformation = 'ResourceUnitLimitExceeded' | 'WriteLimitExceeded';

export type Admission =
  | { admitted: true; limitPercentage?: number }
  | {
      admitted: false;
      /**
       * Whole seconds (RFC 9110 delta-seconds), rounded up. Graph may send decimals (contract §1.4, sample
       * `2.128`); whole seconds are valid for every client and never shorter than the real wait.
       */
      retryAfterInSeconds: number;
      /** `x-ms-throttle-scope`: `<Scope>/<Limit>/<AppId>/<TenantId>` (contract §1.4). */
      scope: string;
      /** `x-ms-throttle-information` (contract §1.4). */
      information: ThrottleInformation;
      limitPercentage: number;
    };

export interface AdmissionRequest {
  appId: string;
  resourceUnits: number;
  writes: number;
  /** Users in the tenant now; picks the S/M/L budget (contract §1.2). */
  userCount: number;
}

export interface ThrottleGovernorOptions {
  /** Milliseconds from a monotonic clock. Governors sharing an `applicationLedger` must share this clock. */
  now: () => number;
  tenantId: string;
  /** App-wide (all tenants) usage; pass one instance to several governors to model one app in many tenants. */
  applicationLedger?: ApplicationLedger;
  /**
   * The per-app-and-tenant write quota, when a test lowers it (a tenant whose quota other apps already use);
   * default Graph's 3,000 writes per 150 s.
   */
  tenantApplicationWrites?: { limit: number; windowInMs: number };
}

/** Charges younger than `lengthInMs`; a charge made at `t` stops counting at `t + lengthInMs`. */
export class SlidingWindow {
  private readonly charges: { atInMs: number; amount: number }[] = [];
  private head = 0;
  private total = 0;
  private latestInMs = Number.NEGATIVE_INFINITY;

  constructor(readonly lengthInMs: number) {}

  usage(nowInMs: number): number {
    this.expire(nowInMs);
    return this.total;
  }

  /** A clock that steps back is treated as standing still, which keeps the log ordered. */
  charge(nowInMs: number, amount: number): void {
    if (amount === 0) return;
    const atInMs = Math.max(nowInMs, this.latestInMs);
    this.charges.push({ atInMs, amount });
    this.total += amount;
    this.latestInMs = atInMs;
  }

  /** Milliseconds from `nowInMs` until `amount` fits under `limit`; 0 if it fits now. Requires amount ≤ limit. */
  waitInMs(nowInMs: number, amount: number, limit: number): number {
    this.expire(nowInMs);
    let remaining = this.total;
    for (let i = this.head; remaining + amount > limit && i < this.charges.length; i++) {
      remaining -= this.charges[i].amount;
      if (remaining + amount <= limit) return this.charges[i].atInMs + this.lengthInMs - nowInMs;
    }
    return 0;
  }

  private expire(nowInMs: number): void {
    while (this.head < this.charges.length && this.charges[this.head].atInMs + this.lengthInMs <= nowInMs) {
      this.total -= this.charges[this.head].amount;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.charges.length) {
      this.charges.splice(0, this.head);
      this.head = 0;
    }
  }
}

interface Meters {
  resourceUnits: SlidingWindow;
  writes: SlidingWindow;
}

/** Per-app usage across all tenants: the Application scopes of contract §1.2. */
export class ApplicationLedger {
  private readonly apps = new Map<string, Meters>();

  metersFor(appId: string): Meters {
    let meters = this.apps.get(appId);
    if (!meters) {
      meters = {
        resourceUnits: new SlidingWindow(THROTTLE_LIMITS.applicationResourceUnits.windowInMs),
        writes: new SlidingWindow(THROTTLE_LIMITS.applicationWrites.windowInMs),
      };
      this.apps.set(appId, meters);
    }
    return meters;
  }
}

interface ScopeCharge {
  window: SlidingWindow;
  limit: number;
  amount: number;
  scope: string;
  information: ThrottleInformation;
}

export class ThrottleGovernor {
  private readonly now: () => number;
  private readonly tenantId: string;
  private readonly applicationLedger: ApplicationLedger;
  private readonly tenantApplications = new Map<string, Meters>();
  private readonly tenantWrites = new SlidingWindow(THROTTLE_LIMITS.tenantWrites.windowInMs);
  private readonly writeQuota: { limit: number; windowInMs: number };

  constructor(options: ThrottleGovernorOptions) {
    if (typeof options.tenantId !== 'string' || options.tenantId === '') {
      throw new RangeError('ThrottleGovernor: tenantId must be a non-empty string');
    }
    this.now = options.now;
    this.tenantId = options.tenantId;
    this.writeQuota = options.tenantApplicationWrites ?? THROTTLE_LIMITS.tenantApplicationWrites;
    this.applicationLedger = options.applicationLedger ?? new ApplicationLedger();
  }

  admit(request: AdmissionRequest): Admission {
    validate(request);
    const nowInMs = this.now();
    if (!Number.isFinite(nowInMs)) throw new RangeError(`ThrottleGovernor: now() must return a finite number of milliseconds, got ${nowInMs}`);
    const charges = this.scopesFor(request).filter((c) => c.amount > 0);
    for (const c of charges) {
      if (c.amount > c.limit) {
        throw new RangeError(`ThrottleGovernor.admit: a request charging ${c.amount} to ${c.scope} can never fit its limit of ${c.limit}`);
      }
    }
    const exceeded = charges.find((c) => c.window.usage(nowInMs) + c.amount > c.limit);
    for (const c of charges) c.window.charge(nowInMs, c.amount);
    if (!exceeded) {
      const highest = Math.max(0, ...charges.map((c) => fractionOfLimit(c, nowInMs)));
      return highest > LIMIT_PERCENTAGE_THRESHOLD ? { admitted: true, limitPercentage: highest } : { admitted: true };
    }
    const waitInMs = Math.max(...charges.map((c) => c.window.waitInMs(nowInMs, c.amount, c.limit)));
    return {
      admitted: false,
      retryAfterInSeconds: wholeSecondsAtLeast(waitInMs),
      scope: exceeded.scope,
      information: exceeded.information,
      limitPercentage: Math.min(LIMIT_PERCENTAGE_MAXIMUM, fractionOfLimit(exceeded, nowInMs)),
    };
  }

  private scopesFor(request: AdmissionRequest): ScopeCharge[] {
    const { appId, resourceUnits, writes } = request;
    const pair = this.metersFor(appId);
    const app = this.applicationLedger.metersFor(appId);
    const suffix = `${appId}/${this.tenantId}`;
    return [
      {
        window: pair.resourceUnits,
        limit: THROTTLE_LIMITS.tenantApplicationResourceUnits[tenantSize(request.userCount)],
        amount: resourceUnits,
        scope: `Tenant_Application/ReadWrite/${suffix}`,
        information: 'ResourceUnitLimitExceeded',
      },
      {
        window: pair.writes,
        limit: this.writeQuota.limit,
        amount: writes,
        scope: `Tenant_Application/Write/${suffix}`,
        information: 'WriteLimitExceeded',
      },
      {
        window: this.tenantWrites,
        limit: THROTTLE_LIMITS.tenantWrites.limit,
        amount: writes,
        scope: `Tenant/Write/${suffix}`,
        information: 'WriteLimitExceeded',
      },
      {
        window: app.resourceUnits,
        limit: THROTTLE_LIMITS.applicationResourceUnits.limit,
        amount: resourceUnits,
        // INFERENCE: contract §1.4 gives the 4th segment as TenantId|UserId|ResourceId; the requesting tenant here.
        scope: `Application/ReadWrite/${suffix}`,
        information: 'ResourceUnitLimitExceeded',
      },
      {
        window: app.writes,
        limit: THROTTLE_LIMITS.applicationWrites.limit,
        amount: writes,
        scope: `Application/Write/${suffix}`,
        information: 'WriteLimitExceeded',
      },
    ];
  }

  private metersFor(appId: string): Meters {
    let meters = this.tenantApplications.get(appId);
    if (!meters) {
      meters = {
        resourceUnits: new SlidingWindow(THROTTLE_LIMITS.tenantApplicationResourceUnits.windowInMs),
        writes: new SlidingWindow(this.writeQuota.windowInMs),
      };
      this.tenantApplications.set(appId, meters);
    }
    return meters;
  }
}

function validate(request: AdmissionRequest): void {
  if (typeof request.appId !== 'string' || request.appId === '') {
    throw new RangeError('ThrottleGovernor.admit: appId must be a non-empty string');
  }
  for (const field of ['resourceUnits', 'writes', 'userCount'] as const) {
    const value = request[field];
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError(`ThrottleGovernor.admit: ${field} must be a non-negative integer, got ${String(value)}`);
    }
  }
}

function fractionOfLimit(charge: ScopeCharge, nowInMs: number): number {
  return Math.round((charge.window.usage(nowInMs) / charge.limit) * 100) / 100;
}

function wholeSecondsAtLeast(ms: number): number {
  const seconds = Math.ceil(ms / 1000);
  return seconds * 1000 < ms ? seconds + 1 : seconds;
}
