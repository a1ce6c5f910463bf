/**
 * `rewind diff tenant [--from] [--to]`: users, groups and units created, deleted and changed between two snapshots
 * (default: the last two), role membership changes with the snapshot where each was first seen, and the member and
 * owner sets that changed.
 */
import type { NamedObject } from '../../query/snapshot-queries';
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { formatSnapshot, formatTime, json, kindLabel, objectName, table } from '../format';

export async function diffTenantCommand(ctx: CommandContext<'diffTenant'>): Promise<number> {
  const { queries, output, options } = ctx;
  const diff = await queries.tenantDiff(options.from, options.to);
  const byKind = (list: NamedObject[]) => list.map((o) => ({ ...o, kind: kindLabel(o.kind) }));
  const summary = ['user', 'group', 'unit'].map((kind) => ({
    kind,
    created: byKind(diff.created).filter((o) => o.kind === kind).length,
    deleted: byKind(diff.deleted).filter((o) => o.kind === kind).length,
    changed: byKind(diff.changed).filter((o) => o.kind === kind).length,
  }));
  if (options.global.json) {
    output.stdout(json({
      from: diff.from, to: diff.to, summary,
      created: byKind(diff.created), deleted: byKind(diff.deleted), changed: byKind(diff.changed),
      roleChanges: diff.roleChanges, changedLinkSets: diff.changedLinkSets.map((s) => ({ ...s, owner: { ...s.owner, kind: kindLabel(s.owner.kind) } })),
    }));
    return ExitCode.ok;
  }
  output.stdout(`Tenant ${queries.tenantId}\nfrom ${formatSnapshot(diff.from)}\nto   ${formatSnapshot(diff.to)}\n`);
  if (diff.from.snapshotId === diff.to.snapshotId) {
    output.stdout('\nBoth sides are the same snapshot: nothing to compare (there is only one, or --from and --to name the same).\n');
    return ExitCode.ok;
  }
  const empty = !diff.created.length && !diff.deleted.length && !diff.changed.length && !diff.roleChanges.length && !diff.changedLinkSets.length;
  if (empty) {
    output.stdout('\nNo differences.\n');
    return ExitCode.ok;
  }
  output.stdout(`\n${table(['KIND', 'CREATED', 'DELETED', 'CHANGED'], summary.map((s) => [s.kind, s.created, s.deleted, s.changed]))}`);
  const section = (title: string, list: NamedObject[]) => {
    if (!list.length) return;
    output.stdout(`\n${title} (${list.length})\n${table(['KIND', 'NAME', 'ID'], list.map((o) => [kindLabel(o.kind), objectName(o), o.id]), { indent: '  ' })}`);
  };
  section('Created', diff.created);
  section('Deleted', diff.deleted);
  section('Changed', diff.changed);
  if (diff.roleChanges.length) {
    const rows = diff.roleChanges.flatMap((r) => [
      ...r.added.map((p) => [r.role.displayName, '+ added', objectName(p), p.id, formatTime(p.firstSeen.at)]),
      ...r.removed.map((p) => [r.role.displayName, '- removed', objectName(p), p.id, formatTime(p.firstSeen.at)]),
    ]);
    output.stdout(`\nRole membership changes (${rows.length})\n${table(['ROLE', 'CHANGE', 'PRINCIPAL', 'ID', 'FIRST SEEN'], rows, { indent: '  ' })}`);
  }
  if (diff.changedLinkSets.length) {
    const rows = diff.changedLinkSets.flatMap((s) => [
      ...s.added.map((m) => [objectName(s.owner), s.kind, '+ added', objectName(m), m.id]),
      ...s.removed.map((m) => [objectName(s.owner), s.kind, '- removed', objectName(m), m.id]),
    ]);
    output.stdout(`\nChanged member sets (${diff.changedLinkSets.length})\n${table(['OF', 'SET', 'CHANGE', 'NAME', 'ID'], rows, { indent: '  ' })}`);
  }
  return ExitCode.ok;
}
