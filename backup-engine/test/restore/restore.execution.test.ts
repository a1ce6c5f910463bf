/**
 * Executing restores safely: approvals pin the plan, expire and are consumed once; the requester cannot approve;
 * a drifted tenant needs re-approval; a run killed at any step resumes to the same end state with nothing
 * duplicated; writes are paced to the write quota; the audit trail records everything and no secret.
 */
import { DEMO_BOB_ID } from '../../../graph-simulator/src';
import { RestoreRecords } from '../../src/restore/records';
import { breakGlassApprove, decideRestore, executeRestore, isNeedsReapprovalError, requestRestore } from '../../src/restore/execute';
import { RestorePlan } from '../../src/restore/types';
import { replannerFor } from '../../src/restore/service';
import { APPROVER, REQUESTER, RestoreFixture, SECOND_APPROVER, startRestoreFixture } from '../support/restore-fixture';

let fx: RestoreFixture;
beforeEach(async () => {
  fx = await startRestoreFixture();
  await fx.backup();
});
afterEach(() => fx.close());

function deleteBobForGood(fx: RestoreFixture): void {
  fx.simulator.directory.deleteUser(DEMO_BOB_ID);
  fx.simulator.directory.purgeDeleted(DEMO_BOB_ID);
}

function tenantFingerprint(fx: RestoreFixture): string {
  const d = fx.simulator.directory;
  const bob = d.getUser('bob@contoso.example');
  if (!bob) return 'no bob';
  return JSON.stringify({
    users: d.userCount, groups: d.groupCount, bobGroups: d.memberOf(bob.id).groups.sort(), owned: d.ownedObjects(bob.id).sort(),
    manager: d.managerOf(bob.id), reports: d.directReports(bob.id).sort(), roles: d.assignmentsOf(bob.id).map((a) => a.roleDefinitionId).sort(),
    licenses: (bob.props.assignedLicenses as { skuId: string }[]).map((l) => l.skuId).sort(), bobs: [...d.users()].filter((u) => String(u.props.userPrincipalName).startsWith('bob@')).length,
  });
}

describe('when the approval does not fit the plan', () => {
  it('then a tampered plan, a rejected, an unapproved, an expired or a consumed approval are all refused', async () => {
    deleteBobForGood(fx);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    const tampered: RestorePlan = { ...plan, steps: plan.steps.slice(1) };
    await expect(requestRestore(fx.store, { plan: tampered, requester: REQUESTER, reason: 'x' })).rejects.toThrow(/altered/);
    await expect(requestRestore(fx.store, { plan, requester: REQUESTER, reason: '   ' })).rejects.toThrow(/needs a reason/);

    const pending = await requestRestore(fx.store, { plan, requester: REQUESTER, reason: 'ticket' });
    await expect(fx.execute(pending)).rejects.toThrow(/pending, not approved/);
    await expect(decideRestore(fx.store, fx.tenantId, pending, { ...REQUESTER, isSecurityLead: true, decision: 'approve' })).rejects.toThrow(/cannot approve their own/);

    const expiring = await requestRestore(fx.store, { plan, requester: REQUESTER, reason: 'ticket', approvalTtlMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    await expect(decideRestore(fx.store, fx.tenantId, expiring, { ...APPROVER, decision: 'approve' })).rejects.toThrow(/approval window/);

    const rejected = await requestRestore(fx.store, { plan, requester: REQUESTER, reason: 'ticket' });
    await decideRestore(fx.store, fx.tenantId, rejected, { ...APPROVER, decision: 'reject', comment: 'no' });
    await expect(fx.execute(rejected)).rejects.toThrow(/rejected/);

    const records = new RestoreRecords(fx.store, fx.tenantId);
    const stored = (await records.readRequest(pending))!;
    await fx.store.upsert('catalog', { ...stored, plan: { ...stored.plan, steps: stored.plan.steps.slice(0, 1) } });
    await decideRestore(fx.store, fx.tenantId, pending, { ...APPROVER, decision: 'approve' });
    await expect(fx.execute(pending)).rejects.toThrow(/no longer matches its hash/);
  });

  it('then a privileged plan needs two distinct approvers', async () => {
    fx.simulator.directory.deleteUser(DEMO_BOB_ID);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    expect(plan.sensitivity.privileged).toBe(true);
    const id = await requestRestore(fx.store, { plan, requester: REQUESTER, reason: 'ticket' });
    const first = await decideRestore(fx.store, fx.tenantId, id, { ...APPROVER, decision: 'approve' });
    expect(first.status).toBe('pending');
    await expect(decideRestore(fx.store, fx.tenantId, id, { ...APPROVER, decision: 'approve' })).rejects.toThrow(/already decided/);
    const second = await decideRestore(fx.store, fx.tenantId, id, { ...SECOND_APPROVER, decision: 'approve' });
    expect(second.status).toBe('approved');
    await fx.execute(id);
    // A restore that finished complete is not run again (and writes no second "finished").
    await expect(fx.execute(id)).rejects.toThrow(/already finished complete/);
    const trail = await new RestoreRecords(fx.store, fx.tenantId).auditTrail(id);
    expect(trail.filter((e) => e.event === 'finished')).toHaveLength(1);
  });
});

describe('when a second run of the same restore starts while one is running', () => {
  it('then it is refused, and the restore runs once with one "finished" event', async () => {
    deleteBobForGood(fx);
    const id = await fx.approve(await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] }));
    let release!: () => void;
    const paused = new Promise<void>((resolve) => { release = resolve; });
    let running!: () => void;
    const started = new Promise<void>((resolve) => { running = resolve; });
    // The first run holds the restore's execution lease while it waits in onRunning (before its first write).
    const first = fx.execute(id, { onRunning: async () => { running(); await paused; } });
    await started;
    await expect(fx.execute(id)).rejects.toThrow(/is already running/);
    release();
    await expect(first).resolves.toMatchObject({ status: expect.stringMatching(/complete|incomplete/) });
    const trail = await new RestoreRecords(fx.store, fx.tenantId).auditTrail(id);
    expect(trail.filter((e) => e.event === 'finished')).toHaveLength(1);
    expect(trail.filter((e) => e.event === 'executionStarted')).toHaveLength(1);
  });
});

describe('when the tenant drifted after approval', () => {
  it('then execution stops with "needs re-approval" and the new plan, and writes nothing', async () => {
    deleteBobForGood(fx);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    const id = await fx.approve(plan);
    const d = fx.simulator.directory;
    d.createUser({ accountEnabled: true, displayName: 'Impostor', mailNickname: 'bob', userPrincipalName: 'bob@contoso.example', passwordProfile: { password: 'Sim-Pa55word!x' } });
    const users = d.userCount;
    const error = await fx.execute(id).catch((e: unknown) => e);
    expect(isNeedsReapprovalError(error)).toBe(true);
    expect((error as { newPlan: RestorePlan }).newPlan.skips.map((s) => s.reason)).toContain('userPrincipalNameConflict');
    expect(d.userCount).toBe(users);
  });
});

describe('when the executor is killed at a random step, 20 times', () => {
  it('then resuming from the journal ends in the same state as an uninterrupted run, with no duplicates', async () => {
    deleteBobForGood(fx);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    const reference = await startRestoreFixture();
    try {
      await reference.backup();
      deleteBobForGood(reference);
      await reference.restore({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
      const expected = tenantFingerprint(reference);
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let trial = 0; trial < 20; trial++) {
        const trialFx = trial === 0 ? fx : await startRestoreFixture();
        try {
          if (trial > 0) {
            await trialFx.backup();
            deleteBobForGood(trialFx);
          }
          const trialPlan = trial === 0 ? plan : await trialFx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
          const id = await trialFx.approve(trialPlan);
          const killAt = Math.floor(random() * trialPlan.steps.length);
          const afterWrite = random() < 0.5;
          let seen = 0;
          let killed = false;
          if (afterWrite) trialFx.simulator.setFaults([]);
          await trialFx.execute(id, {
            beforeWrite: (steps) => {
              if (!killed && seen + steps.length > killAt) {
                killed = true;
                if (afterWrite) trialFx.simulator.setFaults([{ path: '.', status: 500, phase: 'after', times: 1 }]);
                else throw new Error(`killed before step ${steps[0].id}`);
              }
              seen += steps.length;
            },
          }).catch(() => undefined);
          trialFx.simulator.setFaults([]);
          const outcome = await trialFx.execute(id);
          expect(outcome.steps.filter((s) => s.status === 'failed')).toEqual([]);
          expect(tenantFingerprint(trialFx)).toBe(expected);
          // The recreated user's credential reached the requester, and the last one handed over signs them in.
          const bob = trialFx.simulator.directory.getUser('bob@contoso.example')!;
          expect(outcome.credentials).toEqual([expect.objectContaining({ userId: bob.id, status: 'delivered' })]);
          const handed = trialFx.secrets.filter((secret) => secret.userId === bob.id).at(-1)!;
          expect(handed.kind === 'password' ? handed.value === bob.password : bob.temporaryAccessPasses?.length === 1).toBe(true);
        } finally {
          if (trial > 0) await trialFx.close();
        }
      }
    } finally {
      await reference.close();
    }
  });
});


describe('when a restore runs with break-glass from the CLI', () => {
  it('then it runs without Teams approval and the audit trail records who, why, every step result and no secret', async () => {
    deleteBobForGood(fx);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    const id = await requestRestore(fx.store, { plan, requester: REQUESTER, reason: 'Teams is down', ticket: 'INC-42' });
    await expect(breakGlassApprove(fx.store, fx.tenantId, id, 'operator@contoso.example', '')).rejects.toThrow(/needs a reason/);
    await breakGlassApprove(fx.store, fx.tenantId, id, 'operator@contoso.example', 'Teams outage INC-42');
    const request = (await new RestoreRecords(fx.store, fx.tenantId).readRequest(id))!;
    const order: string[] = [];
    const outcome = await executeRestore(id, {
      writer: fx.writer, store: fx.store, tenantId: fx.tenantId, replan: replannerFor(fx.store, fx.tenantId, fx.writer, request.plan), deliverSecret: fx.deliver,
      beforeWrite: () => void order.push('write'),
      // Called once the approval is consumed, before any write; its failure does not stop the restore.
      onRunning: async () => {
        order.push(`running:${(await new RestoreRecords(fx.store, fx.tenantId).readApproval(id))!.document.status}`);
        throw new Error('the card could not be edited');
      },
    });
    expect(order[0]).toBe('running:consumed');
    expect(order.filter((o) => o.startsWith('running'))).toHaveLength(1);
    expect(order.slice(1).length).toBeGreaterThan(0);
    expect(outcome.status).not.toBe('failed');
    const trail = await new RestoreRecords(fx.store, fx.tenantId).auditTrail(id);
    expect(trail.map((e) => e.event)).toEqual(['planned', 'breakGlass', 'executionStarted', 'finished']);
    expect(trail[1]).toMatchObject({ actor: 'operator@contoso.example', detail: { reason: 'Teams outage INC-42' } });
    expect(trail[3].detail).toMatchObject({ status: outcome.status });
    expect(JSON.stringify(trail)).not.toContain(fx.secrets[0].value);
  });
});

describe('when a user comes back from the recycle bin with links the plan could not write', () => {
  async function restoreSoftDeletedBob(writer = fx.writer) {
    fx.simulator.directory.deleteUser(DEMO_BOB_ID);
    const plan = await fx.plan({ targets: [{ kind: 'user', id: DEMO_BOB_ID }] });
    const exchangeManaged = plan.skips.filter((s) => s.reason === 'distributionList' || s.reason === 'mailEnabledSecurityGroup');
    expect(exchangeManaged.length).toBeGreaterThan(0);
    expect(exchangeManaged.every((s) => s.relation === 'members')).toBe(true);
    const id = await fx.approve(plan);
    const outcome = await executeRestore(id, { writer, store: fx.store, tenantId: fx.tenantId, replan: replannerFor(fx.store, fx.tenantId, fx.writer, plan), deliverSecret: fx.deliver });
    return { plan, outcome, exchangeManaged, id };
  }

  it('then those present after the run are reported as settled (not skipped), after being read back, and the restore is complete', async () => {
    const { plan, outcome, exchangeManaged, id } = await restoreSoftDeletedBob();
    expect(outcome.settledSkips.map((s) => s.relatedId).sort()).toEqual(exchangeManaged.map((s) => s.relatedId).sort());
    expect(outcome.skips).toEqual(plan.skips.filter((s) => !exchangeManaged.includes(s)));
    for (const s of outcome.settledSkips) expect(fx.simulator.directory.memberOf(DEMO_BOB_ID).groups).toContain(s.relatedId);
    const trail = await new RestoreRecords(fx.store, fx.tenantId).auditTrail(id);
    expect(trail.at(-1)!.detail).toMatchObject({ settledSkips: expect.arrayContaining([expect.objectContaining({ relatedId: exchangeManaged[0].relatedId })]) });
  });

  it('then a link that cannot be read back stays skipped: nothing is reported restored without being seen', async () => {
    const blind = Object.create(fx.writer) as typeof fx.writer;
    blind.getMemberOf = async () => { throw new Error('503 from Graph'); };
    const { outcome, exchangeManaged } = await restoreSoftDeletedBob(blind);
    expect(outcome.settledSkips).toEqual([]);
    expect(outcome.skips).toEqual(expect.arrayContaining(exchangeManaged));
    expect(outcome.status).toBe('incomplete');
  });
});
