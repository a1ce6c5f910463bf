/**
 * Restore scenarios on the simulator, asserting the tenant after the restore: native recycle-bin restore with
 * every link, recreate after a hard delete with reference repair, attribute rollback, the role overwrite example,
 * a group with members, bulk restore (twice, without duplicates), as-new, and undo.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { groupKind } from '../../../graph-simulator/src/model/directory';
import { RestoreRecords } from '../../src/restore/records';
import { planUndo } from '../../src/restore/undo';
import { RestoreFixture, startRestoreFixture } from '../support/restore-fixture';

let fx: RestoreFixture;
beforeEach(async () => {
  fx = await startRestoreFixture();
  await fx.backup();
});
afterEach(() => fx.close());

const sorted = (values: Iterable<string>) => [...values].sort();

function bobFacts(fx: RestoreFixture) {
  const d = fx.simulator.directory;
  return {
    groups: sorted(d.memberOf(DEMO_BOB_ID).groups), owned: sorted(d.ownedObjects(DEMO_BOB_ID)), manager: d.managerOf(DEMO_BOB_ID),
    roles: sorted(d.assignmentsOf(DEMO_BOB_ID).map((a) => a.roleDefinitionId)), reports: sorted(d.directReports(DEMO_BOB_ID)),
    licenses: sorted(((d.getUser(DEMO_BOB_ID)?.props.assignedLicenses as { skuId: string }[]) ?? []).map((l) => l.skuId)),
  };
}

describe('when Bob was deleted and is still in the recycle bin', () => {
  it('then he comes back with his id, creation time, memberships, ownerships, role, manager and licenses', async () => {
    const d = fx.simulator.directory;
    const before = bobFacts(fx);
    const created = d.getUser(DEMO_BOB_ID)!.props.createdDateTime;
    d.deleteUser(DEMO_BOB_ID);
    const { plan, outcome } = await fx.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    expect(plan.steps[0].action.type).toBe('restoreFromRecycleBin');
    expect(outcome.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(d.getUser(DEMO_BOB_ID)?.props.createdDateTime).toBe(created);
    expect(bobFacts(fx)).toEqual(before);
    // Links the plan could not write (Exchange-managed groups) came back with him and were read back: complete.
    expect(plan.skips.length).toBeGreaterThan(0);
    expect(outcome.settledSkips).toHaveLength(plan.skips.length);
    expect(outcome.skips).toEqual([]);
    expect(outcome.status).toBe('complete');
  });
});

describe('when Bob was permanently deleted', () => {
  it('then he is recreated with a new id, his links point at the new object, and the credential goes to the requester only', async () => {
    const d = fx.simulator.directory;
    const before = bobFacts(fx);
    const writable = new Set(before.groups.filter((g) => {
      const group = d.getGroup(g)!;
      return groupKind(group.props) !== 'distribution' && groupKind(group.props) !== 'mailEnabledSecurity' && !(group.props.groupTypes as string[]).includes('DynamicMembership');
    }));
    d.deleteUser(DEMO_BOB_ID);
    d.purgeDeleted(DEMO_BOB_ID);
    const { plan, outcome } = await fx.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    expect(outcome.steps.filter((s) => s.status === 'failed')).toEqual([]);
    const newBob = d.getUser('bob@contoso.example')!;
    expect(newBob.id).not.toBe(DEMO_BOB_ID);
    const after = {
      groups: sorted(d.memberOf(newBob.id).groups), owned: sorted(d.ownedObjects(newBob.id)), manager: d.managerOf(newBob.id),
      roles: sorted(d.assignmentsOf(newBob.id).map((a) => a.roleDefinitionId)), reports: sorted(d.directReports(newBob.id)),
    };
    expect(after.groups).toEqual(sorted(writable));
    expect(after.owned).toEqual(before.owned);
    expect(after.manager).toBe(before.manager);
    expect(after.roles).toEqual(before.roles);
    expect(after.reports).toEqual(before.reports);
    expect(fx.secrets).toHaveLength(1);
    expect(fx.secrets[0]).toMatchObject({ userId: newBob.id, kind: 'password' });
    const stored: string[] = [];
    for await (const doc of fx.store.queryTenant('catalog', fx.tenantId)) stored.push(JSON.stringify(doc));
    expect(stored.join('\n')).not.toContain(fx.secrets[0].value);
    expect(plan.incomplete).toBe(plan.skips.length > 0);
    expect(new Set(plan.skips.map((s) => s.reason))).toEqual(new Set(['distributionList', 'mailEnabledSecurityGroup']));
  });
});

describe('when attributes changed since the backup', () => {
  it('then only the differing attributes are rolled back', async () => {
    const d = fx.simulator.directory;
    const original = { ...d.getUser(DEMO_BOB_ID)!.props };
    d.updateUser(DEMO_BOB_ID, { jobTitle: 'Changed', department: 'Elsewhere' });
    const { plan } = await fx.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }], options: { withMemberships: false, withOwnerships: false, withRoleAssignments: false, withManager: false, withLicenses: false } });
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0].action).toMatchObject({ type: 'updateAttributes', changes: [{ name: 'department', after: original.department }, { name: 'jobTitle', after: original.jobTitle }] });
    expect(d.getUser(DEMO_BOB_ID)!.props.jobTitle).toBe(original.jobTitle);
    expect(d.getUser(DEMO_BOB_ID)!.props.department).toBe(original.department);
  });
});

describe('when a role gained and lost members since the backup (Sally, Michael, Phil → Sally, Phil, Steve, Cindy)', () => {
  it('then the overwrite restore leaves exactly the backed-up members', async () => {
    const d = fx.simulator.directory;
    const role = [...d.roleDefinitions.values()].find((r) => r.displayName === 'User Administrator')!;
    const holdersAtBackup = sorted(d.liveRoleAssignments().filter((a) => a.roleDefinitionId === role.id).map((a) => a.principalId));
    const people = [...d.users()].filter((u) => u.props.onPremisesSyncEnabled !== true && !holdersAtBackup.includes(u.id)).slice(0, 2);
    await fx.backup();
    const [removed] = d.liveRoleAssignments().filter((a) => a.roleDefinitionId === role.id);
    if (removed) d.deleteRoleAssignment(removed.id);
    for (const p of people) d.createRoleAssignment({ roleDefinitionId: role.id, principalId: p.id, directoryScopeId: '/' });
    const { outcome } = await fx.restore({ targets: [{ kind: 'role', id: role.id }] });
    expect(outcome.steps.every((s) => s.status === 'done')).toBe(true);
    expect(sorted(d.liveRoleAssignments().filter((a) => a.roleDefinitionId === role.id).map((a) => a.principalId))).toEqual(holdersAtBackup);
  });
});

describe('when a security group with members was permanently deleted', () => {
  it('then it is recreated with its members and owners, under a new id', async () => {
    const d = fx.simulator.directory;
    const group = [...d.groups()].find((g) => groupKind(g.props) === 'security' && !(g.props.groupTypes as string[]).length && !g.props.isAssignableToRole && !g.props.onPremisesSyncEnabled && d.groupMembers(g.id).length >= 3 && d.groupOwners(g.id).length >= 1)!;
    const members = sorted(d.groupMembers(group.id));
    const owners = sorted(d.groupOwners(group.id));
    d.deleteGroup(group.id);
    d.purgeDeleted(group.id);
    const { outcome } = await fx.restore({ targets: [{ kind: 'group', id: group.id }] });
    expect(outcome.steps.filter((s) => s.status === 'failed')).toEqual([]);
    const recreated = [...d.groups()].find((g) => g.props.mailNickname === group.props.mailNickname)!;
    expect(recreated.id).not.toBe(group.id);
    expect(sorted(d.groupMembers(recreated.id))).toEqual(members);
    expect(sorted(d.groupOwners(recreated.id))).toEqual(owners);
  });
});

describe('when everything is restored from a snapshot, twice', () => {
  it('then deleted users and groups come back with the links between them, and the second run creates nothing', async () => {
    const d = fx.simulator.directory;
    const victims = [...d.users()].filter((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID).slice(0, 5);
    for (const v of victims) d.deleteUser(v.id);
    d.purgeDeleted(victims[0].id);
    const usersBefore = d.userCount;
    const first = await fx.restore({ targets: 'allUsersAndGroups' });
    expect(first.outcome.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(d.userCount).toBe(usersBefore + 5);
    // The same snapshot again: the recreated user is the backed-up one under a new id (lineage), so nothing is
    // planned at all — no second create, no removal of its links, no false skips.
    const second = await fx.plan({ targets: 'allUsersAndGroups' });
    expect(second.steps).toEqual([]);
    expect(second.skips.filter((s) => s.reason === 'linkedObjectMissing' || s.reason === 'userPrincipalNameConflict')).toEqual([]);
    expect(d.userCount).toBe(usersBefore + 5);
  });
});

describe('when Bob is restored as new', () => {
  it('then a copy exists under the new UPN and the original is untouched', async () => {
    const d = fx.simulator.directory;
    const { outcome } = await fx.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }], options: { asNew: { userPrincipalName: 'bob.copy@contoso.example' }, credential: 'temporaryAccessPass' } });
    expect(outcome.steps.filter((s) => s.status === 'failed')).toEqual([]);
    const copy = d.getUser('bob.copy@contoso.example')!;
    expect(copy.props.displayName).toBe('Bob Kelly (restored)');
    expect(d.getUser(DEMO_BOB_ID)?.props.userPrincipalName).toBe('bob@contoso.example');
    expect(fx.secrets).toEqual([expect.objectContaining({ kind: 'temporaryAccessPass', userId: copy.id })]);
  });
});

describe('when a restore is undone', () => {
  it('then the tenant returns to its state before the restore', async () => {
    const d = fx.simulator.directory;
    d.updateUser(DEMO_BOB_ID, { jobTitle: 'After backup' });
    const group = d.memberOf(DEMO_BOB_ID).groups.find((g) => groupKind(d.getGroup(g)!.props) === 'security' && !(d.getGroup(g)!.props.groupTypes as string[]).includes('DynamicMembership'))!;
    d.removeMember(group, DEMO_BOB_ID);
    const before = { jobTitle: d.getUser(DEMO_BOB_ID)!.props.jobTitle, groups: sorted(d.memberOf(DEMO_BOB_ID).groups) };
    const { outcome } = await fx.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    expect(d.memberOf(DEMO_BOB_ID).groups).toContain(group);
    const undo = await planUndo(fx.store, fx.tenantId, outcome.restoreId);
    // Bob holds a privileged role: his restore was privileged, so its undo is too (two approvers).
    expect(undo.sensitivity.privileged).toBe(true);
    const undoId = await fx.approve(undo);
    expect((await new RestoreRecords(fx.store, fx.tenantId).readApproval(undoId))?.document.requiredApprovals).toBe(2);
    await fx.execute(undoId);
    expect({ jobTitle: d.getUser(DEMO_BOB_ID)!.props.jobTitle, groups: sorted(d.memberOf(DEMO_BOB_ID).groups) }).toEqual(before);
  });
});
