/**
 * Object lineage: an object Rewind recreated is the same object with a new id. After a recreate, plans from any
 * earlier snapshot map the old id to the new one (no second create, no removal of its links, no false skips), the
 * same snapshot restored twice writes nothing the second time, histories and diffs span the recreate, a crash
 * between the create and the lineage record still ends with the record, and prune keeps it.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { Lineage } from '../../src/lineage/lineage';
import { prune } from '../../src/retention/retention';
import { planUndo } from '../../src/restore/undo';
import { SnapshotStore } from '../../src/ports/snapshot-store';
import { MemorySnapshotStore } from '../../src/store/memory-store';
import { rewind } from '../cli/cli-harness';
import { RestoreFixture, startRestoreFixture } from '../support/restore-fixture';

let fx: RestoreFixture;
afterEach(() => fx.close());

const BOB_UPN = 'bob@contoso.example';

/** Backs up, deletes Bob for good, restores him (recreated under a new id); returns the ids and the first snapshot. */
async function bobRecreated(store?: SnapshotStore) {
  fx = await startRestoreFixture(store);
  const { snapshot: first } = await fx.backup();
  const d = fx.simulator.directory;
  d.deleteUser(DEMO_BOB_ID);
  d.purgeDeleted(DEMO_BOB_ID);
  const { outcome } = await fx.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }], at: first.id });
  const newId = d.getUser(BOB_UPN)!.id;
  return { first, newId, restoreId: outcome.restoreId };
}

describe('when Rewind recreated a permanently deleted user', () => {
  it('then the lineage says the new id continues the old one, recorded by that restore', async () => {
    const { newId, restoreId } = await bobRecreated();
    const lineage = await Lineage.load(fx.store, fx.tenantId);
    expect(newId).not.toBe(DEMO_BOB_ID);
    expect(lineage.current(DEMO_BOB_ID)).toBe(newId);
    expect(lineage.chain(newId)).toEqual([DEMO_BOB_ID, newId]);
    expect(lineage.recreations(newId)).toEqual([expect.objectContaining({ kind: 'user', from: DEMO_BOB_ID, to: newId, restoreId })]);
  });

  it('then restoring the same snapshot again plans nothing, for him alone and for everything', async () => {
    const { first, newId } = await bobRecreated();
    const again = await fx.plan({ targets: [{ kind: 'user', id: newId }], at: first.id });
    expect(again.steps).toEqual([]);
    expect(again.targets).toEqual([expect.objectContaining({ id: newId })]);
    expect(again.warnings.join(' ')).toMatch(/was recreated by Rewind under a new id/);
    // Asked by his old id, from the CLI's "all", from an older snapshot: the same object.
    expect((await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }], at: first.id })).steps).toEqual([]);
    const all = await fx.plan({ targets: 'allUsersAndGroups', at: first.id });
    expect(all.steps).toEqual([]);
  });

  it('then a later backup and a restore of everything from before the recreate keep his access and create nothing', async () => {
    const { first, newId } = await bobRecreated();
    await fx.backup();
    const d = fx.simulator.directory;
    d.updateUser(newId, { jobTitle: 'Changed after the recreate' });
    const all = await fx.plan({ targets: 'allUsersAndGroups', at: first.id });
    expect(all.steps.filter((s) => s.action.type === 'removeLink' && 'id' in s.action.target && s.action.target.id === newId)).toEqual([]);
    expect(all.counts.byAction.createUser ?? 0).toBe(0);
    expect(all.skips.filter((s) => s.reason === 'linkedObjectMissing' || s.reason === 'userPrincipalNameConflict')).toEqual([]);
    // The only difference from the older snapshot is the attribute changed since: nothing else is written.
    expect(all.steps.map((s) => s.description)).toEqual([expect.stringMatching(/^Roll back 1 attribute of Bob Kelly: jobTitle$/)]);
  });

  it('then his history spans the recreate, and diffs and "deleted" do not call him deleted', async () => {
    const { first, newId } = await bobRecreated();
    const { snapshot: second } = await fx.backup();
    const queries = fx.queries();
    const versions = await queries.versions('user', newId);
    expect(versions[0].objectId).toBe(DEMO_BOB_ID);
    expect(versions[0].firstSeen.snapshotId).toBe(first.id);
    expect(versions.at(-1)!.lastSeen.snapshotId).toBe(second.id);
    const found = await queries.findObjects('bob@contoso.example');
    expect(found.filter((f) => f.kind === 'user')).toEqual([expect.objectContaining({ id: newId, existsNow: true })]);
    expect((await queries.findObjects(DEMO_BOB_ID)).map((f) => f.id)).toEqual([newId]);
    const diff = await queries.tenantDiff(first.id, second.id);
    expect(diff.deleted.map((o) => o.id)).not.toContain(DEMO_BOB_ID);
    expect(diff.created.map((o) => o.id)).not.toContain(newId);
    expect(diff.roleChanges.flatMap((c) => [...c.added, ...c.removed]).map((p) => p.displayName)).not.toContain('Bob Kelly');
    expect((await queries.deletedSince(first.completedAt)).map((o) => o.id)).not.toContain(DEMO_BOB_ID);
  });

  it('then `rewind versions user bob` shows his history across the recreate and says when and as what id', async () => {
    const { newId, restoreId } = await bobRecreated();
    await fx.backup();
    const run = await rewind({ ...fx }, ['versions', 'user', 'bob@contoso.example']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`(${newId})`);
    expect(run.stdout).toMatch(new RegExp(`Recreated by Rewind .* as ${newId} \\(was ${DEMO_BOB_ID}\\), restore ${restoreId}`));
  });
});

describe('when Rewind recreated a permanently deleted group', () => {
  it('then restoring a member from before the recreate adds them to the new group, with no "no longer exists" skip', async () => {
    fx = await startRestoreFixture();
    const { snapshot: first } = await fx.backup();
    const d = fx.simulator.directory;
    const group = [...d.groups()].find((g) => g.props.securityEnabled === true && g.props.mailEnabled === false && !(g.props.groupTypes as string[]).length && !g.props.isAssignableToRole && !g.props.onPremisesSyncEnabled && d.groupMembers(g.id).length >= 2 && d.groupOwners(g.id).length >= 1)!;
    const member = d.groupMembers(group.id).find((id) => d.getUser(id) && d.getUser(id)!.props.onPremisesSyncEnabled !== true)!;
    d.deleteGroup(group.id);
    d.purgeDeleted(group.id);
    await fx.restore({ targets: [{ kind: 'group', id: group.id }], at: first.id });
    const newGroup = [...d.groups()].find((g) => g.props.mailNickname === group.props.mailNickname)!;
    d.removeMember(newGroup.id, member);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: member }], at: first.id });
    expect(plan.skips.filter((s) => s.relatedId === group.id || s.relatedId === newGroup.id)).toEqual([]);
    expect(plan.steps).toEqual(expect.arrayContaining([expect.objectContaining({ action: expect.objectContaining({ type: 'addLink', owner: { id: newGroup.id }, target: { id: member } }) })]));
  });
});

describe('when the executor stops between creating the user and recording the lineage', () => {
  it('then the resumed run adopts the user, records the lineage, and a second restore plans nothing', async () => {
    // A store that fails the first lineage write: the create went through, the record did not.
    const inner = new MemorySnapshotStore();
    let failed = false;
    const flaky: SnapshotStore = Object.assign(Object.create(inner) as SnapshotStore, {
      create: async (collection: Parameters<SnapshotStore['create']>[0], document: Parameters<SnapshotStore['create']>[1]) => {
        if (!failed && document.type === 'lineage') {
          failed = true;
          throw new Error('store unavailable');
        }
        return inner.create(collection, document);
      },
    });
    fx = await startRestoreFixture(flaky);
    const { snapshot: first } = await fx.backup();
    const d = fx.simulator.directory;
    d.deleteUser(DEMO_BOB_ID);
    d.purgeDeleted(DEMO_BOB_ID);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }], at: first.id });
    const id = await fx.approve(plan);
    await expect(fx.execute(id)).rejects.toThrow(/store unavailable/);
    expect((await Lineage.load(flaky, fx.tenantId)).size).toBe(0);
    const outcome = await fx.execute(id);
    const newId = d.getUser(BOB_UPN)!.id;
    expect(outcome.steps[0]).toMatchObject({ status: 'alreadyDone', note: expect.stringMatching(/adopted/) });
    expect((await Lineage.load(flaky, fx.tenantId)).current(DEMO_BOB_ID)).toBe(newId);
    expect([...d.users()].filter((u) => String(u.props.userPrincipalName) === BOB_UPN)).toHaveLength(1);
    expect((await fx.plan({ targets: [{ kind: 'user', id: newId }], at: first.id })).steps).toEqual([]);
    // The create adopted after the interruption was this restore's: its undo deletes the user again.
    const undo = await planUndo(fx.store, fx.tenantId, id);
    expect(undo.steps.map((s) => s.action)).toEqual(expect.arrayContaining([{ type: 'deleteObject', kind: 'user', object: { id: newId } }]));
  });
});

describe('when backups are pruned', () => {
  it('then the lineage records stay', async () => {
    const { newId } = await bobRecreated();
    await prune(fx.store, fx.tenantId, { now: () => new Date(Date.now() + 400 * 86_400_000) });
    expect((await Lineage.load(fx.store, fx.tenantId)).current(DEMO_BOB_ID)).toBe(newId);
  });
});

describe('when a member of a role and of a group was recreated between two backups', () => {
  it('then `rewind diff role`, `diff group` and `versions role` show no change for them', async () => {
    const { first } = await bobRecreated();
    const { snapshot: second } = await fx.backup();
    const d = fx.simulator.directory;
    const role = (await rewind({ ...fx }, ['diff', 'role', 'Helpdesk Administrator', '--from', first.id, '--to', second.id]));
    expect(role.code).toBe(0);
    expect(role.stdout).not.toMatch(/Bob Kelly/);
    const group = d.memberOf(d.getUser(BOB_UPN)!.id).groups.map((g) => d.getGroup(g)!).find((g) => g.props.securityEnabled === true && g.props.mailEnabled === false && !(g.props.groupTypes as string[]).length)!;
    const groupDiff = await rewind({ ...fx }, ['diff', 'group', group.id, '--from', first.id, '--to', second.id]);
    expect(groupDiff.code).toBe(0);
    expect(groupDiff.stdout).not.toMatch(/Bob Kelly/);
    const versions = await rewind({ ...fx }, ['versions', 'role', 'Helpdesk Administrator', '--json']);
    expect(versions.json<{ versions: unknown[] }>().versions).toHaveLength(1);
  });
});

describe('when an object was recreated twice', () => {
  it('then the diff between its first and second recreate is one object, and it is not "deleted"', async () => {
    const { first, newId } = await bobRecreated();
    const { snapshot: second } = await fx.backup();
    const d = fx.simulator.directory;
    d.deleteUser(newId);
    d.purgeDeleted(newId);
    await fx.restore({ targets: [{ kind: 'user', id: newId }], at: second.id });
    const third = d.getUser(BOB_UPN)!.id;
    const { snapshot: last } = await fx.backup();
    const queries = fx.queries();
    expect((await Lineage.load(fx.store, fx.tenantId)).chain(DEMO_BOB_ID)).toEqual([DEMO_BOB_ID, newId, third]);
    const diff = await queries.tenantDiff(first.id, second.id);
    expect([...diff.created, ...diff.deleted].map((o) => o.displayName)).not.toContain('Bob Kelly');
    const across = await queries.tenantDiff(first.id, last.id);
    expect([...across.created, ...across.deleted].map((o) => o.displayName)).not.toContain('Bob Kelly');
    expect((await queries.deletedSince(first.completedAt)).map((o) => o.displayName)).not.toContain('Bob Kelly');
    expect((await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }], at: first.id })).steps).toEqual([]);
  });
});
