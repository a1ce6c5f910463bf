/**
 * The approval state machine (src/restore/approval.ts), pure, and the stored approval following it: who may decide,
 * what a decision does, expiry, and that `decideRestore` records and refuses exactly what the machine does.
 */
import { ApprovalState, Approver, Person, approvalStateFrom, decide, displayStatus } from '../../src/restore/approval';
import { approvalsRequiredFor, decideRestore, requestRestore } from '../../src/restore/execute';
import { planHashOf } from '../../src/restore/plan';
import { RestoreRecords } from '../../src/restore/records';
import { RestorePlan } from '../../src/restore/types';
import { MemorySnapshotStore } from '../../src/store/memory-store';

const T0 = new Date('2026-11-20T08:00:00.000Z');
const TTL = 24 * 3_600_000;
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const helga: Person = { objectId: 'user-helga', displayName: 'Helga (helpdesk)' };
const lynne: Person = { objectId: 'user-lynne', displayName: 'Lynne (helpdesk and lead)' };
const sam: Person = { objectId: 'user-sam', displayName: 'Sam (lead)' };
const tara: Person = { objectId: 'user-tara', displayName: 'Tara (lead)' };
const bystander: Person = { objectId: 'user-bea', displayName: 'Bea' };

/** The live fact the caller reads: whether the person is in the security leads group now. */
const lead = (p: Person): Approver => ({ ...p, isSecurityLead: true });
const notLead = (p: Person): Approver => ({ ...p, isSecurityLead: false });

/** A new pending state, as `requestRestore` stores it. */
function pending(overrides: Partial<{ requester: Person; privileged: boolean }> = {}): ApprovalState {
  return {
    restoreId: 'r-20261120-080000-a1b2c3', requester: overrides.requester ?? helga, planHash: 'hash-1', requiredApprovals: approvalsRequiredFor({ sensitivity: { privileged: overrides.privileged ?? false, reasons: [] } }),
    status: 'pending', decisions: [], expiresAt: new Date(T0.getTime() + TTL).toISOString(),
  };
}

function ok(result: ReturnType<typeof decide>): ApprovalState {
  if (!result.ok) throw new Error(`expected the decision to be recorded, got ${result.code}`);
  return result.state;
}

describe('approval: required approvals', () => {
  test('When the plan is privileged, then two approvals are needed; otherwise one', () => {
    expect([approvalsRequiredFor({ sensitivity: { privileged: true, reasons: ['x'] } }), approvalsRequiredFor({ sensitivity: { privileged: false, reasons: [] } })]).toEqual([2, 1]);
  });

  test('When a state is created, then it is pending, has no decisions and expires after the TTL', () => {
    expect(pending({ privileged: true })).toEqual({
      restoreId: 'r-20261120-080000-a1b2c3', requester: helga, planHash: 'hash-1', requiredApprovals: 2, status: 'pending', decisions: [], expiresAt: '2026-11-21T08:00:00.000Z',
    });
  });
});

describe('approval: decisions', () => {
  test('When a security lead approves an ordinary restore, then it is approved', () => {
    const result = decide(pending(), lead(sam), { decision: 'approve', comment: 'ok' }, later(5));
    expect(result).toEqual({
      ok: true,
      state: expect.objectContaining({ status: 'approved', decisions: [{ objectId: 'user-sam', displayName: 'Sam (lead)', decision: 'approve', comment: 'ok', at: '2026-11-20T08:05:00.000Z' }] }),
    });
  });

  test('When the requester (also a lead) approves their own request, then it is refused', () => {
    expect(decide(pending({ requester: lynne }), lead(lynne), { decision: 'approve' }, later(1))).toEqual({
      ok: false, code: 'selfApproval', message: 'the requester cannot approve their own restore',
    });
  });

  test('When the requester rejects their own request, then it is refused too (the engine refuses any decision by the requester)', () => {
    expect(decide(pending({ requester: lynne }), lead(lynne), { decision: 'reject' }, later(1))).toMatchObject({ ok: false, code: 'selfApproval' });
  });

  test('When the requester id differs only in case, then it is still self-approval', () => {
    expect(decide(pending({ requester: lynne }), lead({ objectId: 'USER-LYNNE' }), { decision: 'approve' }, later(1))).toMatchObject({ ok: false, code: 'selfApproval' });
  });

  test('When someone outside the security leads approves, then it is refused whatever the card said', () => {
    expect(decide(pending(), notLead(bystander), { decision: 'approve' }, later(1))).toEqual({
      ok: false, code: 'notSecurityLead', message: 'Only members of the security leads group can approve or reject a restore.',
    });
  });

  test('When the same lead approves a privileged request twice, then the second is refused and one approval counts', () => {
    const once = ok(decide(pending({ privileged: true }), lead(sam), { decision: 'approve' }, later(1)));
    expect(once.status).toBe('pending');
    expect(decide(once, lead(sam), { decision: 'approve' }, later(2))).toEqual({ ok: false, code: 'alreadyDecided', message: 'you have already decided on this restore' });
  });

  test('When two distinct leads approve a privileged request, then it is approved only after the second', () => {
    const first = decide(pending({ privileged: true }), lead(sam), { decision: 'approve' }, later(1));
    expect(first).toMatchObject({ ok: true, state: { status: 'pending' } });
    const second = decide(ok(first), lead(tara), { decision: 'approve' }, later(2));
    expect(second).toMatchObject({ ok: true, state: { status: 'approved' } });
  });

  test('When a privileged request is requested by a lead, then two other leads can still approve it', () => {
    const state = ok(decide(pending({ requester: lynne, privileged: true }), lead(sam), { decision: 'approve' }, later(1)));
    expect(decide(state, lead(tara), { decision: 'approve' }, later(2))).toMatchObject({ ok: true, state: { status: 'approved' } });
  });

  test('When one lead approves and another rejects a privileged request, then it is rejected', () => {
    const state = ok(decide(pending({ privileged: true }), lead(sam), { decision: 'approve' }, later(1)));
    expect(decide(state, lead(tara), { decision: 'reject', comment: 'not this one' }, later(2))).toMatchObject({ ok: true, state: { status: 'rejected' } });
  });

  test('When an approved request is approved again, then it is refused as already approved', () => {
    const approved = ok(decide(pending(), lead(sam), { decision: 'approve' }, later(1)));
    expect(decide(approved, lead(tara), { decision: 'approve' }, later(2))).toEqual({ ok: false, code: 'notPending', message: 'restore r-20261120-080000-a1b2c3 is already approved' });
  });

  test('When the request was consumed by a run, then a decision is refused as already consumed', () => {
    expect(decide({ ...pending(), status: 'consumed' }, lead(sam), { decision: 'approve' }, later(1))).toMatchObject({ ok: false, code: 'notPending', message: 'restore r-20261120-080000-a1b2c3 is already consumed' });
  });

  test('When the approval window has closed, then a decision is refused as expired, exactly at expiry too', () => {
    expect(decide(pending(), lead(sam), { decision: 'approve' }, later(24 * 60))).toEqual({
      ok: false, code: 'expired', message: 'the approval window of r-20261120-080000-a1b2c3 closed at 2026-11-21T08:00:00.000Z; request the restore again',
    });
    expect(decide(pending(), lead(sam), { decision: 'approve' }, later(24 * 60 - 1))).toMatchObject({ ok: true });
  });

  test('When a pending request is past its expiry, then its display status is expired', () => {
    expect([displayStatus(pending(), later(1)), displayStatus(pending(), later(24 * 60))]).toEqual(['pending', 'expired']);
  });

  test('When a decision is made, then the input state is not changed', () => {
    const state = pending();
    decide(state, lead(sam), { decision: 'approve' }, later(1));
    expect(state.decisions).toEqual([]);
  });
});

describe('approval: the stored approval follows the machine', () => {
  const TENANT = '51a9bed4-4908-47c2-b8c7-867c6542a0d8';

  function plan(privileged: boolean): RestorePlan {
    const body: Omit<RestorePlan, 'hash'> = {
      formatVersion: 1, tenantId: TENANT, source: { kind: 'snapshot', snapshotId: 's-1', at: T0.toISOString() },
      targets: [{ kind: 'user', id: 'bob', displayName: 'Bob' }],
      options: { withObject: true, withMemberships: true, withOwnerships: true, withRoleAssignments: true, withManager: true, withLicenses: true, linkMode: 'additive' } as RestorePlan['options'],
      steps: [{ id: 's001', action: { type: 'updateAttributes', kind: 'user', object: { id: 'bob' }, changes: [{ name: 'jobTitle', before: 'a', after: 'b' }] }, description: 'Roll back jobTitle', dependsOn: [] }],
      skips: [], warnings: [], sensitivity: { privileged, reasons: privileged ? ['Global Administrator'] : [] },
      counts: { steps: 1, skips: 0, byAction: { updateAttributes: 1 } }, incomplete: false,
    };
    return { ...body, hash: planHashOf({ ...body, hash: '' }) };
  }

  type Step = { who: Person; decision: 'approve' | 'reject'; atMinute: number };

  /** Runs the same decisions through the pure machine and through `decideRestore` (stored, etag-guarded); both transcripts. */
  async function both(requester: Person, privileged: boolean, steps: Step[]) {
    const store = new MemorySnapshotStore();
    const p = plan(privileged);
    const restoreId = await requestRestore(store, { plan: p, requester, reason: 'test', approvalTtlMs: TTL }, () => T0);
    const records = new RestoreRecords(store, TENANT);
    let state = approvalStateFrom((await records.readRequest(restoreId))!, (await records.readApproval(restoreId))!.document);
    const policy: string[] = [];
    const engine: string[] = [];
    for (const step of steps) {
      const result = decide(state, lead(step.who), { decision: step.decision }, later(step.atMinute));
      policy.push(result.ok ? result.state.status : `refused: ${result.message}`);
      if (result.ok) state = result.state;
      try {
        const document = await decideRestore(store, TENANT, restoreId, { objectId: step.who.objectId, isSecurityLead: true, decision: step.decision }, () => later(step.atMinute));
        engine.push(document.status);
      } catch (error) {
        engine.push(`refused: ${(error as Error).message}`);
      }
    }
    const sameId = (lines: string[]) => lines.map((line) => line.replace(restoreId, '<id>').replace('r-20261120-080000-a1b2c3', '<id>'));
    return { policy: sameId(policy), engine: sameId(engine) };
  }

  test.each<[string, Person, boolean, Step[]]>([
    ['ordinary approve', helga, false, [{ who: sam, decision: 'approve', atMinute: 1 }]],
    ['self-approval by a lead requester', lynne, false, [{ who: lynne, decision: 'approve', atMinute: 1 }, { who: sam, decision: 'approve', atMinute: 2 }]],
    ['double approval of a privileged request', helga, true, [{ who: sam, decision: 'approve', atMinute: 1 }, { who: sam, decision: 'approve', atMinute: 2 }, { who: tara, decision: 'approve', atMinute: 3 }]],
    ['approval after approval', helga, false, [{ who: sam, decision: 'approve', atMinute: 1 }, { who: tara, decision: 'approve', atMinute: 2 }]],
    ['reject then approve', helga, true, [{ who: sam, decision: 'reject', atMinute: 1 }, { who: tara, decision: 'approve', atMinute: 2 }]],
    ['expired', helga, false, [{ who: sam, decision: 'approve', atMinute: 24 * 60 }]],
  ])('When the flow is %s, then the machine and the stored approval record and refuse the same decisions', async (_label, requester, privileged, steps) => {
    const { policy, engine } = await both(requester, privileged, steps);
    expect(policy).toEqual(engine);
  });
});

describe('approval: a decision by someone who is not a security lead now', () => {
  it('then the stored approval refuses it, whatever the caller passed on', async () => {
    const store = new MemorySnapshotStore();
    const body: Omit<RestorePlan, 'hash'> = {
      formatVersion: 1, tenantId: 't', source: { kind: 'snapshot', snapshotId: 's-1', at: T0.toISOString() }, targets: [{ kind: 'user', id: 'bob', displayName: 'Bob' }],
      options: { withObject: true, withMemberships: true, withOwnerships: true, withRoleAssignments: true, withManager: true, withLicenses: true, linkMode: 'additive', credential: 'password' },
      steps: [{ id: 's001', action: { type: 'updateAttributes', kind: 'user', object: { id: 'bob' }, changes: [{ name: 'jobTitle', before: 'a', after: 'b' }] }, description: 'Roll back jobTitle', dependsOn: [] }],
      skips: [], warnings: [], sensitivity: { privileged: false, reasons: [] }, counts: { steps: 1, skips: 0, byAction: { updateAttributes: 1 } }, incomplete: false,
    };
    const restoreId = await requestRestore(store, { plan: { ...body, hash: planHashOf({ ...body, hash: '' }) }, requester: helga, reason: 'test', approvalTtlMs: TTL }, () => T0);
    await expect(decideRestore(store, 't', restoreId, { ...bystander, isSecurityLead: false, decision: 'approve' }, () => later(1))).rejects.toThrow(/Only members of the security leads group/);
    expect((await new RestoreRecords(store, 't').readApproval(restoreId))?.document.decisions).toEqual([]);
  });
});
