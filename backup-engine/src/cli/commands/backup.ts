/** `rewind backup [--full]`: one backup of the configured tenant, progress on stderr, a summary of what changed. */
import { BackupProgress, runBackup } from '../../backup/run-backup';
import type { EntryCounts, SnapshotDocument } from '../../snapshot/documents';
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { CliOutput, fields, formatBytes, formatCount, formatDuration, formatTime, json, table } from '../format';
import { registerTenant } from '../tenant';

export async function backupCommand(ctx: CommandContext<'backup'>): Promise<number> {
  const { engine, output, options } = ctx;
  const progress = options.global.progress || output.stderrIsTTY ? progressReporter(output, output.stderrIsTTY) : undefined;
  let result;
  try {
    result = await runBackup(engine.gateway, engine.store, { mode: options.full ? 'full' : 'auto', now: ctx.now, onProgress: progress?.report });
  } finally {
    progress?.done();
  }
  const { snapshot, resumed } = result;
  const tenant = await engine.gateway.getTenant();
  await registerTenant(engine.store, tenant, snapshot.completedAt);
  if (options.global.json) {
    output.stdout(json({ tenantId: snapshot.tenantId, resumed, snapshot: snapshotSummary(snapshot) }));
    return ExitCode.ok;
  }
  output.stdout(`Snapshot ${snapshot.id} of ${tenant.displayName} (${snapshot.tenantId})${resumed ? ', resumed from an interrupted backup' : ''}\n\n`);
  output.stdout(fields([
    ['mode', snapshot.mode],
    ['completed', formatTime(snapshot.completedAt)],
    ['duration', formatDuration(snapshot.stats.durationMs)],
    ['Graph requests', `${formatCount(snapshot.stats.requests)} (${formatCount(snapshot.stats.resourceUnits)} resource units, ${formatCount(snapshot.stats.throttled)} throttled)`],
    ['stored', formatBytes(snapshot.stats.storedBytes)],
  ]));
  for (const note of snapshot.notes) output.stdout(`note: ${note}\n`);
  output.stdout('\n');
  output.stdout(changeTable(snapshot));
  return ExitCode.ok;
}

/** The snapshot header without its delta links (Graph cursors, of no use outside the engine). */
export function snapshotSummary(snapshot: SnapshotDocument) {
  return {
    id: snapshot.id, tenantId: snapshot.tenantId, mode: snapshot.mode, parentId: snapshot.parentId,
    startedAt: snapshot.startedAt, completedAt: snapshot.completedAt, manifestHash: snapshot.manifestHash,
    counts: snapshot.counts, changes: snapshot.changes, stats: snapshot.stats, notes: snapshot.notes,
  };
}

const KIND_ORDER = ['user', 'group', 'administrativeUnit', 'roleDefinition', 'roleAssignments', 'directoryRole', 'members', 'owners', 'unitMembers', 'links', 'subscribedSkus', 'recycleBin'];

export function changeTable(snapshot: SnapshotDocument): string {
  const kinds = KIND_ORDER.filter((k) => snapshot.counts[k as keyof EntryCounts] !== undefined || snapshot.changes.deleted[k as keyof EntryCounts] !== undefined);
  const n = (counts: EntryCounts, k: string) => formatCount(counts[k as keyof EntryCounts] ?? 0);
  return table(['ENTRIES', 'TOTAL', 'CREATED', 'CHANGED', 'DELETED'], kinds.map((k) => [
    k, n(snapshot.counts, k), n(snapshot.changes.created, k), n(snapshot.changes.changed, k), n(snapshot.changes.deleted, k),
  ]));
}

/**
 * On a terminal: one line rewritten in place, at most every 100 ms and on every phase change. Elsewhere (`--progress`
 * into a file or pipe): a line per phase change, and one a second at most within a phase.
 */
export function progressReporter(output: CliOutput, tty: boolean, clock: () => number = Date.now) {
  let lastPhase = '';
  let lastAt = 0;
  let shown = false;
  return {
    report(progress: BackupProgress) {
      const now = clock();
      const phaseChanged = progress.phase !== lastPhase;
      if (!phaseChanged && now - lastAt < (tty ? 100 : 1000)) return;
      lastPhase = progress.phase;
      lastAt = now;
      const line = `backup: ${progress.phase}${progress.pages ? `, ${formatCount(progress.pages)} pages` : ''}, ${formatCount(progress.entries)} entries`;
      output.stderr(tty ? `\r\x1b[K${line}` : `${line}\n`);
      shown = true;
    },
    done() {
      if (tty && shown) output.stderr('\r\x1b[K');
    },
  };
}
