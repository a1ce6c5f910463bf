/**
 * Every `rewind` command against a simulated tenant backed up twice, with a change in between made through the
 * simulator's directory: Bob's job title, Bob out of VPN Users and into User Administrator, Alex deleted, Bobby added.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import type { VersionDocument } from '../../src/snapshot/documents';
import { MemorySnapshotStore } from '../../src/store/memory-store';
import { EngineFixture, startEngine } from '../support/engine-fixture';
import { rewind } from './cli-harness';

const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
let fx: EngineFixture;
let vpnUsersId: string;
let deletedUser: { id: string; upn: string };
let firstSnapshotId: string;

beforeAll(async () => {
  fx = await startEngine();
  const first = await rewind(fx, ['backup', '--json']);
  expect(first.code).toBe(0);
  firstSnapshotId = first.json<{ snapshot: { id: string } }>().snapshot.id;
  const directory = fx.simulator.directory;
  directory.updateUser(DEMO_BOB_ID, { jobTitle: 'Head of Restores' });
  vpnUsersId = [...directory.groups()].find((g) => g.props.displayName === 'VPN Users')!.id;
  directory.removeMember(vpnUsersId, DEMO_BOB_ID);
  directory.createRoleAssignment({ roleDefinitionId: USER_ADMINISTRATOR, principalId: DEMO_BOB_ID, directoryScopeId: '/' });
  const victim = [...directory.users()].find((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID && !String(u.props.userPrincipalName).startsWith('bob'))!;
  deletedUser = { id: victim.id, upn: String(victim.props.userPrincipalName) };
  directory.deleteUser(victim.id);
  directory.createUser({ accountEnabled: true, displayName: 'Bobby Tables', mailNickname: 'bobby', userPrincipalName: 'bobby@contoso.example' }, { password: 'xWwvJ]6NMw+bWH-d' });
  const second = await rewind(fx, ['backup']);
  expect(second.code).toBe(0);
});
afterAll(() => fx.close());

describe('when listing snapshots', () => {
  it('then both backups are listed in a table, oldest first', async () => {
    const run = await rewind(fx, ['snapshots']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^SNAPSHOT\s+COMPLETED\s+MODE\s+USERS\s+GROUPS/);
    expect(lines[1]).toContain(firstSnapshotId);
    expect(lines[1]).toMatch(/\sfull\s/);
    expect(lines[2]).toMatch(/\sincremental\s/);
  });

  it('then --json gives the headers without delta links', async () => {
    const run = await rewind(fx, ['snapshots', '--json']);
    const doc = run.json<{ tenantId: string; snapshots: Record<string, unknown>[] }>();
    expect(doc.tenantId).toBe(fx.tenantId);
    expect(doc.snapshots).toHaveLength(2);
    expect(doc.snapshots[0]).toMatchObject({ id: firstSnapshotId, mode: 'full' });
    expect(doc.snapshots[0]).not.toHaveProperty('deltaLinks');
  });
});

describe('when finding bob', () => {
  it('then Bob Kelly and Bobby Tables are both listed', async () => {
    const run = await rewind(fx, ['find', 'bob']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/user\s+Bob Kelly\s+bob@contoso\.example\s+794d1c57/);
    expect(run.stdout).toMatch(/user\s+Bobby Tables\s+bobby@contoso\.example/);
  });

  it('then --json lists the matches, and nothing found exits 4', async () => {
    const doc = (await rewind(fx, ['find', 'bob', '--json'])).json<{ matches: { kind: string; id: string }[] }>();
    expect(doc.matches.map((m) => m.id)).toContain(DEMO_BOB_ID);
    const none = await rewind(fx, ['find', 'zzz-nobody']);
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/Nothing matches "zzz-nobody"/);
  });
});

describe('when resolving a name to one object', () => {
  it('then an ambiguous name lists every match and exits 3', async () => {
    const run = await rewind(fx, ['show', 'user', 'bob']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/"bob" matches 2 users/);
    expect(run.stderr).toContain(DEMO_BOB_ID);
    expect(run.stderr).toContain('Bobby Tables');
    expect(run.stderr).toMatch(/use the id/);
  });

  it('then --json reports the ambiguity as an error document with the matches', async () => {
    const run = await rewind(fx, ['versions', 'user', 'bob', '--json']);
    expect(run.code).toBe(3);
    expect(run.json<{ error: { code: string; matches: unknown[] } }>().error).toMatchObject({ code: 'ambiguous', exitCode: 3, matches: expect.any(Array) });
  });

  it('then an exact display name among several prefix matches is taken', async () => {
    const run = await rewind(fx, ['show', 'user', 'Bob', 'Kelly']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(DEMO_BOB_ID);
  });

  it('then an unknown name exits 4 with close names', async () => {
    const run = await rewind(fx, ['show', 'user', 'bobbx']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/no user matches "bobbx"/);
    expect(run.stderr).toMatch(/close names: .*bob@contoso\.example/);
  });

  it('then a name of another kind says which kind it is', async () => {
    const run = await rewind(fx, ['show', 'group', 'bob@contoso.example']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/it matches a user/);
  });
});

describe('when looking at Bob\'s history', () => {
  it('then versions lists two, the second changing jobTitle', async () => {
    const run = await rewind(fx, ['versions', 'user', DEMO_BOB_ID]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/2 versions/);
    expect(run.stdout).toMatch(/^2\s+[0-9a-f]{12}\s.*jobTitle$/m);
    const doc = (await rewind(fx, ['versions', 'user', DEMO_BOB_ID, '--json'])).json<{ versions: { changedAttributes: string[] }[] }>();
    expect(doc.versions.map((v) => v.changedAttributes)).toEqual([[], ['jobTitle']]);
  });

  it('then show gives his attributes and relationships now', async () => {
    const run = await rewind(fx, ['show', 'user', 'bob@contoso.example']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}jobTitle\s+Head of Restores$/m);
    expect(run.stdout).toMatch(/^ {2}manager\s+\S/m);
    expect(run.stdout).toMatch(/roles\s+.*(\n.*)*User Administrator/);
    expect(run.stdout).toMatch(/licenses\s+\S/);
  });

  it('then show --at the first snapshot gives the old title, still in VPN Users', async () => {
    const doc = (await rewind(fx, ['show', 'user', DEMO_BOB_ID, '--at', firstSnapshotId, '--json'])).json<{
      attributes: { jobTitle: string }; relationships: { memberOf: { id: string }[] }; snapshot: { snapshotId: string };
    }>();
    expect(doc.snapshot.snapshotId).toBe(firstSnapshotId);
    expect(doc.attributes.jobTitle).toBe('IT Support Manager');
    expect(doc.relationships.memberOf.map((g) => g.id)).toContain(vpnUsersId);
  });

  it('then diff shows only the title, the lost membership and the new role', async () => {
    const run = await rewind(fx, ['diff', 'user', 'bob@contoso.example']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}jobTitle\s+IT Support Manager\s+Head of Restores$/m);
    expect(run.stdout).toMatch(/- removed\s+member of\s+VPN Users/);
    expect(run.stdout).toMatch(/\+ added\s+role\s+User Administrator/);
    const doc = (await rewind(fx, ['diff', 'user', DEMO_BOB_ID, '--json'])).json<{ attributes: { name: string }[]; relationships: unknown[] }>();
    expect(doc.attributes.map((a) => a.name)).toEqual(['jobTitle']);
    expect(doc.relationships).toHaveLength(2);
  });

  it('then diff --from a version hash --to a snapshot id gives the same change', async () => {
    const versions = (await rewind(fx, ['versions', 'user', DEMO_BOB_ID, '--json'])).json<{ versions: { hash: string }[] }>().versions;
    const snapshots = (await rewind(fx, ['snapshots', '--json'])).json<{ snapshots: { id: string }[] }>().snapshots;
    const doc = (await rewind(fx, ['diff', 'user', DEMO_BOB_ID, '--from', versions[0].hash.slice(0, 10), '--to', snapshots[1].id, '--json'])).json<{ attributes: { name: string; from: string; to: string }[] }>();
    expect(doc.attributes).toEqual([{ name: 'jobTitle', from: 'IT Support Manager', to: 'Head of Restores' }]);
  });

  it('then a group shows its members and owners, and its diff the member Bob removed', async () => {
    const show = (await rewind(fx, ['show', 'group', vpnUsersId, '--json'])).json<{ members: { id: string }[]; owners: unknown[] }>();
    expect(show.members.map((m) => m.id)).not.toContain(DEMO_BOB_ID);
    expect(show.owners.length).toBeGreaterThan(0);
    const diff = (await rewind(fx, ['diff', 'group', vpnUsersId, '--from', firstSnapshotId, '--json'])).json<{ relationships: { relationship: string; change: string; object: { id: string } }[] }>();
    expect(diff.relationships).toEqual([expect.objectContaining({ relationship: 'members', change: 'removed', object: expect.objectContaining({ id: DEMO_BOB_ID }) })]);
  });

  it('then a role shows its assignments', async () => {
    const doc = (await rewind(fx, ['show', 'role', USER_ADMINISTRATOR, '--json'])).json<{ assignments: { principal: { id: string } }[] }>();
    expect(doc.assignments.map((a) => a.principal.id)).toContain(DEMO_BOB_ID);
  });
});

describe('when diffing the tenant', () => {
  it('then created, deleted, changed, the role change and the changed member sets are listed', async () => {
    const run = await rewind(fx, ['diff', 'tenant']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^user\s+1\s+1\s+1$/m);
    expect(run.stdout).toMatch(/Created \(1\)\n.*\n\s+user\s+Bobby Tables/);
    expect(run.stdout).toMatch(/Deleted \(1\)\n.*\n\s+user\s+.*/);
    expect(run.stdout).toContain(deletedUser.id);
    expect(run.stdout).toMatch(/User Administrator\s+\+ added\s+Bob Kelly <bob@contoso\.example>\s+794d1c57\S+\s+\d{4}-\d{2}-\d{2} /);
    expect(run.stdout).toMatch(/VPN Users\s+members\s+- removed\s+Bob Kelly/);
  });

  it('then --json carries the same, with first-seen snapshots', async () => {
    const doc = (await rewind(fx, ['diff', 'tenant', '--from', firstSnapshotId, '--json'])).json<{
      created: { displayName: string }[]; roleChanges: { role: { id: string }; added: { id: string; firstSeen: { snapshotId: string } }[] }[];
    }>();
    expect(doc.created.map((c) => c.displayName)).toEqual(['Bobby Tables']);
    const role = doc.roleChanges.find((r) => r.role.id === USER_ADMINISTRATOR)!;
    expect(role.added[0].id).toBe(DEMO_BOB_ID);
    expect(role.added[0].firstSeen.snapshotId).not.toBe(firstSnapshotId);
  });
});

describe('when listing deleted objects', () => {
  it('then the deleted user is listed as restorable', async () => {
    const run = await rewind(fx, ['deleted', '--since', '24h']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`user\\s+.*${deletedUser.upn.replace('.', '\\.')}\\s+${deletedUser.id}\\s+.*yes \\(restorable\\)`));
    const doc = (await rewind(fx, ['deleted', '--json'])).json<{ deleted: { id: string; inRecycleBin: boolean }[] }>();
    expect(doc.deleted).toEqual([expect.objectContaining({ id: deletedUser.id, inRecycleBin: true })]);
  });

  it('then show of the deleted user gives its last version', async () => {
    const run = await rewind(fx, ['show', 'user', deletedUser.id]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/deleted since: this is its last stored version/);
  });
});

describe('when checking and pruning', () => {
  it('then check finds no problems', async () => {
    const run = await rewind(fx, ['check']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Checked 2 snapshots, [\d,]+ stored versions/);
    expect((await rewind(fx, ['check', '--json'])).json()).toMatchObject({ ok: true, problems: [] });
  });

  it('then prune --dry-run plans to forget the older snapshot of the day and deletes nothing', async () => {
    const run = await rewind(fx, ['prune', '--dry-run', '--keep-daily', '1', '--keep-monthly', '0']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`${firstSnapshotId}\\s+\\S+ \\S+\\s+not the last snapshot of its day`));
    expect(run.stdout).toMatch(/Dry run: nothing was deleted/);
    const doc = (await rewind(fx, ['prune', '--dry-run', '--json'])).json<{ dryRun: boolean; deletedSnapshots: number }>();
    expect(doc).toMatchObject({ dryRun: true, deletedSnapshots: 0 });
    expect((await rewind(fx, ['snapshots', '--json'])).json<{ snapshots: unknown[] }>().snapshots).toHaveLength(2);
  });

  it('then a tampered version makes check exit 5 and name the problem', async () => {
    const copy = new MemorySnapshotStore();
    for (const collection of ['snapshots', 'objects', 'catalog'] as const) {
      for await (const document of fx.store.queryTenant(collection, fx.tenantId)) await copy.upsert(collection, document);
    }
    const versions: VersionDocument[] = [];
    for await (const document of copy.queryTenant<VersionDocument>('objects', fx.tenantId, { type: 'version' })) versions.push(document);
    const bob = versions.find((v) => v.key === `user:${DEMO_BOB_ID}`)!;
    const tampered: VersionDocument = { ...bob, body: { ...(bob.body as Record<string, unknown>), jobTitle: 'Tampered' } };
    await copy.upsert('objects', tampered);

    const run = await rewind({ gateway: fx.gateway, store: copy }, ['check']);

    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/version-hash-mismatch\s+user:794d1c57/);
    expect(run.stderr).toMatch(/The store is damaged/);
  });
});

describe('when every command is asked for --json', () => {
  it.each([
    ['snapshots'], ['find', 'helpdesk'], ['versions', 'group', 'Helpdesk'], ['show', 'unit', 'Seattle'], ['diff', 'user', DEMO_BOB_ID],
    ['diff', 'tenant'], ['deleted', '--since', '7d'], ['check'], ['prune', '--dry-run'], ['help'], ['help', 'diff'],
  ].map((argv) => [argv.join(' '), argv]))('then `rewind %s --json` prints one JSON document', async (_title, argv) => {
    const run = await rewind(fx, [...argv, '--json']);
    expect(run.code).toBe(0);
    expect(() => JSON.parse(run.stdout)).not.toThrow();
  });
});
