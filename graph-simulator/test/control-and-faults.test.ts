/**
 * The simulator's own surface: `/_sim` control, fault injection, authentication, protocol-level bad input, and the
 * command line. None of this is Graph; it is what tests and benchmarks drive.
 */
import { parseSimulatorArgs } from '../src/cli';
import { SimulatorFixture, startSimulator } from './support/fixture';

type Json = Record<string, unknown>;

describe('/_sim control surface', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator({ tenant: 'demo' });
  });
  afterEach(() => fx.close());

  it('counts requests, operations, resource units and writes, and resets them', async () => {
    await fx.request('GET', '/v1.0/users?$top=5');
    await fx.request('POST', '/v1.0/$batch', { body: { requests: [{ id: 'a', method: 'GET', url: '/organization' }, { id: 'b', method: 'GET', url: '/subscribedSkus' }] } });
    const stats = await fx.request<Json>('GET', '/_sim/stats');
    expect(stats.body).toMatchObject({ requests: 2, operations: 3, batchItems: 2 });
    expect(stats.body.resourceUnits).toBeGreaterThan(0);
    expect((await fx.request('POST', '/_sim/stats/reset')).status).toBe(204);
    expect((await fx.request<Json>('GET', '/_sim/stats')).body).toMatchObject({ requests: 0, operations: 0, resourceUnits: 0 });
  });

  it('reseeds a tenant, and older delta tokens then need a full resync (410 + Location)', async () => {
    const round = await fx.request<Json>('GET', '/v1.0/users/delta?$deltatoken=latest');
    const seeded = await fx.request<Json>('POST', '/_sim/seed', { body: { tenant: 'empty' } });
    expect(seeded.status).toBe(200);
    expect(seeded.body).toMatchObject({ tenant: 'empty', users: 0, groups: 0 });
    const stale = await fx.request<Json>('GET', String(round.body['@odata.deltaLink']));
    expect(stale.status).toBe(410);
    expect(stale.headers.get('location')).toMatch(/\/v1\.0\/users\/delta/);
    expect((await fx.request<Json>('POST', '/_sim/seed', { body: { tenant: 'galaxy' } })).status).toBe(400);
  });

  it('expires delta tokens after 7 days on the simulator clock', async () => {
    const round = await fx.request<Json>('GET', '/v1.0/users/delta?$deltatoken=latest');
    await fx.request('POST', '/_sim/clock/advance', { body: { days: 8 } });
    const expired = await fx.request<{ error: Json }>('GET', String(round.body['@odata.deltaLink']));
    expect(expired.status).toBe(400);
    expect(expired.body.error.code).toBe('syncStateNotFound');
  });

  it('validates fault rules and control bodies with a message that names the problem', async () => {
    const bad = await fx.request<{ error: Json }>('PUT', '/_sim/faults', { body: [{ path: '(', status: 500 }] });
    expect(bad.status).toBe(400);
    expect(String(bad.body.error.message)).not.toBe('');
    expect((await fx.request('PUT', '/_sim/throttle', { body: { enabled: 'yes' } })).status).toBe(400);
    expect((await fx.request('GET', '/_sim/nothing-here')).status).toBe(404);
    expect((await fx.request('POST', '/_sim/seed', { body: '{not json' })).status).toBe(400);
  });
});

describe('fault injection', () => {
  let fx: SimulatorFixture;
  beforeEach(async () => {
    fx = await startSimulator({ tenant: 'demo', faultSeed: 7 });
  });
  afterEach(() => fx.close());

  it('fires a limited number of times, then lets requests through', async () => {
    await fx.request('PUT', '/_sim/faults', { body: [{ method: 'GET', path: '^/organization$', status: 503, times: 2 }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fx.request('GET', '/v1.0/organization')).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('an "after" fault runs the write and still answers an error (the case idempotent retries must handle)', async () => {
    fx.simulator.setFaults([{ method: 'POST', path: '^/groups$', status: 500, phase: 'after', times: 1 }]);
    const response = await fx.request('POST', '/v1.0/groups', { body: { displayName: 'After', mailEnabled: false, mailNickname: 'afterfault', securityEnabled: true } });
    expect(response.status).toBe(500);
    const found = await fx.request<{ value: Json[] }>('GET', "/v1.0/groups?$filter=mailNickname eq 'afterfault'");
    expect(found.body.value).toHaveLength(1);
  });

  it('status 0 drops the connection without an answer', async () => {
    fx.simulator.setFaults([{ path: '^/organization$', status: 0, times: 1 }]);
    await expect(fx.request('GET', '/v1.0/organization')).rejects.toThrow();
    expect((await fx.request('GET', '/v1.0/organization')).status).toBe(200);
  });

  it('a probability draws from the seeded generator, so a run replays the same faults', async () => {
    const run = async () => {
      fx.simulator.setFaults([{ path: '^/organization$', status: 500, probability: 0.5 }]);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await fx.request('GET', '/v1.0/organization')).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });
});

describe('authentication', () => {
  it('with requireAuth, a missing or wrong token is 401 InvalidAuthenticationToken', async () => {
    const fx = await startSimulator({ tenant: 'empty', requireAuth: true, authToken: 'right' });
    try {
      const missing = await fx.request<{ error: Json }>('GET', '/v1.0/organization');
      expect(missing.status).toBe(401);
      expect(missing.body.error.code).toBe('InvalidAuthenticationToken');
      expect((await fx.request('GET', '/v1.0/organization', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fx.request('GET', '/v1.0/organization', { headers: { Authorization: 'Bearer right' } })).status).toBe(200);
    } finally {
      await fx.close();
    }
  });
});

describe('protocol-level bad input', () => {
  let fx: SimulatorFixture;
  beforeAll(async () => {
    fx = await startSimulator({ tenant: 'demo' });
  });
  afterAll(() => fx.close());

  it.each([
    ['$top above 999', '/v1.0/users?$top=1000'],
    ['$top zero', '/v1.0/users?$top=0'],
    ['$skip', '/v1.0/users?$skip=10'],
    ['an unknown $select property', '/v1.0/users?$select=favouriteColour'],
    ['a filter on a non-filterable property', "/v1.0/users?$filter=jobTitle eq 'x'"],
    ['an unterminated string', "/v1.0/users?$filter=displayName eq 'x"],
    ['a garbage skip token', '/v1.0/users?$skiptoken=%%%'],
    ['a garbage delta token', '/v1.0/users/delta?$deltatoken=garbage'],
  ])('rejects %s with 400 and a Graph error envelope', async (_name, path) => {
    const response = await fx.request<{ error: Json }>('GET', path);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toEqual(expect.any(String));
    expect(response.body.error.message).toEqual(expect.any(String));
  });

  it('rejects a non-JSON body and an unknown path', async () => {
    expect((await fx.request('POST', '/v1.0/users', { body: '{"broken"', headers: { 'Content-Type': 'application/json' } })).status).toBe(400);
    expect((await fx.request('GET', '/v1.0/teleporters')).status).toBe(400);
    expect((await fx.request('GET', '/beta/users')).status).toBe(400);
    expect((await fx.request('PUT', '/v1.0/users')).status).toBe(405);
  });

  it('rejects a batch over 20 requests, duplicate ids and unknown dependencies', async () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/organization' }));
    expect((await fx.request('POST', '/v1.0/$batch', { body: { requests: many } })).status).toBe(400);
    const dup = [{ id: '1', method: 'GET', url: '/organization' }, { id: '1', method: 'GET', url: '/organization' }];
    expect((await fx.request('POST', '/v1.0/$batch', { body: { requests: dup } })).status).toBe(400);
    const unknownDep = [{ id: '1', method: 'GET', url: '/organization', dependsOn: ['9'] }];
    expect((await fx.request('POST', '/v1.0/$batch', { body: { requests: unknownDep } })).status).toBe(400);
  });

  it('answers an oversized body without crashing', async () => {
    const huge = 'x'.repeat(5 * 1024 * 1024);
    const outcome = await fx.request('POST', '/v1.0/users', { body: JSON.stringify({ displayName: huge }) }).catch(() => 'dropped');
    expect(outcome === 'dropped' || (outcome as { status: number }).status >= 400).toBe(true);
    expect((await fx.request('GET', '/v1.0/organization')).status).toBe(200);
  });
});

describe('command line', () => {
  it('parses the documented options', () => {
    expect(parseSimulatorArgs(['--port', '4011', '--tenant', 'large', '--users', '5000', '--throttle', 'off', '--latency-ms', '20', '--require-auth'])).toEqual({
      port: 4011, host: '127.0.0.1', tenant: 'large', users: 5000, throttle: false, latencyMs: 20, requireAuth: true,
    });
  });

  it.each([
    [['--port', 'abc'], /--port/],
    [['--tenant', 'galaxy'], /--tenant/],
    [['--users', '-3'], /--users/],
    [['--throttle', 'maybe'], /--throttle/],
    [['--bogus'], /bogus/],
  ])('rejects %j naming the option', (argv, message) => {
    expect(() => parseSimulatorArgs(argv)).toThrow(message);
  });
});
