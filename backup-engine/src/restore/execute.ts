/**
 * Requesting, approving and executing a restore.
 *
 * executeRestore runs an approved plan once:
 * 1. The stored plan must hash to its own hash and to the approved hash; the approval must be approved (or
 *    break-glass), unexpired and not consumed by another run. Consuming it is an etag-guarded write.
 * 2. First run only: the live state is re-read and the plan recomputed; if the hash differs the tenant drifted and
 *    the run stops with `NeedsReapprovalError` carrying the new plan. The fresh live state is stored as the
 *    pre-restore capture (what `undo` goes back to).
 * 3. Steps run in plan order. Each is journaled `running` before and `done` / `alreadyDone` / `failed` after; a step
 *    whose dependency failed is `blocked`. Link writes that are ready together go to Graph as `$batch`es. Creates are
 *    idempotent across crashes: before creating, a `running` create looks for the object by UPN / mailNickname and
 *    adopts it. Writes are paced to the write quota.
 * 4. A crash anywhere leaves the journal; running executeRestore again resumes from it.
 * The credential of a recreated user goes to `deliverSecret` and nowhere else: not the journal, not the audit, not logs.
 */
import { DirectoryWriter, LinkWrite, LinkWriteResult } from '../ports/directory-writer';
import { SnapshotStore, isPreconditionFailedError } from '../ports/snapshot-store';
import { planHashOf } from './plan';
import { randomPassword } from './password';
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
import { WritePacer } from './write-pacer';

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
  /** Distinct approvals needed: 2 for privileged plans by policy (the bot decides). */
  requiredApprovals?: number;
  approvalTtlMs?: number;
  undoes?: string;
}

/** Stores a plan as a restore request awaiting approval; returns its id. */
export async function requestRestore(store: SnapshotStore, input: RequestInput, now: () => Date = () => new Date()): Promise<string> {
  if (planHashOf(input.plan) !== input.plan.hash) throw new RestoreRefusedError('the plan does not match its own hash: it was altered');
  if (!input.reason.trim()) throw new RangeError('a restore needs a reason');
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
    requiredApprovals: Math.max(1, input.requiredApprovals ?? 1), decisions: [], status: 'pending',
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
 * Records one approver's decision (the caller has authorised the approver). The requester never approves their own
 * request; one person counts once; a reject ends the request.
 */
export async function decideRestore(store: SnapshotStore, tenantId: string, restoreId: string, decision: Omit<ApprovalDecision, 'at'>, now: () => Date = () => new Date()): Promise<ApprovalDocument> {
  const records = new RestoreRecords(store, tenantId);
  const request = await records.readRequest(restoreId);
  if (!request) throw new RestoreRefusedError(`there is no restore request ${restoreId}`);
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await records.readApproval(restoreId);
    if (!current) throw new RestoreRefusedError(`restore ${restoreId} has no approval record`);
    const approval = current.document;
    const at = now();
    if (approval.status !== 'pending') throw new RestoreRefusedError(`restore ${restoreId} is already ${approval.status}`);
    if (Date.parse(approval.expiresAt) <= at.getTime()) throw new RestoreRefusedError(`the approval window of ${restoreId} closed at ${approval.expiresAt}; request the restore again`);
    if (decision.objectId === request.requester.objectId) throw new RestoreRefusedError('the requester cannot approve their own restore');
    if (approval.decisions.some((d) => d.objectId === decision.objectId)) throw new RestoreRefusedError('you have already decided on this restore');
    approval.decisions.push({ ...decision, at: at.toISOString() });
    if (decision.decision === 'reject') approval.status = 'rejected';
    else if (approval.decisions.filter((d) => d.decision === 'approve').length >= approval.requiredApprovals) approval.status = 'approved';
    try {
      await store.upsert('catalog', approval, { ifMatch: current.etag });
    } catch (error) {
      if (isPreconditionFailedError(error)) continue;
      throw error;
    }
    await records.audit(restoreId, decision.decision === 'approve' ? 'approved' : 'rejected', { comment: decision.comment ?? null, status: approval.status }, at, decision.objectId);
    return approval;
  }
  throw new RestoreRefusedError('too many concurrent decisions on this restore; try again');
}

type ApprovalDecision = ApprovalDocument['decisions'][number];

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

export interface ExecuteContext {
  writer: DirectoryWriter;
  store: SnapshotStore;
  tenantId: string;
  /** Recomputes the plan (and returns the live state it used) for the drift check and the pre-restore capture. */
  replan: () => Promise<{ plan: RestorePlan; live: LiveState }>;
  deliverSecret?: (secret: DeliveredSecret) => void;
  pacer?: WritePacer;
  now?: () => Date;
  /** Called before a step (or a batch of steps) goes to Graph; throwing here is a crash, for tests. */
  beforeWrite?: (steps: RestoreStep[]) => void;
  /**
   * Called once the approval is consumed (or found consumed, on a resume) and before the first write: from here the
   * restore counts as running. A failure of the callback is the caller's to report; it never stops the restore.
   */
  onRunning?: () => Promise<void>;
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
  const approvalRead = await records.readApproval(restoreId);
  if (!approvalRead) throw new RestoreRefusedError(`restore ${restoreId} has no approval record`);
  const approval = approvalRead.document;
  if (approval.planHash !== plan.hash) throw new RestoreRefusedError(`the approval of ${restoreId} is for another plan (${approval.planHash.slice(0, 12)}…): refusing`);
  const journal = await records.readJournal(restoreId);
  const resumed = approval.status === 'consumed';
  if (!resumed) {
    if (approval.status !== 'approved') throw new RestoreRefusedError(`restore ${restoreId} is ${approval.status}, not approved`);
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
  const runner = new StepRunner(plan, restoreId, journal, records, context, now);
  const startedAt = now().toISOString();
  await runner.run();
  const steps = plan.steps.map((s) => {
    const entry = runner.journal.get(s.id)!;
    return { stepId: s.id, status: entry.status, description: s.description, ...(entry.failure ? { failure: entry.failure } : {}), ...(entry.note ? { note: entry.note } : {}) };
  });
  const counts = { running: 0, done: 0, alreadyDone: 0, failed: 0, blocked: 0 } as Record<StepStatus, number>;
  for (const s of steps) counts[s.status]++;
  const { outstanding, settled } = await settleSkippedLinks(plan, (stepId) => runner.journal.get(stepId)?.status, context.writer);
  const status: RestoreStatus = counts.failed || counts.blocked || outstanding.length ? 'incomplete' : 'complete';
  const result: RestoreResultDocument = { ...records.base(restoreId, 'result'), type: 'restoreResult', restoreId, status, startedAt, finishedAt: now().toISOString(), counts, skips: outstanding.length };
  await context.store.upsert('catalog', result);
  const skipRefs = (list: PlanSkip[]) => list.map((s) => ({ reason: s.reason, objectId: s.objectId, relatedId: s.relatedId ?? null }));
  await records.audit(restoreId, 'finished', { status, counts, skips: skipRefs(outstanding), settledSkips: skipRefs(settled), failures: steps.filter((s) => s.failure).map((s) => ({ stepId: s.stepId, ...s.failure })) }, now());
  return { restoreId, status, steps, skips: outstanding, settledSkips: settled, resumed };
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
  private readonly passwords = new Map<string, string>();

  constructor(
    readonly plan: RestorePlan,
    readonly restoreId: string,
    readonly journal: Map<string, JournalStepDocument>,
    readonly records: RestoreRecords,
    readonly context: ExecuteContext,
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
    await this.context.pacer?.take(writes.length);
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
    if (this.writesGraph(step)) await this.context.pacer?.take(1);
    try {
      const outcome = await this.perform(step, mayHaveHappened);
      await this.mark([step], outcome.status, () => ({ ...(outcome.createdId ? { createdId: outcome.createdId } : {}), ...(outcome.note ? { note: outcome.note } : {}) }));
    } catch (error) {
      const failure = describeFailure(error);
      if (failure.statusCode === undefined && !(error instanceof Error && error.name === 'GraphRequestError')) throw error;
      await this.mark([step], 'failed', () => ({ failure }));
      await this.records.audit(this.restoreId, 'stepFailed', { stepId: step.id, statusCode: failure.statusCode ?? null, code: failure.code ?? null, requestId: failure.requestId ?? null }, this.now());
    }
  }

  /** Handing over a password made at create time is not a Graph write (and does not count against the quota). */
  private writesGraph(step: RestoreStep): boolean {
    const action = step.action;
    if (action.type !== 'issueCredential' || action.method !== 'password') return true;
    return !('createdBy' in action.user && this.passwords.has(action.user.createdBy));
  }

  private async perform(step: RestoreStep, mayHaveHappened: boolean): Promise<{ status: 'done' | 'alreadyDone'; createdId?: string; note?: string }> {
    const writer = this.context.writer;
    const action = step.action;
    switch (action.type) {
      case 'restoreFromRecycleBin':
        return { status: await writer.restoreDeleted(action.objectId, action.newUserPrincipalName ? { newUserPrincipalName: action.newUserPrincipalName } : {}) };
      case 'createUser': {
        const upn = String(action.attributes.userPrincipalName);
        const existing = mayHaveHappened ? await writer.findUserByPrincipalName(upn) : undefined;
        if (existing) return { status: 'alreadyDone', createdId: existing.id, note: 'created before an interruption; adopted' };
        const password = randomPassword();
        const createdId = await writer.createUser(action.attributes, password);
        this.passwords.set(step.id, password);
        return { status: 'done', createdId };
      }
      case 'createGroup': {
        const nickname = String(action.attributes.mailNickname);
        const existing = mayHaveHappened ? await writer.findByMailNickname('group', nickname) : undefined;
        if (existing) return { status: 'alreadyDone', createdId: existing.id, note: 'created before an interruption; adopted' };
        return { status: 'done', createdId: await writer.createGroup(action.attributes) };
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
      case 'issueCredential': {
        const userId = this.mustResolve(action.user);
        const createStep = 'createdBy' in action.user ? action.user.createdBy : undefined;
        const upn = String((this.plan.steps.find((s) => s.id === createStep)?.action as { attributes?: Record<string, unknown> } | undefined)?.attributes?.userPrincipalName ?? userId);
        const password = createStep ? this.passwords.get(createStep) : undefined;
        if (action.method === 'password' && password) {
          this.context.deliverSecret?.({ restoreId: this.restoreId, userId, userPrincipalName: upn, kind: 'password', value: password });
          this.passwords.delete(createStep!);
          return { status: 'done', note: 'password delivered to the requester' };
        }
        const tap = await writer.createTemporaryAccessPass(userId, { lifetimeInMinutes: 480, isUsableOnce: true });
        this.context.deliverSecret?.({ restoreId: this.restoreId, userId, userPrincipalName: upn, kind: 'temporaryAccessPass', value: tap.temporaryAccessPass, lifetimeInMinutes: tap.lifetimeInMinutes });
        return {
          status: 'done',
          note: action.method === 'password' ? 'the password was lost with an interrupted run; a Temporary Access Pass was issued instead' : 'Temporary Access Pass delivered to the requester',
        };
      }
      default:
        throw new Error(`unexpected single step ${action.type}`);
    }
  }

  private mustResolve(ref: ObjectRef): string {
    const id = this.resolve(ref);
    if (!id) throw new Error('a step refers to an object whose create step has not finished');
    return id;
  }
}

function describeFailure(error: unknown): NonNullable<JournalStepDocument['failure']> {
  const e = error as { statusCode?: number; code?: string; message?: string; requestId?: string };
  return { ...(e.statusCode !== undefined ? { statusCode: e.statusCode } : {}), ...(e.code ? { code: e.code } : {}), message: e.message ?? String(error), ...(e.requestId ? { requestId: e.requestId } : {}) };
}

