/**
 * Directory behaviour over HTTP: the recycle bin (soft delete, restore with links, 30-day expiry, purge, distribution
 * lists deleted at once) and link writes with Graph's errors (contract §5, §6.4, §7).
 */
import { groupKind, isDynamicGroup } from '../src/model/directory';
import { SimulatorFixture, startSimulator } from './support/fixture';

type Json = Record<string, unknown>;
let fx: SimulatorFixture;
let domain: string;

beforeEach(async () => {
  fx = await startSimulator({ tenant: 'demo' });
  domain = fx.simulator.directory.domains[0];
});
afterEach(() => fx.close());

const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });

async function newUser(nickname: string): Promise<string> {
  const response = await fx.request<Json>('POST', '/v1.0/users', {
    body: { accountEnabled: true, displayName: nickname, mailNickname: nickname.replace(/\W/g, ''), userPrincipalName: `${nickname}@${domain}`, passwordProfile: { password: 'Sim-Pa55word!x' } },
  });
  expect(response.status).toBe(201);
  // Graph answers with its internal v2 address of the new object (see graph-simulator/README.md).
  expect(response.headers.get('location')).toBe(`${fx.url}/v2/${fx.simulator.directory.tenantId}/directoryObjects/${String(response.body.id)}/Microsoft.DirectoryServices.User`);
  return String(response.body.id);
}

async function newGroup(nickname: string, extra: Json = {}): Promise<string> {
  const response = await fx.request<Json>('POST', '/v1.0/groups', { body: { displayName: nickname, mailEnabled: false, mailNickname: nickname, securityEnabled: true, ...extra } });
  expect(response.status).toBe(201);
  return String(response.body.id);
}

async function memberIds(groupId: string): Promise<string[]> {
  const page = await fx.request<{ value: Json[] }>('GET', `/v1.0/groups/${groupId}/members?$select=id`);
  return page.body.value.map((m) => String(m.id)).sort();
}

describe('recycle bin', () => {
  it('a deleted user comes back with its id, createdDateTime, memberships, ownerships and role assignments', async () => {
    const userId = await newUser('bin.user');
    const groupId = await newGroup('bingroup');
    const ownedId = await newGroup('binowned');
    expect((await fx.request('POST', `/v1.0/groups/${groupId}/members/$ref`, { body: ref(userId) })).status).toBe(204);
    expect((await fx.request('POST', `/v1.0/groups/${ownedId}/owners/$ref`, { body: ref(userId) })).status).toBe(204);
    const roles = await fx.request<{ value: Json[] }>('GET', "/v1.0/roleManagement/directory/roleDefinitions?$filter=displayName eq 'User Administrator'");
    const roleDefinitionId = String(roles.body.value[0].id);
    expect((await fx.request('POST', '/v1.0/roleManagement/directory/roleAssignments', { body: { roleDefinitionId, principalId: userId, directoryScopeId: '/' } })).status).toBe(201);
    const before = await fx.request<Json>('GET', `/v1.0/users/${userId}?$select=id,createdDateTime`);

    expect((await fx.request('DELETE', `/v1.0/users/${userId}`)).status).toBe(204);
    expect((await fx.request('GET', `/v1.0/users/${userId}`)).status).toBe(404);
    expect(await memberIds(groupId)).toEqual([]);
    const assignmentsWhileDeleted = await fx.request<{ value: Json[] }>('GET', `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${userId}'`);
    expect(assignmentsWhileDeleted.body.value).toEqual([]);
    const inBin = await fx.request<Json>('GET', `/v1.0/directory/deletedItems/${userId}`);
    expect(inBin.status).toBe(200);
    expect(inBin.body.deletedDateTime).toEqual(expect.any(String));

    expect((await fx.request('POST', `/v1.0/directory/deletedItems/${userId}/restore`)).status).toBe(200);
    const after = await fx.request<Json>('GET', `/v1.0/users/${userId}?$select=id,createdDateTime`);
    expect(after.body).toEqual(before.body);
    expect(await memberIds(groupId)).toEqual([userId]);
    const owners = await fx.request<{ value: Json[] }>('GET', `/v1.0/groups/${ownedId}/owners?$select=id`);
    expect(owners.body.value.map((o) => o.id)).toEqual([userId]);
    const assignments = await fx.request<{ value: Json[] }>('GET', `/v1.0/roleManagement/directory/roleAssignments?$filter=principalId eq '${userId}'`);
    expect(assignments.body.value.map((a) => a.roleDefinitionId)).toEqual([roleDefinitionId]);
  });

  it('a restore whose UPN is taken meanwhile fails with ObjectConflict until a new UPN is given', async () => {
    const userId = await newUser('bin.conflict');
    await fx.request('DELETE', `/v1.0/users/${userId}`);
    await newUser('bin.conflict');
    const refused = await fx.request<{ error: Json }>('POST', `/v1.0/directory/deletedItems/${userId}/restore`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ target: 'userPrincipalName', code: 'ObjectConflict' }]);
    const restored = await fx.request<Json>('POST', `/v1.0/directory/deletedItems/${userId}/restore`, { body: { newUserPrincipalName: `bin.conflict2@${domain}` } });
    expect(restored.status).toBe(200);
    expect(restored.body.userPrincipalName).toBe(`bin.conflict2@${domain}`);
  });

  it('keeps deleted objects 30 days on the simulator clock, then purges them for good', async () => {
    const userId = await newUser('bin.expiring');
    await fx.request('DELETE', `/v1.0/users/${userId}`);
    await fx.request('POST', '/_sim/clock/advance', { body: { days: 29, hours: 23 } });
    expect((await fx.request('GET', `/v1.0/directory/deletedItems/${userId}`)).status).toBe(200);
    await fx.request('POST', '/_sim/clock/advance', { body: { hours: 2 } });
    expect((await fx.request('GET', `/v1.0/directory/deletedItems/${userId}`)).status).toBe(404);
    expect((await fx.request('POST', `/v1.0/directory/deletedItems/${userId}/restore`)).status).toBe(404);
  });

  it('a permanent delete empties the bin entry and the old links stay gone', async () => {
    const userId = await newUser('bin.purged');
    const groupId = await newGroup('binpurge');
    await fx.request('POST', `/v1.0/groups/${groupId}/members/$ref`, { body: ref(userId) });
    await fx.request('DELETE', `/v1.0/users/${userId}`);
    expect((await fx.request('DELETE', `/v1.0/directory/deletedItems/${userId}`)).status).toBe(204);
    expect((await fx.request('GET', `/v1.0/directory/deletedItems/${userId}`)).status).toBe(404);
    expect(await memberIds(groupId)).toEqual([]);
  });

  it('a distribution list is deleted at once, not soft-deleted', async () => {
    const dl = [...fx.simulator.directory.groups()].find((g) => groupKind(g.props) === 'distribution');
    expect(dl).toBeDefined();
    expect((await fx.request('DELETE', `/v1.0/groups/${dl!.id}`)).status).toBe(204);
    expect((await fx.request('GET', `/v1.0/directory/deletedItems/${dl!.id}`)).status).toBe(404);
  });
});

describe('link writes', () => {
  it('adding an existing member is 400 "already exist"; removing a non-member or adding a missing object is 404', async () => {
    const userId = await newUser('link.user');
    const groupId = await newGroup('linkgroup');
    expect((await fx.request('POST', `/v1.0/groups/${groupId}/members/$ref`, { body: ref(userId) })).status).toBe(204);
    const again = await fx.request<{ error: Json }>('POST', `/v1.0/groups/${groupId}/members/$ref`, { body: ref(userId) });
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe("One or more added object references already exist for the following modified properties: 'members'.");
    const ownerAgain = await fx.request('POST', `/v1.0/groups/${groupId}/owners/$ref`, { body: ref(userId) });
    expect(ownerAgain.status).toBe(204);
    const dupOwner = await fx.request<{ error: Json }>('POST', `/v1.0/groups/${groupId}/owners/$ref`, { body: ref(userId) });
    expect(dupOwner.body.error.message).toBe("One or more added object references already exist for the following modified properties: 'owners'.");
    const missing = '11111111-2222-3333-4444-555555555555';
    expect((await fx.request('POST', `/v1.0/groups/${groupId}/members/$ref`, { body: ref(missing) })).status).toBe(404);
    expect((await fx.request('DELETE', `/v1.0/groups/${groupId}/members/${missing}/$ref`)).status).toBe(404);
    expect((await fx.request('DELETE', `/v1.0/groups/${groupId}/members/${userId}/$ref`)).status).toBe(204);
    expect((await fx.request('DELETE', `/v1.0/groups/${groupId}/members/${userId}/$ref`)).status).toBe(404);
  });

  it('a malformed @odata.id is a 400, not a crash', async () => {
    const groupId = await newGroup('badref');
    for (const body of [{}, { '@odata.id': 42 }, { '@odata.id': 'not a url' }, 'nonsense']) {
      const response = await fx.request<{ error: Json }>('POST', `/v1.0/groups/${groupId}/members/$ref`, { body });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toEqual(expect.stringMatching(/BadRequest/));
    }
  });

  it('refuses member writes to distribution lists and mail-enabled security groups', async () => {
    const userId = await newUser('link.mail');
    const directory = fx.simulator.directory;
    for (const kind of ['distribution', 'mailEnabledSecurity'] as const) {
      const group = [...directory.groups()].find((g) => groupKind(g.props) === kind);
      expect(group).toBeDefined();
      const response = await fx.request<{ error: Json }>('POST', `/v1.0/groups/${group!.id}/members/$ref`, { body: ref(userId) });
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({ code: 'Request_BadRequest', message: 'Cannot Update a mail-enabled security groups and or distribution list.' });
    }
  });

  it('refuses member writes to dynamic groups and writes to users synced from on-premises', async () => {
    const userId = await newUser('link.dynamic');
    const directory = fx.simulator.directory;
    const dynamic = [...directory.groups()].find((g) => isDynamicGroup(g.props));
    expect(dynamic).toBeDefined();
    const toDynamic = await fx.request<{ error: Json }>('POST', `/v1.0/groups/${dynamic!.id}/members/$ref`, { body: ref(userId) });
    expect(toDynamic.status).toBe(400);
    const synced = [...directory.users()].find((u) => u.props.onPremisesSyncEnabled === true);
    expect(synced).toBeDefined();
    const patch = await fx.request<{ error: Json }>('PATCH', `/v1.0/users/${synced!.id}`, { body: { displayName: 'Renamed in the cloud' } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.message).toBe('Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.');
  });

  it('a Microsoft 365 group accepts only users as members', async () => {
    const unified = await newGroup('m365only', { groupTypes: ['Unified'], mailEnabled: true });
    const security = await newGroup('nestedsec');
    const response = await fx.request('POST', `/v1.0/groups/${unified}/members/$ref`, { body: ref(security) });
    expect(response.status).toBe(400);
  });

  it('members@odata.bind on create is all or nothing', async () => {
    const userId = await newUser('bind.ok');
    const response = await fx.request('POST', '/v1.0/groups', {
      body: {
        displayName: 'Atomic', mailEnabled: false, mailNickname: 'atomic', securityEnabled: true,
        'members@odata.bind': [`https://graph.microsoft.com/v1.0/users/${userId}`, 'https://graph.microsoft.com/v1.0/users/11111111-2222-3333-4444-555555555555'],
      },
    });
    expect(response.status).toBe(404);
    const found = await fx.request<{ value: Json[] }>('GET', "/v1.0/groups?$filter=mailNickname eq 'atomic'");
    expect(found.body.value).toEqual([]);
  });
});
