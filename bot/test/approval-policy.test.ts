import { MemorySnapshotStore, RestorePlan, RestoreRecords, planHashOf } from '../../backup-engine/src';
import { decideRestore, requestRestore } from '../../backup-engine/src/restore/execute';
import {
  Actor, ApprovalPolicyConfig, ApprovalState, Person, actorFromLiveMembership, approvalStateFrom, canChooseChannels, canRequest, decide, displayStatus,
  eligibleApprovers, newApprovalState, requiredApprovals,
} from '../src/policy/approval-policy';

const config: ApprovalPolicyConfig = { helpdeskGroupId: 'helpdesk-group', securityLeadsGroupId: 'leads-group' };
const T0 = new Date('2026-11-20T08:00:00.000Z');
const TTL = 24 * 3_600_000;
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const helga: Person = { objectId: 'user-helga', displayName: 'Helga (helpdesk)' };
const lynne: Person = { objectId: 'user-lynne', displayName: 'Lynne (helpdesk and lead)' };
const sam: Person = { objectId: 'user-sam', displayName: 'Sam (lead)' };
const tara: Person = { objectId: 'user-tara', displayName: 'Tara (lead)' };
const bystander: Person = { objectId: 'user-bea', displayName: 'Bea' };

const lead = (p: Person): Actor => actorFromLiveMembership(p, ['leads-group', 'all-staff'], config);
const notLead = (p: Person): Actor => actorFromLiveMembership(p, ['all-staff'], config);

function pending(overrides: Partial<{ requester: Person; privileged: boolean }> = {}): ApprovalState {
  return newApprovalState({ restoreId: 'r-20261120-080000-a1b2c3', requester: overrides.requester ?? helga, planHash: 'hash-1', sensitivity: { privileged: overrides.privileged ?? false }, approvalTtlInMs: TTL, now: T0 });
}

function ok(result: ReturnType<typeof decide>): ApprovalState {
  if (!result.ok) throw new Error(`expected the decision to be recorded, got ${result.code}`);
  return result.state;
}

describe('policy: who may request and choose channels', () => {
  test('When the user is in the helpdesk group, then they may request', () => {
    expect(canRequest(['x', 'helpdesk-group'], config)).toEqual({ allowed: true });
  });

  test('When the user is not in the helpdesk group, then the request is refused with the reason', () => {
    expect(canRequest(new Set(['leads-group']), config)).toEqual({ allowed: false, code: 'notHelpdeskMember', message: 'Only members of the helpdesk group can request a restore.' });
  });

  test('When group ids differ only in case, then membership still matches', () => {
    expect(canRequest(['HELPDESK-GROUP'], config).allowed).toBe(true);
  });

  test('When a non-lead says set approvals channel, then it is refused; a lead may', () => {
    expect([canChooseChannels(['helpdesk-group'], config).allowed, canChooseChannels(['leads-group'], config).allowed]).toEqual([false, true]);
  });
});

describe('policy: required approvals', () => {
  test('When the target is privileged, then two approvals are needed; otherwise one', () => {
    expect([requiredApprovals({ privileged: true }), requiredApprovals({ privileged: false })]).toEqual([2, 1]);
  });

  test('When a state is created, then it is pending, has no decisions and expires after the TTL', () => {
    expect(pending({ privileged: true })).toEqual({
      restoreId: 'r-20261120-080000-a1b2c3', requester: helga, planHash: 'hash-1', requiredApprovals: 2, status: 'pending', decisions: [], expiresAt: '2026-11-21T08:00:00.000Z',
    });
  });
});

describe('policy: decisions', () => {
  test('When a security lead approves an ordinary restore, then it is approved', () => {
    const result = decide(pending(), lead(sam), { decision: 'approve', comment: 'ok' }, later(5));
    expect(result).toEqual({
      ok: true, status: 'approved', approvalsStillNeeded: 0,
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
    expect(first).toMatchObject({ ok: true, status: 'pending', approvalsStillNeeded: 1 });
    const second = decide(ok(first), lead(tara), { decision: 'approve' }, later(2));
    expect(second).toMatchObject({ ok: true, status: 'approved', approvalsStillNeeded: 0 });
  });

  test('When a privileged request is requested by a lead, then two other leads can still approve it', () => {
    const state = ok(decide(pending({ requester: lynne, privileged: true }), lead(sam), { decision: 'approve' }, later(1)));
    expect(decide(state, lead(tara), { decision: 'approve' }, later(2))).toMatchObject({ ok: true, status: 'approved' });
  });

  test('When one lead approves and another rejects a privileged request, then it is rejected', () => {
    const state = ok(decide(pending({ privileged: true }), lead(sam), { decision: 'approve' }, later(1)));
    expect(decide(state, lead(tara), { decision: 'reject', comment: 'not this one' }, later(2))).toMatchObject({ ok: true, status: 'rejected', approvalsStillNeeded: 0 });
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

describe('policy: eligible approvers', () => {
  const leads = [lynne, sam, tara];

  test('When a request is pending, then every lead but the requester is eligible', () => {
    expect(eligibleApprovers(leads, pending({ requester: lynne }), later(1))).toEqual([sam, tara]);
  });

  test('When a lead has approved a privileged request, then only the leads who have not decided remain', () => {
    const state = ok(decide(pending({ requester: lynne, privileged: true }), lead(sam), { decision: 'approve' }, later(1)));
    expect(eligibleApprovers(leads, state, later(2))).toEqual([tara]);
  });

  test('When the request is approved or expired, then nobody is eligible', () => {
    const approved = ok(decide(pending(), lead(sam), { decision: 'approve' }, later(1)));
    expect([eligibleApprovers(leads, approved, later(2)), eligibleApprovers(leads, pending(), later(24 * 60))]).toEqual([[], []]);
  });
});

describe('policy: agrees with the engine', () => {
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

  /** Runs the same decisions through the policy and through the engine's decideRestore; returns both transcripts. */
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
      policy.push(result.ok ? result.status : `refused: ${result.message}`);
      if (result.ok) state = result.state;
      try {
        const document = await decideRestore(store, TENANT, restoreId, { objectId: step.who.objectId, decision: step.decision }, () => later(step.atMinute));
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
  ])('When the flow is %s, then the policy and the engine record and refuse the same decisions', async (_label, requester, privileged, steps) => {
    const { policy, engine } = await both(requester, privileged, steps);
    expect(policy).toEqual(engine);
  });
});
