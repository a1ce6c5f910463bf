/**
 * Graph's correlation ids reach both the log and the caller: every failed attempt's log line carries the response's
 * `request-id` and `client-request-id`, and the `GraphRequestError` thrown to the caller carries the same ids — also
 * when no response arrived (only the `client-request-id` we sent exists then), and for a failed `$batch` item.
 */
import { GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { GraphRequestError } from '../../src/errors';
import { GraphDirectoryGateway, GraphHttp, GraphLogEntry, createGraphClient } from '../../src/graph';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let simulator: GraphSimulator;
let baseUrl: string;
let entries: GraphLogEntry[];

beforeEach(async () => {
  simulator = createGraphSimulator({ tenant: 'demo', throttle: false, latencyMs: 0 });
  baseUrl = await simulator.listen(0);
  entries = [];
});
afterEach(() => simulator.close());

async function rejection(promise: Promise<unknown>): Promise<GraphRequestError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(GraphRequestError);
  return error as GraphRequestError;
}

it('When a Graph call fails with 403, then its log line and the thrown error carry the same request-id and client-request-id', async () => {
  simulator.setFaults([{ path: '^/organization', status: 403 }]);
  const gateway = new GraphDirectoryGateway({ baseUrl, logger: (entry) => entries.push(entry) });

  const error = await rejection(gateway.getTenant());

  expect(error).toMatchObject({ statusCode: 403, requestId: expect.stringMatching(UUID), clientRequestId: expect.stringMatching(UUID) });
  expect(entries).toEqual([expect.objectContaining({ method: 'GET', status: 403, requestId: error.requestId, clientRequestId: error.clientRequestId })]);
});

it('When a 503 is retried and still fails, then every attempt is logged with its own request-id and one client-request-id, and the error has the last', async () => {
  simulator.setFaults([{ path: '^/organization', status: 503 }]);
  const gateway = new GraphDirectoryGateway({ baseUrl, maxRetries: 2, backoff: { baseDelayInMs: 1, maxDelayInMs: 2 }, logger: (entry) => entries.push(entry) });

  const error = await rejection(gateway.getTenant());

  expect(entries.map((e) => e.status)).toEqual([503, 503, 503]);
  expect(new Set(entries.map((e) => e.requestId)).size).toBe(3);
  expect(new Set(entries.map((e) => e.clientRequestId))).toEqual(new Set([error.clientRequestId]));
  expect(error.requestId).toBe(entries[2].requestId);
});

it('When no response arrives, then the error carries the client-request-id that was sent (and logged), and no request-id', async () => {
  simulator.setFaults([{ path: '^/organization', status: 0 }]);
  const gateway = new GraphDirectoryGateway({ baseUrl, maxRetries: 0, logger: (entry) => entries.push(entry) });

  const error = await rejection(gateway.getTenant());

  expect(error).toMatchObject({ statusCode: 0, clientRequestId: expect.stringMatching(UUID) });
  expect(error.requestId).toBeUndefined();
  expect(entries).toEqual([expect.objectContaining({ status: 0, clientRequestId: error.clientRequestId })]);
});

it('When a $batch item fails inside a 200 batch, then a line for the item carries its request-id, as does the error built from it', async () => {
  simulator.setFaults([{ path: '^/groups/', status: 403 }]);
  const http = new GraphHttp(createGraphClient({ baseUrl, logger: (entry) => entries.push(entry) }));

  const [response] = await http.batch([{ method: 'GET', url: '/groups/2b5c1f3e-0d8c-4c8e-9a43-0f6f4d7a9e11/members', idempotent: true }]);

  const itemRequestId = (response.body as { error: { innerError: Record<string, string> } }).error.innerError['request-id'];
  expect(response.status).toBe(403);
  expect(itemRequestId).toMatch(UUID);
  expect(entries.find((e) => e.url === '/v1.0/$batch')).toMatchObject({ status: 200 });
  expect(entries.filter((e) => e.batchItem !== undefined)).toEqual([
    expect.objectContaining({ method: 'GET', url: '/v1.0/groups/2b5c1f3e-0d8c-4c8e-9a43-0f6f4d7a9e11/members', status: 403, batchItem: '1', requestId: itemRequestId, clientRequestId: expect.stringMatching(UUID) }),
  ]);
});
