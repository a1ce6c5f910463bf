/**
 * The DirectoryGateway conformance suite (style practice 2): what any implementation of the port must do, checked
 * against the Graph simulator's directory as the source of truth. Run it with
 * `describeDirectoryGatewayContract(name, makeGateway)`; `makeGateway` starts a fresh simulator (demo tenant) and a
 * gateway pointed at it, and every test closes both.
 */
import type { GraphSimulator } from '../../../graph-simulator/src';
import { DAY_IN_MS } from '../../../graph-simulator/src';
import { isDeltaTokenExpiredError } from '../../src/errors';
import type { DeltaPage, GroupDelta, LinkChange, UserDelta } from '../../src/model/directory';
import type { DirectoryGateway } from '../../src/ports/directory-gateway';

export interface GatewayUnderTest {
  gateway: DirectoryGateway;
  simulator: GraphSimulator;
  close(): Promise<void>;
}

export interface RoundResult<T> {
  pages: DeltaPage<T>[];
  items: T[];
  deltaLink: string;
}

export async function collectRound<T>(round: AsyncIterable<DeltaPage<T>>): Promise<RoundResult<T>> {
  const pages: DeltaPage<T>[] = [];
  for await (const page of round) pages.push(page);
  const last = pages[pages.length - 1];
  if (!last?.deltaLink) throw new Error('the round ended without a deltaLink');
  return { pages, items: pages.flatMap((p) => p.items), deltaLink: last.deltaLink };
}

export interface MergedGroup {
  delta: GroupDelta;
  members: Map<string, LinkChange>;
  owners: Map<string, LinkChange>;
}

/** Merges a group's entries across pages (a large member list is split, contract §3.2). */
export function mergeGroups(items: GroupDelta[]): Map<string, MergedGroup> {
  const merged = new Map<string, MergedGroup>();
  for (const item of items) {
    let entry = merged.get(item.id);
    if (!entry) merged.set(item.id, (entry = { delta: item, members: new Map(), owners: new Map() }));
    for (const link of item.members ?? []) entry.members.set(link.id, link);
    for (const link of item.owners ?? []) entry.owners.set(link.id, link);
  }
  return merged;
}

export function byId<T extends { id: string }>(items: T[]): Map<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

/** A security group the directory lets us write members to (not dynamic, not mail-enabled). */
export function writableSecurityGroup(simulator: GraphSimulator): string {
  for (const group of simulator.directory.groups()) {
    const props = group.props;
    const types = (props.groupTypes as string[] | undefined) ?? [];
    if (props.securityEnabled === true && props.mailEnabled !== true && !types.includes('DynamicMembership') && props.isAssignableToRole !== true) {
      return group.id;
    }
  }
  throw new Error('the demo tenant has no plain security group');
}

export function describeDirectoryGatewayContract(name: string, makeGateway: () => Promise<GatewayUnderTest>): void {
  describe(`DirectoryGateway contract: ${name}`, () => {
    let subject: GatewayUnderTest;
    let gateway: DirectoryGateway;
    let simulator: GraphSimulator;

    beforeEach(async () => {
      subject = await makeGateway();
      gateway = subject.gateway;
      simulator = subject.simulator;
    });
    afterEach(async () => {
      await subject.close();
    });

    describe('delta rounds', () => {
      it('when a full user round runs, then every live user arrives once with its attributes and manager', async () => {
        const round = await collectRound(gateway.deltaUsers());
        const users = byId(round.items);
        const live = [...simulator.directory.users()];

        expect(round.items).toHaveLength(live.length);
        expect(sorted(users.keys())).toEqual(sorted(live.map((u) => u.id)));
        for (const user of live) {
          const delta = users.get(user.id)!;
          expect(delta.removed).toBeUndefined();
          expect(delta.attributes?.userPrincipalName).toBe(user.props.userPrincipalName);
          expect(delta.attributes?.displayName).toBe(user.props.displayName);
          expect(delta.attributes?.onPremisesSyncEnabled).toBe(user.props.onPremisesSyncEnabled ?? null);
          expect(delta.attributes?.assignedLicenses).toEqual(user.props.assignedLicenses ?? []);
          expect(delta.managerId).toBe(simulator.directory.managerOf(user.id));
        }
      });

      it('when a full user round runs, then attributes carry no id, annotations or navigation properties', async () => {
        const round = await collectRound(gateway.deltaUsers());

        const keys = new Set(round.items.flatMap((u) => Object.keys(u.attributes ?? {})));
        expect([...keys].filter((k) => k === 'id' || k.includes('@') || k === 'manager')).toEqual([]);
        expect(keys.has('accountEnabled')).toBe(true);
      });

      it('when a full group round runs, then members and owners match the directory, typed', async () => {
        const round = await collectRound(gateway.deltaGroups());
        const groups = mergeGroups(round.items);
        const live = [...simulator.directory.groups()];

        expect(sorted(groups.keys())).toEqual(sorted(live.map((g) => g.id)));
        for (const group of live) {
          const merged = groups.get(group.id)!;
          expect(merged.delta.attributes?.displayName).toBe(group.props.displayName);
          expect(merged.delta.attributes?.groupTypes).toEqual(group.props.groupTypes ?? []);
          expect(sorted(merged.members.keys())).toEqual(sorted(simulator.directory.groupMembers(group.id)));
          expect(sorted(merged.owners.keys())).toEqual(sorted(simulator.directory.groupOwners(group.id)));
          for (const link of [...merged.members.values(), ...merged.owners.values()]) {
            expect(link.removed).toBe(false);
            expect(link.type).toBe(simulator.directory.getLive(link.id)?.kind);
          }
        }
      });

      it('when every page but the last is read, then each carries a nextLink and only the last a deltaLink', async () => {
        const round = await collectRound(gateway.deltaUsers());

        expect(round.pages.length).toBeGreaterThan(1);
        for (const page of round.pages.slice(0, -1)) {
          expect(page.nextLink).toEqual(expect.any(String));
          expect(page.deltaLink).toBeUndefined();
        }
        expect(round.pages[round.pages.length - 1].nextLink).toBeUndefined();
      });

      it('when a round is interrupted after its first page, then resuming from its nextLink yields the rest', async () => {
        const iterator = gateway.deltaUsers()[Symbol.asyncIterator]();
        const first = (await iterator.next()).value as DeltaPage<UserDelta>;
        await iterator.return?.();

        const rest = await collectRound(gateway.deltaUsers({ resumeFrom: first.nextLink }));

        const ids = [...first.items, ...rest.items].map((u) => u.id);
        expect(sorted(new Set(ids))).toEqual(sorted([...simulator.directory.users()].map((u) => u.id)));
      });

      it('when users change through the directory, then the incremental round reports exactly those changes', async () => {
        const full = await collectRound(gateway.deltaUsers());
        const [renamed, deleted, managed, unmanaged] = [...simulator.directory.users()]
          .filter((u) => u.props.onPremisesSyncEnabled !== true)
          .filter((u) => simulator.directory.managerOf(u.id) !== undefined)
          .slice(0, 4);
        const newManager = [...simulator.directory.users()].find((u) => u.id !== managed.id && u.id !== deleted.id && u.id !== simulator.directory.managerOf(managed.id))!;
        const orphanedReports = simulator.directory.directReports(deleted.id).filter((id) => id !== managed.id && id !== unmanaged.id);
        simulator.directory.updateUser(renamed.id, { jobTitle: 'Chief Rewinder' });
        simulator.directory.deleteUser(deleted.id);
        simulator.directory.setManager(managed.id, newManager.id);
        simulator.directory.removeManager(unmanaged.id);

        const incremental = await collectRound(gateway.deltaUsers({ deltaLink: full.deltaLink }));

        const changes = byId(incremental.items);
        expect(sorted(changes.keys())).toEqual(sorted(new Set([renamed.id, deleted.id, managed.id, unmanaged.id, ...orphanedReports])));
        for (const report of orphanedReports) expect(changes.get(report)?.managerId).toBeNull();
        expect(changes.get(renamed.id)?.attributes?.jobTitle).toBe('Chief Rewinder');
        expect(changes.get(deleted.id)).toEqual({ id: deleted.id, removed: 'changed' });
        expect(changes.get(managed.id)?.managerId).toBe(newManager.id);
        expect(changes.get(unmanaged.id)?.managerId).toBeNull();
      });

      it('when members change over HTTP, then the incremental group round reports added and removed links', async () => {
        const groupId = writableSecurityGroup(simulator);
        const full = await collectRound(gateway.deltaGroups());
        const [removedMember] = simulator.directory.groupMembers(groupId);
        const addedMember = [...simulator.directory.users()].find((u) => !simulator.directory.groupMembers(groupId).includes(u.id))!;
        const add = await fetch(`${simulator.url}/v1.0/groups/${groupId}/members/$ref`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${addedMember.id}` }),
        });
        const remove = await fetch(`${simulator.url}/v1.0/groups/${groupId}/members/${removedMember}/$ref`, { method: 'DELETE' });
        expect([add.status, remove.status]).toEqual([204, 204]);

        const incremental = await collectRound(gateway.deltaGroups({ deltaLink: full.deltaLink }));

        const merged = mergeGroups(incremental.items).get(groupId)!;
        expect(merged.members.get(addedMember.id)).toEqual({ id: addedMember.id, type: 'user', removed: false });
        expect(merged.members.get(removedMember)).toMatchObject({ id: removedMember, removed: true });
        expect(merged.members.size).toBe(2);
      });

      it('when a group is deleted, then the incremental round reports it removed', async () => {
        const groupId = writableSecurityGroup(simulator);
        const full = await collectRound(gateway.deltaGroups());
        simulator.directory.deleteGroup(groupId);

        const incremental = await collectRound(gateway.deltaGroups({ deltaLink: full.deltaLink }));

        expect(byId(incremental.items).get(groupId)?.removed).toEqual(expect.stringMatching(/^(changed|deleted)$/));
      });

      it('when tracking starts from latestDeltaLink, then the next round holds only later changes', async () => {
        const link = await gateway.latestDeltaLink('users');
        const [user] = simulator.directory.users();
        simulator.directory.updateUser(user.id, { department: 'Time Travel' });

        const round = await collectRound(gateway.deltaUsers({ deltaLink: link }));

        expect(round.items.map((u) => u.id)).toEqual([user.id]);
        expect(round.items[0].attributes?.department).toBe('Time Travel');
      });

      it('when a group deltaLink starts from latest, then member changes surface (members and owners are tracked)', async () => {
        const groupId = writableSecurityGroup(simulator);
        const link = await gateway.latestDeltaLink('groups');
        const outsider = [...simulator.directory.users()].find((u) => !simulator.directory.groupMembers(groupId).includes(u.id))!;
        simulator.directory.addMember(groupId, outsider.id);

        const round = await collectRound(gateway.deltaGroups({ deltaLink: link }));

        expect(mergeGroups(round.items).get(groupId)?.members.get(outsider.id)).toEqual({ id: outsider.id, type: 'user', removed: false });
      });

      it('when a deltaLink is older than 7 days, then the round throws DeltaTokenExpiredError', async () => {
        const full = await collectRound(gateway.deltaUsers());
        simulator.clock.advance(8 * DAY_IN_MS);

        const error = await collectRound(gateway.deltaUsers({ deltaLink: full.deltaLink })).catch((e: unknown) => e);

        expect(isDeltaTokenExpiredError(error)).toBe(true);
      });

      it('when the tenant is reseeded, then an old deltaLink throws DeltaTokenExpiredError (410)', async () => {
        const full = await collectRound(gateway.deltaGroups());
        simulator.loadTenant({ tenant: 'demo' });

        const error = await collectRound(gateway.deltaGroups({ deltaLink: full.deltaLink })).catch((e: unknown) => e);

        expect(isDeltaTokenExpiredError(error)).toBe(true);
      });
    });

    describe('roles, units, licenses, recycle bin', () => {
      it('when role definitions are listed, then they match the directory, isPrivileged included', async () => {
        const definitions = await gateway.listRoleDefinitions();

        const expected = [...simulator.directory.roleDefinitions.values()];
        expect(sorted(definitions.map((d) => d.id))).toEqual(sorted(expected.map((d) => d.id)));
        for (const definition of expected) {
          expect(definitions.find((d) => d.id === definition.id)).toMatchObject({
            displayName: definition.displayName,
            templateId: definition.templateId,
            isBuiltIn: definition.isBuiltIn,
            isPrivileged: definition.isPrivileged,
          });
        }
        expect(definitions.find((d) => d.templateId === '62e90394-69f5-4237-9190-012177145e10')?.isPrivileged).toBe(true);
      });

      it('when role assignments are listed, then they match the directory', async () => {
        const assignments = await gateway.listRoleAssignments();

        const expected = simulator.directory.liveRoleAssignments().map(({ id, principalId, roleDefinitionId, directoryScopeId }) => ({
          id, principalId, roleDefinitionId, directoryScopeId,
        }));
        expect(assignments).toHaveLength(expected.length);
        expect(assignments).toEqual(expect.arrayContaining(expected));
      });

      it('when directory roles are listed, then each activated role comes with its members', async () => {
        const roles = await gateway.listDirectoryRoles();

        const expected = [...simulator.directory.directoryRoles.values()];
        expect(sorted(roles.map((r) => r.id))).toEqual(sorted(expected.map((r) => r.id)));
        for (const role of roles) {
          expect(role.roleTemplateId).toBe(simulator.directory.directoryRoles.get(role.id)?.roleTemplateId);
          expect(sorted((role.members ?? []).map((m) => m.id))).toEqual(sorted(simulator.directory.directoryRoleMembers(role.id)));
        }
        expect(roles.some((r) => (r.members ?? []).length > 0)).toBe(true);
      });

      it('when only some roles\' members are asked for, then the others come back without members', async () => {
        const all = await gateway.listDirectoryRoles();
        const chosen = all[0].roleTemplateId;
        const some = await gateway.listDirectoryRoles({ readMembers: (templateId) => templateId === chosen });
        expect(some.map((r) => r.id).sort()).toEqual(all.map((r) => r.id).sort());
        for (const role of some) expect(role.members === undefined).toBe(role.roleTemplateId !== chosen);
      });

      it('when administrative units are listed, then attributes and members match the directory', async () => {
        const units = await gateway.listAdministrativeUnits();

        const expected = [...simulator.directory.administrativeUnits()];
        expect(units).toHaveLength(expected.length);
        for (const unit of expected) {
          const record = units.find((u) => u.id === unit.id)!;
          expect(record.kind).toBe('administrativeUnit');
          expect(record.attributes.displayName).toBe(unit.props.displayName);
          expect(sorted(record.members.map((m) => m.id))).toEqual(sorted(simulator.directory.unitMembersOf(unit.id)));
          for (const member of record.members) expect(member.type).toBe(simulator.directory.getLive(member.id)?.kind);
        }
      });

      it('when subscribed SKUs are listed, then seats and consumption match the directory', async () => {
        const skus = await gateway.listSubscribedSkus();

        const expected = [...simulator.directory.skus.values()].map((s) => ({
          skuId: s.skuId,
          skuPartNumber: s.skuPartNumber,
          enabledUnits: s.enabledUnits,
          consumedUnits: simulator.directory.consumedUnits(s.skuId),
        }));
        expect(skus).toEqual(expect.arrayContaining(expected));
        expect(skus).toHaveLength(expected.length);
      });

      it.each(['user', 'group', 'administrativeUnit'] as const)('when deleted %ss are listed, then they match the recycle bin', async (kind) => {
        const items = await gateway.listDeletedItems(kind);

        const expected = simulator.directory.deletedItems(kind);
        expect(sorted(items.map((i) => i.id))).toEqual(sorted(expected.map((o) => o.id)));
        for (const object of expected) {
          expect(items.find((i) => i.id === object.id)).toMatchObject({
            kind,
            displayName: object.props.displayName,
            deletedDateTime: object.props.deletedDateTime,
          });
        }
      });

      it('when a user is deleted, then it moves from the live list to the deleted users', async () => {
        const [user] = simulator.directory.users();
        simulator.directory.deleteUser(user.id);

        const items = await gateway.listDeletedItems('user');

        expect(items.find((i) => i.id === user.id)).toMatchObject({ userPrincipalName: user.props.userPrincipalName, kind: 'user' });
      });
    });

    describe('single objects and the tenant', () => {
      it('when an object does not exist, then getObject answers undefined', async () => {
        const missing = '8c14a998-3c8d-4c52-ad09-c9032671ea31';

        await expect(gateway.getObject('user', missing)).resolves.toBeUndefined();
        await expect(gateway.getObject('group', missing)).resolves.toBeUndefined();
        await expect(gateway.getObject('administrativeUnit', missing)).resolves.toBeUndefined();
      });

      it('when a user exists, then getObject returns its attributes and managerId', async () => {
        const user = [...simulator.directory.users()].find((u) => simulator.directory.managerOf(u.id) !== undefined)!;

        const record = await gateway.getObject('user', user.id);

        expect(record).toMatchObject({ id: user.id, kind: 'user' });
        expect(record?.attributes.userPrincipalName).toBe(user.props.userPrincipalName);
        expect(record?.attributes.managerId).toBe(simulator.directory.managerOf(user.id));
        expect(Object.keys(record?.attributes ?? {}).filter((k) => k.includes('@') || k === 'manager' || k === 'id')).toEqual([]);
      });

      it('when a group exists, then getObject returns its attributes', async () => {
        const groupId = writableSecurityGroup(simulator);

        const record = await gateway.getObject('group', groupId);

        expect(record).toMatchObject({ id: groupId, kind: 'group' });
        expect(record?.attributes.displayName).toBe(simulator.directory.getGroup(groupId)?.props.displayName);
        expect(record?.attributes.securityEnabled).toBe(true);
      });

      it('when the tenant is read, then its id and default domain match the directory', async () => {
        const tenant = await gateway.getTenant();

        expect(tenant.tenantId).toBe(simulator.directory.tenantId);
        expect(tenant.defaultDomain).toBe(simulator.directory.domains[0]);
      });
    });
  });
}
