/**
 * `rewind diff role` and `rewind versions role` over a role whose members changed: three backups of the demo tenant,
 * Billing Administrator's members changed between the first two (the Finance head out; Bob, a role-assignable group
 * and a unit-scoped Bob in), its description between the last two.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { EngineFixture, startEngine } from '../support/engine-fixture';
import { rewind } from './cli-harness';

const BILLING_ADMINISTRATOR = 'b0f54661-2d74-4c50-afa3-1ec803f12efe';
let fx: EngineFixture;
let snapshots: string[];
let removedHead: string;
let groupId: string;
let unitScope: string;

interface RelationshipJson { relationship: string; change: string; object: { id: string; kind: string; displayName: string; directoryScopeId: string } }

async function backup(): Promise<string> {
  const run = await rewind(fx, ['backup', '--json']);
  expect(run.code).toBe(0);
  return run.json<{ snapshot: { id: string } }>().snapshot.id;
}

beforeAll(async () => {
  fx = await startEngine();
  const directory = fx.simulator.directory;
  const first = await backup();
  const held = directory.liveRoleAssignments().filter((a) => a.roleDefinitionId === BILLING_ADMINISTRATOR);
  expect(held).toHaveLength(1);
  removedHead = held[0].principalId;
  groupId = [...directory.groups()].find((g) => g.props.displayName === 'Password Administrators')!.id;
  unitScope = `/administrativeUnits/${[...directory.administrativeUnits()][0].id}`;
  directory.deleteRoleAssignment(held[0].id);
  directory.createRoleAssignment({ roleDefinitionId: BILLING_ADMINISTRATOR, principalId: DEMO_BOB_ID, directoryScopeId: '/' });
  directory.createRoleAssignment({ roleDefinitionId: BILLING_ADMINISTRATOR, principalId: groupId, directoryScopeId: '/' });
  directory.createRoleAssignment({ roleDefinitionId: BILLING_ADMINISTRATOR, principalId: DEMO_BOB_ID, directoryScopeId: unitScope });
  const second = await backup();
  directory.roleDefinitions.get(BILLING_ADMINISTRATOR)!.description = 'Manages billing.';
  const third = await backup();
  snapshots = [first, second, third];
});
afterAll(() => fx.close());

describe('when a role\'s members changed between two snapshots', () => {
  it('then diff role --from --to lists each principal and scope added and removed, by name', async () => {
    const run = await rewind(fx, ['diff', 'role', 'Billing Administrator', '--from', snapshots[0], '--to', snapshots[1]]);

    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('No differences');
    expect(run.stdout).toMatch(/Relationships \(4\)/);
    expect(run.stdout).toMatch(/^ {2}\+ added\s+member\s+Bob Kelly <bob@contoso\.example>\s+794d1c57\S+$/m);
    expect(run.stdout).toMatch(new RegExp(`^ {2}\\+ added\\s+member\\s+Bob Kelly <bob@contoso\\.example> \\(scope ${unitScope}\\)\\s+794d1c57`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^ {2}\\+ added\\s+member\\s+Password Administrators\\s+${groupId}$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^ {2}- removed\\s+member\\s+\\S.*\\s+${removedHead}$`, 'm'));
  });

  it('then --json gives the same members with their kind and scope', async () => {
    const run = await rewind(fx, ['diff', 'role', BILLING_ADMINISTRATOR, '--from', snapshots[0], '--to', snapshots[1], '--json']);

    const doc = run.json<{ attributes: unknown[]; relationships: RelationshipJson[] }>();
    expect(doc.attributes).toEqual([]);
    expect(doc.relationships.map((r) => [r.relationship, r.change, r.object.kind, r.object.id, r.object.directoryScopeId])).toEqual(expect.arrayContaining([
      ['members', 'added', 'user', DEMO_BOB_ID, '/'],
      ['members', 'added', 'user', DEMO_BOB_ID, unitScope],
      ['members', 'added', 'group', groupId, '/'],
      ['members', 'removed', 'user', removedHead, '/'],
    ]));
    expect(doc.relationships).toHaveLength(4);
  });

  it('then a diff across the definition change too shows the attribute alongside the members', async () => {
    const doc = (await rewind(fx, ['diff', 'role', BILLING_ADMINISTRATOR, '--from', snapshots[0], '--to', snapshots[2], '--json'])).json<{ attributes: { name: string; to: string }[]; relationships: RelationshipJson[] }>();

    expect(doc.attributes).toEqual([expect.objectContaining({ name: 'description', to: 'Manages billing.' })]);
    expect(doc.relationships).toHaveLength(4);
  });

  it('then diff role without selectors compares the last two versions: the description only', async () => {
    const doc = (await rewind(fx, ['diff', 'role', BILLING_ADMINISTRATOR, '--json'])).json<{ from: { snapshot: { snapshotId: string } }; to: { snapshot: { snapshotId: string } }; attributes: { name: string }[]; relationships: unknown[] }>();

    expect([doc.from.snapshot.snapshotId, doc.to.snapshot.snapshotId]).toEqual([snapshots[1], snapshots[2]]);
    expect(doc.attributes.map((a) => a.name)).toEqual(['description']);
    expect(doc.relationships).toEqual([]);
  });

  it('then diff role --to the second snapshot compares it with the first: the members only', async () => {
    const doc = (await rewind(fx, ['diff', 'role', BILLING_ADMINISTRATOR, '--to', snapshots[1], '--json'])).json<{ from: { snapshot: { snapshotId: string } }; attributes: unknown[]; relationships: unknown[] }>();

    expect(doc.from.snapshot.snapshotId).toBe(snapshots[0]);
    expect(doc.attributes).toEqual([]);
    expect(doc.relationships).toHaveLength(4);
  });
});

describe('when listing the versions of a role whose members changed', () => {
  it('then every snapshot where its definition or its members changed is a row, saying what changed', async () => {
    const run = await rewind(fx, ['versions', 'role', 'Billing Administrator']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: 3 versions/);
    expect(run.stdout).toMatch(new RegExp(`^1\\s+${snapshots[0]}\\s.*\\s1\\s+\\(first\\)$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^2\\s+${snapshots[1]}\\s.*\\s3\\s+\\+3/-1 members$`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^3\\s+${snapshots[2]}\\s.*\\s3\\s+description$`, 'm'));
  });

  it('then --json gives each row\'s snapshots, changed attributes and members added and removed', async () => {
    const doc = (await rewind(fx, ['versions', 'role', BILLING_ADMINISTRATOR, '--json'])).json<{
      versions: { firstSeen: { snapshotId: string }; memberCount: number; changedAttributes: string[]; membersAdded: { principal: { id: string } }[]; membersRemoved: { principal: { id: string } }[] }[];
    }>();

    expect(doc.versions.map((v) => [v.firstSeen.snapshotId, v.memberCount, v.changedAttributes, v.membersAdded.length, v.membersRemoved.length])).toEqual([
      [snapshots[0], 1, [], 0, 0],
      [snapshots[1], 3, [], 3, 1],
      [snapshots[2], 3, ['description'], 0, 0],
    ]);
    expect(doc.versions[1].membersRemoved[0].principal.id).toBe(removedHead);
  });
});
