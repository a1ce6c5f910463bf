/**
 * Who may request, who may approve, and what a decision does: pure functions over an approval state that does not
 * depend on where it is stored.
 *
 * The bot checks this policy BEFORE it calls the engine (`requestRestore`, `decideRestore` in
 * backup-engine restore/execute.ts), and the rules agree with the engine's: the engine refuses, in this order, a
 * decision on a request that is not pending ("already approved/rejected/consumed"), after `expiresAt` (expired
 * when `expiresAt <= now`), by the requester, or by someone who already decided; a reject ends the request; the
 * request is approved once `requiredApprovals` distinct people approved. The policy adds what only the bot can
 * know: the actor must be a member of the security-leads group, read live from Graph by the Teams user's Entra
 * object id (`activity.from.aadObjectId`), never taken from card data. The engine's etag-guarded write still
 * decides races and replays: two approvers at once or a replayed invoke record once.
 *
 * Object ids are compared case-insensitively (Teams and Graph send lowercase GUIDs; the policy does not rely on it).
 */
import { approvalsRequiredFor } from '../../../backup-engine/src';
import type { ApprovalDecision, ApprovalDocument, RestoreRequestDocument } from '../../../backup-engine/src';

export interface ApprovalPolicyConfig {
  /** Members may request restores. */
  helpdeskGroupId: string;
  /** Members may approve or reject restores and choose the approvals and summary channels. */
  securityLeadsGroupId: string;
}

export interface Person {
  objectId: string;
  displayName?: string;
}

/** Someone acting on a card, with the security-leads membership the caller read live from Graph. */
export interface Actor extends Person {
  isSecurityLead: boolean;
}

export type ApprovalStatus = ApprovalDocument['status'];

/** One approver's decision, as the engine stores it (`at` is ISO 8601). */
export type { ApprovalDecision };

/** The approval of one restore request, independent of storage (the engine keeps it in Cosmos). */
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

export type RefusalCode = 'notHelpdeskMember' | 'notSecurityLead' | 'notPending' | 'expired' | 'selfApproval' | 'alreadyDecided';

export interface Refusal {
  code: RefusalCode;
  /** A sentence for the user. */
  message: string;
}

export type Verdict = { allowed: true } | ({ allowed: false } & Refusal);

export type DecisionResult =
  | { ok: true; state: ApprovalState; status: ApprovalStatus; approvalsStillNeeded: number }
  | ({ ok: false } & Refusal);

export type GroupIds = readonly string[] | ReadonlySet<string>;

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function memberOf(groups: GroupIds, groupId: string): boolean {
  for (const g of groups) if (sameId(g, groupId)) return true;
  return false;
}

export function isSecurityLead(userGroupIds: GroupIds, config: ApprovalPolicyConfig): boolean {
  return memberOf(userGroupIds, config.securityLeadsGroupId);
}

/** Builds the actor from live membership (Graph `checkMemberGroups`/`transitiveMemberOf` of the Teams user's object id). */
export function actorFromLiveMembership(person: Person, liveGroupIds: GroupIds, config: ApprovalPolicyConfig): Actor {
  return { ...person, isSecurityLead: isSecurityLead(liveGroupIds, config) };
}

/** Requesting a restore (and planning an undo) is for members of the helpdesk group. */
export function canRequest(userGroupIds: GroupIds, config: ApprovalPolicyConfig): Verdict {
  if (memberOf(userGroupIds, config.helpdeskGroupId)) return { allowed: true };
  return { allowed: false, code: 'notHelpdeskMember', message: 'Only members of the helpdesk group can request a restore.' };
}

/** `set approvals channel` and `set summary channel` are for security leads. */
export function canChooseChannels(userGroupIds: GroupIds, config: ApprovalPolicyConfig): Verdict {
  if (isSecurityLead(userGroupIds, config)) return { allowed: true };
  return { allowed: false, code: 'notSecurityLead', message: 'Only members of the security leads group can choose where approvals and summaries are posted.' };
}

/** Distinct approvals a plan needs: the engine's one rule (two when the plan is privileged, otherwise one). */
export function requiredApprovals(sensitivity: { privileged: boolean }): 1 | 2 {
  return approvalsRequiredFor({ sensitivity: { privileged: sensitivity.privileged, reasons: [] } });
}

/** A new pending state, as the engine's `requestRestore` stores it. */
export function newApprovalState(input: {
  restoreId: string;
  requester: Person;
  planHash: string;
  sensitivity: { privileged: boolean };
  approvalTtlInMs: number;
  now: Date;
}): ApprovalState {
  return {
    restoreId: input.restoreId,
    requester: input.requester,
    planHash: input.planHash,
    requiredApprovals: requiredApprovals(input.sensitivity),
    status: 'pending',
    decisions: [],
    expiresAt: new Date(input.now.getTime() + input.approvalTtlInMs).toISOString(),
  };
}

/** The state from the engine's stored documents. */
export function approvalStateFrom(request: Pick<RestoreRequestDocument, 'restoreId' | 'requester'>, approval: ApprovalDocument): ApprovalState {
  return {
    restoreId: request.restoreId,
    requester: request.requester,
    planHash: approval.planHash,
    requiredApprovals: approval.requiredApprovals,
    status: approval.status,
    decisions: approval.decisions,
    expiresAt: approval.expiresAt,
  };
}

export function isExpired(state: ApprovalState, now: Date): boolean {
  return Date.parse(state.expiresAt) <= now.getTime();
}

/** What a card should show: a pending request past its expiry is `expired`. */
export function displayStatus(state: ApprovalState, now: Date): ApprovalStatus | 'expired' {
  return state.status === 'pending' && isExpired(state, now) ? 'expired' : state.status;
}

export function approvalsStillNeeded(state: ApprovalState): number {
  if (state.status !== 'pending') return 0;
  return Math.max(0, state.requiredApprovals - state.decisions.filter((d) => d.decision === 'approve').length);
}

/**
 * Who may still decide: the security leads (read live from Graph) other than the requester and those who already
 * decided; nobody once the request is no longer pending or has expired. For the card's `refresh.userIds` and the
 * approver picker.
 */
export function eligibleApprovers(securityLeads: readonly Person[], state: ApprovalState, now: Date): Person[] {
  if (state.status !== 'pending' || isExpired(state, now)) return [];
  return securityLeads.filter(
    (p) => !sameId(p.objectId, state.requester.objectId) && !state.decisions.some((d) => sameId(d.objectId, p.objectId)),
  );
}

/** Why `actor` may not decide now, or undefined when they may. */
export function refusalFor(state: ApprovalState, actor: Actor, now: Date): Refusal | undefined {
  if (!actor.isSecurityLead) return { code: 'notSecurityLead', message: 'Only members of the security leads group can approve or reject a restore.' };
  if (state.status !== 'pending') return { code: 'notPending', message: `restore ${state.restoreId} is already ${state.status}` };
  if (isExpired(state, now)) return { code: 'expired', message: `the approval window of ${state.restoreId} closed at ${state.expiresAt}; request the restore again` };
  if (sameId(actor.objectId, state.requester.objectId)) return { code: 'selfApproval', message: 'the requester cannot approve their own restore' };
  if (state.decisions.some((d) => sameId(d.objectId, actor.objectId))) return { code: 'alreadyDecided', message: 'you have already decided on this restore' };
  return undefined;
}

/**
 * Applies one decision: the new state, or the reason it is refused. A reject ends the request; it is approved once
 * `requiredApprovals` distinct people approved.
 */
export function decide(state: ApprovalState, actor: Actor, decision: { decision: 'approve' | 'reject'; comment?: string }, now: Date): DecisionResult {
  const refusal = refusalFor(state, actor, now);
  if (refusal) return { ok: false, ...refusal };
  const recorded: ApprovalDecision = {
    objectId: actor.objectId,
    ...(actor.displayName ? { displayName: actor.displayName } : {}),
    decision: decision.decision,
    ...(decision.comment ? { comment: decision.comment } : {}),
    at: now.toISOString(),
  };
  const decisions = [...state.decisions, recorded];
  const approvals = decisions.filter((d) => d.decision === 'approve').length;
  const status: ApprovalStatus = decision.decision === 'reject' ? 'rejected' : approvals >= state.requiredApprovals ? 'approved' : 'pending';
  const next: ApprovalState = { ...state, decisions, status };
  return { ok: true, state: next, status, approvalsStillNeeded: approvalsStillNeeded(next) };
}
