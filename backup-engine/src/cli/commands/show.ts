/**
 * `rewind show <kind> <name> [--at <time|snapshot>]`: the object's attributes as of a snapshot (default the latest;
 * for an object deleted since, its last stored version), with its relationships: memberships, ownerships, units,
 * roles, manager and licenses of users and groups; members and owners of groups; members of units; assignments of
 * roles.
 */
import type { CommandContext } from '../context';
import { ExitCode, NotFoundError } from '../errors';
import { cell, fields, formatSnapshot, json, kindLabel, objectName, table } from '../format';
import { ENTRY_KIND, resolveObject } from '../resolve';
import { LinkedObject, linkSetAt, roleAssignmentsAt } from '../links';

export async function showCommand(ctx: CommandContext<'show'>): Promise<number> {
  const { queries, output, options } = ctx;
  const object = await resolveObject(queries, options.kind, options.name);
  const entryKind = ENTRY_KIND[options.kind];
  let note: string | undefined;
  let found = await queries.objectAt(entryKind, object.id, options.at);
  if (!found && options.at === undefined) {
    const last = (await queries.versions(entryKind, object.id)).sort((a, b) => a.lastSeen.snapshotId.localeCompare(b.lastSeen.snapshotId)).at(-1);
    if (last) {
      found = await queries.objectAt(entryKind, object.id, last.lastSeen.snapshotId);
      note = `deleted since: this is its last stored version, as of ${formatSnapshot(last.lastSeen)}`;
    }
  }
  if (!found) {
    const snapshot = await queries.resolveSnapshot(options.at);
    throw new NotFoundError(
      `${options.kind} ${objectName(object)} (${object.id}) did not exist in snapshot ${snapshot.id} (${snapshot.completedAt})`,
      `see when it did with \`rewind versions ${options.kind} ${object.id}\``,
    );
  }
  const snapshot = await queries.resolveSnapshot(found.snapshot.snapshotId);
  const relationships = entryKind === 'user' || entryKind === 'group' ? await queries.relationshipsAt(entryKind, object.id, snapshot.id) : undefined;
  const members = entryKind === 'group' ? await linkSetAt(queries, 'members', object.id, snapshot) : entryKind === 'administrativeUnit' ? await linkSetAt(queries, 'unitMembers', object.id, snapshot) : undefined;
  const owners = entryKind === 'group' ? await linkSetAt(queries, 'owners', object.id, snapshot) : undefined;
  const assignments = entryKind === 'roleDefinition' ? await roleAssignmentsAt(queries, object.id, snapshot) : undefined;

  if (options.global.json) {
    output.stdout(json({
      object: { kind: kindLabel(object.kind), id: object.id, displayName: object.displayName, userPrincipalName: object.userPrincipalName, existsNow: object.existsNow },
      snapshot: found.snapshot, version: found.hash, note, attributes: found.body,
      ...(relationships ? { relationships } : {}), ...(members ? { members } : {}), ...(owners ? { owners } : {}), ...(assignments ? { assignments } : {}),
    }));
    return ExitCode.ok;
  }
  output.stdout(`${kindLabel(object.kind)} ${objectName(object)} (${object.id})\nas of ${formatSnapshot(found.snapshot)}, version ${found.hash.slice(0, 12)}\n`);
  if (note) output.stdout(`${note}\n`);
  const attributes = Object.entries(found.body).filter(([name]) => name !== 'managerId' && name !== 'links').sort(([a], [b]) => a.localeCompare(b));
  const shown = attributes.filter(([, value]) => !isEmpty(value));
  output.stdout(`\nAttributes\n${fields(shown, { indent: '  ' })}`);
  if (shown.length < attributes.length) output.stdout(`  (${attributes.length - shown.length} empty attributes not shown; --json has all)\n`);
  if (relationships) {
    const names = (list: LinkedObject[]) => (list.length ? list.map(linked).join('\n') : '(none)');
    const rel: [string, unknown][] = [];
    if (entryKind === 'user') rel.push(['manager', relationships.manager ? objectName(relationships.manager) : null]);
    rel.push(['member of', names(relationships.memberOf)], ['owner of', names(relationships.ownerOf)], ['units', names(relationships.administrativeUnits)]);
    rel.push(['roles', relationships.roles.length ? relationships.roles.map((r) => `${r.role.displayName}${r.directoryScopeId === '/' ? '' : ` (scope ${r.directoryScopeId})`}`).join('\n') : null]);
    if (entryKind === 'user') rel.push(['licenses', relationships.licenses.length ? relationships.licenses.map((l) => l.skuPartNumber).join(', ') : null]);
    output.stdout(`\nRelationships\n${fields(rel, { indent: '  ' })}`);
  }
  if (members) output.stdout(`\nMembers (${members.length})\n${members.length ? table(['KIND', 'NAME', 'ID'], members.map((m) => [kindLabel(m.kind), linked(m), m.id]), { indent: '  ' }) : '  (none)\n'}`);
  if (owners) output.stdout(`\nOwners (${owners.length})\n${owners.length ? table(['KIND', 'NAME', 'ID'], owners.map((m) => [kindLabel(m.kind), linked(m), m.id]), { indent: '  ' }) : '  (none)\n'}`);
  if (assignments) {
    output.stdout(`\nAssignments (${assignments.length})\n${assignments.length ? table(['PRINCIPAL', 'ID', 'SCOPE'], assignments.map((a) => [objectName(a.principal), a.principal.id, a.directoryScopeId]), { indent: '  ' }) : '  (none)\n'}`);
  }
  return ExitCode.ok;
}

function linked(o: LinkedObject): string {
  return 'userPrincipalName' in o ? objectName(o) : o.displayName;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && !value.length) || cell(value) === '{}';
}
