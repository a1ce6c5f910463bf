/**
 * Retention keeps what the policy promises and prune never deletes a version a kept snapshot references; the
 * integrity check finds tampering and missing references.
 */
import { DEFAULT_RETENTION, check, planPrune, prune } from '../../src/retention/retention';
import { VersionDocument } from '../../src/snapshot/documents';
import { startEngine } from '../support/engine-fixture';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);
const snapshot = (at: Date, suffix = '0') => ({ id: `${at.toISOString().replace(/[-:.]/g, '')}-${suffix}`, completedAt: at.toISOString() });

describe('when planning what to prune', () => {
  it('then the last snapshot of each day in the daily window, of each month in the monthly window, and the latest are kept', () => {
    const now = day(400);
    const snapshots = [
      snapshot(new Date(day(399).getTime() + 3_600_000), 'a'), snapshot(new Date(day(399).getTime() + 7_200_000), 'b'),
      snapshot(day(350)), snapshot(day(200)), snapshot(new Date(day(201).getTime() + 1000)),
    ];
    const plan = planPrune(snapshots, { keepDailyForDays: 90, keepMonthlyForMonths: 84 }, now);
    expect(plan.keep).toEqual([snapshots[4].id, snapshots[2].id, snapshots[1].id].sort());
    expect(plan.forget).toEqual([
      { id: snapshots[3].id, reason: 'older than the daily window and not the last of its month' },
      { id: snapshots[0].id, reason: 'not the last snapshot of its day' },
    ]);
  });

  it('then with no monthly window, old snapshots go but the latest stays', () => {
    const plan = planPrune([snapshot(day(1)), snapshot(day(2))], { keepDailyForDays: 1, keepMonthlyForMonths: 0 }, day(500));
    expect(plan.keep).toEqual([snapshot(day(2)).id]);
  });

  it('then a nonsensical policy is refused with what is allowed', () => {
    expect(() => planPrune([], { keepDailyForDays: 0, keepMonthlyForMonths: 1 }, day(1))).toThrow(/keepDailyForDays ≥ 1/);
    expect(DEFAULT_RETENTION).toEqual({ keepDailyForDays: 90, keepMonthlyForMonths: 84 });
  });
});

describe('when pruning a store', () => {
  it('then forgotten snapshots go, versions only they referenced go, and every kept snapshot still checks clean', async () => {
    const fx = await startEngine();
    try {
      const times = [Date.UTC(2026, 0, 1, 8), Date.UTC(2026, 0, 1, 9), Date.UTC(2026, 0, 2, 9)];
      const directory = fx.simulator.directory;
      const target = [...directory.users()].find((u) => u.props.onPremisesSyncEnabled !== true)!;
      await fx.backup({ now: () => new Date(times[0]) });
      directory.updateUser(target.id, { jobTitle: 'Only in the first snapshot of the day' });
      await fx.backup({ now: () => new Date(times[1]) });
      directory.updateUser(target.id, { jobTitle: 'Final title' });
      await fx.backup({ now: () => new Date(times[2]) });
      expect((await check(fx.store, fx.tenantId)).problems).toEqual([]);

      const result = await prune(fx.store, fx.tenantId, { now: () => new Date(Date.UTC(2026, 0, 3)) });
      expect(result.plan.forget.map((f) => f.id)).toHaveLength(1);
      expect(result.deletedSnapshots).toBe(1);
      expect(result.deletedVersions).toBeGreaterThan(0);
      const kept = await fx.queries().listSnapshots();
      expect(kept.map((s) => s.id)).not.toContain(result.plan.forget[0].id);
      const verdict = await check(fx.store, fx.tenantId);
      expect(verdict.problems).toEqual([]);
      expect(verdict.snapshots).toBe(2);
      const versions = await fx.queries().versions('user', target.id);
      expect(versions.map((v) => v.firstSeen.snapshotId)).not.toContain(result.plan.forget[0].id);
    } finally {
      await fx.close();
    }
  });

  it('then a dry run changes nothing', async () => {
    const fx = await startEngine();
    try {
      await fx.backup({ now: () => new Date(Date.UTC(2026, 0, 1, 8)) });
      await fx.backup({ now: () => new Date(Date.UTC(2026, 0, 1, 9)) });
      const result = await prune(fx.store, fx.tenantId, { dryRun: true, now: () => new Date(Date.UTC(2026, 0, 2)) });
      expect(result.plan.forget).toHaveLength(1);
      expect(await fx.queries().listSnapshots()).toHaveLength(2);
    } finally {
      await fx.close();
    }
  });
});

describe('when a stored version is tampered with', () => {
  it('then check reports the mismatch and names the entry', async () => {
    const fx = await startEngine();
    try {
      await fx.backup();
      let tampered: VersionDocument | undefined;
      for await (const version of fx.store.queryTenant<VersionDocument>('objects', fx.tenantId, { type: 'version' })) {
        if (version.key.startsWith('user:')) {
          tampered = version;
          break;
        }
      }
      await fx.store.upsert('objects', { ...tampered!, body: { ...(tampered!.body as object), accountEnabled: 'tampered' } } as VersionDocument);
      const verdict = await check(fx.store, fx.tenantId);
      expect(verdict.problems).toEqual([{ kind: 'version-hash-mismatch', detail: expect.stringContaining(tampered!.key) }]);
      await fx.store.delete('objects', { pk: tampered!.pk, id: tampered!.id });
      const missing = await check(fx.store, fx.tenantId);
      expect(missing.problems).toEqual([{ kind: 'missing-version', detail: expect.stringContaining(tampered!.key) }]);
    } finally {
      await fx.close();
    }
  });
});
