/**
 * The restore engine's entry points, composed: plan from a snapshot (desired state + live state → pure plan),
 * re-plan for the drift check, and the same for undo. `bot/` and the CLI call these.
 */
import { DirectoryWriter } from '../ports/directory-writer';
import { SnapshotStore } from '../ports/snapshot-store';
import { SnapshotQueries } from '../query/snapshot-queries';
import { desiredStateFromSnapshot } from './desired-state';
import { readLiveState } from './live-state';
import { planRestore } from './plan';
import { PreRestoreDocument, RestoreRecords } from './records';
import { DEFAULT_RESTORE_OPTIONS, LiveState, RestoreOptions, RestorePlan, RestoreTarget } from './types';
import { planUndo } from './undo';

export interface PlanRequest {
  targets: RestoreTarget[] | 'allUsersAndGroups';
  /** Snapshot id, or a time; the latest snapshot when omitted. */
  at?: string | Date;
  options?: Partial<RestoreOptions>;
}

export async function planFromSnapshot(store: SnapshotStore, tenantId: string, writer: DirectoryWriter, request: PlanRequest): Promise<{ plan: RestorePlan; live: LiveState }> {
  const options: RestoreOptions = { ...DEFAULT_RESTORE_OPTIONS, ...request.options };
  const queries = new SnapshotQueries(store, tenantId);
  const { desired, targets } = await desiredStateFromSnapshot(queries, request.targets, request.at);
  const live = await readLiveState(writer, desired, targets, options);
  return { plan: planRestore(targets, desired, live, options), live };
}

/**
 * The re-plan an execution compares against: the same selection, snapshot and options as the stored plan. Undo
 * plans are re-derived from their restore's journal (their "live state" is the capture).
 */
export function replannerFor(store: SnapshotStore, tenantId: string, writer: DirectoryWriter, plan: RestorePlan): () => Promise<{ plan: RestorePlan; live: LiveState }> {
  return async () => {
    if (plan.source.kind === 'undo') {
      const undo = await planUndo(store, tenantId, plan.source.restoreId, () => new Date(plan.source.at));
      const records = new RestoreRecords(store, tenantId);
      const capture = await store.read<PreRestoreDocument>('catalog', records.key(plan.source.restoreId, 'preRestore'));
      if (!capture) throw new Error(`restore ${plan.source.restoreId} has no pre-restore capture`);
      return { plan: undo, live: capture.document.live };
    }
    const targets = plan.targets.map((t) => ({ kind: t.kind, id: t.id }));
    return planFromSnapshot(store, tenantId, writer, { targets, at: plan.source.snapshotId, options: plan.options });
  };
}
