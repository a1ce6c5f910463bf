/**
 * The real Graph adapter against the Graph simulator (demo tenant): the DirectoryGateway contract, then what is
 * specific to Graph over HTTP — throttling storms and faults, `$batch` item retries, links to foreign hosts, and
 * tokens kept out of logs.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { GraphSimulator, GraphSimulatorOptions, createGraphSimulator } from '../../../graph-simulator/src';
import { isConfigurationError } from '../../src/errors';
import { GraphDirectoryGateway, GraphDirectoryGatewayOptions, GraphLogEntry, createGraphClient } from '../../src/graph';
import { byId, collectRound, describeDirectoryGatewayContract, mergeGroups } from '../contract/directory-gateway.contract';

/** Retries of our own back-off wait 5–10 ms here; `Retry-After` waits stay exact. */
const FAST_BACKOFF = { baseDelayInMs: 10, maxDelayInMs: 20 };

async function startGateway(
  simulatorOptions: GraphSimulatorOptions = {},
  gatewayOptions: Partial<GraphDirectoryGatewayOptions> = {},
): Promise<{ gateway: GraphDirectoryGateway; simulator: GraphSimulator; close(): Promise<void> }> {
  const simulator = createGraphSimulator({ tenant: 'demo', throttle: false, latencyMs: 0, ...simulatorOptions });
  const baseUrl = await simulator.listen(0);
  const gateway = new GraphDirectoryGateway({ baseUrl, backoff: FAST_BACKOFF, ...gatewayOptions });
  return { gateway, simulator, close: () => simulator.close() };
}

describeDirectoryGatewayContract('GraphDirectoryGateway over the Graph simulator', () => startGateway());

describe('GraphDirectoryGateway over HTTP', () => {
  let subject: Awaited<ReturnType<typeof startGateway>>;
  afterEach(async () => {
    await subject.close();
  });

  it('when user delta pages are throttled (30 %, Retry-After 1 s), then the round is complete and identical', async () => {
    subject = await startGateway();
    const { gateway, simulator } = subject;
    const clean = await collectRound(gateway.deltaUsers());
    simulator.setFaults([{ path: '^/users/delta', status: 429, retryAfterSeconds: 1, probability: 0.3 }]);

    const stormy = await collectRound(gateway.deltaUsers());

    expect(stormy.items).toEqual(clean.items);
    expect(gateway.stats().throttled).toBe(simulator.stats().faultsInjected);
    expect(gateway.stats().retries).toBe(gateway.stats().throttled);
  });

  it('when 5 % of all reads fail with 503/504 (and the first of each kind surely does), then every list is complete and identical', async () => {
    subject = await startGateway();
    const { gateway, simulator } = subject;
    const readEverything = async () => ({
      users: (await collectRound(gateway.deltaUsers())).items,
      groups: mergeGroups((await collectRound(gateway.deltaGroups())).items),
      units: await gateway.listAdministrativeUnits(),
      roles: await gateway.listDirectoryRoles(),
      assignments: await gateway.listRoleAssignments(),
      deletedUsers: await gateway.listDeletedItems('user'),
    });
    const clean = await readEverything();
    simulator.setFaults([
      { path: '^/groups/delta', status: 503, times: 1 },
      { path: '^/users/delta', status: 504, times: 1 },
      { path: '^/directory/administrativeUnits/[^/]+/members', status: 503, times: 1 },
      { path: '.', status: 503, probability: 0.05 },
      { path: '.', status: 504, probability: 0.05 },
    ]);

    const faulty = await readEverything();

    expect(faulty).toEqual(clean);
    expect(simulator.stats().faultsInjected).toBeGreaterThanOrEqual(3);
    expect(gateway.stats().retries).toBe(simulator.stats().faultsInjected);
  });

  it('when $batch items for role members are throttled, then they are retried after their Retry-After', async () => {
    subject = await startGateway();
    const { gateway, simulator } = subject;
    const clean = await gateway.listDirectoryRoles();
    simulator.setFaults([{ path: '^/directoryRoles/[^/]+/members', status: 429, retryAfterSeconds: 1, times: 3 }]);
    const started = Date.now();

    const roles = await gateway.listDirectoryRoles();

    expect(roles).toEqual(clean);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(gateway.stats().throttled).toBe(3);
    expect(gateway.stats().operations).toBeGreaterThan(gateway.stats().requests);
  });

  it('when a failure outlasts maxRetries, then the call rejects with a GraphRequestError carrying Graph ids', async () => {
    subject = await startGateway({}, { maxRetries: 1 });
    subject.simulator.setFaults([{ path: '^/subscribedSkus', status: 503 }]);

    const error = await subject.gateway.listSubscribedSkus().catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'GraphRequestError', statusCode: 503, requestId: expect.any(String), clientRequestId: expect.any(String) });
    expect(subject.gateway.stats().retries).toBe(1);
  });

  it('when the simulator charges resource units, then the gateway sums them, batch items included', async () => {
    subject = await startGateway({ throttle: true });
    const { gateway, simulator } = subject;

    await gateway.listDirectoryRoles();
    await collectRound(gateway.deltaUsers());

    expect(gateway.stats().resourceUnits).toBe(simulator.stats().resourceUnits);
    expect(gateway.stats().operations).toBe(simulator.stats().operations);
    expect(gateway.stats().requests).toBe(simulator.stats().requests);
  });

  it('when a round is aborted while waiting out a long Retry-After, then it rejects with AbortError at once', async () => {
    subject = await startGateway();
    subject.simulator.setFaults([{ path: '^/users/delta', status: 429, retryAfterSeconds: 60 }]);
    const controller = new AbortController();
    const started = Date.now();

    const outcome = collectRound(subject.gateway.deltaUsers({ abortSignal: controller.signal })).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 100);
    const error = await outcome;

    expect(error).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(subject.simulator.stats().faultsInjected).toBe(1);
  });

  it('when a stored deltaLink points at a foreign origin, then it is refused before any request is sent', async () => {
    subject = await startGateway();
    const { gateway, simulator } = subject;

    const error = await collectRound(gateway.deltaUsers({ deltaLink: 'https://evil.example/v1.0/users/delta?$deltatoken=x' })).catch((e: unknown) => e);

    expect(isConfigurationError(error)).toBe(true);
    expect(simulator.stats().requests).toBe(0);
  });

  it('when Graph answers a nextLink to a foreign origin, then the gateway refuses to follow it', async () => {
    subject = await startGateway();
    const requested: string[] = [];
    const fakeFetch = async (input: string | Request) => {
      requested.push(typeof input === 'string' ? input : input.url);
      return Response.json({ value: [{ id: 'u1' }], '@odata.nextLink': 'https://evil.example/v1.0/users/delta?$skiptoken=steal' });
    };
    const gateway = new GraphDirectoryGateway({ baseUrl: subject.simulator.url, fetch: fakeFetch });

    const error = await collectRound(gateway.deltaUsers()).catch((e: unknown) => e);

    expect(isConfigurationError(error)).toBe(true);
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatch(new RegExp(`^${subject.simulator.url}/v1.0/users/delta\\?`));
  });

  it('when a credential is configured, then its token authenticates requests and never appears in log output', async () => {
    const token = 'eyJ0eXAiOiJKV1Qi.secret-token-value.signature';
    const credential: TokenCredential = { getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const logs: GraphLogEntry[] = [];
    subject = await startGateway({ requireAuth: true, authToken: token }, { credential, logger: (entry) => logs.push(entry) });
    subject.simulator.setFaults([{ path: '^/users/delta', status: 429, retryAfterSeconds: 0, times: 1 }]);

    const round = await collectRound(subject.gateway.deltaUsers());
    await subject.gateway.getObject('user', round.items[0].id);

    expect(round.items.length).toBe(subject.simulator.directory.userCount);
    const output = JSON.stringify(logs);
    expect(logs.length).toBeGreaterThan(2);
    expect(output).not.toContain('secret-token-value');
    expect(output).not.toMatch(/bearer/i);
    expect(output).not.toContain(String(round.items[0].attributes?.userPrincipalName));
    expect(output).toContain('$skiptoken=REDACTED');
    expect(logs.some((e) => e.status === 429 && e.retryAfter === '0')).toBe(true);
  });

  it('when no credential is configured against a required-auth tenant, then the call fails with 401 and no retries', async () => {
    subject = await startGateway({ requireAuth: true });

    const error = await subject.gateway.getTenant().catch((e: unknown) => e);

    expect(error).toMatchObject({ name: 'GraphRequestError', statusCode: 401 });
    expect(subject.gateway.stats()).toMatchObject({ requests: 1, retries: 0 });
  });

  it('when a group round resumes from a nextLink mid-round, then merged members still match the directory', async () => {
    subject = await startGateway();
    const { gateway, simulator } = subject;
    const pages = [];
    for await (const page of gateway.deltaGroups()) {
      pages.push(page);
      break;
    }
    const rest = await collectRound(gateway.deltaGroups({ resumeFrom: pages[0].nextLink }));

    const merged = mergeGroups([...pages[0].items, ...rest.items]);
    for (const group of simulator.directory.groups()) {
      expect([...merged.get(group.id)!.members.keys()].sort()).toEqual([...simulator.directory.groupMembers(group.id)].sort());
    }
    expect(byId(rest.items).size).toBeGreaterThan(0);
  });
});

describe('createGraphClient configuration', () => {
  it('when the base URL has a path, then it is a ConfigurationError naming GRAPH_BASE_URL', () => {
    expect(() => createGraphClient({ baseUrl: 'https://graph.microsoft.com/v1.0' })).toThrow(/GRAPH_BASE_URL/);
  });

  it('when a credential would be sent over plain http to a remote host, then it is a ConfigurationError', () => {
    const credential: TokenCredential = { getToken: async () => null };

    expect(() => createGraphClient({ baseUrl: 'http://graph.example', credential })).toThrow(expect.objectContaining({ name: 'ConfigurationError' }));
  });
});
