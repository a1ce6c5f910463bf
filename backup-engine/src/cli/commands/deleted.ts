/** `rewind deleted [--since 24h|7d|date]`: users, groups and units gone since then, and whether the recycle bin still has them. */
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { formatTime, json, kindLabel, table } from '../format';

export async function deletedCommand(ctx: CommandContext<'deleted'>): Promise<number> {
  const { queries, output, options } = ctx;
  const deleted = await queries.deletedSince(options.since);
  const rows = deleted.map((d) => ({ ...d, kind: kindLabel(d.kind) }));
  if (options.global.json) {
    output.stdout(json({ since: options.since.toISOString(), deleted: rows }));
    return ExitCode.ok;
  }
  if (!rows.length) {
    output.stdout(`Nothing was deleted since ${formatTime(options.since)} (${options.sinceText}).\n`);
    return ExitCode.ok;
  }
  output.stdout(table(['KIND', 'NAME', 'UPN', 'ID', 'GONE IN SNAPSHOT', 'RECYCLE BIN'], rows.map((d) => [
    d.kind, d.displayName, d.userPrincipalName ?? '', d.id, `${d.deletedIn.snapshotId} (${formatTime(d.deletedIn.at)})`, d.inRecycleBin ? 'yes (restorable)' : 'no',
  ])));
  output.stdout(`\n${rows.length} deleted since ${formatTime(options.since)}; see the last version with \`rewind show <kind> <id>\`.\n`);
  return ExitCode.ok;
}
