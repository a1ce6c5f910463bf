/**
 * A backup of the demo tenant captures what the directory holds — checked against the simulator's model, not
 * against the engine's own output — and an unchanged tenant costs nothing the second time.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { groupKind } from '../../../graph-simulator/src/model/directory';
import { entryKey } from '../../src/snapshot/keys';
import { EngineFixture, startEngine } from '../support/engine-fixture';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await startEngine();
});
afterAll(() => fx.close());

describe('when the demo tenant is backed up for the first time', () => {
  it('then the snapshot counts every live user, group, member set, role and unit the directory has', async () => {
    const { snapshot, resumed } = await fx.backup();
    const directory = fx.simulator.directory;
    expect(resumed).toBe(false);
    expect(snapshot.mode).toBe('full');
    expect(snapshot.counts.user).toBe(directory.userCount);
    expect(snapshot.counts.group).toBe(directory.groupCount);
    expect(snapshot.counts.members).toBe(directory.groupCount);
    expect(snapshot.counts.owners).toBe(directory.groupCount);
    expect(snapshot.counts.roleDefinition).toBe(directory.roleDefinitions.size);
    expect(snapshot.counts.administrativeUnit).toBe([...directory.administrativeUnits()].length);
    expect(snapshot.counts.subscribedSkus).toBe(1);
    expect(snapshot.counts.recycleBin).toBe(1);
    expect(snapshot.stats.resourceUnits).toBeGreaterThan(0);
    expect(snapshot.deltaLinks.users).toContain('/users/delta?');
  });

  it("then Bob's memberships, ownerships, roles, manager and licenses are those the directory has", async () => {
    const directory = fx.simulator.directory;
    const relationships = await fx.queries().relationshipsAt('user', DEMO_BOB_ID);
    const expectedGroups = directory.memberOf(DEMO_BOB_ID).groups.sort();
    expect(relationships.memberOf.map((g) => g.id).sort()).toEqual(expectedGroups);
    expect(relationships.memberOf.length).toBeGreaterThanOrEqual(4);
    expect(relationships.ownerOf.map((g) => g.id).sort()).toEqual(directory.ownedObjects(DEMO_BOB_ID).sort());
    expect(relationships.roles.map((r) => r.role.displayName)).toContain('Helpdesk Administrator');
    expect(relationships.manager?.id).toBe(directory.managerOf(DEMO_BOB_ID));
    expect(relationships.directReports.map((r) => r.id).sort()).toEqual(directory.directReports(DEMO_BOB_ID).sort());
    expect(relationships.directReports.length).toBeGreaterThan(0);
    const bob = directory.getUser(DEMO_BOB_ID)!;
    expect(relationships.licenses.map((l) => l.skuId).sort()).toEqual((bob.props.assignedLicenses as { skuId: string }[]).map((l) => l.skuId).sort());
    expect(relationships.licenses.every((l) => l.skuPartNumber !== l.skuId)).toBe(true);
  });

  it('then every group member set equals the directory, including distribution lists and dynamic groups', async () => {
    const directory = fx.simulator.directory;
    const queries = fx.queries();
    const snapshot = await queries.resolveSnapshot();
    const kinds = new Set<string>();
    for (const group of directory.groups()) {
      kinds.add(groupKind(group.props));
      const stored = await queries.bodyAt<{ links: { id: string }[] }>(entryKey('members', group.id), snapshot);
      expect(stored?.links.map((l) => l.id).sort()).toEqual(directory.groupMembers(group.id).sort());
    }
    expect(kinds).toEqual(new Set(['unified', 'security', 'mailEnabledSecurity', 'distribution']));
  });

  it('then no stored document holds a password or a Temporary Access Pass', async () => {
    const serialized: string[] = [];
    for await (const document of fx.store.queryTenant('objects', fx.tenantId)) serialized.push(JSON.stringify(document));
    const all = serialized.join('\n');
    expect(all).not.toMatch(/passwordProfile|"password"|temporaryAccessPass/i);
  });
});

describe('when nothing changed and the tenant is backed up again', () => {
  it('then the incremental snapshot has the same manifest, no changes, and stores almost nothing', async () => {
    const first = (await fx.queries().resolveSnapshot());
    const { snapshot } = await fx.backup();
    expect(snapshot.mode).toBe('incremental');
    expect(snapshot.parentId).toBe(first.id);
    expect(snapshot.manifestHash).toBe(first.manifestHash);
    expect(snapshot.changes).toEqual({ created: {}, changed: {}, deleted: {} });
    expect(snapshot.stats.storedBytes).toBe(0);
    // On the small demo tenant the fixed reads (roles, units, SKUs, recycle bin) dominate; `npm run bench` measures the large one.
    expect(snapshot.stats.resourceUnits).toBeLessThanOrEqual(first.stats.resourceUnits);
  });
});

describe('when backups follow each other within one millisecond, or the clock steps back', () => {
  it('then snapshot ids still sort in commit order', async () => {
    const { newSnapshotId } = await import('../../src/backup/run-backup');
    const at = new Date(Date.UTC(2026, 10, 25, 12, 0, 0, 5));
    const first = newSnapshotId(at);
    const second = newSnapshotId(at, first);
    const third = newSnapshotId(new Date(at.getTime() - 60_000), second);
    expect(first).toMatch(/^20261125T120000005Z-[0-9a-f]{6}$/);
    expect([third, second, first].sort()).toEqual([first, second, third]);
  });
});
