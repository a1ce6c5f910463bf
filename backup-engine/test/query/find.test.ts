/**
 * Finding objects in stored snapshots by id, UPN, mail or name: case-insensitive prefixes, every match when several
 * match, deleted objects still found, and clear errors for unusable input.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { SnapshotNotFoundError } from '../../src/query/snapshot-queries';
import { MemorySnapshotStore } from '../../src/store/memory-store';
import { SnapshotQueries } from '../../src/query/snapshot-queries';
import { EngineFixture, startEngine } from '../support/engine-fixture';

let fx: EngineFixture;
beforeAll(async () => {
  fx = await startEngine();
  await fx.backup();
});
afterAll(() => fx.close());

describe('when looking up Bob', () => {
  it.each(['bob', 'BOB', 'bob@contoso.example', 'Bob Kelly', 'bob k', 'kelly', DEMO_BOB_ID, DEMO_BOB_ID.toUpperCase()])('then "%s" finds him', async (text) => {
    const found = await fx.queries().findObjects(text);
    expect(found.map((f) => f.id)).toContain(DEMO_BOB_ID);
    const bob = found.find((f) => f.id === DEMO_BOB_ID)!;
    expect(bob).toMatchObject({ kind: 'user', displayName: 'Bob Kelly', userPrincipalName: 'bob@contoso.example', existsNow: true });
  });
});

describe('when a prefix matches several objects', () => {
  it('then all of them come back, users and groups alike, exact matches first', async () => {
    const directory = fx.simulator.directory;
    const prefix = 'sec';
    const expectedGroups = [...directory.groups()].filter((g) => String(g.props.displayName).toLowerCase().split(/[\s,.()'"-]+/).some((w) => w.startsWith(prefix)) || String(g.props.displayName).toLowerCase().startsWith(prefix));
    const found = await fx.queries().findObjects(prefix);
    expect(expectedGroups.length).toBeGreaterThan(1);
    for (const group of expectedGroups) expect(found.map((f) => f.id)).toContain(group.id);
  });
});

describe('when an object was deleted after the backup', () => {
  it('then it is still found, marked as not existing now', async () => {
    const directory = fx.simulator.directory;
    const victim = [...directory.users()].find((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID)!;
    directory.deleteUser(victim.id);
    await fx.backup();
    const found = await new SnapshotQueries(fx.store, fx.tenantId).findObjects(String(victim.props.userPrincipalName));
    expect(found).toEqual([expect.objectContaining({ id: victim.id, existsNow: false })]);
  });
});

describe('when the input is unusable', () => {
  it('then a too-short text says how long it must be', async () => {
    await expect(fx.queries().findObjects('b')).rejects.toThrow(/at least 3 characters/);
  });

  it('then nothing matching returns an empty list, and odd input is harmless', async () => {
    expect(await fx.queries().findObjects('zzzz-nobody-by-this-name')).toEqual([]);
    expect(await fx.queries().findObjects("o'brien\" OR 1=1 --")).toEqual([]);
    expect(await fx.queries().findObjects('x'.repeat(10_000))).toEqual([]);
  });

  it('then asking a tenant with no snapshots says to run a backup first', async () => {
    const empty = new SnapshotQueries(new MemorySnapshotStore(), fx.tenantId);
    await expect(empty.resolveSnapshot()).rejects.toThrow(SnapshotNotFoundError);
    await expect(empty.resolveSnapshot()).rejects.toThrow(/run a backup first/);
    await expect(fx.queries().resolveSnapshot('not-a-date')).rejects.toThrow(/neither a snapshot id nor a date/);
    await expect(fx.queries().resolveSnapshot('1999-01-01')).rejects.toThrow(/no snapshot was completed by/);
  });
});
