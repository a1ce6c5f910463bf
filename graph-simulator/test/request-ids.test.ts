/**
 * Every response the simulator writes carries `request-id` and `client-request-id`, like Graph's (contract §7):
 * successes, errors, and the 500 written when the simulator itself fails.
 */
import { SimulatorFixture, startSimulator } from './support/fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let fx: SimulatorFixture;

beforeEach(async () => {
  fx = await startSimulator({ tenant: 'demo' });
});
afterEach(() => fx.close());

it('When a request succeeds, then the response has a fresh request-id and echoes the client-request-id', async () => {
  const response = await fx.request('GET', '/v1.0/organization', { headers: { 'client-request-id': 'ok-client' } });

  expect(response.status).toBe(200);
  expect(response.headers.get('request-id')).toMatch(UUID);
  expect(response.headers.get('client-request-id')).toBe('ok-client');
});

it('When the request sends no client-request-id, then the response still has one', async () => {
  const response = await fx.request('GET', '/v1.0/organization');

  expect(response.headers.get('client-request-id')).toMatch(UUID);
});

it('When the simulator fails inside an operation, then its 500 is a Graph envelope with request-id headers and innerError', async () => {
  Object.defineProperty(fx.simulator.directory, 'tenantId', {
    configurable: true,
    get() {
      throw new Error('simulated bug');
    },
  });

  const response = await fx.request<{ error: { code: string; innerError: Record<string, string> } }>('GET', '/v1.0/organization', { headers: { 'client-request-id': 'bug-client' } });

  expect(response.status).toBe(500);
  expect(response.body.error.code).toBe('generalException');
  expect(response.headers.get('request-id')).toMatch(UUID);
  expect(response.headers.get('client-request-id')).toBe('bug-client');
  expect(response.body.error.innerError).toMatchObject({ 'request-id': response.headers.get('request-id'), 'client-request-id': 'bug-client' });
});
