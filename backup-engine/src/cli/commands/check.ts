/** `rewind check`: re-hash every stored version, verify every snapshot reference; exit 5 when anything is wrong. */
import { check } from '../../retention/retention';
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { formatCount, json, table } from '../format';

export async function checkCommand(ctx: CommandContext<'check'>): Promise<number> {
  const { engine, queries, output, options } = ctx;
  const result = await check(engine.store, queries.tenantId);
  const exitCode = result.problems.length ? ExitCode.problems : ExitCode.ok;
  if (options.global.json) {
    output.stdout(json({ tenantId: queries.tenantId, ok: !result.problems.length, ...result }));
    return exitCode;
  }
  output.stdout(`Checked ${formatCount(result.snapshots)} snapshots, ${formatCount(result.versionsChecked)} stored versions, ${formatCount(result.referencesChecked)} references.\n`);
  if (!result.problems.length) {
    output.stdout('No problems found.\n');
    return exitCode;
  }
  output.stdout(`\n${result.problems.length} problems:\n${table(['PROBLEM', 'DETAIL'], result.problems.map((p) => [p.kind, p.detail]), { indent: '  ' })}`);
  output.stderr('The store is damaged: snapshots that reference missing or altered versions cannot be trusted for restores. Run `rewind backup --full` to store fresh versions.\n');
  return exitCode;
}
