import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SimClock } from '../src/model/clock';
import { Directory, DirectoryObject, groupKind, isDynamicGroup, isGuid } from '../src/model/directory';
import { parseMembershipRule } from '../src/model/membership-rule';
import {
  BUILT_IN_ROLES,
  DEMO_BOB_ID,
  DEMO_DOMAIN,
  DEMO_HELPDESK_GROUP_ID,
  DEMO_SECURITY_LEADS_GROUP_ID,
  DEMO_TEAM_GROUP_ID,
  DEMO_TENANT_ID,
  PLAYGROUND_CURRENT_USER,
  PLAYGROUND_PEOPLE,
  PLAYGROUND_USERS,
  ROLE_TEMPLATE,
  SKU_ID,
  SeededRandom,
  buildTenant,
  isPrivilegedRole,
} from '../src/seed';

const FIXED_NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const fixedClock = () => new SimClock(() => FIXED_NOW);

/** Everything a backup could read, in a stable order, as one string. */
function snapshotOf(directory: Directory): string {
  const objects = (items: Iterable<DirectoryObject>) => [...items].map((o) => o.props);
  return JSON.stringify({
    users: objects(directory.users()),
    groups: [...directory.groups()].map((g) => ({ ...g.props, members: directory.groupMembers(g.id), owners: directory.groupOwners(g.id) })),
    units: [...directory.administrativeUnits()].map((u) => ({ ...u.props, members: directory.unitMembersOf(u.id) })),
    managers: [...directory.users()].map((u) => directory.managerOf(u.id) ?? null),
    roles: [...directory.directoryRoles.values()],
    assignments: [...directory.roleAssignments.values()],
    skus: [...directory.skus.values()].map((s) => ({ ...s, consumed: directory.consumedUnits(s.skuId) })),
    deletedUsers: objects(directory.deletedItems('user')),
    deletedGroups: objects(directory.deletedItems('group')),
  });
}

describe('SeededRandom', () => {
  test('When two generators share a seed, then they produce the same sequence and GUIDs', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const draw = (r: SeededRandom) => [r.next(), r.int(1, 6), r.guid(), r.pick(['x', 'y', 'z']), r.shuffle([1, 2, 3, 4, 5]).join()];
    expect(draw(a)).toEqual(draw(b));
  });

  test('When GUIDs are drawn, then they are lowercase version-4 GUIDs', () => {
    const random = new SeededRandom(7);
    const guids = Array.from({ length: 500 }, () => random.guid());
    expect(guids.every((g) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(g))).toBe(true);
    expect(new Set(guids).size).toBe(500);
  });
});

describe('demo tenant', () => {
  const directory = buildTenant({ tenant: 'demo' }, fixedClock());
  const bob = directory.requireUser(DEMO_BOB_ID);

  test('When the demo tenant is built twice from the same clock, then both are identical', () => {
    const again = buildTenant({ tenant: 'demo' }, fixedClock());
    expect(snapshotOf(again)).toBe(snapshotOf(directory));
  });

  test('When the demo tenant is built, then it has ~300 users, its tenant id and domain', () => {
    expect(directory.tenantId).toBe(DEMO_TENANT_ID);
    expect(directory.domains[0]).toBe(DEMO_DOMAIN);
    expect(directory.userCount + directory.deletedItems('user').length).toBe(300);
    expect(directory.groupCount).toBeGreaterThanOrEqual(40);
  });

  test('When a user count is given, then the demo tenant has that many users', () => {
    const small = buildTenant({ tenant: 'demo', users: 120 }, fixedClock());
    expect(small.userCount + small.deletedItems('user').length).toBe(120);
    expect(small.getUser(`bob@${DEMO_DOMAIN}`)?.id).toBe(DEMO_BOB_ID);
  });

  test('When Bob Kelly is looked up, then he has the facts the demo relies on', () => {
    expect(directory.getUser(`bob@${DEMO_DOMAIN}`)?.id).toBe(DEMO_BOB_ID);
    expect(bob.props).toMatchObject({ displayName: 'Bob Kelly', mailNickname: 'bob', accountEnabled: true, department: 'IT' });
    const staticGroups = directory.memberOf(bob.id).groups.filter((id) => !isDynamicGroup(directory.requireGroup(id).props));
    expect(staticGroups.length).toBeGreaterThanOrEqual(4);
    expect(directory.ownedObjects(bob.id)).toContain(DEMO_HELPDESK_GROUP_ID);
    expect(directory.assignmentsOf(bob.id).map((a) => a.roleDefinitionId)).toContain(ROLE_TEMPLATE.helpdeskAdministrator);
    expect(directory.managerOf(bob.id)).toBeDefined();
    expect(directory.directReports(bob.id).length).toBeGreaterThanOrEqual(2);
    expect((bob.props.assignedLicenses as unknown[]).length).toBeGreaterThanOrEqual(1);
  });

  test('When users are listed, then they carry the non-secret profile properties', () => {
    const members = [...directory.users()].filter((u) => u.props.userType === 'Member' && u.props.usageLocation);
    for (const key of ['department', 'jobTitle', 'usageLocation', 'city', 'country', 'employeeId', 'mail', 'createdDateTime', 'officeLocation']) {
      expect(members.every((u) => typeof u.props[key] === 'string')).toBe(true);
    }
    expect(members.some((u) => typeof u.props.mobilePhone === 'string')).toBe(true);
    expect([...directory.users()].every((u) => isGuid(u.id))).toBe(true);
  });

  test('When users are counted by kind, then ~10% are synced and there are guests and disabled accounts', () => {
    const users = [...directory.users()];
    const synced = users.filter((u) => u.props.onPremisesSyncEnabled === true);
    expect(synced.length / users.length).toBeGreaterThan(0.07);
    expect(synced.length / users.length).toBeLessThan(0.13);
    expect(synced.every((u) => typeof u.props.onPremisesImmutableId === 'string' && typeof u.props.onPremisesSamAccountName === 'string')).toBe(true);
    const guests = users.filter((u) => u.props.userType === 'Guest');
    expect(guests.length).toBeGreaterThanOrEqual(3);
    expect(guests.every((g) => String(g.props.userPrincipalName).includes('#EXT#@'))).toBe(true);
    expect(users.filter((u) => u.props.accountEnabled === false).length).toBeGreaterThanOrEqual(2);
  });

  test('When managers are followed upwards, then every chain ends at the CEO without a cycle', () => {
    const withManager = [...directory.users()].filter((u) => directory.managerOf(u.id));
    expect(withManager.length).toBeGreaterThan(250);
    const roots = new Set<string>();
    for (const user of withManager) {
      let current = user.id;
      for (let depth = 0; directory.managerOf(current); depth++) {
        expect(depth).toBeLessThan(10);
        current = directory.managerOf(current)!;
      }
      roots.add(current);
    }
    expect([...roots].map((id) => directory.requireUser(id).props.jobTitle)).toEqual(['Chief Executive Officer']);
  });

  test('When groups are classified, then every kind is present, one has no owner and most have owners', () => {
    const groups = [...directory.groups()];
    const kinds = new Set(groups.map((g) => groupKind(g.props)));
    expect([...kinds].sort()).toEqual(['distribution', 'mailEnabledSecurity', 'security', 'unified']);
    expect(groups.some((g) => isDynamicGroup(g.props) && groupKind(g.props) === 'security')).toBe(true);
    expect(groups.some((g) => isDynamicGroup(g.props) && groupKind(g.props) === 'unified')).toBe(true);
    expect(groups.some((g) => g.props.isAssignableToRole === true)).toBe(true);
    expect(groups.some((g) => g.props.onPremisesSyncEnabled === true)).toBe(true);
    expect(groups.some((g) => directory.groupMembers(g.id).some((m) => directory.getGroup(m)))).toBe(true);
    expect(groups.filter((g) => directory.groupOwners(g.id).length === 0)).toHaveLength(1);
  });

  test('When dynamic groups are read, then their members are exactly the live users matching their rule', () => {
    const dynamicGroups = [...directory.groups()].filter((g) => isDynamicGroup(g.props));
    expect(dynamicGroups.length).toBeGreaterThanOrEqual(5);
    for (const group of dynamicGroups) {
      const rule = parseMembershipRule(String(group.props.membershipRule));
      const expected = [...directory.users()].filter((u) => rule.matches(u.props)).map((u) => u.id).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect([...directory.groupMembers(group.id)].sort()).toEqual(expected);
    }
  });

  test('When administrative units are read, then there are three with members', () => {
    const units = [...directory.administrativeUnits()];
    expect(units).toHaveLength(3);
    expect(units.every((u) => directory.unitMembersOf(u.id).length > 0)).toBe(true);
  });

  test('When role assignments are read, then ~12+ roles are held, two by Global Administrators, some AU-scoped or by groups', () => {
    const assignments = directory.liveRoleAssignments();
    expect(new Set(assignments.map((a) => a.roleDefinitionId)).size).toBeGreaterThanOrEqual(12);
    expect(assignments.filter((a) => a.roleDefinitionId === ROLE_TEMPLATE.globalAdministrator)).toHaveLength(2);
    expect(assignments.some((a) => a.directoryScopeId.startsWith('/administrativeUnits/'))).toBe(true);
    expect(assignments.some((a) => directory.getGroup(a.principalId)?.props.isAssignableToRole === true)).toBe(true);
  });

  test('When SKUs are read, then seats cover every assignment and POWER_BI_PRO has none free', () => {
    for (const sku of directory.skus.values()) expect(directory.consumedUnits(sku.skuId)).toBeLessThanOrEqual(sku.enabledUnits);
    const powerBi = directory.skus.get(SKU_ID.powerBiPro)!;
    expect(powerBi.skuPartNumber).toBe('POWER_BI_PRO');
    expect(directory.consumedUnits(powerBi.skuId)).toBe(powerBi.enabledUnits);
    expect(powerBi.enabledUnits).toBeGreaterThan(0);
    const licensed = [...directory.users()].filter((u) => (u.props.assignedLicenses as unknown[]).length > 0);
    expect(licensed.every((u) => typeof u.props.usageLocation === 'string')).toBe(true);
  });

  test('When the recycle bin is read, then it holds a deleted user and a deleted Microsoft 365 group within retention', () => {
    const [deletedUser] = directory.deletedItems('user');
    expect(deletedUser).toBeDefined();
    const deletedGroups = directory.deletedItems('group');
    expect(deletedGroups.some((g) => groupKind(g.props) === 'unified')).toBe(true);
    for (const item of [deletedUser, ...deletedGroups]) {
      const age = FIXED_NOW - Date.parse(String(item.props.deletedDateTime));
      expect(age).toBeGreaterThan(0);
      expect(age).toBeLessThan(30 * 86_400_000);
    }
  });

  test('When the deleted user is restored, then their memberships and license come back', () => {
    const restoreTarget = buildTenant({ tenant: 'demo' }, fixedClock());
    const [deletedUser] = restoreTarget.deletedItems('user');
    restoreTarget.restoreDeleted(deletedUser.id);
    expect(restoreTarget.memberOf(deletedUser.id).groups.length).toBeGreaterThanOrEqual(3);
    expect((restoreTarget.requireUser(deletedUser.id).props.assignedLicenses as unknown[]).length).toBeGreaterThan(0);
  });
});

describe('Agents Playground config', () => {
  interface PlaygroundPerson {
    id: string;
    name: string;
    userPrincipleName: string;
    aadObjectId: string;
    email: string;
  }
  interface PlaygroundConfig {
    version: string;
    tenantId: string;
    currentUser: PlaygroundPerson;
    users: PlaygroundPerson[];
    team: { aadGroupId: string };
  }
  const config = parse(readFileSync(path.join(__dirname, '..', '..', '.m365agentsplayground.yml'), 'utf8')) as PlaygroundConfig;
  const directory = buildTenant({ tenant: 'demo' }, fixedClock());

  test('When the config is read, then it follows schema 0.1.1 with exactly five users and the demo tenant id', () => {
    expect(config.version).toBe('0.1.1');
    expect(config.tenantId).toBe(DEMO_TENANT_ID);
    expect(config.users).toHaveLength(5);
    const ids = [config.currentUser, ...config.users].map((u) => u.id);
    expect(new Set(ids).size).toBe(6);
    expect(config.team.aadGroupId).toBe(DEMO_TEAM_GROUP_ID);
  });

  test('When the config people are looked up, then each is a demo user with the same object id, UPN and name', () => {
    const people = [config.currentUser, ...config.users];
    expect(people.map((p) => p.aadObjectId)).toEqual(PLAYGROUND_PEOPLE.map((p) => p.id));
    expect(config.currentUser.aadObjectId).toBe(PLAYGROUND_CURRENT_USER.id);
    for (const person of people) {
      expect(isGuid(person.aadObjectId)).toBe(true);
      const user = directory.requireUser(person.aadObjectId);
      expect(user.props.userPrincipalName).toBe(person.userPrincipleName);
      expect(user.props.mail).toBe(person.email);
      expect(user.props.displayName).toBe(person.name);
    }
  });

  test('When group memberships are read, then requesters are Helpdesk and at least two approvers are Security Leads', () => {
    const helpdesk = new Set(directory.groupMembers(DEMO_HELPDESK_GROUP_ID));
    const leads = new Set(directory.groupMembers(DEMO_SECURITY_LEADS_GROUP_ID));
    expect(helpdesk.has(config.currentUser.aadObjectId)).toBe(true);
    expect(leads.has(config.currentUser.aadObjectId)).toBe(false);
    const leadsInConfig = config.users.filter((u) => leads.has(u.aadObjectId));
    expect(leadsInConfig.length).toBeGreaterThanOrEqual(2);
    expect(leadsInConfig.filter((u) => !helpdesk.has(u.aadObjectId)).length).toBeGreaterThanOrEqual(2);
    for (const person of PLAYGROUND_USERS) {
      expect(helpdesk.has(person.id)).toBe(person.role === 'requester' || person.role === 'requesterAndApprover');
      expect(leads.has(person.id)).toBe(person.role === 'approver' || person.role === 'requesterAndApprover');
    }
    const team = new Set(directory.groupMembers(DEMO_TEAM_GROUP_ID));
    expect(PLAYGROUND_PEOPLE.every((p) => team.has(p.id))).toBe(true);
  });
});

describe('role and SKU catalogues', () => {
  test('When the role catalogue is read, then it has ≥ 60 roles with unique GUID template ids and privileged flags', () => {
    expect(BUILT_IN_ROLES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(BUILT_IN_ROLES.map((r) => r.templateId)).size).toBe(BUILT_IN_ROLES.length);
    expect(BUILT_IN_ROLES.every((r) => isGuid(r.templateId))).toBe(true);
    expect(isPrivilegedRole(ROLE_TEMPLATE.globalAdministrator)).toBe(true);
    expect(isPrivilegedRole(ROLE_TEMPLATE.groupsAdministrator)).toBe(false);
  });

  test('When the empty tenant is built, then it has roles and SKUs but no users or groups', () => {
    const empty = buildTenant({ tenant: 'empty' }, fixedClock());
    expect(empty.userCount).toBe(0);
    expect(empty.groupCount).toBe(0);
    expect(empty.roleDefinitions.size).toBe(BUILT_IN_ROLES.length);
    expect(empty.skus.size).toBeGreaterThan(0);
    expect(empty.directoryRoleFor(ROLE_TEMPLATE.globalAdministrator)).toBeDefined();
  });
});

describe('large tenant (reduced)', () => {
  const users = 5000;
  const directory = buildTenant({ tenant: 'large', users }, fixedClock());

  test('When built with 5,000 users, then groups, links and roles scale with the user count', () => {
    expect(directory.userCount + directory.deletedItems('user').length).toBe(users);
    expect(directory.groupCount + directory.deletedItems('group').length).toBe(users / 4);
    const links = directory.linkCount() + directory.owners.size;
    expect(links).toBeGreaterThan(users * 15 * 0.75);
    expect(links).toBeLessThan(users * 15 * 1.25);
    expect(directory.directoryRoles.size).toBe(60);
    for (const sku of directory.skus.values()) expect(directory.consumedUnits(sku.skuId)).toBeLessThanOrEqual(sku.enabledUnits);
  });

  test('When the reduced large tenant is built twice, then both are identical', () => {
    const again = buildTenant({ tenant: 'large', users }, fixedClock());
    expect(snapshotOf(again)).toBe(snapshotOf(directory));
  });
});
