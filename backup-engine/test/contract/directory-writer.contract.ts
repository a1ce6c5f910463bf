/**
 * The DirectoryWriter conformance suite (style practice 2): what any implementation of the port must do, checked
 * against the Graph simulator's directory (demo tenant) as the source of truth. Run it with
 * `describeDirectoryWriterContract(name, makeWriter)`; `makeWriter` starts a fresh simulator and a writer pointed at
 * it, and every test closes both.
 */
import type { GraphSimulator } from '../../../graph-simulator/src';
import { DEMO_BOB_ID, DEMO_DOMAIN } from '../../../graph-simulator/src';
import { isGraphRequestError } from '../../src/errors';
import type { Attributes } from '../../src/model/directory';
import type { DirectoryWriter, LinkWrite } from '../../src/ports/directory-writer';
import { writableSecurityGroup } from './directory-gateway.contract';

export interface WriterUnderTest {
  writer: DirectoryWriter;
  simulator: GraphSimulator;
  close(): Promise<void>;
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

/** A password the simulator's complexity rule accepts. */
export const TEST_PASSWORD = 'Rewind-Test-2025!';

/** Users of the demo tenant that are not (yet) members of `groupId`, cloud-only and enabled. */
export function nonMembers(simulator: GraphSimulator, groupId: string, count: number): string[] {
  const members = new Set(simulator.directory.groupMembers(groupId));
  const out: string[] = [];
  for (const user of simulator.directory.users()) {
    if (out.length === count) break;
    if (!members.has(user.id) && user.props.onPremisesSyncEnabled !== true && user.id !== DEMO_BOB_ID) out.push(user.id);
  }
  if (out.length < count) throw new Error(`the demo tenant has fewer than ${count} users outside ${groupId}`);
  return out;
}

export function distributionList(simulator: GraphSimulator): string {
  for (const group of simulator.directory.groups()) {
    const p = group.props;
    if (p.mailEnabled === true && p.securityEnabled !== true && ((p.groupTypes as string[] | undefined) ?? []).length === 0) return group.id;
  }
  throw new Error('the demo tenant has no distribution list');
}

/** A cloud-only user the test may change freely (not Bob, not synced, not a role holder). */
function plainUser(simulator: GraphSimulator, skip: string[] = []): string {
  for (const user of simulator.directory.users()) {
    if (skip.includes(user.id) || user.id === DEMO_BOB_ID || user.props.onPremisesSyncEnabled === true) continue;
    if (user.props.userType !== 'Member' || !user.props.usageLocation) continue;
    if (simulator.directory.assignmentsOf(user.id).length > 0) continue;
    return user.id;
  }
  throw new Error('the demo tenant has no plain user');
}

function newUserAttributes(nickname: string, upn = `${nickname}@${DEMO_DOMAIN}`): Attributes {
  return { userPrincipalName: upn, mailNickname: nickname, displayName: `Test ${nickname}`, accountEnabled: true, usageLocation: 'US' };
}

export function describeDirectoryWriterContract(name: string, makeWriter: () => Promise<WriterUnderTest>): void {
  describe(`DirectoryWriter contract: ${name}`, () => {
    let subject: WriterUnderTest;
    let writer: DirectoryWriter;
    let simulator: GraphSimulator;

    beforeEach(async () => {
      subject = await makeWriter();
      writer = subject.writer;
      simulator = subject.simulator;
    });
    afterEach(async () => {
      await subject.close();
    });

    describe('live reads', () => {
      it('when a live user is read, then its writable and identifying attributes match the directory, without id or annotations', async () => {
        const bob = simulator.directory.getUser(DEMO_BOB_ID)!;

        const live = await writer.getLiveObject('user', DEMO_BOB_ID);

        expect(live).toMatchObject({ id: DEMO_BOB_ID, kind: 'user', state: 'live' });
        for (const key of ['userPrincipalName', 'mailNickname', 'displayName', 'accountEnabled', 'usageLocation', 'assignedLicenses',
          'onPremisesSyncEnabled', 'userType', 'givenName', 'surname', 'jobTitle', 'department', 'officeLocation', 'city', 'country']) {
          expect([key, live!.attributes[key]]).toEqual([key, bob.props[key] ?? null]);
        }
        expect(Object.keys(live!.attributes).filter((k) => k === 'id' || k.includes('@'))).toEqual([]);
        expect(live!.attributes).not.toHaveProperty('passwordProfile');
      });

      it('when a live group and an administrative unit are read, then their kind-defining attributes match', async () => {
        for (const group of simulator.directory.groups()) {
          const live = await writer.getLiveObject('group', group.id);
          expect(live?.state).toBe('live');
          for (const key of ['displayName', 'mailNickname', 'groupTypes', 'mailEnabled', 'securityEnabled', 'membershipRule', 'isAssignableToRole', 'visibility']) {
            expect([group.id, key, live!.attributes[key]]).toEqual([group.id, key, group.props[key] ?? null]);
          }
        }
        const [unit] = simulator.directory.administrativeUnits();
        const liveUnit = await writer.getLiveObject('administrativeUnit', unit.id);
        expect(liveUnit).toMatchObject({ id: unit.id, kind: 'administrativeUnit', state: 'live', attributes: { displayName: unit.props.displayName } });
      });

      it('when a soft-deleted user is read, then it is reported deleted with deletedDateTime; an unknown id is undefined', async () => {
        const [deleted] = simulator.directory.deletedItems('user');

        const live = await writer.getLiveObject('user', deleted.id);

        expect(live).toMatchObject({ id: deleted.id, kind: 'user', state: 'deleted' });
        expect(live!.attributes.deletedDateTime).toBe(deleted.props.deletedDateTime);
        expect(live!.attributes.userPrincipalName).toBe(deleted.props.userPrincipalName);
        expect(Object.keys(live!.attributes).filter((k) => k === 'id' || k.includes('@'))).toEqual([]);
        expect(await writer.getLiveObject('group', deleted.id)).toBeUndefined();
        expect(await writer.getLiveObject('user', '00000000-0000-4000-8000-000000000001')).toBeUndefined();
      });

      it('when links are read, then members, owners and AU members match the directory, typed', async () => {
        for (const group of [...simulator.directory.groups()].slice(0, 15)) {
          const members = await writer.getLinks('members', group.id);
          const owners = await writer.getLinks('owners', group.id);
          expect(sorted(members.map((m) => m.id))).toEqual(sorted(simulator.directory.groupMembers(group.id)));
          expect(sorted(owners.map((m) => m.id))).toEqual(sorted(simulator.directory.groupOwners(group.id)));
          for (const member of members) expect(member.type).toBe(simulator.directory.getLive(member.id)!.kind);
        }
        for (const unit of simulator.directory.administrativeUnits()) {
          const members = await writer.getLinks('unitMembers', unit.id);
          expect(sorted(members.map((m) => m.id))).toEqual(sorted(simulator.directory.unitMembersOf(unit.id)));
        }
        expect(await writer.getLinks('members', '00000000-0000-4000-8000-000000000001')).toEqual([]);
      });

      it("when Bob's relationships are read, then memberOf, owned groups, manager, reports and roles match the directory", async () => {
        const direct = simulator.directory.memberOf(DEMO_BOB_ID);

        const memberOf = await writer.getMemberOf(DEMO_BOB_ID);

        expect(sorted(memberOf.groups)).toEqual(sorted(direct.groups));
        expect(sorted(memberOf.administrativeUnits)).toEqual(sorted(direct.units));
        expect(memberOf.groups.length).toBeGreaterThan(1);
        const owned = simulator.directory.ownedObjects(DEMO_BOB_ID).filter((id) => simulator.directory.getGroup(id));
        expect(sorted(await writer.getOwnedGroups(DEMO_BOB_ID))).toEqual(sorted(owned));
        expect(owned.length).toBeGreaterThan(0);
        expect(await writer.getManager(DEMO_BOB_ID)).toBe(simulator.directory.managerOf(DEMO_BOB_ID));
        expect(sorted(await writer.getDirectReports(DEMO_BOB_ID))).toEqual(sorted(simulator.directory.directReports(DEMO_BOB_ID)));
        const roles = await writer.listRoleAssignments({ principalId: DEMO_BOB_ID });
        expect(sorted(roles.map((r) => r.id))).toEqual(sorted(simulator.directory.assignmentsOf(DEMO_BOB_ID).map((a) => a.id)));
        expect(roles.length).toBeGreaterThan(0);
      });

      it('when a user is in a group nested in another, then the transitive reads count both, and the direct read only one', async () => {
        const d = simulator.directory;
        const outer = d.createGroup({ displayName: 'Outer', mailEnabled: false, mailNickname: `outer-${Date.now()}`, securityEnabled: true });
        const inner = d.createGroup({ displayName: 'Inner', mailEnabled: false, mailNickname: `inner-${Date.now()}`, securityEnabled: true });
        d.addMember(outer.id, inner.id);
        d.addMember(inner.id, DEMO_BOB_ID);

        expect(await writer.getTransitiveGroupIds(DEMO_BOB_ID)).toEqual(expect.arrayContaining([outer.id, inner.id]));
        expect((await writer.getMemberOf(DEMO_BOB_ID)).groups).not.toContain(outer.id);
        const users = await writer.getTransitiveUserMembers(outer.id);
        expect(users).toEqual([{ id: DEMO_BOB_ID, displayName: 'Bob Kelly', userPrincipalName: 'bob@contoso.example' }]);
      });

      it('when a group is a member of groups and units, then getMemberOf reports them for the group too', async () => {
        const group = [...simulator.directory.groups()].find((g) => {
          const m = simulator.directory.memberOf(g.id);
          return m.groups.length + m.units.length > 0;
        })!;
        const direct = simulator.directory.memberOf(group.id);

        const memberOf = await writer.getMemberOf(group.id);

        expect(sorted(memberOf.groups)).toEqual(sorted(direct.groups));
        expect(sorted(memberOf.administrativeUnits)).toEqual(sorted(direct.units));
      });

      it('when a user has no manager, then getManager is null', async () => {
        const ceo = [...simulator.directory.users()].find((u) => !simulator.directory.managerOf(u.id))!;
        expect(await writer.getManager(ceo.id)).toBeNull();
      });

      it('when role assignments are listed by role definition, then they match the directory', async () => {
        const [assignment] = simulator.directory.liveRoleAssignments();
        const expected = simulator.directory.liveRoleAssignments().filter((a) => a.roleDefinitionId === assignment.roleDefinitionId);

        const listed = await writer.listRoleAssignments({ roleDefinitionId: assignment.roleDefinitionId });

        expect(sorted(listed.map((a) => a.id))).toEqual(sorted(expected.map((a) => a.id)));
        expect(listed.find((a) => a.id === assignment.id)).toEqual({
          id: assignment.id, roleDefinitionId: assignment.roleDefinitionId, principalId: assignment.principalId, directoryScopeId: assignment.directoryScopeId,
        });
      });

      it('when users and groups are looked up by UPN and mailNickname, then the live holder is found, case-insensitively', async () => {
        const bob = simulator.directory.getUser(DEMO_BOB_ID)!;
        const [group] = simulator.directory.groups();

        expect(await writer.findUserByPrincipalName(String(bob.props.userPrincipalName).toUpperCase())).toEqual({ id: DEMO_BOB_ID });
        expect(await writer.findByMailNickname('user', String(bob.props.mailNickname))).toEqual({ id: DEMO_BOB_ID });
        expect(await writer.findByMailNickname('group', String(group.props.mailNickname))).toEqual({ id: group.id });
        expect(await writer.findUserByPrincipalName(`nobody@${DEMO_DOMAIN}`)).toBeUndefined();
        expect(await writer.findByMailNickname('group', String(bob.props.mailNickname))).toBeUndefined();
      });

      it("when a UPN holds a single quote (o'neil), then the filter is escaped and finds exactly that user", async () => {
        const oneil = simulator.directory.createUser(newUserAttributes('oneil', `o'neil@${DEMO_DOMAIN}`), { password: TEST_PASSWORD });
        simulator.directory.createUser(newUserAttributes('o', `o@${DEMO_DOMAIN}`), { password: TEST_PASSWORD });

        expect(await writer.findUserByPrincipalName(`O'Neil@${DEMO_DOMAIN}`)).toEqual({ id: oneil.id });
        expect(await writer.findUserByPrincipalName(`o'neil@${DEMO_DOMAIN}' or userPrincipalName eq 'o@${DEMO_DOMAIN}`)).toBeUndefined();
      });

      it('when subscribed SKUs are listed, then seats match the directory', async () => {
        const skus = await writer.listSubscribedSkus();

        expect(sorted(skus.map((s) => s.skuId))).toEqual(sorted(simulator.directory.skus.keys()));
        for (const sku of skus) {
          expect(sku.enabledUnits).toBe(simulator.directory.skus.get(sku.skuId)!.enabledUnits);
          expect(sku.consumedUnits).toBe(simulator.directory.consumedUnits(sku.skuId));
        }
      });
    });

    describe('object writes', () => {
      it('when a soft-deleted user is restored, then it keeps its id and its group memberships; a second restore is alreadyDone', async () => {
        const [deleted] = simulator.directory.deletedItems('user');
        const groupsBefore = simulator.directory.memberOf(deleted.id).groups;
        expect(groupsBefore.length).toBeGreaterThan(0);

        expect(await writer.restoreDeleted(deleted.id)).toBe('done');

        expect(simulator.directory.getUser(deleted.id)?.id).toBe(deleted.id);
        expect(await writer.getLiveObject('user', deleted.id)).toMatchObject({ id: deleted.id, state: 'live' });
        expect(sorted((await writer.getMemberOf(deleted.id)).groups)).toEqual(sorted(groupsBefore));
        expect(await writer.restoreDeleted(deleted.id)).toBe('alreadyDone');
      });

      it('when a deleted user is restored under a new UPN, then it holds that UPN', async () => {
        const [deleted] = simulator.directory.deletedItems('user');
        const upn = `restored.user@${DEMO_DOMAIN}`;

        expect(await writer.restoreDeleted(deleted.id, { newUserPrincipalName: upn })).toBe('done');

        expect(await writer.findUserByPrincipalName(upn)).toEqual({ id: deleted.id });
      });

      it('when an id is neither deleted nor live, then restoreDeleted throws the 404', async () => {
        await expect(writer.restoreDeleted('00000000-0000-4000-8000-000000000002')).rejects.toMatchObject({ statusCode: 404 });
      });

      it('when a user is created from snapshot attributes (read-only ones included), then it exists with the password and is found by UPN', async () => {
        const snapshot: Attributes = {
          ...newUserAttributes('created.user'),
          id: '11111111-1111-4111-8111-111111111111',
          '@odata.type': '#microsoft.graph.user',
          createdDateTime: '2020-01-01T00:00:00Z',
          assignedLicenses: [{ skuId: 'x', disabledPlans: [] }],
          assignedPlans: [],
          managerId: DEMO_BOB_ID,
          proxyAddresses: ['SMTP:created.user@contoso.example'],
          onPremisesSyncEnabled: null,
          securityIdentifier: 'S-1-12-1-1-2-3-4',
          lastPasswordChangeDateTime: '2020-01-01T00:00:00Z',
          department: 'Sales',
          jobTitle: null,
        };

        const id = await writer.createUser(snapshot, TEST_PASSWORD);

        expect(id).not.toBe(snapshot.id);
        const user = simulator.directory.getUser(id)!;
        expect(user.props).toMatchObject({ userPrincipalName: `created.user@${DEMO_DOMAIN}`, department: 'Sales', usageLocation: 'US' });
        expect(user.password).toBe(TEST_PASSWORD);
        expect(await writer.findUserByPrincipalName(`created.user@${DEMO_DOMAIN}`)).toEqual({ id });
      });

      it('when a group is created from snapshot attributes (read-only ones included), then it exists and is found by mailNickname', async () => {
        const source = simulator.directory.getGroup(writableSecurityGroup(simulator))!;
        const snapshot: Attributes = { ...source.props, mailNickname: 'restored-copy', displayName: 'Restored copy' };

        const id = await writer.createGroup(snapshot);

        expect(simulator.directory.getGroup(id)?.props).toMatchObject({ displayName: 'Restored copy', securityEnabled: true, mailEnabled: false });
        expect(await writer.findByMailNickname('group', 'restored-copy')).toEqual({ id });
      });

      it('when objects are patched (read-only attributes mixed in), then the writable ones change; a patch of nothing sends nothing', async () => {
        const userId = plainUser(simulator);
        const groupId = writableSecurityGroup(simulator);

        await writer.updateObject('user', userId, { department: 'Legal', jobTitle: null, id: userId, createdDateTime: 'x', assignedLicenses: [], managerId: null });
        await writer.updateObject('group', groupId, { description: 'Patched', mail: 'x@y', isAssignableToRole: null, renewedDateTime: 'x' });
        const [unit] = simulator.directory.administrativeUnits();
        await writer.updateObject('administrativeUnit', unit.id, { description: 'Patched unit', id: unit.id });

        expect(simulator.directory.getUser(userId)!.props).toMatchObject({ department: 'Legal', jobTitle: null });
        expect(simulator.directory.getGroup(groupId)!.props.description).toBe('Patched');
        expect(unit.props.description).toBe('Patched unit');
        const requests = simulator.stats().requests;
        await writer.updateObject('user', userId, { id: userId, '@odata.type': '#microsoft.graph.user', proxyAddresses: [] });
        expect(simulator.stats().requests).toBe(requests);
      });

      it('when a created user is deleted twice, then done then alreadyDone, and it is in the recycle bin', async () => {
        const id = await writer.createUser(newUserAttributes('to.delete'), TEST_PASSWORD);

        expect(await writer.deleteObject('user', id)).toBe('done');
        expect(await writer.deleteObject('user', id)).toBe('alreadyDone');
        expect(simulator.directory.getDeleted(id)).toBeDefined();
      });
    });

    describe('link writes', () => {
      it('when members are added and removed, then existing adds and missing removes are alreadyDone, one result per write in order', async () => {
        const groupId = writableSecurityGroup(simulator);
        const [a, b] = nonMembers(simulator, groupId, 2);
        const existing = simulator.directory.groupMembers(groupId)[0];
        const writes: LinkWrite[] = [
          { op: 'add', relation: 'members', ownerId: groupId, targetId: a },
          { op: 'add', relation: 'members', ownerId: groupId, targetId: existing },
          { op: 'remove', relation: 'members', ownerId: groupId, targetId: b },
          { op: 'add', relation: 'members', ownerId: groupId, targetId: b },
        ];

        const results = await writer.applyLinkWrites(writes);

        expect(results.map((r) => r.outcome)).toEqual(['done', 'alreadyDone', 'alreadyDone', 'done']);
        expect(simulator.directory.groupMembers(groupId)).toEqual(expect.arrayContaining([a, b, existing]));
        const again = await writer.applyLinkWrites([
          { op: 'remove', relation: 'members', ownerId: groupId, targetId: a },
          { op: 'remove', relation: 'members', ownerId: groupId, targetId: a },
          { op: 'add', relation: 'members', ownerId: groupId, targetId: a },
        ]);
        expect(again.map((r) => r.outcome)).toEqual(['done', 'alreadyDone', 'done']);
        expect(simulator.directory.groupMembers(groupId)).toContain(a);
      });

      it('when owners and administrative-unit members are written, then both ways are idempotent in outcome', async () => {
        const groupId = writableSecurityGroup(simulator);
        const [unit] = simulator.directory.administrativeUnits();
        const owner = nonMembers(simulator, groupId, 1)[0];
        const unitMember = [...simulator.directory.users()].find((u) => !simulator.directory.unitMembersOf(unit.id).includes(u.id))!.id;
        const writes: LinkWrite[] = [
          { op: 'add', relation: 'owners', ownerId: groupId, targetId: owner },
          { op: 'add', relation: 'unitMembers', ownerId: unit.id, targetId: unitMember },
        ];

        expect((await writer.applyLinkWrites(writes)).map((r) => r.outcome)).toEqual(['done', 'done']);
        expect(simulator.directory.groupOwners(groupId)).toContain(owner);
        expect(simulator.directory.unitMembersOf(unit.id)).toContain(unitMember);
        expect((await writer.applyLinkWrites(writes)).map((r) => r.outcome)).toEqual(['alreadyDone', 'alreadyDone']);
        const removals = writes.map((w) => ({ ...w, op: 'remove' as const }));
        expect((await writer.applyLinkWrites(removals)).map((r) => r.outcome)).toEqual(['done', 'done']);
        expect((await writer.applyLinkWrites(removals)).map((r) => r.outcome)).toEqual(['alreadyDone', 'alreadyDone']);
        expect(simulator.directory.groupOwners(groupId)).not.toContain(owner);
        expect(simulator.directory.unitMembersOf(unit.id)).not.toContain(unitMember);
      });

      it('when a manager is set, re-set, and removed with a stale and a current target, then outcomes say what happened', async () => {
        const userId = plainUser(simulator);
        const previous = simulator.directory.managerOf(userId);
        const other = plainUser(simulator, [userId, ...(previous ? [previous] : [])]);
        const manager = previous === DEMO_BOB_ID ? other : DEMO_BOB_ID;
        const stale = previous ?? other;
        const set = (targetId: string): LinkWrite => ({ op: 'add', relation: 'manager', ownerId: userId, targetId });
        const unset = (targetId: string): LinkWrite => ({ op: 'remove', relation: 'manager', ownerId: userId, targetId });

        expect((await writer.applyLinkWrites([set(manager)]))[0].outcome).toBe('done');
        expect(simulator.directory.managerOf(userId)).toBe(manager);
        expect((await writer.applyLinkWrites([set(manager)]))[0].outcome).toBe('alreadyDone');
        expect((await writer.applyLinkWrites([unset(stale)]))[0].outcome).toBe('alreadyDone');
        expect(simulator.directory.managerOf(userId)).toBe(manager);
        expect((await writer.applyLinkWrites([unset(manager), unset(manager)])).map((r) => r.outcome)).toEqual(['done', 'alreadyDone']);
        expect(await writer.getManager(userId)).toBeNull();
      });

      it('when a role assignment is added and removed twice each, then done, alreadyDone, done, alreadyDone', async () => {
        const userId = plainUser(simulator);
        const definition = [...simulator.directory.roleDefinitions.values()].find((d) => d.isBuiltIn)!;
        const write: LinkWrite = { op: 'add', relation: 'roleAssignment', ownerId: definition.id, targetId: userId };

        expect((await writer.applyLinkWrites([write]))[0].outcome).toBe('done');
        expect((await writer.applyLinkWrites([write]))[0].outcome).toBe('alreadyDone');
        expect(simulator.directory.assignmentsOf(userId).map((a) => [a.roleDefinitionId, a.directoryScopeId])).toEqual([[definition.id, '/']]);
        const remove: LinkWrite = { ...write, op: 'remove' };
        expect((await writer.applyLinkWrites([remove]))[0].outcome).toBe('done');
        expect((await writer.applyLinkWrites([remove]))[0].outcome).toBe('alreadyDone');
        expect(simulator.directory.assignmentsOf(userId)).toEqual([]);
      });

      it('when members are written to a distribution list, then each write fails with Graph status, code, message and request id', async () => {
        const dl = distributionList(simulator);
        const [a] = nonMembers(simulator, dl, 1);
        const existing = simulator.directory.groupMembers(dl)[0];

        const results = await writer.applyLinkWrites([
          { op: 'add', relation: 'members', ownerId: dl, targetId: a },
          { op: 'remove', relation: 'members', ownerId: dl, targetId: existing },
        ]);

        for (const result of results) {
          expect(result.outcome).toBe('failed');
          expect(result.failure).toMatchObject({
            statusCode: 400,
            code: 'Request_BadRequest',
            message: 'Cannot Update a mail-enabled security groups and or distribution list.',
          });
          expect(result.failure?.requestId).toEqual(expect.any(String));
        }
        expect(simulator.directory.groupMembers(dl)).toContain(existing);
        expect(simulator.directory.groupMembers(dl)).not.toContain(a);
      });

      it('when a member that does not exist is added, then the write fails (404), not alreadyDone', async () => {
        const groupId = writableSecurityGroup(simulator);

        const [result] = await writer.applyLinkWrites([{ op: 'add', relation: 'members', ownerId: groupId, targetId: '00000000-0000-4000-8000-000000000003' }]);

        expect(result).toMatchObject({ outcome: 'failed', failure: { statusCode: 404, code: 'Request_ResourceNotFound' } });
      });

      it('when no writes are given, then no results', async () => {
        expect(await writer.applyLinkWrites([])).toEqual([]);
      });
    });

    describe('licenses and Temporary Access Pass', () => {
      it('when a SKU with free seats is assigned and removed, then seats follow; a SKU with no free seat fails with Graph’s error', async () => {
        const userId = plainUser(simulator);
        const held = new Set(((simulator.directory.getUser(userId)!.props.assignedLicenses as { skuId: string }[]) ?? []).map((l) => l.skuId));
        const skus = [...simulator.directory.skus.values()].filter((s) => !held.has(s.skuId));
        const free = skus.find((s) => simulator.directory.consumedUnits(s.skuId) < s.enabledUnits)!;
        const full = skus.find((s) => simulator.directory.consumedUnits(s.skuId) >= s.enabledUnits)!;
        expect(free).toBeDefined();
        expect(full).toBeDefined();
        const consumed = simulator.directory.consumedUnits(free.skuId);

        await writer.assignLicenses(userId, [free.skuId], []);
        expect(simulator.directory.consumedUnits(free.skuId)).toBe(consumed + 1);
        await writer.assignLicenses(userId, [], [free.skuId]);
        expect(simulator.directory.consumedUnits(free.skuId)).toBe(consumed);

        const error: unknown = await writer.assignLicenses(userId, [full.skuId], []).catch((e: unknown) => e);
        expect(isGraphRequestError(error)).toBe(true);
        expect(error).toMatchObject({ statusCode: 400, code: 'Request_BadRequest', message: expect.stringContaining('does not have any available licenses') });
      });

      it('when a Temporary Access Pass is created, then the pass and its settings come back and the user holds one', async () => {
        const tap = await writer.createTemporaryAccessPass(DEMO_BOB_ID, { lifetimeInMinutes: 60, isUsableOnce: true });

        expect(tap.temporaryAccessPass).toMatch(/^\S{8,}$/);
        expect(tap).toMatchObject({ lifetimeInMinutes: 60, isUsableOnce: true, startDateTime: expect.any(String) });
        expect(simulator.directory.getUser(DEMO_BOB_ID)!.temporaryAccessPasses).toHaveLength(1);
      });
    });
  });
}
