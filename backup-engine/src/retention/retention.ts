/**
 * Retention and integrity.
 *
 * Policy (default: the last snapshot of each day for 90 days, the last of each month for 7 years, and always the
 * latest). `planPrune` is pure: which snapshots to forget. `prune` then, holding the tenant's backup lease:
 * 1. deletes the forgotten snapshot headers (from then on nothing references their manifests);
 * 2. marks every manifest node and every (entry, version) a kept snapshot references;
 * 3. sweeps versions, chunks and tree nodes nobody references, and history events of snapshots that are not kept
 *    (including those of backups that never committed).
 * A version referenced by a kept manifest is never deleted: the mark covers all of them before the sweep starts.
 *
 * `check` re-hashes every stored version and verifies that every reference of every kept manifest resolves.
 */
import { SnapshotStore } from '../ports/snapshot-store';
import { contentHash } from '../snapshot/canonical';
import { ChunkDocument, HistoryDocument, SnapshotDocument, TreeNodeDocument, VersionDocument } from '../snapshot/documents';
import { manifestPartition } from '../snapshot/keys';
import { manifestNodeHashes } from '../snapshot/manifest';
import { SnapshotRepository } from '../snapshot/repository';
import { DEFAULT_LEASE_TTL_MS, acquireLease, holdLease } from '../backup/lease';

export interface RetentionPolicy {
  keepDailyForDays: number;
  keepMonthlyForMonths: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { keepDailyForDays: 90, keepMonthlyForMonths: 84 };

export interface PrunePlan {
  keep: string[];
  forget: { id: string; reason: string }[];
}

export function planPrune(snapshots: Pick<SnapshotDocument, 'id' | 'completedAt'>[], policy: RetentionPolicy, now: Date): PrunePlan {
  if (!Number.isInteger(policy.keepDailyForDays) || policy.keepDailyForDays < 1 || !Number.isInteger(policy.keepMonthlyForMonths) || policy.keepMonthlyForMonths < 0) {
    throw new RangeError('retention needs keepDailyForDays ≥ 1 and keepMonthlyForMonths ≥ 0 (whole numbers)');
  }
  const sorted = [...snapshots].sort((a, b) => (a.id < b.id ? -1 : 1));
  const keep = new Set<string>();
  if (sorted.length) keep.add(sorted.at(-1)!.id);
  const lastOfDay = new Map<string, string>();
  const lastOfMonth = new Map<string, string>();
  for (const s of sorted) {
    lastOfDay.set(s.completedAt.slice(0, 10), s.id);
    lastOfMonth.set(s.completedAt.slice(0, 7), s.id);
  }
  const dailyCutoff = now.getTime() - policy.keepDailyForDays * 86_400_000;
  const monthlyCutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - policy.keepMonthlyForMonths, 1)).toISOString().slice(0, 7);
  for (const [day, id] of lastOfDay) if (Date.parse(`${day}T23:59:59.999Z`) >= dailyCutoff) keep.add(id);
  for (const [month, id] of lastOfMonth) if (month >= monthlyCutoff && policy.keepMonthlyForMonths > 0) keep.add(id);
  const forget = sorted.filter((s) => !keep.has(s.id)).map((s) => ({
    id: s.id,
    reason: Date.parse(s.completedAt) >= dailyCutoff ? 'not the last snapshot of its day' : 'older than the daily window and not the last of its month',
  }));
  return { keep: sorted.filter((s) => keep.has(s.id)).map((s) => s.id), forget };
}

export interface PruneResult {
  plan: PrunePlan;
  deletedSnapshots: number;
  deletedVersions: number;
  deletedNodes: number;
  trimmedHistories: number;
  dryRun: boolean;
}

export async function prune(store: SnapshotStore, tenantId: string, options: { policy?: RetentionPolicy; now?: () => Date; dryRun?: boolean; owner?: string } = {}): Promise<PruneResult> {
  const now = options.now ?? (() => new Date());
  const repository = new SnapshotRepository(store, tenantId);
  const plan = planPrune(await repository.listSnapshots(), options.policy ?? DEFAULT_RETENTION, now());
  const result: PruneResult = { plan, deletedSnapshots: 0, deletedVersions: 0, deletedNodes: 0, trimmedHistories: 0, dryRun: !!options.dryRun };
  if (options.dryRun) return result;
  const lease = holdLease(await acquireLease(repository, options.owner ?? `prune:${process.pid}`, DEFAULT_LEASE_TTL_MS, now), DEFAULT_LEASE_TTL_MS, 'this tenant\'s prune');
  try {
    for (const { id } of plan.forget) {
      await repository.deleteSnapshot(id);
      result.deletedSnapshots++;
    }
    const kept = (await repository.listSnapshots()).filter((s) => plan.keep.includes(s.id));
    const keptIds = new Set(kept.map((s) => s.id));
    const liveNodes = new Set<string>();
    const liveVersions = new Set<string>();
    for (const snapshot of kept) {
      const { nodes, manifest } = await manifestNodeHashes(repository, snapshot.manifestHash);
      nodes.forEach((n) => liveNodes.add(n));
      for (const [key, hash] of manifest.entries) liveVersions.add(`${key}\n${hash}`);
    }
    const liveChunks = new Set<string>();
    const doomed: { pk: string; id: string }[] = [];
    for await (const version of store.queryTenant<VersionDocument>('objects', tenantId, { type: 'version' })) {
      if (liveVersions.has(`${version.key}\n${version.id}`)) version.chunks?.forEach((c) => liveChunks.add(`${version.key}\n${c}`));
      else doomed.push({ pk: version.pk, id: version.id });
    }
    for await (const chunk of store.queryTenant<ChunkDocument>('objects', tenantId, { type: 'chunk' })) {
      if (!liveChunks.has(`${chunk.key}\n${chunk.id}`)) doomed.push({ pk: chunk.pk, id: chunk.id });
    }
    result.deletedVersions = doomed.length;
    for await (const node of store.queryTenant<TreeNodeDocument>('objects', tenantId, { type: 'tree' })) {
      if (!liveNodes.has(node.id)) {
        doomed.push({ pk: manifestPartition(tenantId), id: node.id });
        result.deletedNodes++;
      }
    }
    lease.assertHeld();
    for (const key of doomed) await store.delete('objects', key);
    for await (const history of store.queryTenant<HistoryDocument>('objects', tenantId, { type: 'history' })) {
      const events = history.events.filter((e) => keptIds.has(e.snapshotId));
      if (events.length === history.events.length) continue;
      result.trimmedHistories++;
      if (events.length) await repository.writeHistory({ ...history, events });
      else await store.delete('objects', { pk: history.pk, id: history.id });
    }
    return result;
  } finally {
    await lease.release();
  }
}

export interface CheckProblem {
  kind: 'version-hash-mismatch' | 'missing-version' | 'missing-node' | 'node-hash-mismatch' | 'missing-chunk';
  detail: string;
}

export interface CheckResult {
  snapshots: number;
  versionsChecked: number;
  referencesChecked: number;
  problems: CheckProblem[];
}

export async function check(store: SnapshotStore, tenantId: string): Promise<CheckResult> {
  const repository = new SnapshotRepository(store, tenantId);
  const result: CheckResult = { snapshots: 0, versionsChecked: 0, referencesChecked: 0, problems: [] };
  const stored = new Set<string>();
  for await (const version of store.queryTenant<VersionDocument>('objects', tenantId, { type: 'version' })) {
    result.versionsChecked++;
    stored.add(`${version.key}\n${version.id}`);
    let body: unknown;
    try {
      body = await repository.readVersion(version.key, version.id);
    } catch (error) {
      result.problems.push({ kind: 'missing-chunk', detail: `${version.key} ${version.id}: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (contentHash(body) !== version.id) result.problems.push({ kind: 'version-hash-mismatch', detail: `${version.key} version ${version.id} no longer matches its content` });
  }
  for (const snapshot of await repository.listSnapshots()) {
    result.snapshots++;
    const nodes: TreeNodeDocument[] = [];
    const pk = manifestPartition(tenantId);
    const pending = [snapshot.manifestHash];
    while (pending.length) {
      const batch = pending.splice(0, pending.length);
      const documents = await store.readMany<TreeNodeDocument>('objects', batch.map((id) => ({ pk, id })));
      documents.forEach((d, i) => {
        result.referencesChecked++;
        if (!d) {
          result.problems.push({ kind: 'missing-node', detail: `snapshot ${snapshot.id} references manifest node ${batch[i]}, which is missing` });
          return;
        }
        const content = d.entries ? { entries: d.entries } : { children: d.children };
        if (contentHash(content) !== d.id) result.problems.push({ kind: 'node-hash-mismatch', detail: `manifest node ${d.id} of snapshot ${snapshot.id} no longer matches its content` });
        nodes.push(d);
        pending.push(...Object.values(d.children ?? {}));
      });
    }
    for (const node of nodes) {
      for (const [key, hash] of node.entries ?? []) {
        result.referencesChecked++;
        if (!stored.has(`${key}\n${hash}`)) result.problems.push({ kind: 'missing-version', detail: `snapshot ${snapshot.id} references ${key} version ${hash}, which is missing` });
      }
    }
  }
  return result;
}
