/**
 * Throttling seen over HTTP: the app+tenant resource-unit budget of a small tenant runs out, batch items are
 * throttled one by one inside an outer 200, and 429s carry Graph's headers (contract §1.2, §1.4, §1.5).
 */
import { SimulatorFixture, startSimulator } from './support/fixture';

type Json = Record<string, unknown>;
let fx: SimulatorFixture;

beforeEach(async () => {
  fx = await startSimulator({ tenant: 'empty', throttle: true });
});
afterEach(() => fx.close());

const missingGroup = '00000000-0000-0000-0000-0000000000aa';
/** 20 × `GET /groups/{id}/transitiveMembers` at 5 RU each (§1.3): 100 RU per batch. */
const expensiveBatch = {
  requests: Array.from({ length: 20 }, (_, i) => ({ id: String(i + 1), method: 'GET', url: `/groups/${missingGroup}/transitiveMembers` })),
};

it('answers per-item 429s inside an outer 200 once the small-tenant budget (3,500 RU / 10 s) is spent', async () => {
  let admitted = 0;
  let throttledItem: Json | undefined;
  for (let round = 0; round < 40 && !throttledItem; round++) {
    const response = await fx.request<{ responses: Json[] }>('POST', '/v1.0/$batch', { body: expensiveBatch });
    expect(response.status).toBe(200);
    for (const item of response.body.responses) {
      if (item.status === 429) throttledItem ??= item;
      else admitted++;
    }
  }
  expect(admitted).toBe(3500 / 5);
  expect(throttledItem).toBeDefined();
  const headers = throttledItem!.headers as Record<string, string>;
  expect(Number(headers['Retry-After'])).toBeGreaterThan(0);
  expect(Number(headers['Retry-After'])).toBeLessThanOrEqual(10);
  expect(headers['x-ms-throttle-scope']).toBe(`Tenant_Application/ReadWrite/00000000-0000-0000-0000-00000000a99e/${fx.simulator.directory.tenantId}`);
  expect(headers['x-ms-throttle-information']).toBe('ResourceUnitLimitExceeded');
  expect((throttledItem!.body as { error: Json }).error.code).toBe('TooManyRequests');

  const single = await fx.request<{ error: Json }>('GET', '/v1.0/organization');
  expect(single.status).toBe(429);
  expect(single.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(single.headers.get('x-ms-throttle-limit-percentage')).toEqual(expect.any(String));
  expect(fx.simulator.stats().throttled).toBeGreaterThan(0);
});

it('warns with x-ms-throttle-limit-percentage above 80 % of the budget', async () => {
  let warned: string | null = null;
  for (let round = 0; round < 30 && !warned; round++) {
    await fx.request('POST', '/v1.0/$batch', { body: expensiveBatch });
    const probe = await fx.request('GET', '/v1.0/organization');
    warned = probe.status === 200 ? probe.headers.get('x-ms-throttle-limit-percentage') : null;
  }
  expect(Number(warned)).toBeGreaterThan(0.8);
  expect(Number(warned)).toBeLessThanOrEqual(1);
});

it('charges nothing against the budget when throttling is turned off', async () => {
  await fx.request('PUT', '/_sim/throttle', { body: { enabled: false } });
  for (let round = 0; round < 40; round++) {
    const response = await fx.request<{ responses: Json[] }>('POST', '/v1.0/$batch', { body: expensiveBatch });
    expect(response.body.responses.every((item) => item.status === 404)).toBe(true);
  }
});
