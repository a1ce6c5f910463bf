/**
 * A parent snapshot whose delta links point at another Graph origin (the data was made against another simulator
 * port, or another environment): the next backup must not follow them — no request goes there — and reads full
 * rounds instead, says so on the snapshot, and stores what a full re-read stores.
 */
import { DEMO_BOB_ID, GraphSimulator, createGraphSimulator } from '../../../graph-simulator/src';
import { runBackup } from '../../src/backup/run-backup';
import { GraphDirectoryGateway } from '../../src/graph';
import { EngineFixture, startEngine } from '../support/engine-fixture';

let fx: EngineFixture;
let other: GraphSimulator;
let otherGateway: GraphDirectoryGateway;
let otherUrl: string;

beforeEach(async () => {
  fx = await startEngine();
  other = createGraphSimulator({ tenant: 'demo', throttle: false });
  otherUrl = await other.listen(0);
  otherGateway = new GraphDirectoryGateway({ baseUrl: otherUrl, backoff: { baseDelayInMs: 5, maxDelayInMs: 50 } });
});
afterEach(async () => {
  await other.close();
  await fx.close();
});

describe('when the same store is backed up against a Graph on another origin', () => {
  it('then the backup reads full rounds without following the stored links, notes why, and equals a full re-read', async () => {
    const first = await fx.backup();
    const d = other.directory;
    const [renamed, deleted] = [...d.users()].filter((u) => u.props.onPremisesSyncEnabled !== true && u.id !== DEMO_BOB_ID).slice(20, 22);
    d.updateUser(renamed.id, { jobTitle: 'Moved Environments' });
    d.deleteUser(deleted.id);
    const firstOriginRequests = fx.simulator.stats().requests;

    const moved = await runBackup(otherGateway, fx.store, { leaseTtlMs: 60_000 });

    const firstOrigin = new URL(first.snapshot.deltaLinks.users).origin;
    expect(fx.simulator.stats().requests).toBe(firstOriginRequests);
    expect(moved.snapshot.parentId).toBe(first.snapshot.id);
    expect(moved.snapshot.notes).toEqual([
      `users: the stored delta link points at ${firstOrigin}, not the configured Graph; it was not followed, and a full round was read instead`,
      `groups: the stored delta link points at ${firstOrigin}, not the configured Graph; it was not followed, and a full round was read instead`,
    ]);
    expect(new URL(moved.snapshot.deltaLinks.users).origin).toBe(new URL(otherUrl).origin);
    expect(moved.snapshot.changes.deleted.user).toBe(1);
    const full = await runBackup(otherGateway, fx.store, { mode: 'full', leaseTtlMs: 60_000 });
    expect(moved.snapshot.manifestHash).toBe(full.snapshot.manifestHash);
  });
});
