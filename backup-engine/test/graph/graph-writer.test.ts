/**
 * The Graph writer against the Graph simulator (demo tenant): the DirectoryWriter contract, then what is specific
 * to Graph over HTTP — `$batch` sizes, throttled and lost batch items, which writes are (not) repeated after a 5xx,
 * and secrets kept out of logs.
 */
import { DEMO_BOB_ID, DEMO_DOMAIN, GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { GraphDirectoryWriter, GraphDirectoryWriterOptions, GraphLogEntry, writableAttributes } from '../../src/graph';
import type { LinkWrite } from '../../src/ports/directory-writer';
import { writableSecurityGroup } from '../contract/directory-gateway.contract';
import { TEST_PASSWORD, describeDirectoryWriterContract, nonMembers } from '../contract/directory-writer.contract';

/** Retries of our own back-off wait 5–10 ms here; `Retry-After` waits stay exact. */
const FAST_BACKOFF = { baseDelayInMs: 10, maxDelayInMs: 20 };

async function startWriter(
  writerOptions: Partial<GraphDirectoryWriterOptions> = {},
): Promise<{ writer: GraphDirectoryWriter; simulator: GraphSimulator; close(): Promise<void> }> {
  const simulator = createGraphSimulator({ tenant: 'demo', throttle: false, latencyMs: 0 });
  const baseUrl = await simulator.listen(0);
  const writer = new GraphDirectoryWriter({ baseUrl, backoff: FAST_BACKOFF, ...writerOptions });
  return { writer, simulator, close: () => simulator.close() };
}

describeDirectoryWriterContract('GraphDirectoryWriter over the Graph simulator', () => startWriter());

describe('GraphDirectoryWriter over HTTP', () => {
  let subject: Awaited<ReturnType<typeof startWriter>>;
  afterEach(async () => {
    await subject.close();
  });

  const batchRequests = (simulator: GraphSimulator) => simulator.stats().perEndpoint['POST /$batch']?.requests ?? 0;
  const memberAdds = (groupId: string, targets: string[]): LinkWrite[] =>
    targets.map((targetId) => ({ op: 'add', relation: 'members', ownerId: groupId, targetId }));

  it('when many objects are read at once, then live, deleted and absent ones come back from a few $batch requests', async () => {
    subject = await startWriter();
    const { writer, simulator } = subject;
    const d = simulator.directory;
    const users = [...d.users()].slice(0, 30).map((u) => u.id);
    const deleted = users[0];
    d.deleteUser(deleted);
    const groupId = writableSecurityGroup(simulator);
    const absent = '00000000-0000-4000-8000-0000000000ab';
    const before = simulator.stats().requests;

    const found = await writer.getLiveObjects([...users.map((id) => ({ id, kinds: ['user' as const] })), { id: groupId, kinds: ['user', 'group'] }, { id: absent, kinds: ['user'] }]);

    expect(found.get(deleted)?.state).toBe('deleted');
    expect(found.get(users[1])).toMatchObject({ state: 'live', kind: 'user', attributes: { userPrincipalName: d.getUser(users[1])!.props.userPrincipalName } });
    expect(found.get(groupId)).toMatchObject({ state: 'live', kind: 'group' });
    expect(found.has(absent)).toBe(false);
    expect(simulator.stats().requests - before).toBeLessThanOrEqual(2 + 1 + 1);
    const holders = await writer.findUsersByPrincipalNames(['BOB@contoso.example', "o'neil@contoso.example"]);
    expect([...holders]).toEqual([['bob@contoso.example', DEMO_BOB_ID]]);
  });

  it('when 45 independent link writes are applied, then they go in exactly ceil(45/20) = 3 $batch requests', async () => {
    subject = await startWriter();
    const { writer, simulator } = subject;
    const groupId = writableSecurityGroup(simulator);
    const targets = nonMembers(simulator, groupId, 45);

    const results = await writer.applyLinkWrites(memberAdds(groupId, targets));

    expect(results.map((r) => r.outcome)).toEqual(targets.map(() => 'done'));
    expect(batchRequests(simulator)).toBe(3);
    expect(simulator.stats().requests).toBe(3);
    expect(simulator.directory.groupMembers(groupId)).toEqual(expect.arrayContaining(targets));
  });

  it('when half the member writes inside batches are throttled (Retry-After 0), then every write ends done', async () => {
    // At p = 0.5 an item stays throttled through 5 retries with p = 1/64; 10 retries make the storm survivable.
    subject = await startWriter({ maxRetries: 10 });
    const { writer, simulator } = subject;
    const groupId = writableSecurityGroup(simulator);
    const targets = nonMembers(simulator, groupId, 45);
    simulator.setFaults([{ path: '^/groups/.*/members/\\$ref', status: 429, retryAfterSeconds: 0, probability: 0.5 }]);

    const results = await writer.applyLinkWrites(memberAdds(groupId, targets));

    expect(results.map((r) => r.outcome)).toEqual(targets.map(() => 'done'));
    expect(simulator.stats().faultsInjected).toBeGreaterThan(5);
    expect(writer.stats().throttled).toBe(simulator.stats().faultsInjected);
    expect(writer.stats().retries).toBe(simulator.stats().faultsInjected);
    expect(simulator.directory.groupMembers(groupId)).toEqual(expect.arrayContaining(targets));
  });

  it('when an item stays throttled past maxRetries, then that write fails with 429 and the others are done', async () => {
    subject = await startWriter({ maxRetries: 2 });
    const { writer, simulator } = subject;
    const groupId = writableSecurityGroup(simulator);
    const [stuck, fine] = nonMembers(simulator, groupId, 2);
    simulator.setFaults([{ path: `^/groups/${groupId}/members/\\$ref`, method: 'POST', status: 429, retryAfterSeconds: 0, times: 3 }]);

    const results = await writer.applyLinkWrites([...memberAdds(groupId, [stuck]), { op: 'remove', relation: 'members', ownerId: groupId, targetId: fine }]);

    expect(results[0]).toMatchObject({ outcome: 'failed', failure: { statusCode: 429 } });
    expect(results[1].outcome).toBe('alreadyDone');
  });

  it('when link writes happen but their answers are lost (504 after the write), then the repeat is classified alreadyDone', async () => {
    subject = await startWriter();
    const { writer, simulator } = subject;
    const groupId = writableSecurityGroup(simulator);
    const targets = nonMembers(simulator, groupId, 3);
    const definition = [...simulator.directory.roleDefinitions.values()].find((d) => d.isBuiltIn)!;
    simulator.setFaults([
      { path: '^/groups/.*/members/\\$ref', status: 504, phase: 'after', times: 3 },
      { path: '^/roleManagement/directory/roleAssignments$', method: 'POST', status: 504, phase: 'after', times: 1 },
    ]);

    const results = await writer.applyLinkWrites([
      ...memberAdds(groupId, targets),
      { op: 'add', relation: 'roleAssignment', ownerId: definition.id, targetId: targets[0] },
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['alreadyDone', 'alreadyDone', 'alreadyDone', 'alreadyDone']);
    expect(simulator.stats().faultsInjected).toBe(4);
    expect(simulator.directory.groupMembers(groupId)).toEqual(expect.arrayContaining(targets));
    expect(simulator.directory.assignmentsOf(targets[0]).filter((a) => a.roleDefinitionId === definition.id)).toHaveLength(1);
  });

  it('when POST /users answers 504 after creating the user, then it is not repeated (no duplicate) and the error surfaces', async () => {
    subject = await startWriter();
    const { writer, simulator } = subject;
    simulator.setFaults([{ path: '^/users$', method: 'POST', status: 504, phase: 'after', times: 1 }]);
    const upn = `once@${DEMO_DOMAIN}`;

    await expect(
      writer.createUser({ userPrincipalName: upn, mailNickname: 'once', displayName: 'Once', accountEnabled: true }, TEST_PASSWORD),
    ).rejects.toMatchObject({ statusCode: 504 });

    expect(simulator.stats().perEndpoint['POST /users'].requests).toBe(1);
    expect(await writer.findUserByPrincipalName(upn)).toEqual({ id: expect.any(String) });
  });

  it('when a restore answers 504 after restoring, then the repeat finds the object live: alreadyDone', async () => {
    subject = await startWriter();
    const { writer, simulator } = subject;
    const [deleted] = simulator.directory.deletedItems('user');
    simulator.setFaults([{ path: '/restore$', status: 504, phase: 'after', times: 1 }]);

    expect(await writer.restoreDeleted(deleted.id)).toBe('alreadyDone');
    expect(simulator.directory.getUser(deleted.id)).toBeDefined();
  });

  it('when a password and a Temporary Access Pass are handled, then neither appears in any log line or error', async () => {
    const entries: GraphLogEntry[] = [];
    subject = await startWriter({ logger: (entry) => entries.push(entry) });
    const { writer } = subject;

    const id = await writer.createUser({ userPrincipalName: `secret@${DEMO_DOMAIN}`, mailNickname: 'secret', displayName: 'Secret', accountEnabled: true }, TEST_PASSWORD);
    const tap = await writer.createTemporaryAccessPass(id, { lifetimeInMinutes: 60, isUsableOnce: false });
    const error: unknown = await writer
      .createUser({ userPrincipalName: `secret@${DEMO_DOMAIN}`, mailNickname: 'secret2', displayName: 'Secret', accountEnabled: true }, TEST_PASSWORD)
      .catch((e: unknown) => e);
    await writer.findUserByPrincipalName(`secret@${DEMO_DOMAIN}`);

    const logged = JSON.stringify(entries);
    expect(entries.map((e) => `${e.method} ${e.status}`)).toEqual(
      expect.arrayContaining(['POST 201', 'POST 400']),
    );
    expect(logged).not.toContain(tap.temporaryAccessPass);
    expect(logged).not.toContain(TEST_PASSWORD);
    expect(logged).not.toContain(`secret@${DEMO_DOMAIN}`);
    expect(logged).not.toContain('secret%40');
    expect(error).toMatchObject({ statusCode: 400 });
    const inError = JSON.stringify({ error, message: (error as Error).message, cause: (error as Error).cause });
    expect(inError).not.toContain(TEST_PASSWORD);
    expect(JSON.stringify(writer)).not.toContain(tap.temporaryAccessPass);
  });

  it('when dependent writes to one link come in one call, then they run in the order given', async () => {
    subject = await startWriter();
    const { writer, simulator } = subject;
    const groupId = writableSecurityGroup(simulator);
    const [a, b] = nonMembers(simulator, groupId, 2);

    const results = await writer.applyLinkWrites([
      { op: 'add', relation: 'members', ownerId: groupId, targetId: a },
      { op: 'remove', relation: 'members', ownerId: groupId, targetId: a },
      { op: 'add', relation: 'members', ownerId: groupId, targetId: b },
      { op: 'add', relation: 'manager', ownerId: a, targetId: DEMO_BOB_ID },
      { op: 'remove', relation: 'manager', ownerId: a, targetId: DEMO_BOB_ID },
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(simulator.directory.groupMembers(groupId)).not.toContain(a);
    expect(simulator.directory.groupMembers(groupId)).toContain(b);
    expect(simulator.directory.managerOf(a)).toBeUndefined();
  });
});

describe('writableAttributes', () => {
  it('when a user snapshot is prepared for create, then read-only, link, license, null and annotation keys are gone', () => {
    expect(writableAttributes('user', {
      id: 'x', '@odata.type': 't', displayName: 'A', city: null, managerId: 'm', assignedLicenses: [], proxyAddresses: [],
      onPremisesSyncEnabled: true, createdDateTime: 'c', passwordProfile: { password: 'p' }, 'manager@delta': [],
    }, 'create')).toEqual({ displayName: 'A' });
  });

  it('when a group patch is prepared, then nulls stay (they clear) and create-only isAssignableToRole is left out', () => {
    expect(writableAttributes('group', { description: null, isAssignableToRole: true, mail: 'm', renewedDateTime: 'r', visibility: 'Private' }, 'update'))
      .toEqual({ description: null, visibility: 'Private' });
  });

});
