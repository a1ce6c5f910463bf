/**
 * The restore engine's one entry point (style practice 17): a client over one tenant's store and directory writer
 * that plans, requests, decides and executes restores. The bot, the CLI, undo and alert restores all go through
 * it; nothing re-assembles the executor's wiring by hand, so nothing can run a restore without the drift check,
 * the execution lease, or the Graph writer's write pacing (graph/policies/write-pacer.ts, inside the writer).
 */
import { DirectoryWriter } from '../ports/directory-writer';
import { SnapshotStore } from '../ports/snapshot-store';
import {
  ApprovalDocument,
  RestoreRecords,
} from './records';
import {
  DeliverSecret,
  RequestInput,
  RestoreOutcome,
  breakGlassApprove,
  decideRestore,
  executeRestore,
  requestRestore,
} from './execute';
import { Approver } from './approval';
import { PlanRequest, planFromSnapshot, replannerFor } from './service';
import { LiveState, RestorePlan, RestoreStep } from './types';
import { planUndo } from './undo';

export interface RestoresOptions {
  store: SnapshotStore;
  writer: DirectoryWriter;
  tenantId: string;
  now?: () => Date;
  /** Who executes (`cli:alice`, `bot`): recorded in the execution lease with a run id, the host and the process. */
  owner?: string;
}

export interface ExecuteOptions {
  /** Hands a recreated user's credential to the requester or operator; resolves once it arrived. */
  deliverSecret: DeliverSecret;
  /** Called once the restore counts as running (approval consumed), before the first write. */
  onRunning?: () => Promise<void>;
  /** Tests only: called before each Graph write; throwing there is a crash. */
  beforeWrite?: (steps: RestoreStep[]) => void;
  /** Tests only: the execution lease's lifetime. */
  leaseTtlMs?: number;
}

export class Restores {
  readonly records: RestoreRecords;
  private readonly now: () => Date;

  constructor(readonly options: RestoresOptions) {
    this.records = new RestoreRecords(options.store, options.tenantId);
    this.now = options.now ?? (() => new Date());
  }

  get tenantId(): string {
    return this.options.tenantId;
  }

  /** A plan from a snapshot against the live tenant, and the live state it was computed against. Pure reads. */
  plan(request: PlanRequest): Promise<{ plan: RestorePlan; live: LiveState }> {
    return planFromSnapshot(this.options.store, this.options.tenantId, this.options.writer, request);
  }

  /** The undo plan of a restore that ran. */
  planUndo(restoreId: string): Promise<RestorePlan> {
    return planUndo(this.options.store, this.options.tenantId, restoreId, this.now);
  }

  /** Stores a plan as a request awaiting approval (one or two approvals, by the plan's sensitivity); its id. */
  request(input: RequestInput): Promise<string> {
    return requestRestore(this.options.store, input, this.now);
  }

  /** One decision, judged by the approval state machine; `isSecurityLead` is the live membership the caller read. */
  decide(restoreId: string, decision: Approver & { decision: 'approve' | 'reject'; comment?: string }): Promise<ApprovalDocument> {
    return decideRestore(this.options.store, this.options.tenantId, restoreId, decision, this.now);
  }

  breakGlass(restoreId: string, by: string, reason: string): Promise<void> {
    return breakGlassApprove(this.options.store, this.options.tenantId, restoreId, by, reason, this.now);
  }

  /** Runs (or resumes) an approved restore: drift check, lease, journal, paced writes, credentials handed over. */
  async execute(restoreId: string, options: ExecuteOptions): Promise<RestoreOutcome> {
    const request = await this.records.readRequest(restoreId);
    const { store, writer, tenantId } = this.options;
    return executeRestore(restoreId, {
      store, writer, tenantId, now: this.now, deliverSecret: options.deliverSecret,
      // No request: executeRestore refuses before it would re-plan.
      replan: request ? replannerFor(store, tenantId, writer, request.plan) : async () => { throw new Error(`there is no restore request ${restoreId}`); },
      ...(this.options.owner ? { owner: this.options.owner } : {}),
      ...(options.onRunning ? { onRunning: options.onRunning } : {}),
      ...(options.beforeWrite ? { beforeWrite: options.beforeWrite } : {}),
      ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    });
  }
}
