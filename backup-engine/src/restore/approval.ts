/**
 * The approval state machine, pure: an approval state + one decision + the live fact the caller read (is the actor a
 * security lead now, from live group membership) → the new state, or a refusal with its reason. The one place these
 * rules live: `decideRestore` applies it to the stored approval (an etag-guarded write decides races and replays),
 * and the bot asks it whether someone may decide before it shows them the buttons.
 *
 * Rules, in the order a refusal is reported: the actor must be a security lead; the request must be pending; a
 * decision at or after `expiresAt` is refused (expired); the requester never decides their own request; one person
 * decides once. A reject ends the request; it is approved once `requiredApprovals` distinct people approved.
 * Object ids are compared case-insensitively.
 */
import type { ApprovalDecision, ApprovalDocument, RestoreRequestDocument } from './records';

export interface Person {
  objectId: string;
  displayName?: string;
}

/** Someone deciding, with the security-leads membership the caller read live (never from card data). */
export interface Approver extends Person {
  isSecurityLead: boolean;
}

export type ApprovalStatus = ApprovalDocument['status'];

/** The approval of one restore request, independent of where it is stored. */
export interface ApprovalState {
  restoreId: string;
  requester: Person;
  planHash: string;
  requiredApprovals: number;
  status: ApprovalStatus;
  decisions: readonly ApprovalDecision[];
  /** ISO 8601; the request can no longer be decided from this instant on. */
  expiresAt: string;
}

export type RefusalCode = 'notSecurityLead' | 'notPending' | 'expired' | 'selfApproval' | 'alreadyDecided';

export interface Refusal {
  code: RefusalCode;
  /** A sentence for the person who tried. */
  message: string;
}

export type DecisionResult = { ok: true; state: ApprovalState } | ({ ok: false } & Refusal);

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The state from the stored documents. */
export function approvalStateFrom(request: Pick<RestoreRequestDocument, 'restoreId' | 'requester'>, approval: ApprovalDocument): ApprovalState {
  return {
    restoreId: request.restoreId, requester: request.requester, planHash: approval.planHash, requiredApprovals: approval.requiredApprovals,
    status: approval.status, decisions: approval.decisions, expiresAt: approval.expiresAt,
  };
}

export function isExpired(state: ApprovalState, now: Date): boolean {
  return Date.parse(state.expiresAt) <= now.getTime();
}

/** What a card should show: a pending request past its expiry is `expired`. */
export function displayStatus(state: ApprovalState, now: Date): ApprovalStatus | 'expired' {
  return state.status === 'pending' && isExpired(state, now) ? 'expired' : state.status;
}

/** Why `actor` may not decide now, or undefined when they may. */
export function refusalFor(state: ApprovalState, actor: Approver, now: Date): Refusal | undefined {
  if (!actor.isSecurityLead) return { code: 'notSecurityLead', message: 'Only members of the security leads group can approve or reject a restore.' };
  if (state.status !== 'pending') return { code: 'notPending', message: `restore ${state.restoreId} is already ${state.status}` };
  if (isExpired(state, now)) return { code: 'expired', message: `the approval window of ${state.restoreId} closed at ${state.expiresAt}; request the restore again` };
  if (sameId(actor.objectId, state.requester.objectId)) return { code: 'selfApproval', message: 'the requester cannot approve their own restore' };
  if (state.decisions.some((d) => sameId(d.objectId, actor.objectId))) return { code: 'alreadyDecided', message: 'you have already decided on this restore' };
  return undefined;
}

/** Applies one decision: the new state (the input is not changed), or the reason it is refused. */
export function decide(state: ApprovalState, actor: Approver, decision: { decision: 'approve' | 'reject'; comment?: string }, now: Date): DecisionResult {
  const refusal = refusalFor(state, actor, now);
  if (refusal) return { ok: false, ...refusal };
  const recorded: ApprovalDecision = {
    objectId: actor.objectId, ...(actor.displayName ? { displayName: actor.displayName } : {}), decision: decision.decision,
    ...(decision.comment ? { comment: decision.comment } : {}), at: now.toISOString(),
  };
  const decisions = [...state.decisions, recorded];
  const approvals = decisions.filter((d) => d.decision === 'approve').length;
  const status: ApprovalStatus = decision.decision === 'reject' ? 'rejected' : approvals >= state.requiredApprovals ? 'approved' : 'pending';
  return { ok: true, state: { ...state, decisions, status } };
}
