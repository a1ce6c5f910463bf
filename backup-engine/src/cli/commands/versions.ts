/**
 * `rewind versions <kind> <name>`: distinct versions of one object, oldest first, and which attributes each changed;
 * across a recreate by Rewind (object lineage) the history continues, and each recreate is named (when, new id).
 * A role's versions are its periods (`SnapshotQueries.roleVersions`): a row for every snapshot where its definition
 * or its members (`roleAssignments:<id>`) changed, with the attributes changed and `+N/-M members`.
 */
import type { FoundObject, RoleVersionInfo } from '../../query/snapshot-queries';
import type { CommandContext } from '../context';
import { ExitCode } from '../errors';
import { formatSnapshot, formatTime, json, kindLabel, objectName, table, truncate } from '../format';
import { ENTRY_KIND, resolveObject } from '../resolve';

export async function versionsCommand(ctx: CommandContext<'versions'>): Promise<number> {
  const { queries, output, options } = ctx;
  const object = await resolveObject(queries, options.kind, options.name);
  const entryKind = ENTRY_KIND[options.kind];
  if (entryKind === 'roleDefinition') return roleVersionsCommand(ctx, object, await queries.roleVersions(object.id));
  const versions = await queries.versions(entryKind, object.id);
  const changed: string[][] = [[]];
  for (let i = 1; i < versions.length; i++) {
    const diff = await queries.diffVersions(entryKind, object.id, versions[i - 1].hash, versions[i].hash);
    changed.push(diff.attributes.map((a) => a.name));
  }
  const rows = versions.map((v, i) => ({ ...v, changedAttributes: changed[i] }));
  const recreations = await queries.recreations(object.id);
  if (options.global.json) {
    output.stdout(json({ object: { ...object, kind: kindLabel(object.kind) }, versions: rows, recreations }));
    return ExitCode.ok;
  }
  output.stdout(`${title(object, versions.length)}\n\n`);
  output.stdout(table(['#', 'VERSION', 'FIRST SEEN', 'LAST SEEN', 'PERIODS', 'CHANGED'], rows.map((v, i) => [
    i + 1, v.hash.slice(0, 12), formatTime(v.firstSeen.at), formatTime(v.lastSeen.at), v.periods, i === 0 ? '(first)' : truncate(v.changedAttributes.join(', ') || '(links only)', 70),
  ])));
  for (const r of recreations) {
    output.stdout(`\nRecreated by Rewind ${formatTime(r.at)} as ${r.to} (was ${r.from}), restore ${r.restoreId}: the versions before that are of the ${r.kind} it continues.\n`);
  }
  if (versions.length) output.stdout(`\nLast seen in ${formatSnapshot(versions.at(-1)!.lastSeen)}. Compare two with \`rewind diff ${options.kind} ${object.id} --from <version> --to <version>\`.\n`);
  return ExitCode.ok;
}

async function roleVersionsCommand(ctx: CommandContext<'versions'>, object: FoundObject, versions: RoleVersionInfo[]): Promise<number> {
  const { output, options } = ctx;
  if (options.global.json) {
    output.stdout(json({ object: { ...object, kind: kindLabel(object.kind) }, versions }));
    return ExitCode.ok;
  }
  output.stdout(`${title(object, versions.length)}\n\n`);
  output.stdout(table(['#', 'SNAPSHOT', 'FIRST SEEN', 'LAST SEEN', 'VERSION', 'MEMBERS', 'CHANGED'], versions.map((v, i) => [
    i + 1, v.firstSeen.snapshotId, formatTime(v.firstSeen.at), formatTime(v.lastSeen.at), v.hash.slice(0, 12), v.memberCount, i === 0 ? '(first)' : truncate(roleChanges(v), 70),
  ])));
  if (versions.length) output.stdout(`\nLast seen in ${formatSnapshot(versions.at(-1)!.lastSeen)}. Compare two with \`rewind diff ${options.kind} ${object.id} --from <snapshot> --to <snapshot>\`.\n`);
  return ExitCode.ok;
}

/** `description, +1/-2 members`: the attributes changed, then the members given and taken the role. */
function roleChanges(v: RoleVersionInfo): string {
  const members = v.membersAdded.length || v.membersRemoved.length ? [`+${v.membersAdded.length}/-${v.membersRemoved.length} members`] : [];
  return [...v.changedAttributes, ...members].join(', ');
}

function title(object: FoundObject, count: number): string {
  return `${kindLabel(object.kind)} ${objectName(object)} (${object.id})${object.existsNow ? '' : ', deleted since'}: ${count === 1 ? '1 version' : `${count} versions`}`;
}
