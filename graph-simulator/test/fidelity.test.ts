/**
 * Response shapes against the documented examples in graph-contract.md §10 (fixtures F1–F12): the same keys, codes,
 * messages and context URLs, with the simulator's own ids and host.
 */
import { SimulatorFixture, startSimulator } from './support/fixture';

type Json = Record<string, unknown>;
const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GRAPH_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

let fx: SimulatorFixture;
let domain: string;

beforeAll(async () => {
  fx = await startSimulator({ tenant: 'demo' });
  domain = fx.simulator.directory.domains[0];
});
afterAll(() => fx.close());

async function newUser(nickname: string, extra: Json = {}): Promise<Json> {
  const response = await fx.request<Json>('POST', '/v1.0/users', {
    body: {
      accountEnabled: true, displayName: nickname, mailNickname: nickname.replace(/\W/g, ''), userPrincipalName: `${nickname}@${domain}`,
      passwordProfile: { password: 'Sim-Pa55word!x', forceChangePasswordNextSignIn: true }, ...extra,
    },
  });
  expect(response.status).toBe(201);
  return response.body;
}

async function newGroup(nickname: string, extra: Json = {}): Promise<Json> {
  const response = await fx.request<Json>('POST', '/v1.0/groups', {
    body: { displayName: nickname, mailEnabled: false, mailNickname: nickname, securityEnabled: true, ...extra },
  });
  expect(response.status).toBe(201);
  return response.body;
}

it('F1: a user list without $select carries exactly the default property set', async () => {
  const page = await fx.request<{ '@odata.context': string; value: Json[] }>('GET', '/v1.0/users?$top=3');
  expect(page.body['@odata.context']).toBe(`${fx.url}/v1.0/$metadata#users`);
  for (const user of page.body.value) {
    expect(Object.keys(user).sort()).toEqual(
      ['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'],
    );
    expect(Array.isArray(user.businessPhones)).toBe(true);
  }
});

it('F2: $select with $count (ConsistencyLevel: eventual) puts the count and the projection in the page', async () => {
  const page = await fx.request<Json>('GET', '/v1.0/users?$select=id,displayName,userPrincipalName&$count=true&$top=1', {
    headers: { ConsistencyLevel: 'eventual' },
  });
  expect(page.body['@odata.context']).toBe(`${fx.url}/v1.0/$metadata#users(id,displayName,userPrincipalName)`);
  expect(page.body['@odata.count']).toBe(fx.simulator.directory.userCount);
  expect(Object.keys((page.body.value as Json[])[0]).sort()).toEqual(['displayName', 'id', 'userPrincipalName']);
  const withoutHeader = await fx.request<Json>('GET', '/v1.0/users?$count=true');
  expect(withoutHeader.status).toBe(400);
});

it('F3: group members are directoryObjects with their @odata.type', async () => {
  // A new unlicensed user has no mailbox, so `mail` is null unless set (as in Graph).
  const user = await newUser('f3.member', { mail: `f3.member@${domain}` });
  const group = await newGroup('f3group', { 'members@odata.bind': [`https://graph.microsoft.com/v1.0/users/${String(user.id)}`] });
  const page = await fx.request<{ '@odata.context': string; value: Json[] }>('GET', `/v1.0/groups/${String(group.id)}/members?$select=id,mail`);
  expect(page.body['@odata.context']).toBe(`${fx.url}/v1.0/$metadata#directoryObjects(id,mail)`);
  expect(page.body.value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: user.id, mail: `f3.member@${domain}` }]);
});

it('F4/F5: delta pages name their resource, and manager@delta links the new manager', async () => {
  const first = await fx.request<Json>('GET', '/v1.0/users/delta?$select=displayName,userPrincipalName,manager&$deltatoken=latest');
  expect(first.body['@odata.context']).toBe(`${fx.url}/v1.0/$metadata#users`);
  expect(first.body.value).toEqual([]);
  const deltaLink = first.body['@odata.deltaLink'] as string;
  expect(deltaLink).toMatch(/\/v1\.0\/users\/delta\?\$deltatoken=/);
  const report = await newUser('f5.report');
  const manager = await newUser('f5.manager');
  expect((await fx.request('PUT', `/v1.0/users/${String(report.id)}/manager/$ref`, { body: { '@odata.id': `${fx.url}/v1.0/users/${String(manager.id)}` } })).status).toBe(204);
  const next = await fx.request<{ value: Json[] }>('GET', deltaLink);
  const entry = next.body.value.find((u) => u.id === report.id);
  expect(entry).toEqual({
    displayName: 'f5.report', userPrincipalName: `f5.report@${domain}`, id: report.id,
    'manager@delta': [{ '@odata.type': '#microsoft.graph.user', id: manager.id }],
  });
});

it('F6: deleted groups with $count and $orderby list what is in the recycle bin', async () => {
  const group = await newGroup('f6group', { groupTypes: ['Unified'], mailEnabled: true });
  expect((await fx.request('DELETE', `/v1.0/groups/${String(group.id)}`)).status).toBe(204);
  const page = await fx.request<{ '@odata.context': string; '@odata.count': number; value: Json[] }>(
    'GET', '/v1.0/directory/deletedItems/microsoft.graph.group?$count=true&$orderby=deletedDateTime asc&$select=id,displayName,deletedDateTime',
    { headers: { ConsistencyLevel: 'eventual' } },
  );
  expect(page.status).toBe(200);
  expect(page.body['@odata.context']).toBe(`${fx.url}/v1.0/$metadata#groups(id,displayName,deletedDateTime)`);
  expect(page.body['@odata.count']).toBe(page.body.value.length);
  const deleted = page.body.value.find((g) => g.id === group.id);
  expect(deleted).toEqual({ id: group.id, displayName: 'f6group', deletedDateTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
  const times = page.body.value.map((g) => String(g.deletedDateTime));
  expect([...times].sort()).toEqual(times);
});

it('F7: restoring a deleted user under a new UPN answers 200 with the directoryObject entity', async () => {
  const user = await newUser('f7.sample', { givenName: 'Sample', surname: 'Vance' });
  await fx.request('DELETE', `/v1.0/users/${String(user.id)}`);
  const restored = await fx.request<Json>('POST', `/v1.0/directory/deleteditems/${String(user.id)}/restore`, { body: { newUserPrincipalName: `f7.johndoe@${domain}` } });
  expect(restored.status).toBe(200);
  expect(restored.body).toMatchObject({
    '@odata.context': `${fx.url}/v1.0/$metadata#directoryObjects/$entity`,
    '@odata.type': '#microsoft.graph.user',
    id: user.id, givenName: 'Sample', surname: 'Vance', userPrincipalName: `f7.johndoe@${domain}`,
  });
});

it('F8: a missing object gets Request_ResourceNotFound with innerError date and request-id', async () => {
  const missing = '8c14a998-3c8d-4c52-ad09-c9032671ea31';
  const response = await fx.request<{ error: Json }>('GET', `/v1.0/groups/${missing}`, { headers: { 'client-request-id': 'f8-client' } });
  expect(response.status).toBe(404);
  expect(response.body.error.code).toBe('Request_ResourceNotFound');
  expect(response.body.error.message).toBe(`Resource '${missing}' does not exist or one of its queried reference-property objects are not present.`);
  const inner = response.body.error.innerError as Json;
  expect(inner.date).toMatch(GRAPH_DATE);
  expect(inner['request-id']).toMatch(REQUEST_ID);
  expect(inner['client-request-id']).toBe('f8-client');
  expect(response.headers.get('request-id')).toBe(inner['request-id']);
  expect(response.headers.get('client-request-id')).toBe('f8-client');
});

it('F9: a throttled request gets 429 TooManyRequests with Retry-After', async () => {
  fx.simulator.setFaults([{ path: '^/organization$', status: 429, retryAfterSeconds: 2, times: 1 }]);
  const response = await fx.request<{ error: Json }>('GET', '/v1.0/organization');
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe('2');
  expect(response.body.error).toMatchObject({ code: 'TooManyRequests', message: 'Please retry again later.' });
});

it('F10: a failed $batch item carries its own headers and error envelope inside an outer 200', async () => {
  const response = await fx.request<{ responses: Json[] }>('POST', '/v1.0/$batch', {
    headers: { 'client-request-id': 'f10-client' },
    body: { requests: [{ id: '3', method: 'GET', url: '/groups/00000000-0000-0000-0000-000000000003' }] },
  });
  expect(response.status).toBe(200);
  const [item] = response.body.responses;
  expect(item.id).toBe('3');
  expect(item.status).toBe(404);
  expect(item.headers).toMatchObject({ 'x-ms-resource-unit': expect.stringMatching(/^\d+$/), 'Content-Type': expect.stringContaining('application/json') });
  const error = (item.body as { error: Json }).error;
  expect(error.code).toBe('Request_ResourceNotFound');
  expect(error.innerError).toMatchObject({ 'request-id': expect.stringMatching(REQUEST_ID), 'client-request-id': 'f10-client', date: expect.stringMatching(GRAPH_DATE) });
});

it('F11: a duplicate userPrincipalName is Request_BadRequest with an ObjectConflict detail', async () => {
  await newUser('f11.twin');
  const response = await fx.request<{ error: Json }>('POST', '/v1.0/users', {
    body: { accountEnabled: true, displayName: 'Twin', mailNickname: 'f11twin2', userPrincipalName: `F11.TWIN@${domain}`, passwordProfile: { password: 'Sim-Pa55word!x' } },
  });
  expect(response.status).toBe(400);
  expect(response.body.error.code).toBe('Request_BadRequest');
  expect(response.body.error.message).toBe('Another object with the same value for property userPrincipalName already exists.');
  expect(response.body.error.details).toEqual([{ target: 'userPrincipalName', code: 'ObjectConflict' }]);
});

it('F12: a created role assignment and Temporary Access Pass have the documented shapes', async () => {
  const user = await newUser('f12.admin');
  const definitions = await fx.request<{ value: Json[] }>('GET', "/v1.0/roleManagement/directory/roleDefinitions?$filter=displayName eq 'Helpdesk Administrator'");
  expect(definitions.body.value).toHaveLength(1);
  const roleDefinitionId = String(definitions.body.value[0].id);
  const created = await fx.request<Json>('POST', '/v1.0/roleManagement/directory/roleAssignments', {
    body: { '@odata.type': '#microsoft.graph.unifiedRoleAssignment', roleDefinitionId, principalId: user.id, directoryScopeId: '/' },
  });
  expect(created.status).toBe(201);
  expect(created.body).toEqual({
    '@odata.context': `${fx.url}/v1.0/$metadata#roleManagement/directory/roleAssignments/$entity`,
    id: expect.stringMatching(/^[A-Za-z0-9_-]{43}-1$/), roleDefinitionId, principalId: user.id, directoryScopeId: '/',
  });

  const tap = await fx.request<Json>('POST', `/v1.0/users/${String(user.id)}/authentication/temporaryAccessPassMethods`, {
    body: { startDateTime: '2099-06-05T00:00:00Z', lifetimeInMinutes: 60, isUsableOnce: false },
  });
  expect(tap.status).toBe(201);
  expect(tap.body).toMatchObject({
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
    temporaryAccessPass: expect.stringMatching(/^\S{8,}$/), lifetimeInMinutes: 60, isUsableOnce: false, isUsable: false, methodUsabilityReason: 'NotYetValid',
  });
});
