/**
 * Incremental backups from Graph delta store exactly what a full re-read would: after creates, updates, soft and
 * hard deletes, member and owner changes, manager and role changes, the incremental manifest equals the manifest of
 * a forced full backup taken right after it.
 */
import { DEMO_BOB_ID, DAY_IN_MS } from '../../../graph-simulator/src';
import { entryKey } from '../../src/snapshot/keys';
import { EngineFixture, startEngine } from '../support/engine-fixture';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await startEngine();
});
afterEach(() => fx.close());

function churn(fx: EngineFixture) {
  const d = fx.simulator.directory;
  const domain = d.domains[0];
  const created = d.createUser({ accountEnabled: true, displayName: 'Nina New', mailNickname: 'nina.new', userPrincipalName: `nina.new@${domain}`, passwordProfile: { password: 'Sim-Pa55word!x' } });
  const users = [...d.users()].filter((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID && u.props.userType !== 'Guest');
  const [renamed, softDeleted, hardDeleted, newManager] = users.slice(10, 14);
  d.updateUser(renamed.id, { jobTitle: 'Chief Renaming Officer', department: 'Renamed' });
  d.deleteUser(softDeleted.id);
  d.deleteUser(hardDeleted.id);
  d.purgeDeleted(hardDeleted.id);
  d.setManager(DEMO_BOB_ID, newManager.id);
  const writable = [...d.groups()].find((g) => g.props.securityEnabled === true && g.props.mailEnabled === false && !(g.props.groupTypes as string[]).includes('DynamicMembership') && !g.props.onPremisesSyncEnabled)!;
  d.addMember(writable.id, created.id);
  const existingMember = d.groupMembers(writable.id).find((m) => m !== created.id);
  if (existingMember) d.removeMember(writable.id, existingMember);
  d.addOwner(writable.id, created.id);
  const helpdeskAdmin = [...d.roleDefinitions.values()].find((r) => r.displayName === 'Helpdesk Administrator')!;
  d.createRoleAssignment({ roleDefinitionId: helpdeskAdmin.id, principalId: created.id, directoryScopeId: '/' });
  return { created, renamed, softDeleted, hardDeleted, writable, helpdeskAdmin };
}

describe('when the tenant changes between two backups', () => {
  it('then the incremental snapshot equals a full re-read, and stores only what changed', async () => {
    const first = await fx.backup();
    const changes = churn(fx);
    const incremental = await fx.backup();
    const full = await fx.backup({ mode: 'full' });
    expect(incremental.snapshot.mode).toBe('incremental');
    expect(full.snapshot.mode).toBe('full');
    expect(incremental.snapshot.manifestHash).toBe(full.snapshot.manifestHash);
    expect(full.snapshot.changes).toEqual({ created: {}, changed: {}, deleted: {} });
    expect(incremental.snapshot.changes.created.user).toBe(1);
    expect(incremental.snapshot.changes.deleted.user).toBe(2);
    expect(incremental.snapshot.stats.storedBytes).toBeLessThan(first.snapshot.stats.storedBytes / 10);

    const diff = await fx.queries().tenantDiff(first.snapshot.id, incremental.snapshot.id);
    expect(diff.created.map((o) => o.id)).toEqual([changes.created.id]);
    expect(diff.deleted.map((o) => o.id).sort()).toEqual([changes.softDeleted.id, changes.hardDeleted.id].sort());
    expect(diff.changed.map((o) => o.id)).toEqual(expect.arrayContaining([changes.renamed.id, DEMO_BOB_ID]));
    const roleChange = diff.roleChanges.find((r) => r.role.id === changes.helpdeskAdmin.id);
    expect(roleChange?.added.map((p) => p.displayName)).toEqual(['Nina New']);
    expect(roleChange?.added[0].firstSeen.snapshotId).toBe(incremental.snapshot.id);
    const groupChange = diff.changedLinkSets.find((s) => s.owner.id === changes.writable.id && s.kind === 'members');
    expect(groupChange?.added.map((m) => m.id)).toEqual([changes.created.id]);
  });

  it("then the new user's reverse links (memberships, ownerships, roles) are indexed", async () => {
    await fx.backup();
    const changes = churn(fx);
    await fx.backup();
    const links = await fx.queries().relationshipsAt('user', changes.created.id);
    expect(links.memberOf.map((g) => g.id)).toEqual([changes.writable.id]);
    expect(links.ownerOf.map((g) => g.id)).toEqual([changes.writable.id]);
    expect(links.roles.map((r) => r.role.displayName)).toEqual(['Helpdesk Administrator']);
  });

  it('then the soft-deleted user is listed as deleted since the first backup, and as in the recycle bin', async () => {
    const first = await fx.backup();
    const changes = churn(fx);
    await fx.backup();
    const deleted = await fx.queries().deletedSince(first.snapshot.completedAt);
    const byId = new Map(deleted.map((d) => [d.id, d]));
    expect(byId.get(changes.softDeleted.id)?.inRecycleBin).toBe(true);
    expect(byId.get(changes.hardDeleted.id)?.inRecycleBin).toBe(false);
  });
});

describe('when the stored delta link has expired', () => {
  it('then the backup reads a full round instead, says so, and the result equals a forced full backup', async () => {
    await fx.backup();
    churn(fx);
    fx.simulator.clock.advance(8 * DAY_IN_MS);
    const fallback = await fx.backup();
    expect(fallback.snapshot.notes).toEqual(expect.arrayContaining([expect.stringContaining('expired')]));
    const full = await fx.backup({ mode: 'full' });
    expect(fallback.snapshot.manifestHash).toBe(full.snapshot.manifestHash);
  });
});

describe('when an object changes between backups', () => {
  it('then its versions, its state as of each snapshot, and the difference between versions are queryable', async () => {
    const first = await fx.backup();
    const changes = churn(fx);
    const second = await fx.backup();
    const queries = fx.queries();
    const versions = await queries.versions('user', changes.renamed.id);
    expect(versions).toHaveLength(2);
    expect(versions[0].firstSeen.snapshotId).toBe(first.snapshot.id);
    expect(versions[0].lastSeen.snapshotId).toBe(first.snapshot.id);
    expect(versions[1].firstSeen.snapshotId).toBe(second.snapshot.id);
    const before = await queries.objectAt('user', changes.renamed.id, first.snapshot.id);
    const after = await queries.objectAt('user', changes.renamed.id);
    expect(before?.body.jobTitle).not.toBe('Chief Renaming Officer');
    expect(after?.body.jobTitle).toBe('Chief Renaming Officer');
    const diff = await queries.diffVersions('user', changes.renamed.id, versions[0].hash, versions[1].hash);
    expect(diff.attributes.map((a) => a.name).sort()).toEqual(['department', 'jobTitle']);
    const membersBefore = await queries.bodyAt<{ links: unknown[] }>(entryKey('members', changes.writable.id), first.snapshot);
    expect(membersBefore?.links).toBeDefined();
    const log = await queries.relationshipLog(changes.created.id);
    expect(log).toHaveLength(1);
    expect(log[0].memberOf.added.map((g) => g.id)).toEqual([changes.writable.id]);
  });
});

describe('when several objects are selected for one restore', () => {
  it('then the restore points offered are the snapshots in which all of them existed', async () => {
    const first = await fx.backup();
    const changes = churn(fx);
    const second = await fx.backup();
    const queries = fx.queries();
    const both = await queries.commonRestorePoints([{ kind: 'user', id: DEMO_BOB_ID }, { kind: 'user', id: changes.created.id }]);
    expect(both.map((p) => p.snapshotId)).toEqual([second.snapshot.id]);
    const bobAndDeleted = await queries.commonRestorePoints([{ kind: 'user', id: DEMO_BOB_ID }, { kind: 'user', id: changes.softDeleted.id }]);
    expect(bobAndDeleted.map((p) => p.snapshotId)).toEqual([first.snapshot.id]);
  });
});
