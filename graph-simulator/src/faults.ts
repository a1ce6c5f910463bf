/**
 * Fault injection: a list of rules `method × path regex → status [+ Retry-After] [+ delay]`, each firing with a
 * probability drawn from a seeded generator (so a failing test replays the same faults), optionally a limited
 * number of times. `phase: 'after'` runs the operation first and then fails the response — the client sees an
 * error for a write that did happen, which is how idempotent retries are tested. `status: 0` drops the connection.
 */
export interface FaultRule {
  /** Exact method, or omitted for any. */
  method?: string;
  /** Regular expression tested against the path below /v1.0 (e.g. `^/users`). */
  path: string;
  /** HTTP status to answer; 0 closes the connection without an answer. */
  status: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  /** 0..1, default 1. */
  probability?: number;
  /** How many times the rule may fire; unlimited when omitted. */
  times?: number;
  phase?: 'before' | 'after';
}

export interface FaultDecision {
  rule: FaultRule;
}

interface ActiveRule {
  rule: FaultRule;
  pattern: RegExp;
  remaining: number;
}

export class FaultInjector {
  private active: ActiveRule[] = [];
  private state: number;

  constructor(private readonly seed = 0x5eed) {
    this.state = seed;
  }

  set(rules: FaultRule[]): void {
    this.active = rules.map((rule) => {
      validateRule(rule);
      return { rule, pattern: new RegExp(rule.path, 'i'), remaining: rule.times ?? Number.POSITIVE_INFINITY };
    });
    this.state = this.seed;
  }

  list(): FaultRule[] {
    return this.active.map((a) => a.rule);
  }

  /** The first rule that matches and fires for this request, if any. */
  decide(method: string, path: string): FaultDecision | undefined {
    for (const entry of this.active) {
      if (entry.remaining <= 0) continue;
      if (entry.rule.method && entry.rule.method.toUpperCase() !== method) continue;
      if (!entry.pattern.test(path)) continue;
      if (this.next() >= (entry.rule.probability ?? 1)) continue;
      entry.remaining--;
      return { rule: entry.rule };
    }
    return undefined;
  }

  /** mulberry32: small, fast, deterministic. */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export function validateRule(rule: FaultRule): void {
  if (typeof rule !== 'object' || rule === null) throw new TypeError('a fault rule must be an object');
  if (typeof rule.path !== 'string') throw new TypeError('a fault rule needs "path" (a regular expression string)');
  new RegExp(rule.path);
  if (!Number.isInteger(rule.status) || (rule.status !== 0 && (rule.status < 400 || rule.status > 599))) {
    throw new TypeError('fault "status" must be 0 (drop the connection) or an HTTP error status 400–599');
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new TypeError('fault "probability" must be between 0 and 1');
  }
  if (rule.phase !== undefined && rule.phase !== 'before' && rule.phase !== 'after') {
    throw new TypeError('fault "phase" must be "before" or "after"');
  }
}

const FAULT_CODES: Record<number, [string, string]> = {
  429: ['TooManyRequests', 'Please retry again later.'],
  500: ['generalException', 'An internal server error occurred.'],
  502: ['BadGateway', 'The service is temporarily unavailable.'],
  503: ['serviceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['GatewayTimeout', 'The gateway did not receive a response in time.'],
};

export function faultCode(status: number): [string, string] {
  return FAULT_CODES[status] ?? ['UnknownError', `Injected fault (HTTP ${status}).`];
}
