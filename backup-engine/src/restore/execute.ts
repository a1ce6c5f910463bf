/**
 * Requesting, approving and executing a restore. Callers reach these through the `Restores` client
 * (restores.ts), the one entry point the bot, the CLI, undo and alert restores use.
 *
 * executeRestore runs an approved plan once:
 * 1. The stored plan must hash to its own hash and to the approved hash; the approval must be approved (or
 *    break-glass), need as many approvals as the plan's sensitivity asks, be unexpired and not consumed by another
 *    run. Consuming it is an etag-guarded write. A restore that finished complete is not run again.
 * 2. One execution at a time: the run holds the restore's execution lease (document `execution`, renewed every
 *    20 s, 60 s without renewal), so a second resume while one runs is refused, and each execution writes one
 *    `finished` event.
 * 3. First run only: the live state is re-read and the plan recomputed; if the hash differs the tenant drifted and
 *    the run stops with `NeedsReapprovalError` carrying the new plan. The fresh live state is stored as the
 *    pre-restore capture (what `undo` goes back to).
 * 4. Steps run in plan order. Each is journaled `running` before and `done` / `alreadyDone` / `failed` after; a step
 *    whose dependency failed is `blocked`. Link writes that are ready together go to Graph as `$batch`es. Creates are
 *    idempotent across crashes: before creating, a `running` create looks for the object by UPN / mailNickname and
 *    adopts it. A recreate records its lineage (new id continues old id) before it is journaled done. Writes are
 *    paced to the write quota by the Graph writer itself.
 * 5. A credential is journaled delivered only once `deliverSecret` resolved (it reached the requester or the
 *    operator). A run that finds a recreated user whose credential was never delivered issues a Temporary Access
 *    Pass and delivers that. The outcome accounts for every recreated user's credential.
 * 6. A crash anywhere leaves the journal; running executeRestore again resumes from it.
 * The credential of a recreated user goes to `deliverSecret` and nowhere else: not the journal, not the audit, not logs.
 */
import { DirectoryWriter, LinkWrite, LinkWriteResult } from '../ports/directory-writer';
import { SnapshotStore, isPreconditionFailedError } from '../ports/snapshot-store';
import { DEFAULT_LEASE_TTL_MS, HeldLease, acquireDocumentLease, holdLease, isLeaseHeldError } from '../backup/lease';
import { Lineage } from '../lineage/lineage';
import { Approver, approvalStateFrom, decide } from './approval';
import { planHashOf } from './plan';
import { randomPassword } from './password';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ApprovalDocument,
  JournalStepDocument,
  PreRestoreDocument,
  RestoreRecords,
  RestoreRequestDocument,
  RestoreResultDocument,
  RestoreStatus,
  StepStatus,
  newRestoreId,
} from './records';
import { LiveState, ObjectRef, PlanSkip, RestoreAction, RestorePlan, RestoreStep } from './types';

export const DEFAULT_APPROVAL_TTL_MS = 24 * 3_600_000;

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

export class NeedsReapprovalError extends Error {
  constructor(readonly newPlan: RestorePlan) {
    super('the tenant changed since this plan was approved, so the plan would change: it needs approval again');
    this.name = 'NeedsReapprovalError';
  }
}

export function isRestoreRefusedError(e: unknown): e is RestoreRefusedError {
  return e instanceof Error && e.name === 'RestoreRefusedError';
}

export function isNeedsReapprovalError(e: unknown): e is NeedsReapprovalError {
  return e instanceof Error && e.name === 'NeedsReapprovalError';
}

export interface RequestInput {
  plan: RestorePlan;
  requester: { objectId: string; displayName?: string };
  reason: string;
  ticket?: string;
  approvalTtlMs?: number;
  undoes?: string;
}

/**
 * Distinct approvals a plan needs: two when it is privileged (a target privileged in the snapshot or in the live
 * directory now, or a plan that grants, re-enables or restores anything privileged), otherwise one. The one rule:
 * `requestRestore` stores it with the request and the executor checks the approval against it.
 */
export function approvalsRequiredFor(plan: Pick<RestorePlan, 'sensitivity'>): 1 | 2 {
  return plan.sensitivity.privileged ? 2 : 1;
}

export const NOTHING_TO_RESTORE_ERROR_NAME = 'NothingToRestoreError';

/** A plan with no step changes nothing: it is not stored as a request (there is nothing to approve). */
export class NothingToRestoreError extends Error {
  constructor(readonly plan: RestorePlan) {
    super(`nothing to restore: the tenant already matches ${plan.source.kind === 'snapshot' ? `snapshot ${plan.source.snapshotId}` : 'the state to go back to'}${plan.skips.length ? ', apart from what the plan lists as skipped' : ''}`);
    this.name = NOTHING_TO_RESTORE_ERROR_NAME;
  }
}

export function isNothingToRestoreError(e: unknown): e is NothingToRestoreError {
  return e instanceof Error && e.name === NOTHING_TO_RESTORE_ERROR_NAME;
}

/** Stores a plan as a restore request awaiting approval; returns its id. */
export async function requestRestore(store: SnapshotStore, input: RequestInput, now: () => Date = () => new Date()): Promise<string> {
  if (planHashOf(input.plan) !== input.plan.hash) throw new RestoreRefusedError('the plan does not match its own hash: it was altered');
  if (!input.reason.trim()) throw new RangeError('a restore needs a reason');
  if (input.plan.steps.length === 0) throw new NothingToRestoreError(input.plan);
  const records = new RestoreRecords(store, input.plan.tenantId);
  const at = now();
  const restoreId = newRestoreId(at);
  const request: RestoreRequestDocument = {
    ...records.base(restoreId, 'request'), type: 'restoreRequest', restoreId, plan: input.plan, requester: input.requester,
    reason: input.reason.trim(), ...(input.ticket ? { ticket: input.ticket } : {}), createdAt: at.toISOString(), ...(input.undoes ? { undoes: input.undoes } : {}),
  };
  await store.insert('catalog', request);
  const approval: ApprovalDocument = {
    ...records.base(restoreId, 'approval'), type: 'approval', restoreId, planHash: input.plan.hash,
    requiredApprovals: approvalsRequiredFor(input.plan), decisions: [], status: 'pending',
    expiresAt: new Date(at.getTime() + (input.approvalTtlMs ?? DEFAULT_APPROVAL_TTL_MS)).toISOString(),
  };
  await store.insert('catalog', approval);
  await records.audit(restoreId, input.undoes ? 'undoPlanned' : 'planned', {
    planHash: input.plan.hash, reason: request.reason, ticket: input.ticket ?? null, steps: input.plan.counts.steps, skips: input.plan.counts.skips,
    privileged: input.plan.sensitivity.privileged, undoes: input.undoes ?? null,
  }, at, input.requester.objectId);
  return restoreId;
}

/**
 * Records one approver's decision through the approval state machine (approval.ts): the caller read whether the
 * approver is a security lead now (live membership, never card data); the machine refuses a non-lead, a decision on
 * a request that is not pending or has expired, the requester's own, and a second one by the same person. A reject
 * ends the request. The stored approval is written with its etag: of two decisions at once, the later re-reads and
 * is judged again.
 */
export async function decideRestore(store: SnapshotStore, tenantId: string, restoreId: string, decision: Approver & { decision: 'approve' | 'reject'; comment?: string }, now: () => Date = () => new Date()): Promise<ApprovalDocument> {
  const records = new RestoreRecords(store, tenantId);
  const request = await records.readRequest(restoreId);
  if (!request) throw new RestoreRefusedError(`there is no restore request ${restoreId}`);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await records.readApproval(restoreId);
    if (!current) throw new RestoreRefusedError(`restore ${restoreId} has no approval record`);
    const at = now();
    const { isSecurityLead, decision: kind, comment, ...person } = decision;
    const result = decide(approvalStateFrom(request, current.document), { ...person, isSecurityLead }, { decision: kind, ...(comment ? { comment } : {}) }, at);
    if (!result.ok) throw new RestoreRefusedError(result.message);
    const approval: ApprovalDocument = { ...current.document, decisions: [...result.state.decisions], status: result.state.status };
    try {
      await store.upsert('catalog', approval, { ifMatch: current.etag });
    } catch (error) {
      if (isPreconditionFailedError(error)) continue;
      throw error;
    }
    await records.audit(restoreId, kind === 'approve' ? 'approved' : 'rejected', { comment: comment ?? null, status: approval.status }, at, person.objectId);
    return approval;
  }
  throw new RestoreRefusedError('too many concurrent decisions on this restore; try again');
}

/** Marks a plan approved without Teams (the CLI's break-glass), recorded as such in the audit trail. */
export async function breakGlassApprove(store: SnapshotStore, tenantId: string, restoreId: string, by: string, reason: string, now: () => Date = () => new Date()): Promise<void> {
  if (!reason.trim()) throw new RangeError('break-glass needs a reason (--reason "…")');
  const records = new RestoreRecords(store, tenantId);
  const current = await records.readApproval(restoreId);
  if (!current) throw new RestoreRefusedError(`there is no restore request ${restoreId}`);
  if (current.document.status !== 'pending' && current.document.status !== 'approved') throw new RestoreRefusedError(`restore ${restoreId} is ${current.document.status}`);
  const at = now();
  const approval: ApprovalDocument = { ...current.document, status: 'approved', breakGlass: { by, reason: reason.trim(), at: at.toISOString() }, expiresAt: new Date(Math.max(Date.parse(current.document.expiresAt), at.getTime() + 3_600_000)).toISOString() };
  await store.upsert('catalog', approval, { ifMatch: current.etag });
  await records.audit(restoreId, 'breakGlass', { reason: reason.trim() }, at, by);
}

export interface DeliveredSecret {
  restoreId: string;
  userId: string;
  userPrincipalName: string;
  kind: 'password' | 'temporaryAccessPass';
  value: string;
  /** For a Temporary Access Pass. */
  lifetimeInMinutes?: number;
}

/** Where a credential went, in words for the result ("the requester's personal chat with Rewind"). Never the secret. */
export interface DeliveryReceipt {
  deliveredTo: string;
}

/**
 * Hands a credential to the person it is for, and resolves only once it was handed over (posted to the requester's
 * personal chat, printed on the operator's terminal). Rejecting means it did not arrive: the credential is
 * discarded and the run reports it as not delivered.
 */
export type DeliverSecret = (secret: DeliveredSecret) => Promise<DeliveryReceipt>;

export interface ExecuteContext {
  writer: DirectoryWriter;
  store: SnapshotStore;
  tenantId: string;
  /** Recomputes the plan (and returns the live state it used) for the drift check and the pre-restore capture. */
  replan: () => Promise<{ plan: RestorePlan; live: LiveState }>;
  deliverSecret: DeliverSecret;
  now?: () => Date;
  /** Who runs it (`cli:alice`), recorded as the execution lease's owner with a run id, this host and process. */
  owner?: string;
  /** Execution lease lifetime without renewal; renewed every third of it. Default 60 s. */
  leaseTtlMs?: number;
  /** Called before a step (or a batch of steps) goes to Graph; throwing here is a crash, for tests. */
  beforeWrite?: (steps: RestoreStep[]) => void;
  /**
   * Called once the approval is consumed (or found consumed, on a resume) and before the first write: from here the
   * restore counts as running. A failure of the callback is the caller's to report; it never stops the restore.
   */
  onRunning?: () => Promise<void>;
}

/** What became of the credential of one user this restore created. */
export interface CredentialAccount {
  stepId: string;
  /** The created user (absent when the create itself did not succeed). */
  userId?: string;
  userPrincipalName: string;
  displayName: string;
  /** `delivered`: handed over (how: `method`, where: `deliveredTo`); `notDelivered`: issued or owed, never received. */
  status: 'delivered' | 'notDelivered';
  method?: 'password' | 'temporaryAccessPass';
  deliveredTo?: string;
  /** A sentence: what happened. */
  note: string;
  /** For a credential not delivered: what to do about it (the same advice in the CLI and on the card). */
  whatToDo?: string;
}

export interface RestoreOutcome {
  restoreId: string;
  status: RestoreStatus;
  steps: { stepId: string; status: StepStatus; description: string; failure?: JournalStepDocument['failure']; note?: string }[];
  /** Skips still outstanding after the run. */
  skips: RestorePlan['skips'];
  /**
   * Links the plan could not write (Exchange-managed, synced or dynamic groups) of an object restored from the
   * recycle bin, read back and found in place after the run (a recycle-bin restore keeps an object's links).
   */
  settledSkips: RestorePlan['skips'];
  /** Every user this restore created, and whether its credential reached anyone. */
  credentials: CredentialAccount[];
  resumed: boolean;
}

const LINK_ACTIONS = new Set<RestoreAction['type']>(['addLink', 'removeLink', 'setManager', 'removeManager', 'addRoleAssignment', 'removeRoleAssignment']);

export async function executeRestore(restoreId: string, context: ExecuteContext): Promise<RestoreOutcome> {
  const now = context.now ?? (() => new Date());
  const records = new RestoreRecords(context.store, context.tenantId);
  const request = await records.readRequest(restoreId);
  if (!request) throw new RestoreRefusedError(`there is no restore request ${restoreId}`);
  const plan = request.plan;
  if (planHashOf(plan) !== plan.hash) throw new RestoreRefusedError(`the stored plan of ${restoreId} no longer matches its hash: refusing to run it`);
  const lease = await holdExecutionLease(records, restoreId, context, now);
  try {
    return await executeHeld(restoreId, request, records, lease, context, now);
  } finally {
    await lease.release();
  }
}

async function holdExecutionLease(records: RestoreRecords, restoreId: string, context: ExecuteContext, now: () => Date): Promise<HeldLease> {
  const ttlMs = context.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  // Unique per run, and naming this host and process so that a resume on the same machine after a crash takes the
  // dead run's lease over at once (lease.ts holderIsGoneFromThisHost).
  const owner = `${context.owner ?? 'rewind'}#${randomBytes(3).toString('hex')}@${hostname()}:${process.pid}`;
  try {
    const lease = await acquireDocumentLease({
      store: context.store, collection: 'catalog', key: records.key(restoreId, 'execution'), heldMessage: `restore ${restoreId} is running`,
      document: (holder, at, ttl) => ({ ...records.base(restoreId, 'execution'), type: 'execution', owner: holder, acquiredAt: at.toISOString(), expiresAt: new Date(at.getTime() + ttl).toISOString() }),
    }, owner, ttlMs, now);
    return holdLease(lease, ttlMs, `restore ${restoreId}`);
  } catch (error) {
    if (isLeaseHeldError(error)) throw new RestoreRefusedError(`restore ${restoreId} is already running (${error.owner === 'another worker' ? 'started elsewhere at the same moment' : `by ${error.owner}`}); it runs once at a time — wait for it to finish, then resume it if it stops`);
    throw error;
  }
}

async function executeHeld(restoreId: string, request: RestoreRequestDocument, records: RestoreRecords, lease: HeldLease, context: ExecuteContext, now: () => Date): Promise<RestoreOutcome> {
  const plan = request.plan;
  const approvalRead = await records.readApproval(restoreId);
  if (!approvalRead) throw new RestoreRefusedError(`restore ${restoreId} has no approval record`);
  const approval = approvalRead.document;
  if (approval.planHash !== plan.hash) throw new RestoreRefusedError(`the approval of ${restoreId} is for another plan (${approval.planHash.slice(0, 12)}…): refusing`);
  const finished = (await context.store.read<RestoreResultDocument>('catalog', records.key(restoreId, 'result')))?.document;
  if (finished?.status === 'complete') throw new RestoreRefusedError(`restore ${restoreId} already finished complete at ${finished.finishedAt}; there is nothing left to run`);
  const journal = await records.readJournal(restoreId);
  const resumed = approval.status === 'consumed';
  if (!resumed) {
    if (approval.status !== 'approved') throw new RestoreRefusedError(`restore ${restoreId} is ${approval.status}, not approved`);
    if (!approval.breakGlass && approval.requiredApprovals < approvalsRequiredFor(plan)) {
      throw new RestoreRefusedError(`restore ${restoreId} is privileged and needs ${approvalsRequiredFor(plan)} approvals, but its approval asked for ${approval.requiredApprovals}: refusing`);
    }
    if (Date.parse(approval.expiresAt) <= now().getTime()) throw new RestoreRefusedError(`the approval of ${restoreId} expired at ${approval.expiresAt}; request the restore again`);
    const fresh = await context.replan();
    if (fresh.plan.hash !== plan.hash) {
      await records.audit(restoreId, 'needsReapproval', { approvedHash: plan.hash, newHash: fresh.plan.hash }, now());
      throw new NeedsReapprovalError(fresh.plan);
    }
    const capture: PreRestoreDocument = { ...records.base(restoreId, 'preRestore'), type: 'preRestore', restoreId, capturedAt: now().toISOString(), live: fresh.live };
    await context.store.upsert('catalog', capture);
    try {
      await context.store.upsert('catalog', { ...approval, status: 'consumed', consumedAt: now().toISOString() }, { ifMatch: approvalRead.etag });
    } catch (error) {
      if (isPreconditionFailedError(error)) throw new RestoreRefusedError(`restore ${restoreId} was started by someone else at the same moment`);
      throw error;
    }
    await records.audit(restoreId, 'executionStarted', { planHash: plan.hash, breakGlass: approval.breakGlass ?? null }, now(), approval.breakGlass?.by);
  }
  if (context.onRunning) await context.onRunning().catch(() => undefined);
  const runner = new StepRunner(plan, restoreId, journal, records, context, lease, now);
  const startedAt = now().toISOString();
  await runner.run();
  const steps = plan.steps.map((s) => {
    const entry = runner.journal.get(s.id)!;
    return { stepId: s.id, status: entry.status, description: s.description, ...(entry.failure ? { failure: entry.failure } : {}), ...(entry.note ? { note: entry.note } : {}) };
  });
  const counts = { running: 0, done: 0, alreadyDone: 0, failed: 0, blocked: 0 } as Record<StepStatus, number>;
  for (const s of steps) counts[s.status]++;
  const { outstanding, settled } = await settleSkippedLinks(plan, (stepId) => runner.journal.get(stepId)?.status, context.writer);
  const credentials = accountCredentials(plan, restoreId, runner.journal);
  const status: RestoreStatus = counts.failed || counts.blocked || outstanding.length ? 'incomplete' : 'complete';
  const result: RestoreResultDocument = { ...records.base(restoreId, 'result'), type: 'restoreResult', restoreId, status, startedAt, finishedAt: now().toISOString(), counts, skips: outstanding.length };
  await context.store.upsert('catalog', result);
  const skipRefs = (list: PlanSkip[]) => list.map((s) => ({ reason: s.reason, objectId: s.objectId, relatedId: s.relatedId ?? null }));
  await records.audit(restoreId, 'finished', {
    status, counts, skips: skipRefs(outstanding), settledSkips: skipRefs(settled), failures: steps.filter((s) => s.failure).map((s) => ({ stepId: s.stepId, ...s.failure })),
    credentials: credentials.map((c) => ({ stepId: c.stepId, userId: c.userId ?? null, status: c.status, method: c.method ?? null, deliveredTo: c.deliveredTo ?? null })),
  }, now());
  return { restoreId, status, steps, skips: outstanding, settledSkips: settled, credentials, resumed };
}

/**
 * One account per `issueCredential` step, from the journal: delivered (how and where), or not delivered (why). A
 * credential step that never ran because its create failed counts as not delivered: there is no user to sign in.
 */
function accountCredentials(plan: RestorePlan, restoreId: string, journal: Map<string, JournalStepDocument>): CredentialAccount[] {
  return plan.steps.filter((s) => s.action.type === 'issueCredential').map((step) => {
    const action = step.action as Extract<RestoreAction, { type: 'issueCredential' }>;
    const createStep = 'createdBy' in action.user ? action.user.createdBy : undefined;
    const { userPrincipalName, displayName } = createdUserNames(plan, action.user);
    const userId = 'id' in action.user ? action.user.id : (createStep ? journal.get(createStep)?.createdId : undefined);
    const entry = journal.get(step.id);
    if (entry?.status === 'done' && entry.credential) {
      return { stepId: step.id, ...(userId ? { userId } : {}), userPrincipalName, displayName, status: 'delivered' as const, method: entry.credential.method, deliveredTo: entry.credential.deliveredTo, note: entry.note ?? '' };
    }
    const why = entry?.status === 'failed' ? (entry.failure?.message ?? 'it failed')
      : entry?.status === 'blocked' ? 'the user was not created, so there is nothing to sign in to'
        : 'the run stopped before it was handed over';
    const whatToDo = userId
      ? `run \`rewind restore --plan ${restoreId} --break-glass --reason "…"\` to issue a new Temporary Access Pass for ${userPrincipalName} (shown once on that terminal), or reset the password in Microsoft Entra`
      : 'nothing: the user was not created';
    return { stepId: step.id, ...(userId ? { userId } : {}), userPrincipalName, displayName, status: 'notDelivered' as const, note: why, whatToDo };
  });
}

/** The UPN and name of the user a credential step is for: from the create step that made it, else its id. */
function createdUserNames(plan: RestorePlan, user: ObjectRef): { userPrincipalName: string; displayName: string } {
  const createStep = 'createdBy' in user ? user.createdBy : undefined;
  const create = plan.steps.find((s) => s.id === createStep)?.action as { attributes?: Record<string, unknown> } | undefined;
  const userPrincipalName = String(create?.attributes?.userPrincipalName ?? ('id' in user ? user.id : ''));
  return { userPrincipalName, displayName: String(create?.attributes?.displayName ?? userPrincipalName) };
}

/**
 * Splits the plan's skipped links into those still missing and those in place after the run. Only links of objects
 * this run restored from the recycle bin are checked, with one read of each such object's memberships (and one of its
 * ownerships when needed); every other skip stays outstanding. A failed read leaves the skip outstanding: nothing is
 * reported in place without being seen.
 */
async function settleSkippedLinks(plan: RestorePlan, statusOf: (stepId: string) => StepStatus | undefined, writer: DirectoryWriter): Promise<{ outstanding: PlanSkip[]; settled: PlanSkip[] }> {
  const recycled = new Set(plan.steps
    .filter((s) => s.action.type === 'restoreFromRecycleBin' && (statusOf(s.id) === 'done' || statusOf(s.id) === 'alreadyDone'))
    .map((s) => (s.action as { objectId: string }).objectId));
  const outstanding: PlanSkip[] = [];
  const settled: PlanSkip[] = [];
  const groupsOf = new Map<string, Promise<Set<string> | undefined>>();
  const read = (relation: 'members' | 'owners', objectId: string): Promise<Set<string> | undefined> => {
    const key = `${relation}|${objectId}`;
    if (!groupsOf.has(key)) {
      const groups = relation === 'members' ? writer.getMemberOf(objectId).then((m) => m.groups) : writer.getOwnedGroups(objectId);
      groupsOf.set(key, groups.then((ids) => new Set(ids), () => undefined));
    }
    return groupsOf.get(key)!;
  };
  for (const skip of plan.skips) {
    const inPlace = skip.relation && skip.relatedId && recycled.has(skip.objectId) ? (await read(skip.relation, skip.objectId))?.has(skip.relatedId) : false;
    (inPlace ? settled : outstanding).push(skip);
  }
  return { outstanding, settled };
}

class StepRunner {
  /** Passwords set at create time in this run, by create step id, until handed over: memory only. */
  private readonly passwords = new Map<string, string>();

  constructor(
    readonly plan: RestorePlan,
    readonly restoreId: string,
    readonly journal: Map<string, JournalStepDocument>,
    readonly records: RestoreRecords,
    readonly context: ExecuteContext,
    readonly lease: HeldLease,
    readonly now: () => Date,
  ) {}

  private succeeded(stepId: string): boolean {
    const status = this.journal.get(stepId)?.status;
    return status === 'done' || status === 'alreadyDone';
  }

  private async mark(steps: RestoreStep[], status: StepStatus, extra: (step: RestoreStep) => Partial<JournalStepDocument> = () => ({})): Promise<void> {
    const documents = steps.map((step) => {
      const document: JournalStepDocument = {
        ...(this.journal.get(step.id) ?? {}), ...this.records.base(this.restoreId, `step-${step.id}`), type: 'journalStep',
        restoreId: this.restoreId, stepId: step.id, status, updatedAt: this.now().toISOString(), ...extra(step),
      };
      if (status !== 'failed') delete document.failure;
      this.journal.set(step.id, document);
      return document;
    });
    await this.records.writeSteps(documents);
  }

  resolve(ref: ObjectRef): string | undefined {
    if ('id' in ref) return ref.id;
    return this.journal.get(ref.createdBy)?.createdId;
  }

  async run(): Promise<void> {
    // A new run retries every step that has not succeeded: failures of an earlier run may have been transient, and
    // every step is safe to repeat (creates look for what an interrupted attempt may have made).
    const pending = this.plan.steps.filter((s) => !this.succeeded(s.id));
    let index = 0;
    while (index < pending.length) {
      const step = pending[index];
      this.lease.assertHeld();
      if (step.dependsOn.some((d) => this.journal.get(d)?.status === 'failed' || this.journal.get(d)?.status === 'blocked')) {
        await this.mark([step], 'blocked', () => ({ note: `not run: step ${step.dependsOn.filter((d) => !this.succeeded(d)).join(', ')} did not succeed` }));
        index++;
        continue;
      }
      if (LINK_ACTIONS.has(step.action.type)) {
        const batch: RestoreStep[] = [];
        while (index < pending.length && LINK_ACTIONS.has(pending[index].action.type) && pending[index].dependsOn.every((d) => this.succeeded(d))) {
          batch.push(pending[index++]);
        }
        if (!batch.length) {
          await this.mark([step], 'blocked', () => ({ note: 'not run: a step it depends on has not run' }));
          index++;
          continue;
        }
        await this.runLinks(batch);
        continue;
      }
      await this.runOne(step);
      index++;
    }
  }

  private async runLinks(steps: RestoreStep[]): Promise<void> {
    await this.mark(steps, 'running');
    this.context.beforeWrite?.(steps);
    const writes: LinkWrite[] = steps.map((step) => this.linkWrite(step.action));
    const results: LinkWriteResult[] = await this.context.writer.applyLinkWrites(writes);
    for (const [i, step] of steps.entries()) {
      const result = results[i];
      if (result.outcome === 'failed') {
        await this.mark([step], 'failed', () => ({ failure: { ...result.failure!, message: result.failure?.message ?? 'failed' } }));
        await this.records.audit(this.restoreId, 'stepFailed', { stepId: step.id, statusCode: result.failure?.statusCode ?? null, code: result.failure?.code ?? null, requestId: result.failure?.requestId ?? null }, this.now());
      } else {
        await this.mark([step], result.outcome);
      }
    }
  }

  private linkWrite(action: RestoreAction): LinkWrite {
    const id = (ref: ObjectRef) => {
      const resolved = this.resolve(ref);
      if (!resolved) throw new Error('a link step refers to an object whose create step has not finished');
      return resolved;
    };
    switch (action.type) {
      case 'addLink':
      case 'removeLink':
        return { op: action.type === 'addLink' ? 'add' : 'remove', relation: action.relation, ownerId: id(action.owner), targetId: id(action.target) };
      case 'setManager':
        return { op: 'add', relation: 'manager', ownerId: id(action.user), targetId: id(action.manager) };
      case 'removeManager':
        return { op: 'remove', relation: 'manager', ownerId: id(action.user), targetId: action.before };
      case 'addRoleAssignment':
      case 'removeRoleAssignment':
        return { op: action.type === 'addRoleAssignment' ? 'add' : 'remove', relation: 'roleAssignment', ownerId: action.roleDefinitionId, targetId: id(action.principal), directoryScopeId: action.directoryScopeId };
      default:
        throw new Error(`${action.type} is not a link action`);
    }
  }

  private async runOne(step: RestoreStep): Promise<void> {
    const previous = this.journal.get(step.id)?.status;
    const mayHaveHappened = previous === 'running' || previous === 'failed';
    await this.mark([step], 'running');
    this.context.beforeWrite?.([step]);
    try {
      const outcome = await this.perform(step, mayHaveHappened);
      await this.mark([step], outcome.status, () => ({
        ...(outcome.createdId ? { createdId: outcome.createdId } : {}), ...(outcome.note ? { note: outcome.note } : {}), ...(outcome.credential ? { credential: outcome.credential } : {}),
      }));
    } catch (error) {
      const failure = describeFailure(error);
      const undelivered = isUndeliveredCredentialError(error);
      if (!undelivered && failure.statusCode === undefined && !(error instanceof Error && error.name === 'GraphRequestError')) throw error;
      await this.mark([step], 'failed', () => ({ failure }));
      await this.records.audit(this.restoreId, 'stepFailed', { stepId: step.id, statusCode: failure.statusCode ?? null, code: failure.code ?? null, requestId: failure.requestId ?? null, ...(undelivered ? { credentialNotDelivered: true } : {}) }, this.now());
    }
  }

  private async perform(step: RestoreStep, mayHaveHappened: boolean): Promise<{ status: 'done' | 'alreadyDone'; createdId?: string; note?: string; credential?: JournalStepDocument['credential'] }> {
    const writer = this.context.writer;
    const action = step.action;
    switch (action.type) {
      case 'restoreFromRecycleBin':
        return { status: await writer.restoreDeleted(action.objectId, action.newUserPrincipalName ? { newUserPrincipalName: action.newUserPrincipalName } : {}) };
      case 'createUser': {
        const upn = String(action.attributes.userPrincipalName);
        const existing = mayHaveHappened ? await writer.findUserByPrincipalName(upn) : undefined;
        if (existing) {
          await this.recordLineage(step, 'user', existing.id);
          return { status: 'alreadyDone', createdId: existing.id, note: 'created before an interruption; adopted' };
        }
        const password = randomPassword();
        const createdId = await writer.createUser(action.attributes, password);
        this.passwords.set(step.id, password);
        await this.recordLineage(step, 'user', createdId);
        return { status: 'done', createdId };
      }
      case 'createGroup': {
        const nickname = String(action.attributes.mailNickname);
        const existing = mayHaveHappened ? await writer.findByMailNickname('group', nickname) : undefined;
        if (existing) {
          await this.recordLineage(step, 'group', existing.id);
          return { status: 'alreadyDone', createdId: existing.id, note: 'created before an interruption; adopted' };
        }
        const createdId = await writer.createGroup(action.attributes);
        await this.recordLineage(step, 'group', createdId);
        return { status: 'done', createdId };
      }
      case 'updateAttributes': {
        const id = this.mustResolve(action.object);
        await writer.updateObject(action.kind, id, Object.fromEntries(action.changes.map((c) => [c.name, c.after])));
        return { status: 'done' };
      }
      case 'assignLicenses':
        await writer.assignLicenses(this.mustResolve(action.user), action.add, []);
        return { status: 'done' };
      case 'removeLicenses':
        await writer.assignLicenses(this.mustResolve(action.user), [], action.remove);
        return { status: 'done' };
      case 'deleteObject':
        return { status: await writer.deleteObject(action.kind, this.mustResolve(action.object)) };
      case 'issueCredential':
        return this.issueCredential(action);
      default:
        throw new Error(`unexpected single step ${action.type}`);
    }
  }

  /** A recreate (not a copy) continues the object it replaces: recorded before the create is journaled done. */
  private async recordLineage(step: RestoreStep, kind: 'user' | 'group', createdId: string): Promise<void> {
    const action = step.action as Extract<RestoreAction, { type: 'createUser' | 'createGroup' }>;
    if (action.type === 'createUser' && action.copy) return;
    await Lineage.record(this.context.store, this.context.tenantId, { kind, objectId: createdId, continues: action.replaces, restoreId: this.restoreId, stepId: step.id, recordedAt: this.now().toISOString() });
  }

  /**
   * Hands the new user's credential over. The password set at create time, if this run still holds it; otherwise
   * (the run that created the user stopped before the handover, or the handover failed) a new Temporary Access Pass.
   * Journaled `done` only after `deliverSecret` resolved; if the handover fails the credential is discarded and the
   * step fails, so a later run issues a fresh one.
   */
  private async issueCredential(action: Extract<RestoreAction, { type: 'issueCredential' }>): Promise<{ status: 'done'; note: string; credential: JournalStepDocument['credential'] }> {
    const writer = this.context.writer;
    const userId = this.mustResolve(action.user);
    const createStep = 'createdBy' in action.user ? action.user.createdBy : undefined;
    const upn = createdUserNames(this.plan, action.user).userPrincipalName || userId;
    const password = createStep ? this.passwords.get(createStep) : undefined;
    if (createStep) this.passwords.delete(createStep);
    let secret: DeliveredSecret;
    let note: string;
    if (action.method === 'password' && password) {
      secret = { restoreId: this.restoreId, userId, userPrincipalName: upn, kind: 'password', value: password };
      note = 'password handed over';
    } else {
      const tap = await writer.createTemporaryAccessPass(userId, { lifetimeInMinutes: 480, isUsableOnce: true });
      secret = { restoreId: this.restoreId, userId, userPrincipalName: upn, kind: 'temporaryAccessPass', value: tap.temporaryAccessPass, lifetimeInMinutes: tap.lifetimeInMinutes };
      note = action.method === 'password'
        ? 'the password set when the user was created never reached anyone (the run that set it stopped first, or its handover failed); a Temporary Access Pass was issued instead and handed over'
        : 'Temporary Access Pass handed over';
    }
    let receipt: DeliveryReceipt;
    try {
      receipt = await this.context.deliverSecret(secret);
    } catch (error) {
      throw new UndeliveredCredentialError(upn, error);
    }
    return { status: 'done', note: `${note} (${receipt.deliveredTo})`, credential: { method: secret.kind, deliveredTo: receipt.deliveredTo } };
  }

  private mustResolve(ref: ObjectRef): string {
    const id = this.resolve(ref);
    if (!id) throw new Error('a step refers to an object whose create step has not finished');
    return id;
  }
}

const UNDELIVERED_CREDENTIAL_ERROR_NAME = 'UndeliveredCredentialError';

/** The credential could not be handed over; it was discarded (never stored), and a later run issues a new one. */
class UndeliveredCredentialError extends Error {
  constructor(userPrincipalName: string, cause: unknown) {
    super(`the credential for ${userPrincipalName} could not be handed over (${cause instanceof Error ? cause.message : String(cause)}), so it was discarded`);
    this.name = UNDELIVERED_CREDENTIAL_ERROR_NAME;
  }
}

function isUndeliveredCredentialError(e: unknown): boolean {
  return e instanceof Error && e.name === UNDELIVERED_CREDENTIAL_ERROR_NAME;
}

function describeFailure(error: unknown): NonNullable<JournalStepDocument['failure']> {
  const e = error as { statusCode?: number; code?: string; message?: string; requestId?: string };
  return { ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}), ...(e.code ? { code: e.code } : {}), message: e.message ?? String(error), ...(e.requestId ? { requestId: e.requestId } : {}) };
}

