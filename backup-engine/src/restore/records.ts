/**
 * The records of a restore request, in the `catalog` container:
 *
 *   partition `<tenantId>|restore|<restoreId>`:
 *     `request`     the plan as approved, requester, reason, ticket (immutable once written)
 *     `approval`    decisions and state: pending → approved | rejected | expired; approved → consumed (etag-guarded)
 *     `preRestore`  the live state read just before execution (what undo returns to)
 *     `execution`   the execution lease while a run holds it (one run at a time; renewed every 20 s, 60 s lifetime)
 *     `step-sNNN`   the journal: one document per step, written before (`running`) and after (`done`/`failed`/`blocked`)
 *     `result`      the outcome once the run ends
 *   partition `<tenantId>|audit`: append-only events (`<restoreId>|<seq>`), never updated or deleted.
 *
 * Secrets (passwords, Temporary Access Passes) never appear in any of them.
 */
import { randomBytes } from 'node:crypto';
import { SnapshotStore, StoredDocument, isConflictError } from '../ports/snapshot-store';
import { LiveState, RestorePlan } from './types';

export interface RestoreRequestDocument extends StoredDocument {
  type: 'restoreRequest';
  restoreId: string;
  plan: RestorePlan;
  requester: { objectId: string; displayName?: string };
  reason: string;
  ticket?: string;
  createdAt: string;
  /** Set when this request undoes another restore. */
  undoes?: string;
}

export interface ApprovalDecision {
  objectId: string;
  displayName?: string;
  decision: 'approve' | 'reject';
  comment?: string;
  at: string;
}

export interface ApprovalDocument extends StoredDocument {
  type: 'approval';
  restoreId: string;
  planHash: string;
  requiredApprovals: number;
  decisions: ApprovalDecision[];
  status: 'pending' | 'approved' | 'rejected' | 'consumed';
  expiresAt: string;
  breakGlass?: { by: string; reason: string; at: string };
  consumedAt?: string;
}

export type StepStatus = 'running' | 'done' | 'alreadyDone' | 'failed' | 'blocked';

export interface JournalStepDocument extends StoredDocument {
  type: 'journalStep';
  restoreId: string;
  stepId: string;
  status: StepStatus;
  /** The id of the object a create step made (what later steps' `createdBy` refs resolve to). */
  createdId?: string;
  failure?: { statusCode?: number; code?: string; message: string; requestId?: string };
  note?: string;
  /** An `issueCredential` step that is done: how the credential was handed over and where (never the secret). */
  credential?: { method: 'password' | 'temporaryAccessPass'; deliveredTo: string };
  updatedAt: string;
}

export interface PreRestoreDocument extends StoredDocument {
  type: 'preRestore';
  restoreId: string;
  capturedAt: string;
  live: LiveState;
}

export type RestoreStatus = 'complete' | 'incomplete' | 'failed';

export interface RestoreResultDocument extends StoredDocument {
  type: 'restoreResult';
  restoreId: string;
  status: RestoreStatus;
  startedAt: string;
  finishedAt: string;
  counts: Record<StepStatus, number>;
  skips: number;
}

export interface AuditEventDocument extends StoredDocument {
  type: 'audit';
  restoreId: string;
  seq: number;
  at: string;
  event: 'planned' | 'approved' | 'rejected' | 'breakGlass' | 'executionStarted' | 'needsReapproval' | 'stepFailed' | 'finished' | 'undoPlanned' | TenantEvent;
  actor?: string;
  detail: Record<string, unknown>;
}

/** Events about no one restore (`restoreId` is `-`): a Teams activity from another tenant, refused unread. */
export type TenantEvent = 'activityRefused';
export const NO_RESTORE = '-';

export function restorePartition(tenantId: string, restoreId: string): string {
  return `${tenantId}|restore|${restoreId}`;
}

export function auditPartition(tenantId: string): string {
  return `${tenantId}|audit`;
}

/** `r-20261125-120000-1a2b3c`: sortable by creation time, short enough to type in Teams. */
export function newRestoreId(at: Date): string {
  return `r-${at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}-${randomBytes(3).toString('hex')}`;
}

export class RestoreRecords {
  constructor(readonly store: SnapshotStore, readonly tenantId: string) {}

  key(restoreId: string, id: string) {
    return { pk: restorePartition(this.tenantId, restoreId), id };
  }

  base(restoreId: string, id: string) {
    return { id, pk: restorePartition(this.tenantId, restoreId), tenantId: this.tenantId };
  }

  async readRequest(restoreId: string): Promise<RestoreRequestDocument | undefined> {
    return (await this.store.read<RestoreRequestDocument>('catalog', this.key(restoreId, 'request')))?.document;
  }

  async readApproval(restoreId: string) {
    return this.store.read<ApprovalDocument>('catalog', this.key(restoreId, 'approval'));
  }

  async readJournal(restoreId: string): Promise<Map<string, JournalStepDocument>> {
    const steps = new Map<string, JournalStepDocument>();
    for await (const d of this.store.queryPartition<JournalStepDocument>('catalog', restorePartition(this.tenantId, restoreId), { type: 'journalStep' })) steps.set(d.stepId, d);
    return steps;
  }

  async writeSteps(documents: JournalStepDocument[]): Promise<void> {
    await Promise.all(documents.map((d) => this.store.upsert('catalog', d)));
  }

  /** Appends an audit event; the sequence number makes the id unique, and an existing id is never overwritten. */
  async audit(restoreId: string, event: AuditEventDocument['event'], detail: Record<string, unknown>, at: Date, actor?: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      let seq = 0;
      for await (const d of this.store.queryPartition<AuditEventDocument>('catalog', auditPartition(this.tenantId), { type: 'audit' })) {
        if (d.restoreId === restoreId) seq = Math.max(seq, d.seq);
      }
      const document: AuditEventDocument = {
        id: `${restoreId}|${String(seq + 1).padStart(4, '0')}`, pk: auditPartition(this.tenantId), tenantId: this.tenantId, type: 'audit',
        restoreId, seq: seq + 1, at: at.toISOString(), event, detail, ...(actor ? { actor } : {}),
      };
      try {
        await this.store.insert('catalog', document);
        return;
      } catch (error) {
        if (!isConflictError(error)) throw error;
      }
    }
    throw new Error(`could not append an audit event for ${restoreId}: too many concurrent writers`);
  }

  /** Appends an event that belongs to no restore, under an id of its own (time + random), never overwritten. */
  async auditTenantEvent(event: TenantEvent, detail: Record<string, unknown>, at: Date, actor?: string): Promise<void> {
    const document: AuditEventDocument = {
      id: `${NO_RESTORE}|${at.toISOString()}|${randomBytes(4).toString('hex')}`, pk: auditPartition(this.tenantId), tenantId: this.tenantId, type: 'audit',
      restoreId: NO_RESTORE, seq: 0, at: at.toISOString(), event, detail, ...(actor ? { actor } : {}),
    };
    await this.store.insert('catalog', document);
  }

  async auditTrail(restoreId?: string): Promise<AuditEventDocument[]> {
    const events: AuditEventDocument[] = [];
    for await (const d of this.store.queryPartition<AuditEventDocument>('catalog', auditPartition(this.tenantId), { type: 'audit' })) {
      if (!restoreId || d.restoreId === restoreId) events.push(d);
    }
    // One restore's events in their sequence; all events (several restores, refused activities) in time order.
    const order = (a: AuditEventDocument, b: AuditEventDocument) => (restoreId || a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1);
    return events.sort(order);
  }
}
