/** `rewind snapshots`: committed snapshots of the tenant, oldest first. */
import type { EntryCounts } from '../../snapshot/documents';
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { formatBytes, formatCount, formatDuration, formatTime, json, table } from '../format';
import { snapshotSummary } from './backup';

export async function snapshotsCommand(ctx: CommandContext<'snapshots'>): Promise<number> {
  const { queries, output, options } = ctx;
  const snapshots = await queries.listSnapshots();
  if (options.global.json) {
    output.stdout(json({ tenantId: queries.tenantId, snapshots: snapshots.map(snapshotSummary) }));
    return ExitCode.ok;
  }
  if (!snapshots.length) {
    output.stdout(`No snapshots of tenant ${queries.tenantId} yet: run \`rewind backup\`.\n`);
    return ExitCode.ok;
  }
  const total = (counts: EntryCounts) => Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
  output.stdout(table(
    ['SNAPSHOT', 'COMPLETED', 'MODE', 'USERS', 'GROUPS', 'CREATED', 'CHANGED', 'DELETED', 'DURATION', 'STORED'],
    snapshots.map((s) => [
      s.id, formatTime(s.completedAt), s.mode, formatCount(s.counts.user ?? 0), formatCount(s.counts.group ?? 0),
      formatCount(total(s.changes.created)), formatCount(total(s.changes.changed)), formatCount(total(s.changes.deleted)),
      formatDuration(s.stats.durationMs), formatBytes(s.stats.storedBytes),
    ]),
  ));
  output.stdout(`\n${snapshots.length === 1 ? '1 snapshot' : `${snapshots.length} snapshots`} of tenant ${queries.tenantId}; CREATED/CHANGED/DELETED count stored entries (objects and relationship sets).\n`);
  return ExitCode.ok;
}
