/** `rewind prune [--dry-run] [--keep-daily N] [--keep-monthly N]`: apply the retention policy (restic's plan, then execute). */
import { prune } from '../../retention/retention';
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { formatCount, formatTime, json, plural, table } from '../format';

export async function pruneCommand(ctx: CommandContext<'prune'>): Promise<number> {
  const { engine, queries, output, options } = ctx;
  const snapshots = new Map((await queries.listSnapshots()).map((s) => [s.id, s.completedAt]));
  const result = await prune(engine.store, queries.tenantId, { policy: options.policy, dryRun: options.dryRun, now: ctx.now });
  if (options.global.json) {
    output.stdout(json({ tenantId: queries.tenantId, policy: options.policy, ...result }));
    return ExitCode.ok;
  }
  const policy = `the last of each day for ${plural(options.policy.keepDailyForDays, 'day')}, of each month for ${plural(options.policy.keepMonthlyForMonths, 'month')}, and always the latest`;
  output.stdout(`Retention: keep ${policy}.\nKeep ${plural(result.plan.keep.length, 'snapshot')}, forget ${formatCount(result.plan.forget.length)}.\n`);
  if (result.plan.forget.length) {
    output.stdout(`\n${table(['FORGET', 'COMPLETED', 'WHY'], result.plan.forget.map((f) => [f.id, formatTime(snapshots.get(f.id)), f.reason]), { indent: '  ' })}`);
  }
  if (result.dryRun) {
    output.stdout('\nDry run: nothing was deleted. Run without --dry-run to prune.\n');
    return ExitCode.ok;
  }
  output.stdout(`\nDeleted ${plural(result.deletedSnapshots, 'snapshot')}, ${formatCount(result.deletedVersions)} versions and chunks, ${formatCount(result.deletedNodes)} manifest nodes; trimmed ${formatCount(result.trimmedHistories)} histories.\n`);
  return ExitCode.ok;
}
