import { FetchTransport } from '../../src/graph/policies/transport';
import { relativeGraphPath } from '../../src/graph/graph-client';
import { GraphTrafficStats } from '../../src/graph/traffic-stats';
import { graphContext } from './policy-harness';

describe('FetchTransport', () => {
  it('when a plain response carries x-ms-resource-unit, then it is counted as one request and operation', async () => {
    const stats = new GraphTrafficStats();
    const transport = new FetchTransport(stats, async () => new Response('{}', { headers: { 'x-ms-resource-unit': '2' } }));

    await transport.execute(graphContext('GET'));

    expect(stats.snapshot()).toEqual({ requests: 1, operations: 1, resourceUnits: 2, throttled: 0, retries: 0 });
  });

  it('when a $batch answers, then each item is an operation and item resource units are summed', async () => {
    const stats = new GraphTrafficStats();
    const body = { responses: [
      { id: '1', status: 200, headers: { 'x-ms-resource-unit': '3' }, body: {} },
      { id: '2', status: 429, headers: { 'Retry-After': '1' } },
      { id: '3', status: 200, headers: { 'X-MS-Resource-Unit': '1' }, body: {} },
    ] };
    const transport = new FetchTransport(stats, async () => Response.json(body));
    const context = graphContext('POST', 'https://graph.microsoft.com/v1.0/$batch');

    await transport.execute(context);

    expect(stats.snapshot()).toMatchObject({ requests: 1, operations: 3, resourceUnits: 4 });
    expect(await (context.response as Response).json()).toEqual(body);
  });

  it('when fetch is called, then redirects are never followed', async () => {
    const fetchImpl = jest.fn(async () => new Response(null, { status: 302, headers: { Location: 'https://evil.example/' } }));
    const transport = new FetchTransport(new GraphTrafficStats(), fetchImpl);

    await transport.execute(graphContext('GET'));

    expect(fetchImpl).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ redirect: 'manual' }));
  });
});

describe('relativeGraphPath', () => {
  it('when a nextLink is on the configured origin, then the path below /v1.0 and the query are kept verbatim', () => {
    expect(relativeGraphPath('http://127.0.0.1:4010/v1.0/users/delta?$skiptoken=ab-c_d', 'http://127.0.0.1:4010')).toBe('/users/delta?$skiptoken=ab-c_d');
  });

  it.each([
    'https://evil.example/v1.0/users?$skiptoken=x',
    'http://127.0.0.1:4011/v1.0/users',
    'https://graph.microsoft.com.evil.example/v1.0/users',
    'https://graph.microsoft.com/beta/users',
    'not a url',
  ])('when the link is %s, then it is refused', (link) => {
    expect(() => relativeGraphPath(link, 'https://graph.microsoft.com')).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });
});
