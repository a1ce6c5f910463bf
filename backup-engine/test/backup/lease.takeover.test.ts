/**
 * Leases that notice a dead holder: a backup lease lasts 60 s and its holder renews it every 20 s, so a crashed
 * backup's lease is taken over within a minute while a live holder keeps it; a holder that was a process of this
 * host and is gone loses it at once; a holder that stalled past expiry learns it lost the lease and does not commit.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { DEFAULT_LEASE_TTL_MS, acquireLease, holdLease, holderIsGoneFromThisHost, isLeaseHeldError } from '../../src/backup/lease';
import { MemorySnapshotStore } from '../../src/store/memory-store';
import { SnapshotRepository } from '../../src/snapshot/repository';

const TENANT = '51a9bed4-4908-47c2-b8c7-867c6542a0d8';

function clockAt(start: number) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('when a backup holder crashes', () => {
  it('then its lease is refused for 60 s and taken over after', async () => {
    const repository = new SnapshotRepository(new MemorySnapshotStore(), TENANT);
    const clock = clockAt(Date.parse('2026-12-03T08:00:00Z'));
    await acquireLease(repository, 'other-host:4242', DEFAULT_LEASE_TTL_MS, clock.now);
    clock.advance(59_000);
    const refused = await acquireLease(repository, 'worker-b', DEFAULT_LEASE_TTL_MS, clock.now).catch((e: unknown) => e);
    expect(isLeaseHeldError(refused)).toBe(true);
    clock.advance(2_000);
    await expect(acquireLease(repository, 'worker-b', DEFAULT_LEASE_TTL_MS, clock.now)).resolves.toMatchObject({ owner: 'worker-b' });
  });

  it('then a holder that was a process of this host and is gone loses its lease at once', async () => {
    const repository = new SnapshotRepository(new MemorySnapshotStore(), TENANT);
    const gone = `${hostname()}:${deadPid()}`;
    expect(holderIsGoneFromThisHost(gone)).toBe(true);
    expect(holderIsGoneFromThisHost(`${hostname()}:${process.pid}`)).toBe(false);
    expect(holderIsGoneFromThisHost(`elsewhere:${deadPid()}`)).toBe(false);
    await acquireLease(repository, gone, DEFAULT_LEASE_TTL_MS, () => new Date());
    await expect(acquireLease(repository, 'worker-b', DEFAULT_LEASE_TTL_MS, () => new Date())).resolves.toMatchObject({ owner: 'worker-b' });
  });
});

describe('when a live holder renews', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-03T08:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('then every 20 s keeps the lease across minutes, and two live holders never both hold it', async () => {
    const repository = new SnapshotRepository(new MemorySnapshotStore(), TENANT);
    const held = holdLease(await acquireLease(repository, 'worker-a', DEFAULT_LEASE_TTL_MS, () => new Date()), DEFAULT_LEASE_TTL_MS, 'the backup');
    for (let i = 0; i < 9; i++) {
      await jest.advanceTimersByTimeAsync(20_000);
      const refused = await acquireLease(repository, 'worker-b', DEFAULT_LEASE_TTL_MS, () => new Date()).catch((e: unknown) => e);
      expect(isLeaseHeldError(refused)).toBe(true);
    }
    expect(() => held.assertHeld()).not.toThrow();
    await held.release();
    await expect(acquireLease(repository, 'worker-b', DEFAULT_LEASE_TTL_MS, () => new Date())).resolves.toMatchObject({ owner: 'worker-b' });
  });

  it('then a holder stalled past expiry whose lease was taken learns it lost it', async () => {
    const repository = new SnapshotRepository(new MemorySnapshotStore(), TENANT);
    const clock = clockAt(Date.now());
    const held = holdLease(await acquireLease(repository, 'worker-a', DEFAULT_LEASE_TTL_MS, clock.now), DEFAULT_LEASE_TTL_MS, 'the backup');
    clock.advance(61_000); // worker-a's process stalls: no renewal ran, another worker takes the expired lease
    await acquireLease(repository, 'worker-b', DEFAULT_LEASE_TTL_MS, clock.now);
    await jest.advanceTimersByTimeAsync(20_000); // worker-a wakes up and tries to renew
    expect(() => held.assertHeld()).toThrow(/lease of the backup was lost/);
    await held.release();
    const current = await repository.store.read<{ owner: string } & { id: string; pk: string; tenantId: string; type: string }>('snapshots', repository.leaseKey());
    expect(current?.document.owner).toBe('worker-b');
  });
});
